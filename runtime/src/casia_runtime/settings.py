"""Settings every CASIA process shares, read once from ``CASIA_*`` environment variables.

Each service subclasses :class:`RuntimeSettings` with its own fields and default port; the
composition root builds it once and hands it down (no global settings object).
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class RuntimeSettings(BaseSettings):
    """Connection settings of the infrastructure; local defaults match ``make up``."""

    model_config = SettingsConfigDict(env_prefix="CASIA_", frozen=True, extra="ignore")

    service_name: str = "casia"
    http_host: str = "127.0.0.1"
    http_port: int = 8000

    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_request_timeout_seconds: float = Field(default=10.0, gt=0)
    """How long the producer waits for one produce request. A record handed to the producer is
    delivered or given up within twice this (:attr:`kafka_delivery_bound_seconds`)."""
    mongo_uri: str = "mongodb://127.0.0.1:27017/?replicaSet=rs0"
    mongo_db: str = "casia"
    mongo_timeout_seconds: float = Field(default=10.0, gt=0)
    """Every MongoDB operation (a transaction with its retries included) gives up after this:
    a frozen database makes a request fail in bounded time instead of hanging."""

    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = "casia"
    s3_secret_key: SecretStr = SecretStr("casia-local-secret")
    s3_secure: bool = False

    log_level: str = "INFO"
    log_json: bool = True

    consumers_per_topic: int = Field(default=1, ge=1)
    """Kafka consumers per subscribed topic in one process. Each owns some partitions and takes a
    poll's records as one batch, its partitions in parallel and each partition in order; one is
    enough to keep a process busy, and more only split the batches and add idle polling."""

    dead_letter_after_attempts: int = Field(default=5, ge=1)
    """A message that fails this many times in a row goes to the service's dead-letter topic."""

    failpoints: str = ""
    """Crash tests only: the named points at which this process kills itself
    (:mod:`casia_runtime.failpoints`). Empty everywhere else."""

    relay_batch_size: int = Field(default=200, ge=1)
    relay_idle_poll_seconds: float = Field(default=0.2, gt=0)
    relay_lease_seconds: float = Field(default=30.0, gt=0)
    """How long a relay's claim on its outbox lasts. It must outlast one delivery
    (:attr:`kafka_delivery_bound_seconds`): a relay publishes a batch only while its lease has
    that much left, so the batch is acknowledged or failed before another relay may take over."""

    @property
    def kafka_delivery_bound_seconds(self) -> float:
        """After this long a record handed to the producer is either acknowledged or failed: its
        batch expires after one request timeout and the request in flight takes at most another."""
        return 2 * self.kafka_request_timeout_seconds

    @model_validator(mode="after")
    def _relay_lease_outlasts_a_delivery(self) -> Self:
        if self.relay_lease_seconds <= self.kafka_delivery_bound_seconds:
            raise ValueError(
                f"relay_lease_seconds ({self.relay_lease_seconds}) must be greater than the Kafka delivery "
                f"bound, 2 x kafka_request_timeout_seconds ({self.kafka_delivery_bound_seconds}): a relay "
                "must be able to finish publishing a batch before its lease can pass to another relay"
            )
        return self

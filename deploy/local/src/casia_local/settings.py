"""Settings of the local stack: every value from a CASIA_* variable, with local defaults.

Each piece of infrastructure is described by the address clients use. A piece whose address is on
loopback is started and stopped by casia-local ("managed"); any other address is an existing server
that casia-local only checks and initialises. CASIA_MANAGE_<PIECE>=true|false overrides that guess.
"""

from __future__ import annotations

import os
import sysconfig
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from casia_contracts.topics import SERVICES

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
PORTAL = "portal"
TRACES_FILE = "traces.jsonl"
"""The spans of every process of the stack, one JSON object per line, under its logs."""
SERVICE_NAMES = (*(str(service) for service in SERVICES), PORTAL)
"""The five message-driven services, then the portal (a client of the gateway only)."""
DEFAULT_SERVICE_PORTS = {
    **{name: 8000 + index for index, name in enumerate(str(service) for service in SERVICES)},
    PORTAL: 8080,
}


class SettingsError(ValueError):
    """A CASIA_* variable has a value casia-local cannot use."""


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    @property
    def is_loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class KafkaSettings:
    bootstrap: str
    controller_port: int
    impl: str
    managed: bool

    @property
    def endpoint(self) -> Endpoint:
        return parse_endpoint(self.bootstrap.split(",")[0], default_port=9092)


@dataclass(frozen=True)
class MongoSettings:
    uri: str
    database: str
    managed: bool

    @property
    def endpoint(self) -> Endpoint:
        return mongo_endpoint(self.uri)


@dataclass(frozen=True)
class S3Settings:
    endpoint_address: str
    console_port: int
    access_key: str
    secret_key: str
    impl: str
    managed: bool

    @property
    def endpoint(self) -> Endpoint:
        return parse_endpoint(self.endpoint_address, default_port=9000)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    ui_port: int
    managed: bool

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(self.host, self.port)

    @property
    def ui_url(self) -> str:
        return f"http://{self.host}:{self.ui_port}"


@dataclass(frozen=True)
class Settings:
    repo: Path
    home: Path
    cache: Path
    kafka: KafkaSettings
    mongo: MongoSettings
    s3: S3Settings
    smtp: SmtpSettings
    auth_dev_secret: str | None
    service_ports: Mapping[str, int]
    scripts_dir: Path
    ready_timeout: float
    traces: bool = True
    """Whether the stack's processes record spans (``CASIA_LOCAL_TRACES=none`` turns it off, to
    measure what tracing costs)."""

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def run_dir(self) -> Path:
        return self.home / "run"

    @property
    def cache_bin(self) -> Path:
        return self.cache / "bin"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.service_ports['intake']}/docs"

    @property
    def portal_url(self) -> str:
        return f"http://127.0.0.1:{self.service_ports[PORTAL]}/"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Reads the settings from `env` (default: the process environment); never has side effects."""
        values = os.environ if env is None else env
        repo = find_repo()
        return cls(
            repo=repo,
            home=Path(values.get("CASIA_LOCAL_HOME", str(repo / ".local"))).resolve(),
            cache=Path(values.get("CASIA_CACHE", str(Path.home() / ".cache" / "casia"))).resolve(),
            kafka=_kafka(values),
            mongo=_mongo(values),
            s3=_s3(values),
            smtp=_smtp(values),
            auth_dev_secret=values.get("CASIA_AUTH_DEV_SECRET"),
            service_ports={
                name: _port(values, f"CASIA_{name.upper()}_PORT", port)
                for name, port in DEFAULT_SERVICE_PORTS.items()
            },
            scripts_dir=Path(values.get("CASIA_SCRIPTS_DIR", sysconfig.get_path("scripts"))),
            ready_timeout=float(values.get("CASIA_READY_TIMEOUT", "60")),
            traces=values.get("CASIA_LOCAL_TRACES", "file") != "none",
        )

    def client_env(self) -> dict[str, str]:
        """The CASIA_* variables a service needs to reach this stack (its port excepted); the
        gateway's authentication is added by :mod:`casia_local.auth`."""
        env = {
            "CASIA_KAFKA_BOOTSTRAP": self.kafka.bootstrap,
            "CASIA_MONGO_URI": self.mongo.uri,
            "CASIA_MONGO_DB": self.mongo.database,
            "CASIA_S3_ENDPOINT": self.s3.endpoint_address,
            "CASIA_S3_ACCESS_KEY": self.s3.access_key,
            "CASIA_S3_SECRET_KEY": self.s3.secret_key,
            "CASIA_SMTP_HOST": self.smtp.host,
            "CASIA_SMTP_PORT": str(self.smtp.port),
        }
        return env

    def traces_env(self) -> dict[str, str]:
        """Where the stack's processes export their spans: all to one file under the logs, so
        one case's trace is whole in one place."""
        if not self.traces:
            return {"CASIA_TRACES_EXPORTER": "none"}
        return {"CASIA_TRACES_EXPORTER": "file", "CASIA_TRACES_FILE": str(self.logs_dir / TRACES_FILE)}


def find_repo() -> Path:
    """The workspace root: this package lives at <repo>/deploy/local/src/casia_local."""
    candidate = Path(__file__).resolve().parents[4]
    if (candidate / "deploy" / "local" / "kafka" / "pom.xml").is_file():
        return candidate
    return Path.cwd()


def parse_endpoint(address: str, *, default_port: int) -> Endpoint:
    host, _, port = address.strip().rpartition(":")
    if not host:
        return Endpoint(port, default_port)
    if not port.isdigit():
        raise SettingsError(f"not a host:port address: {address!r}")
    return Endpoint(host.strip("[]"), int(port))


def mongo_endpoint(uri: str) -> Endpoint:
    """The first host of a mongodb:// URI."""
    hosts = urlsplit(uri).netloc.rpartition("@")[2]
    return parse_endpoint(hosts.split(",")[0], default_port=27017)


def _kafka(env: Mapping[str, str]) -> KafkaSettings:
    bootstrap = env.get("CASIA_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    local = parse_endpoint(bootstrap.split(",")[0], default_port=9092).is_loopback
    return KafkaSettings(
        bootstrap=bootstrap,
        controller_port=_port(env, "CASIA_KAFKA_CONTROLLER_PORT", 9093),
        impl=env.get("CASIA_KAFKA_IMPL", "apache"),
        managed=_flag(env, "CASIA_MANAGE_KAFKA", default=local),
    )


def _mongo(env: Mapping[str, str]) -> MongoSettings:
    uri = env.get("CASIA_MONGO_URI", "mongodb://127.0.0.1:27017/?replicaSet=rs0")
    return MongoSettings(
        uri=uri,
        database=env.get("CASIA_MONGO_DB", "casia"),
        managed=_flag(env, "CASIA_MANAGE_MONGO", default=mongo_endpoint(uri).is_loopback),
    )


def _s3(env: Mapping[str, str]) -> S3Settings:
    endpoint = env.get("CASIA_S3_ENDPOINT", "127.0.0.1:9000")
    local = parse_endpoint(endpoint, default_port=9000).is_loopback
    return S3Settings(
        endpoint_address=endpoint,
        console_port=_port(env, "CASIA_S3_CONSOLE_PORT", 9001),
        access_key=env.get("CASIA_S3_ACCESS_KEY", "casia"),
        secret_key=env.get("CASIA_S3_SECRET_KEY", "casia-local-secret"),
        impl=env.get("CASIA_S3_IMPL", "minio"),
        managed=_flag(env, "CASIA_MANAGE_S3", default=local),
    )


def _smtp(env: Mapping[str, str]) -> SmtpSettings:
    host = env.get("CASIA_SMTP_HOST", "127.0.0.1")
    return SmtpSettings(
        host=host,
        port=_port(env, "CASIA_SMTP_PORT", 1025),
        ui_port=_port(env, "CASIA_MAIL_UI_PORT", 8025),
        managed=_flag(env, "CASIA_MANAGE_SMTP", default=host in LOOPBACK_HOSTS),
    )


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, str(default))
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name} must be a TCP port, got {raw!r}")
    return int(raw)


def _flag(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")

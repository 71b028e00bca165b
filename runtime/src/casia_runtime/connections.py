"""The clients every Kafka-driven service opens, built once in its composition root."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.backlog import BacklogGauges
from casia_runtime.consumer import ConsumerState, GuardedConsumer
from casia_runtime.health import Check, Readiness
from casia_runtime.kafka import KafkaPublisher, kafka_ready, make_broker
from casia_runtime.mongo import Document, MongoClient, make_mongo_client, mongo_ready
from casia_runtime.relay import OutboxRelay, relay_for
from casia_runtime.settings import RuntimeSettings
from casia_runtime.worker import instance_id

RELAY_LEASES = "relay_leases"


@dataclass(frozen=True, slots=True)
class Connections:
    settings: RuntimeSettings
    broker: KafkaBroker
    mongo: MongoClient
    db: AsyncDatabase[Document]
    publisher: KafkaPublisher

    @classmethod
    def open(cls, settings: RuntimeSettings) -> Connections:
        """Create the clients; they connect when the app starts (nothing happens at import)."""
        broker = make_broker(settings)
        mongo = make_mongo_client(settings)
        return cls(settings, broker, mongo, mongo[settings.mongo_db], KafkaPublisher(settings))

    async def close(self) -> None:
        """Close what the broker does not: the publisher's producer, then MongoDB."""
        await self.publisher.close()
        await self.mongo.close()

    def relay(self, outbox: str) -> OutboxRelay:
        """The relay of this service's outbox collection."""
        return relay_for(
            self.db[outbox],
            self.db[RELAY_LEASES],
            publisher=self.publisher,
            owner=instance_id(),
            settings=self.settings,
        )

    def gauges(self, outbox: str) -> BacklogGauges:
        """The loop keeping this service's outbox backlog and its group's lag in its metrics."""
        return BacklogGauges(
            self.db,
            outboxes=[outbox],
            bootstrap=self.settings.kafka_bootstrap,
            group=self.settings.service_name,
        )

    def guard(self, *, max_attempts: int | None = None) -> GuardedConsumer:
        """Bounded retries counted in this service's database, messages that came too early
        parked there, then this service's dead-letter topic. Run its ``sweep_parked`` in the
        worker's background, or parked messages wait for ever."""
        service = self.settings.service_name
        return GuardedConsumer(
            service=service,
            dead_letters=self.publisher,
            max_attempts=max_attempts or self.settings.dead_letter_after_attempts,
            state=ConsumerState.in_mongo(self.db, group=service),
        )

    def readiness(self, **more: Check) -> Readiness:
        """Kafka and MongoDB reachable, plus the service's own checks."""
        return Readiness(
            {"kafka": partial(kafka_ready, self.broker), "mongodb": partial(mongo_ready, self.mongo), **more}
        )

"""Kafka subscriber of the notifier: public case events."""

from __future__ import annotations

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from casia_contracts import topics
from casia_notifier.service.delivery import Notifier
from casia_runtime.consumer import GuardedConsumer, inbound, raw_body


def subscribe(broker: KafkaBroker, *, notifier: Notifier, guard: GuardedConsumer, consumers: int) -> None:
    """``consumers`` consumers share the topic's partitions; each handles its own in order."""

    @broker.subscriber(
        topics.CASE_EVENTS,
        group_id=topics.Service.NOTIFIER.value,
        ack_policy=AckPolicy.NACK_ON_ERROR,
        auto_offset_reset="earliest",
        decoder=raw_body,
        max_workers=consumers,
    )
    async def on_case_event(body: bytes, message: KafkaMessage) -> None:
        await guard.consume(inbound(message), notifier.handle)

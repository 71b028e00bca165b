"""Kafka subscribers of the workflow: case commands and document outcomes."""

from __future__ import annotations

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from casia_contracts import topics
from casia_runtime.consumer import GuardedConsumer, inbound, raw_body
from casia_workflow.service.handling import Workflow


def subscribe(broker: KafkaBroker, *, workflow: Workflow, guard: GuardedConsumer, consumers: int) -> None:
    """One subscriber per topic, each with ``consumers`` consumers sharing its partitions."""
    for topic in (topics.CASE_COMMANDS, topics.DOCUMENT_EVENTS):
        # Offsets are committed after the effect (NACK_ON_ERROR), per partition, in order.
        @broker.subscriber(
            topic,
            group_id=topics.Service.WORKFLOW.value,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset="earliest",
            decoder=raw_body,
            max_workers=consumers,
        )
        async def on_message(body: bytes, message: KafkaMessage) -> None:
            await guard.consume(inbound(message), workflow.handle)

"""Kafka subscriber of the receipts service: the public case events."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from casia_contracts import topics
from casia_receipts.service.desk import ReceiptDesk
from casia_runtime.consumer import GuardedConsumer, subscribe_guarded


def subscribe(broker: KafkaBroker, *, desk: ReceiptDesk, guard: GuardedConsumer, consumers: int) -> None:
    subscribe_guarded(broker, topics.CASE_EVENTS, guard=guard, handler=desk.handle, consumers=consumers)

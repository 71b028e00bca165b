"""Kafka subscribers of the notifier: public case events and receipts issued."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from casia_contracts import topics
from casia_notifier.service.delivery import Notifier
from casia_runtime.consumer import GuardedConsumer, subscribe_guarded


def subscribe(broker: KafkaBroker, *, notifier: Notifier, guard: GuardedConsumer, consumers: int) -> None:
    for topic in (topics.CASE_EVENTS, topics.RECEIPT_EVENTS):
        subscribe_guarded(broker, topic, guard=guard, handler=notifier.handle, consumers=consumers)

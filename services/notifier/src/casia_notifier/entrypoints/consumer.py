"""Kafka subscribers of the notifier: public case events and receipts issued."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from casia_contracts import topics
from casia_notifier.service.delivery import Notifier
from casia_runtime.consumer import GuardedConsumer, Handling, subscribe_guarded


def subscribe(broker: KafkaBroker, *, notifier: Notifier, guard: GuardedConsumer, consumers: int) -> None:
    handling = Handling(notifier.handle, together=notifier.handle_together)
    for topic in (topics.CASE_EVENTS, topics.RECEIPT_EVENTS):
        subscribe_guarded(broker, topic, guard=guard, handler=handling, consumers=consumers)

"""Kafka subscriber of the notifier: public case events."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from casia_contracts import topics
from casia_notifier.service.delivery import Notifier
from casia_runtime.consumer import GuardedConsumer, subscribe_guarded


def subscribe(broker: KafkaBroker, *, notifier: Notifier, guard: GuardedConsumer, consumers: int) -> None:
    subscribe_guarded(broker, topics.CASE_EVENTS, guard=guard, handler=notifier.handle, consumers=consumers)

"""Kafka subscriber of the documents service: the document commands."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from casia_contracts import topics
from casia_documents.service.storing import DocumentKeeper
from casia_runtime.consumer import GuardedConsumer, subscribe_guarded


def subscribe(broker: KafkaBroker, *, keeper: DocumentKeeper, guard: GuardedConsumer, consumers: int) -> None:
    subscribe_guarded(
        broker, topics.DOCUMENT_COMMANDS, guard=guard, handler=keeper.handle, consumers=consumers
    )

"""Kafka subscribers of the workflow: case commands and document outcomes."""

from __future__ import annotations

from faststream.kafka import KafkaBroker

from casia_contracts import topics
from casia_runtime.consumer import GuardedConsumer, Handling, subscribe_guarded
from casia_workflow.service.handling import Workflow


def subscribe(broker: KafkaBroker, *, workflow: Workflow, guard: GuardedConsumer, consumers: int) -> None:
    # A poll's messages in one transaction while all goes well; each on its own otherwise.
    handling = Handling(workflow.handle, together=workflow.handle_together)
    for topic in (topics.CASE_COMMANDS, topics.DOCUMENT_EVENTS):
        subscribe_guarded(broker, topic, guard=guard, handler=handling, consumers=consumers)

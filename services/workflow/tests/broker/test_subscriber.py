"""Broker tier: FastStream's in-memory TestKafkaBroker around the real subscriber.

Checks the wiring the integration tests cannot see cheaply: the subscriber hands raw records to
the workflow (no decoding by FastStream), a command reaches MongoDB and the outbox, and an
unreadable record is dead-lettered and acknowledged instead of blocking the partition.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from faststream.kafka import TestKafkaBroker

from casia_contracts import topics
from casia_runtime.consumer import GuardedConsumer
from casia_runtime.kafka import make_broker
from casia_runtime.messages import OutboundMessage
from casia_workflow.entrypoints.consumer import subscribe
from casia_workflow.settings import WorkflowSettings

from ..conftest import Harness
from ..messages import as_received, new_case_number, open_consulta

pytestmark = pytest.mark.integration  # the workflow behind the subscriber uses the real MongoDB


class RecordingPublisher:
    def __init__(self) -> None:
        self.published: list[OutboundMessage] = []

    async def publish_all(self, messages: Sequence[OutboundMessage]) -> None:
        self.published.extend(messages)


async def test_a_command_record_reaches_the_case_store_and_garbage_is_dead_lettered(
    harness: Harness,
) -> None:
    broker = make_broker(WorkflowSettings())
    dead_letters = RecordingPublisher()
    guard = GuardedConsumer(service="workflow", dead_letters=dead_letters, max_attempts=3)
    subscribe(broker, workflow=harness.workflow, guard=guard, consumers=2)
    number = new_case_number()
    command = as_received(open_consulta(number), at=harness.clock())

    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(command.value, topics.CASE_COMMANDS, key=number.encode())
        await test_broker.publish(b"\x00 not a cloudevent", topics.CASE_COMMANDS, key=b"junk")

    stored = await harness.db.cases.find_one({"_id": number})
    assert stored is not None and stored["substatus"] == "submitted"
    [letter] = dead_letters.published
    assert letter.topic == "casia.dlq.workflow.v1"
    assert json.loads(letter.value)["error_type"] == "PoisonMessage"

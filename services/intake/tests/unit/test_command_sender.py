"""The Kafka command sender: one structured CloudEvent per command, and no ack means no success."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence

import pytest

from casia_contracts import topics
from casia_contracts.commands import OpenCase
from casia_intake.adapters.commands import SOURCE, KafkaCommandSender
from casia_intake.service.ports import BrokerUnavailable
from casia_runtime.messages import OutboundMessage
from casia_runtime.testing.memory import RecordingPublisher

from ..builders import T0, open_command


class SilentPublisher:
    """A broker that takes the message and never acknowledges it."""

    async def publish_all(self, messages: Sequence[OutboundMessage]) -> None:
        await asyncio.Event().wait()


async def test_a_command_travels_as_a_cloudevent_with_the_given_id_keyed_by_its_case() -> None:
    publisher = RecordingPublisher()
    command = open_command("CAS-2026-0000001")

    await KafkaCommandSender(publisher, timeout_seconds=1).send(
        command, command_id="cmd-1", correlation_id="req-1", at=T0
    )

    [message] = publisher.published
    assert (message.id, message.topic, message.key) == ("cmd-1", topics.CASE_COMMANDS, "CAS-2026-0000001")
    envelope = json.loads(message.value)
    assert envelope["id"] == "cmd-1"
    assert envelope["type"] == "es.casia.case.command.open"
    assert envelope["subject"] == "CAS-2026-0000001"
    assert (envelope["source"], envelope["correlationid"]) == (SOURCE, "req-1")
    assert "causationid" not in envelope
    assert OpenCase.model_validate(envelope["data"]) == command


async def test_a_publish_that_is_never_acknowledged_is_broker_unavailable_after_the_timeout() -> None:
    sender = KafkaCommandSender(SilentPublisher(), timeout_seconds=0.05)

    with pytest.raises(BrokerUnavailable):
        await sender.send(open_command("CAS-2026-0000001"), command_id="cmd-1", correlation_id="r", at=T0)

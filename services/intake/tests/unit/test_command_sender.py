"""The Kafka command sender: one structured CloudEvent per command, and an honest account of each:
acknowledged, never taken (BrokerUnavailable), or taken without acknowledgement (DeliveryUnknown,
and kept to be sent again)."""

from __future__ import annotations

import json

import pytest

from casia_contracts import topics
from casia_contracts.commands import OpenCase
from casia_intake.adapters.commands import SOURCE, KafkaCommandSender
from casia_intake.service.ports import BrokerUnavailable, DeliveryUnknown

from ..builders import T0, open_command
from ..fakes import FakeProducer, KeptMessages


class Wakes:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def sender_over(
    producer: FakeProducer, kept: KeptMessages, wakes: Wakes, *, timeout: float = 1
) -> KafkaCommandSender:
    return KafkaCommandSender(producer, unconfirmed=kept, timeout_seconds=timeout, on_kept=wakes)


async def test_a_command_travels_as_a_cloudevent_with_the_given_id_keyed_by_its_case() -> None:
    producer, kept, wakes = FakeProducer(), KeptMessages(), Wakes()
    command = open_command("CAS-2026-0000001")

    await sender_over(producer, kept, wakes).send(command, command_id="cmd-1", correlation_id="req-1", at=T0)

    [message] = producer.acknowledged
    assert (message.id, message.topic, message.key) == ("cmd-1", topics.CASE_COMMANDS, "CAS-2026-0000001")
    envelope = json.loads(message.value)
    assert envelope["id"] == "cmd-1"
    assert envelope["type"] == "es.casia.case.command.open"
    assert envelope["subject"] == "CAS-2026-0000001"
    assert (envelope["source"], envelope["correlationid"]) == (SOURCE, "req-1")
    assert "causationid" not in envelope
    assert OpenCase.model_validate(envelope["data"]) == command
    assert (kept.kept, wakes.count) == ([], 0)


async def test_a_producer_that_never_takes_the_command_is_broker_unavailable_and_keeps_nothing() -> None:
    producer, kept, wakes = FakeProducer(), KeptMessages(), Wakes()
    producer.mode = "down"

    with pytest.raises(BrokerUnavailable):
        await sender_over(producer, kept, wakes).send(
            open_command("CAS-2026-0000001"), command_id="c", correlation_id="r", at=T0
        )

    assert (producer.taken, kept.kept, wakes.count) == ([], [], 0)


async def test_a_command_taken_but_never_acknowledged_is_kept_and_its_fate_said_unknown() -> None:
    producer, kept, wakes = FakeProducer(), KeptMessages(), Wakes()
    producer.mode = "silent"

    with pytest.raises(DeliveryUnknown):
        await sender_over(producer, kept, wakes, timeout=0.05).send(
            open_command("CAS-2026-0000001"), command_id="cmd-1", correlation_id="r", at=T0
        )

    assert [m.id for m in producer.taken] == ["cmd-1"]
    assert [(m.id, m.key) for m in kept.kept] == [("cmd-1", "CAS-2026-0000001")]  # the same message
    assert kept.kept[0].value == producer.taken[0].value
    assert wakes.count == 1  # the relay is told at once

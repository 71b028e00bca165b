"""The CommandSender port's contract, held against the recording fake and the Kafka adapter.

The Kafka adapter runs over a fake of the runtime's Publisher port: sending real commands would
reach the running workflow. Sending against a real broker, paused and unreachable, is
``tests/integration/test_kafka_trouble.py``'s. If a behaviour differs, the fake is what gets fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from casia_intake.adapters.commands import KafkaCommandSender
from casia_intake.service.ports import BrokerUnavailable, CommandSender, DeliveryUnknown

from ..builders import T0, open_command
from ..fakes import FakeProducer, KeptMessages, RecordingCommandSender


@dataclass(frozen=True, kw_only=True)
class SenderBackend:
    sender: CommandSender
    set_state: Callable[[str], None]
    """"up", "down" (the command is never taken) or "unacknowledged" (taken, never acknowledged)."""
    delivered: Callable[[], list[tuple[str, str]]]
    """(command id, Kafka key) of every acknowledged send, in order."""
    kept: Callable[[], list[tuple[str, str]]]
    """(command id, Kafka key) of every command kept to be sent again."""


def recording_sender() -> SenderBackend:
    fake = RecordingCommandSender()

    def set_state(state: str) -> None:
        fake.down, fake.unacknowledged = state == "down", state == "unacknowledged"

    return SenderBackend(
        sender=fake,
        set_state=set_state,
        delivered=lambda: [(s.command_id, s.command.case_number) for s in fake.sent],
        kept=lambda: [(s.command_id, s.command.case_number) for s in fake.kept],
    )


def kafka_sender() -> SenderBackend:
    producer, kept = FakeProducer(), KeptMessages()

    def set_state(state: str) -> None:
        producer.mode = {"up": "up", "down": "down", "unacknowledged": "silent"}[state]  # type: ignore[assignment]

    return SenderBackend(
        sender=KafkaCommandSender(producer, unconfirmed=kept, timeout_seconds=0.2, on_kept=lambda: None),
        set_state=set_state,
        delivered=lambda: [(m.id, m.key) for m in producer.acknowledged],
        kept=lambda: [(m.id, m.key) for m in kept.kept],
    )


@pytest.fixture(params=["fake", "kafka"])
def senders(request: pytest.FixtureRequest) -> SenderBackend:
    return recording_sender() if request.param == "fake" else kafka_sender()


async def test_an_acknowledged_send_is_delivered_once_with_its_id_keyed_by_case(
    senders: SenderBackend,
) -> None:
    command = open_command("CAS-2026-0000001")

    await senders.sender.send(command, command_id="id-1", correlation_id="req-1", at=T0)

    assert senders.delivered() == [("id-1", "CAS-2026-0000001")]
    assert senders.kept() == []


async def test_a_command_never_taken_raises_broker_unavailable_and_changes_nothing(
    senders: SenderBackend,
) -> None:
    command = open_command("CAS-2026-0000001")
    senders.set_state("down")

    with pytest.raises(BrokerUnavailable):
        await senders.sender.send(command, command_id="id-1", correlation_id="req-1", at=T0)

    assert (senders.delivered(), senders.kept()) == ([], [])
    senders.set_state("up")
    await senders.sender.send(command, command_id="id-1", correlation_id="req-1", at=T0)
    assert senders.delivered() == [("id-1", "CAS-2026-0000001")]


async def test_a_command_taken_without_acknowledgement_is_kept_and_reported_unknown(
    senders: SenderBackend,
) -> None:
    senders.set_state("unacknowledged")

    with pytest.raises(DeliveryUnknown):
        await senders.sender.send(
            open_command("CAS-2026-0000001"), command_id="id-1", correlation_id="r", at=T0
        )

    assert senders.kept() == [("id-1", "CAS-2026-0000001")]

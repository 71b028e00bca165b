"""A command the workflow can never apply is dead-lettered with its reason, not dropped."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer

from casia_contracts import topics
from casia_contracts.commands import AssignCase
from casia_contracts.envelope import Causality, build_event
from casia_contracts.values import PersonRef
from casia_runtime.testing import read_until

pytestmark = pytest.mark.e2e


async def test_a_command_for_a_case_never_opened_reaches_the_workflows_dead_letter_topic(
    kafka_bootstrap: str,
) -> None:
    number = f"CAS-2026-{uuid.uuid4().int % 10_000_000:07d}"
    command = AssignCase(case_number=number, by=PersonRef(nif="00000000T", name="Luis Tramitador"))
    envelope = build_event(
        command,
        event_id=str(uuid.uuid4()),
        source="/tests",
        time=datetime.now(UTC),
        causality=Causality.start("t"),
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            topics.CASE_COMMANDS, envelope.model_dump_json().encode(), key=number.encode()
        )
    finally:
        await producer.stop()

    [letter] = await read_until(
        kafka_bootstrap, topics.dead_letter_topic("workflow"), lambda r: r.key == number.encode(), within=60
    )

    dead = json.loads(letter.value)
    assert (dead["consumer_group"], dead["topic"], dead["error_type"]) == (
        "workflow",
        topics.CASE_COMMANDS,
        "UnknownCase",
    )
    assert json.loads(dead["payload"])["id"] == envelope.id

"""Two instances of every consumer service share the partitions and together drain a backlog of
commands written straight to Kafka: every case stored once and announced once, and each workflow
instance applied part of them.

``CASIA_SCALE_OUT_COMMANDS`` commands: 20,000 by default; ``make test`` sends 5,000, because at
today's rate (~40 cases/s end to end on two cores, see bench/README.md) 20,000 take about nine
minutes of CI. How long they take is printed, never asserted."""

from __future__ import annotations

import os
import random
import time
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from casia_contracts import topics
from casia_contracts.case_events import CaseOpened
from casia_contracts.values import AuthorizationRef
from casia_intake.settings import IntakeSettings
from casia_local.settings import Settings
from casia_ops.backlog import CONSUMER_GROUPS, until_quiet
from casia_runtime.testing import event_ids_by_subject
from casia_runtime.testing.backlog import produce_open_cases

from ..instances import Instance, json_records, second_instances

pytestmark = pytest.mark.e2e

COMMANDS = int(os.environ.get("CASIA_SCALE_OUT_COMMANDS", "20000"))
DRAINED_WITHIN_SECONDS = 900.0


@pytest.fixture
async def beside_the_stack(kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[dict[str, Instance]]:
    async with second_instances(CONSUMER_GROUPS, bootstrap=kafka_bootstrap, logs=tmp_path) as started:
        yield dict(zip(CONSUMER_GROUPS, started, strict=True))


def applied_by(records: Iterable[dict[str, Any]], run: str) -> int:
    """How many of the run's commands a workflow log says it applied (a redelivery it found in
    its inbox is logged with no events, and not counted)."""
    return sum(
        1
        for r in records
        if r.get("event") == "message.applied"
        and r.get("events", 0) > 0
        and str(r.get("case_number", "")).startswith(run)
    )


@pytest.mark.timeout(1200)
async def test_two_instances_of_each_consumer_drain_a_backlog_together_with_nothing_lost_or_doubled(
    kafka_bootstrap: str, beside_the_stack: dict[str, Instance]
) -> None:
    authorization = AuthorizationRef(
        number=str(random.randint(1_000_000, 9_999_999)), holder_nif="B12345674", business_name="Carga SL"
    )
    began = time.monotonic()
    numbers = await produce_open_cases(kafka_bootstrap, authorization, count=COMMANDS)
    run = numbers[0].rsplit("-", 1)[0]

    settings = IntakeSettings()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_uri)
    try:
        db = mongo[settings.mongo_db]
        left = await until_quiet(db, kafka_bootstrap, within=DRAINED_WITHIN_SECONDS)
        drained = time.monotonic() - began
        assert not any(left.values()), f"not drained after {DRAINED_WITHIN_SECONDS:.0f} s: {left}"
        stored = {
            row["_id"]: row["copies"]
            async for row in await db.cases.aggregate(
                [
                    {"$match": {"authorization.number": authorization.number}},
                    {"$group": {"_id": "$case_number", "copies": {"$sum": 1}}},
                ]
            )
        }
    finally:
        await mongo.close()
    print(f"scale-out: {COMMANDS} commands drained by two instances in {drained:.0f} s")

    assert sorted(stored) == sorted(numbers), "a command was lost (or a case appeared from nowhere)"
    assert set(stored.values()) == {1}, "a case was stored twice"
    announced = await event_ids_by_subject(
        kafka_bootstrap, topics.CASE_EVENTS, CaseOpened.message_type, numbers, within=180.0
    )
    assert sorted(announced) == sorted(numbers), "a case was never announced"
    assert all(len(ids) == 1 for ids in announced.values()), "a case was announced twice"
    ours = applied_by(beside_the_stack["workflow"].log_records(), run)
    stacks = applied_by(json_records(Settings.from_env().logs_dir / "workflow.log"), run)
    assert ours > 0 and stacks > 0, f"one instance did it all: ours {ours}, the stack's {stacks}"
    # Equal when no other workflow process is in the group; never more (nothing applied twice).
    assert ours + stacks <= COMMANDS, f"applied {ours} + {stacks} times for {COMMANDS} commands"

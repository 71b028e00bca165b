"""The chaos suite's checks bite: each finds the broken promise it is there for, in a database
of the test's own on the stack's MongoDB."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.settings import IntakeSettings

from ..conftest import new_autorizado
from . import audit
from .driver import Accepted

pytestmark = pytest.mark.integration

AUTORIZADO = new_autorizado()


def case(number: str, *steps: str) -> dict[str, Any]:
    substatus = steps[-1]
    status = "closed" if substatus in {"resolved", "annulled", "closed_ex_officio"} else "open"
    return {
        "case_number": number,
        "authorization": {"number": AUTORIZADO.authorization.number},
        "status": status,
        "substatus": substatus,
        "history": [
            {"status": "closed" if s in {"resolved", "annulled"} else "open", "substatus": s} for s in steps
        ],
    }


@pytest.fixture
async def db() -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    settings = IntakeSettings()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_uri)
    name = f"casia_audit_{uuid.uuid4().hex[:8]}"
    try:
        yield client[name]
    finally:
        await client.drop_database(name)
        await client.close()


async def test_a_lost_a_doubled_and_an_unanswered_case_are_each_found(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    accepted = [Accepted(n, AUTORIZADO, tramite=False) for n in ("CAS-1", "CAS-2", "CAS-3")]
    await db.cases.insert_many(
        [
            case("CAS-1", "submitted", "assigned", "resolved"),
            case("CAS-2", "submitted"),
            case("CAS-2", "submitted"),  # doubled
            case("CAS-9", "submitted"),  # never answered
        ]
    )  # CAS-3 lost

    problems = await audit.cases_exactly_once(db, accepted)

    assert sorted(problems) == [
        "CAS-2: accepted, stored 2 times",
        "CAS-3: accepted, stored 0 times",
        "CAS-9: stored but never answered 201/202",
    ]


async def test_a_history_that_skips_the_lifecycle_or_disagrees_with_the_case_is_found(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    skipped = case("CAS-1", "submitted", "resolved")
    disagreeing = case("CAS-2", "submitted", "assigned") | {"substatus": "escalated"}
    late_start = case("CAS-3", "assigned")
    await db.cases.insert_many([skipped, disagreeing, late_start])
    accepted = [Accepted(n, AUTORIZADO, tramite=False) for n in ("CAS-1", "CAS-2", "CAS-3")]

    problems = await audit.cases_exactly_once(db, accepted)

    assert sorted(problems) == [
        "CAS-1: history steps submitted → resolved, not in the lifecycle",
        "CAS-2: history ends at assigned, the case is escalated",
        "CAS-3: history starts at assigned",
    ]


async def test_a_tramite_without_or_with_two_opening_receipts_is_found(
    db: AsyncDatabase[dict[str, Any]],
) -> None:
    accepted = [Accepted(n, AUTORIZADO, tramite=True) for n in ("CAS-1", "CAS-2", "CAS-3")]
    await db.receipts.insert_many(
        [
            {"case_number": "CAS-1", "kind": "solicitud_tramite", "status": "issued"},
            {"case_number": "CAS-2", "kind": "solicitud_tramite", "status": "issued"},
            {"case_number": "CAS-2", "kind": "solicitud_tramite", "status": "issued"},
        ]
    )

    problems = await audit.one_opening_receipt_per_tramite(db, accepted)

    assert sorted(problems) == ["CAS-2: opening receipts ['issued', 'issued']", "CAS-3: opening receipts []"]

"""The ports' contract, held against the in-memory fakes and the real adapters alike.

Each test runs twice: on ``tests/fakes.py`` and on the adapter — the MongoDB ones against the
real MongoDB of the local stack (a database of its own, dropped after). The command sender's are
in ``test_command_sender_contract.py``. If a behaviour differs, the fake is what gets fixed.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.adapters.mongo import MongoCaseNumbers, MongoCaseReader, MongoContacts, MongoIdempotencyKeys
from casia_intake.adapters.outcomes import MongoCommandOutcomes
from casia_intake.service.ports import (
    CaseNumbers,
    CaseReader,
    CommandOutcomes,
    Contact,
    ContactStore,
    IdempotencyKeys,
    IdempotencyRecord,
)
from casia_read_models import CommandResult, StoredCase, StoredCommandOutcome
from casia_runtime.mongo import Document

from ..builders import T0, new_scope, stored_case
from ..fakes import (
    InMemoryCaseNumbers,
    InMemoryCaseReader,
    InMemoryCommandOutcomes,
    InMemoryContacts,
    InMemoryIdempotencyKeys,
)

CASE_NUMBER = re.compile(r"CAS-(\d{4})-(\d{7})")
HASH = "a" * 64


@dataclass(frozen=True, kw_only=True)
class Backend:
    numbers: CaseNumbers
    keys: IdempotencyKeys
    cases: CaseReader
    contacts: ContactStore
    store_case: Callable[[StoredCase], Awaitable[None]]
    """Store a case document as the workflow does (intake itself never writes cases)."""
    outcomes: CommandOutcomes
    record_outcome: Callable[[StoredCommandOutcome], Awaitable[None]]
    """Record a command's outcome as the workflow does."""


def in_memory() -> Backend:
    cases, outcomes = InMemoryCaseReader(), InMemoryCommandOutcomes()

    async def store_case(stored: StoredCase) -> None:
        cases.add(stored)

    async def record_outcome(outcome: StoredCommandOutcome) -> None:
        outcomes.record(outcome)

    return Backend(
        numbers=InMemoryCaseNumbers(),
        keys=InMemoryIdempotencyKeys(),
        cases=cases,
        contacts=InMemoryContacts(),
        store_case=store_case,
        outcomes=outcomes,
        record_outcome=record_outcome,
    )


def in_mongo(db: AsyncDatabase[Document]) -> Backend:
    async def store_case(stored: StoredCase) -> None:
        await db.cases.insert_one(stored.to_document())

    async def record_outcome(outcome: StoredCommandOutcome) -> None:
        await db[StoredCommandOutcome.COLLECTION].insert_one(outcome.to_document())

    return Backend(
        numbers=MongoCaseNumbers(db),
        keys=MongoIdempotencyKeys(db),
        cases=MongoCaseReader(db),
        contacts=MongoContacts(db),
        store_case=store_case,
        outcomes=MongoCommandOutcomes(db),
        record_outcome=record_outcome,
    )


@pytest.fixture(params=["fake", pytest.param("mongo", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "fake":
        return in_memory()
    return in_mongo(request.getfixturevalue("db"))


def sequence_of(numbers: list[str], *, year: int) -> list[int]:
    """The sequence numbers, checking each is ``CAS-<year>-<7 digits>``."""
    found = [CASE_NUMBER.fullmatch(number) for number in numbers]
    assert all(match is not None and match[1] == str(year) for match in found), numbers
    return [int(match[2]) for match in found if match is not None]


# --- CaseNumbers ---------------------------------------------------------------------------------


async def test_numbers_are_cas_year_and_seven_digits_starting_at_one(backend: Backend) -> None:
    first = await backend.numbers.allocate(year=2026)
    second = await backend.numbers.allocate(year=2026)

    assert (first, second) == ("CAS-2026-0000001", "CAS-2026-0000002")


async def test_concurrent_allocations_give_distinct_consecutive_numbers(backend: Backend) -> None:
    numbers = await asyncio.gather(*(backend.numbers.allocate(year=2026) for _ in range(50)))

    assert sorted(sequence_of(list(numbers), year=2026)) == list(range(1, 51))


async def test_each_year_has_its_own_sequence(backend: Backend) -> None:
    years = [2025, 2026, 2027] * 10
    numbers = await asyncio.gather(*(backend.numbers.allocate(year=year) for year in years))

    for year in (2025, 2026, 2027):
        of_year = [number for number, y in zip(numbers, years, strict=True) if y == year]
        assert sorted(sequence_of(of_year, year=year)) == list(range(1, 11))


# --- IdempotencyKeys -----------------------------------------------------------------------------


async def test_an_unclaimed_scope_is_not_found(backend: Backend) -> None:
    assert await backend.keys.find(new_scope()) is None


def record(case_number: str, request_hash: str = HASH) -> IdempotencyRecord:
    """A record for ``case_number``, its command id derived from it (each claim's own)."""
    return IdempotencyRecord(case_number, f"command-{case_number}", request_hash, published=False)


async def test_a_claim_is_found_unpublished(backend: Backend) -> None:
    scope = new_scope()

    claimed = await backend.keys.claim(scope, record("CAS-2026-0000001"), at=T0)

    expected = record("CAS-2026-0000001")
    assert claimed == expected
    assert await backend.keys.find(scope) == expected


async def test_a_claim_after_another_returns_the_stored_record_and_stores_nothing(backend: Backend) -> None:
    scope = new_scope()
    first = await backend.keys.claim(scope, record("CAS-2026-0000001"), at=T0)

    second = await backend.keys.claim(
        scope, record("CAS-2026-0000002", "b" * 64), at=T0 + timedelta(seconds=1)
    )

    assert second == first
    assert await backend.keys.find(scope) == first


async def test_concurrent_claims_all_return_the_winners_record(backend: Backend) -> None:
    scope = new_scope()

    records = await asyncio.gather(
        *(backend.keys.claim(scope, record(f"CAS-2026-{n:07d}"), at=T0) for n in range(1, 11))
    )

    winner = await backend.keys.find(scope)
    assert winner is not None
    assert set(records) == {winner}


async def test_scopes_differ_by_caller_authorization_and_key(backend: Backend) -> None:
    scope = new_scope()
    others = [
        new_scope(),  # another key
        type(scope)(caller="87654321X", authorization=scope.authorization, key=scope.key),
        type(scope)(caller=scope.caller, authorization="7654321", key=scope.key),
    ]
    await backend.keys.claim(scope, record("CAS-2026-0000001"), at=T0)

    for other in others:
        assert await backend.keys.find(other) is None


async def test_mark_published_is_visible_to_find_and_to_a_later_claim(backend: Backend) -> None:
    scope = new_scope()
    await backend.keys.claim(scope, record("CAS-2026-0000001"), at=T0)

    await backend.keys.mark_published(scope)

    published = replace(record("CAS-2026-0000001"), published=True)
    assert await backend.keys.find(scope) == published
    assert await backend.keys.claim(scope, record("CAS-2026-0000002"), at=T0) == published


async def test_mark_published_of_an_unclaimed_scope_claims_nothing(backend: Backend) -> None:
    scope = new_scope()

    await backend.keys.mark_published(scope)

    assert await backend.keys.find(scope) is None


# --- CaseReader ----------------------------------------------------------------------------------


async def test_a_case_not_stored_is_none(backend: Backend) -> None:
    assert await backend.cases.get("CAS-2026-0000001") is None


async def test_a_stored_case_is_read_as_the_workflow_stored_it(backend: Backend) -> None:
    stored = stored_case("CAS-2026-0000007")
    await backend.store_case(stored)

    found = await backend.cases.get("CAS-2026-0000007")

    assert found == stored
    assert await backend.cases.get("CAS-2026-0000008") is None


# --- CommandOutcomes -----------------------------------------------------------------------------


async def test_an_outcome_not_recorded_is_none_after_the_wait(backend: Backend) -> None:
    assert await backend.outcomes.wait_for("cmd-never", within=0.05) is None


async def test_a_recorded_outcome_is_read_as_the_workflow_recorded_it(backend: Backend) -> None:
    refused = StoredCommandOutcome(
        command_id="cmd-7",
        case_number="CAS-2026-0000007",
        result=CommandResult.REFUSED,
        version=3,
        reason_code="illegal_transition",
        reason="No se puede «Valorar» un caso en estado Abierto/Asignado.",
        at=T0,
    )
    await backend.record_outcome(refused)

    assert await backend.outcomes.wait_for("cmd-7", within=0) == refused
    assert await backend.outcomes.wait_for("cmd-8", within=0) is None


# --- ContactStore --------------------------------------------------------------------------------


async def test_a_contact_never_put_is_empty(backend: Backend) -> None:
    assert await backend.contacts.get("1234567") == Contact("1234567", None, False, None, None)


async def test_a_contact_put_is_read_back_and_replaced_by_the_next(backend: Backend) -> None:
    first = Contact("1234567", "ana@example.es", True, T0, "12345678Z")
    second = Contact("1234567", None, False, T0 + timedelta(minutes=1), "87654321X")

    await backend.contacts.put(first)
    assert await backend.contacts.get("1234567") == first

    await backend.contacts.put(second)
    assert await backend.contacts.get("1234567") == second
    assert await backend.contacts.get("7654321") == Contact.empty("7654321")

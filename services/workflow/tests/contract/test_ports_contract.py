"""The ports' contract, held against the in-memory fakes and the MongoDB adapter alike.

Each test runs twice: on ``tests/fakes.py`` and on the real MongoDB of the local stack (a
database of its own, dropped after). If a behaviour differs, the fake is what gets fixed. The
outbox, the inbox and the unit of work are held to the runtime's contract
(:class:`~casia_runtime.testing.contracts.UnitOfWorkContract`), with a case added in each of its
transactions; the cases and the deadlines to the workflow's own, below.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.mongo import Document, MongoClient
from casia_runtime.ports import ConcurrentChange
from casia_runtime.testing.contracts import OwnWrite, Relayed, UnitOfWork, UnitOfWorkContract
from casia_runtime.testing.mongo import relayed_from
from casia_workflow.adapters import mongo as store
from casia_workflow.adapters.unit_of_work import workflow_transactions
from casia_workflow.domain import (
    Action,
    Case,
    CaseNumber,
    CaseType,
    Substatus,
    decide,
    information_deadline,
    record_document_stored,
)
from casia_workflow.service.ports import ClosureDeadlines, Transaction, Transactions

from ..fakes import InMemoryStore
from ..unit.builders import PATHS, T0, case_in, command_for, opened, play, upload

AT = T0 + timedelta(hours=1)
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@dataclass(frozen=True)
class Backend:
    transactions: Transactions
    deadlines: ClosureDeadlines
    relayed: Relayed


def in_memory() -> Backend:
    fake = InMemoryStore()
    return Backend(transactions=fake, deadlines=fake, relayed=fake.relayed)


def in_mongo(mongo: MongoClient, db: AsyncDatabase[Document]) -> Backend:
    return Backend(
        transactions=workflow_transactions(mongo, db),
        deadlines=store.CaseStore(db),
        relayed=relayed_from(db, outbox=store.OUTBOX),
    )


@pytest.fixture(params=["fake", pytest.param("mongo", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "fake":
        return in_memory()
    return in_mongo(request.getfixturevalue("mongo"), request.getfixturevalue("db"))


class TestUnitOfWork(UnitOfWorkContract[Transaction]):
    """The runtime's contract of the outbox, the inbox and the unit of work, with a case added in
    each transaction."""

    @pytest.fixture
    def unit_of_work(self, backend: Backend) -> UnitOfWork[Transaction]:
        async def adding_a_case() -> OwnWrite[Transaction]:
            case = case_in(Substatus.SUBMITTED)
            return OwnWrite(
                write=lambda tx: tx.cases.add(case), state=lambda: stored_case(backend, case.number)
            )

        return UnitOfWork(backend.transactions, backend.relayed, adding_a_case)


async def stored_case(backend: Backend, number: CaseNumber) -> Case | None:
    return await backend.transactions.run(lambda tx: tx.cases.get(number))


async def add(backend: Backend, *cases: Case) -> None:
    async def work(tx: Transaction) -> None:
        for case in cases:
            await tx.cases.add(case)

    await backend.transactions.run(work)


def information_requested_at(at: datetime, case_type: CaseType = CaseType.CONSULTA) -> Case:
    case = case_in(Substatus.ASSIGNED, case_type)
    return decide(case, command_for(Action.REQUEST_INFORMATION, case), at=at).case


def a_case_with_everything() -> Case:
    """Documents (one stored), information, an assignee, a resolution and a rating."""
    document = upload()
    case = play(
        opened(documents=(document, upload("Vida laboral"))),
        Action.ASSIGN,
        Action.REQUEST_INFORMATION,
        Action.ADD_INFORMATION,
        Action.RESOLVE,
    )
    case = record_document_stored(case, document_id=document.document_id, sha256=SHA, at=AT).case
    return play(case, Action.RATE)


@pytest.mark.parametrize("substatus", list(PATHS), ids=[s.value for s in PATHS])
async def test_a_case_added_is_read_back_exactly(backend: Backend, substatus: Substatus) -> None:
    case = case_in(substatus)

    await add(backend, case)

    assert await stored_case(backend, case.number) == case


async def test_a_case_with_every_part_is_read_back_exactly(backend: Backend) -> None:
    case = a_case_with_everything()
    assert case.resolution and case.rating and case.information and case.assignee  # it has them all

    await add(backend, case)

    assert await stored_case(backend, case.number) == case


async def test_an_unknown_case_is_none(backend: Backend) -> None:
    assert await stored_case(backend, CaseNumber("CAS-0000-nowhere")) is None


async def test_a_replaced_case_is_read_back_exactly(backend: Backend) -> None:
    case = case_in(Substatus.SUBMITTED)
    changed = play(case, Action.ASSIGN, Action.ESCALATE)
    await add(backend, case)

    await backend.transactions.run(lambda tx: tx.cases.replace(changed, expected_version=case.version))

    assert await stored_case(backend, case.number) == changed


async def test_replacing_with_a_stale_version_raises_concurrent_change(backend: Backend) -> None:
    case = case_in(Substatus.SUBMITTED)
    assigned = play(case, Action.ASSIGN)
    await add(backend, case)
    await backend.transactions.run(lambda tx: tx.cases.replace(assigned, expected_version=case.version))

    annulled = play(case, Action.REQUEST_ANNULMENT)  # decided on the version read before the assignment
    with pytest.raises(ConcurrentChange):
        await backend.transactions.run(lambda tx: tx.cases.replace(annulled, expected_version=case.version))

    assert await stored_case(backend, case.number) == assigned


async def test_replacing_a_missing_case_raises_concurrent_change(backend: Backend) -> None:
    case = case_in(Substatus.SUBMITTED)

    with pytest.raises(ConcurrentChange):
        await backend.transactions.run(lambda tx: tx.cases.replace(case, expected_version=case.version))

    assert await stored_case(backend, case.number) is None


async def test_adding_a_number_already_stored_raises_concurrent_change(backend: Backend) -> None:
    case = case_in(Substatus.SUBMITTED)
    await add(backend, case)

    with pytest.raises(ConcurrentChange):
        await add(backend, play(case, Action.ASSIGN))

    assert await stored_case(backend, case.number) == case


async def test_a_transaction_reads_its_own_writes(backend: Backend) -> None:
    case = case_in(Substatus.SUBMITTED)
    assigned = play(case, Action.ASSIGN)
    message_id = str(uuid.uuid4())

    async def work(tx: Transaction) -> tuple[Case | None, bool]:
        await tx.cases.add(case)
        await tx.cases.replace(assigned, expected_version=case.version)
        await tx.inbox.record(message_id, at=AT)
        return await tx.cases.get(case.number), await tx.inbox.seen(message_id)

    assert await backend.transactions.run(work) == (assigned, True)


async def test_due_for_closure_lists_exactly_the_cases_past_their_deadline(backend: Backend) -> None:
    exactly_due = information_requested_at(T0 + timedelta(days=8))
    now = information_deadline(exactly_due)
    assert now is not None
    long_due = information_requested_at(T0 + timedelta(days=1), CaseType.ERROR_INCIDENCIA)
    due_a_day_later = information_requested_at(T0 + timedelta(days=9))
    never_a_tramite = information_requested_at(T0 + timedelta(days=1), CaseType.TRAMITE)
    not_waiting = [case_in(Substatus.ASSIGNED), case_in(Substatus.RESOLVED), case_in(Substatus.SUBMITTED)]
    closed = play(information_requested_at(T0 + timedelta(days=2)), Action.CLOSE_EX_OFFICIO)
    await add(backend, exactly_due, due_a_day_later, never_a_tramite, long_due, closed, *not_waiting)

    assert await backend.deadlines.due_for_closure(now=now, limit=10) == [long_due.number, exactly_due.number]
    assert await backend.deadlines.due_for_closure(now=now, limit=1) == [long_due.number]
    almost = now - timedelta(milliseconds=1)
    assert await backend.deadlines.due_for_closure(now=almost, limit=10) == [long_due.number]


async def test_due_for_closure_reads_committed_cases_only(backend: Backend) -> None:
    due = information_requested_at(T0 + timedelta(days=1))
    now = T0 + timedelta(days=30)

    async def work(tx: Transaction) -> list[CaseNumber]:
        await tx.cases.add(due)
        return await backend.deadlines.due_for_closure(now=now, limit=10)

    assert await backend.transactions.run(work) == []
    assert await backend.deadlines.due_for_closure(now=now, limit=10) == [due.number]


async def test_concurrent_changes_to_one_case_are_applied_one_after_the_other(backend: Backend) -> None:
    case = case_in(Substatus.SUBMITTED)
    await add(backend, case)

    async def touch(tx: Transaction) -> int:
        current = await tx.cases.get(case.number)
        assert current is not None
        await asyncio.sleep(0.05)  # so that both transactions read before either writes
        touched = replace(current, version=current.version + 1)
        await tx.cases.replace(touched, expected_version=current.version)
        return current.version

    versions_read = await asyncio.gather(backend.transactions.run(touch), backend.transactions.run(touch))

    assert sorted(versions_read) == [1, 2]  # the loser was re-run against the winner's version
    stored = await stored_case(backend, case.number)
    assert stored is not None and stored.version == 3


async def test_a_case_added_twice_at_once_is_added_once(backend: Backend) -> None:
    case = case_in(Substatus.SUBMITTED)

    async def open_once(tx: Transaction) -> str:
        if await tx.cases.get(case.number) is not None:
            return "found"
        await asyncio.sleep(0.05)  # so that both transactions look before either adds
        await tx.cases.add(case)
        return "added"

    outcomes = await asyncio.gather(backend.transactions.run(open_once), backend.transactions.run(open_once))

    assert sorted(outcomes) == ["added", "found"]  # the loser was re-run and found the winner's case
    assert await stored_case(backend, case.number) == case

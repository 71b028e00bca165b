"""The ports' contract, held against the in-memory fakes and the MongoDB adapters alike.

Each test runs twice: on ``tests/fakes.py`` and on the real MongoDB of the local stack (a
database of its own, dropped after). If a behaviour differs, the fake is what gets fixed. The
outbox, the inbox and the unit of work are held to the runtime's contract
(:class:`~casia_runtime.testing.contracts.UnitOfWorkContract`), with a notice finished in each of
its transactions; the delivery log, the applied events and the contacts to the notifier's own,
below.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_notifier.adapters import mongo as store
from casia_notifier.adapters.unit_of_work import notifier_transactions
from casia_notifier.service.ports import (
    AppliedEvents,
    Contact,
    Contacts,
    DeliveryLog,
    DeliveryRow,
    DeliveryStatus,
    Notice,
    Outcome,
    Transaction,
    Transactions,
)
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.testing.contracts import OwnWrite, Relayed, UnitOfWork, UnitOfWorkContract, WorkFailed
from casia_runtime.testing.mongo import relayed_from

from ..fakes import InMemoryContacts, InMemoryStore
from ..messages import AT, new_authorization, new_case_number

SENT = Outcome(DeliveryStatus.SENT)
REFUSED = Outcome(DeliveryStatus.FAILED, "refused", "550 5.1.1 mailbox unavailable")
NO_CONSENT = Outcome(DeliveryStatus.SKIPPED, "no_consent", "Sin consentimiento")
LEASE = timedelta(seconds=20)
ALICE, BOB = "host-a:101:Task-7", "host-b:202:Task-9"

StoreContact = Callable[[str, Contact], Awaitable[None]]


@dataclass(frozen=True)
class Backend:
    transactions: Transactions
    applied: AppliedEvents
    deliveries: DeliveryLog
    contacts: Contacts
    store_contact: StoreContact
    """Store a contact as intake does."""
    relayed: Relayed


def in_memory() -> Backend:
    fake, contacts = InMemoryStore(), InMemoryContacts()

    async def store_contact(authorization: str, contact: Contact) -> None:
        contacts.put(authorization, email=contact.email, consent=contact.consent)

    return Backend(fake, fake, fake, contacts, store_contact, fake.relayed)


def in_mongo(mongo: MongoClient, db: AsyncDatabase[Document]) -> Backend:
    async def store_contact(authorization: str, contact: Contact) -> None:
        # intake's Contacts.put, field for field
        await db.contacts.replace_one(
            {"_id": authorization},
            {"email": contact.email, "consent": contact.consent, "updated_at": AT, "updated_by": "12345678Z"},
            upsert=True,
        )

    return Backend(
        notifier_transactions(mongo, db),
        store.inbox(db),
        store.DeliveryLog(db),
        store.ContactsReader(db),
        store_contact,
        relayed_from(db, outbox=store.OUTBOX),
    )


@pytest.fixture(params=["fake", pytest.param("mongo", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "fake":
        return in_memory()
    return in_mongo(request.getfixturevalue("mongo"), request.getfixturevalue("db"))


class TestUnitOfWork(UnitOfWorkContract[Transaction]):
    """The runtime's contract of the outbox, the inbox and the unit of work, with a notice finished
    in each transaction."""

    @pytest.fixture
    def unit_of_work(self, backend: Backend) -> UnitOfWork[Transaction]:
        async def finishing_a_notice() -> OwnWrite[Transaction]:
            notice = a_notice()
            await claim(backend, notice)  # its row is pending with one attempt
            return OwnWrite(
                write=lambda tx: tx.deliveries.finish(notice, SENT, at=AT),
                state=lambda: backend.deliveries.get(notice.notice_id),
            )

        return UnitOfWork(backend.transactions, backend.relayed, finishing_a_notice)


def a_notice(*, recipient: str | None = "gestoria@example.es") -> Notice:
    event_id = str(uuid.uuid4())
    return Notice(
        notice_id=f"{event_id}|case_annulled",
        case_number=new_case_number(),
        authorization_number=new_authorization(),
        template="case_annulled",
        cause_event_id=event_id,
        cause_event_type="es.casia.case.annulled",
        recipient=recipient,
    )


async def finish(backend: Backend, notice: Notice, outcome: Outcome) -> None:
    await backend.transactions.run(lambda tx: tx.deliveries.finish(notice, outcome, at=AT))


async def record(backend: Backend, event_id: str) -> None:
    await backend.transactions.run(lambda tx: tx.inbox.record(event_id, at=AT))


async def claim(
    backend: Backend, notice: Notice, *, owner: str = ALICE, after: timedelta = timedelta(0)
) -> DeliveryRow:
    """``owner`` claims ``notice`` ``after`` AT, for LEASE."""
    at = AT + after
    return await backend.deliveries.claim(notice, owner=owner, at=at, until=at + LEASE)


def claimed(
    notice: Notice, *, owner: str = ALICE, attempts: int = 1, after: timedelta = timedelta(0)
) -> DeliveryRow:
    """The row of ``notice`` pending under the claim ``owner`` made ``after`` AT."""
    return DeliveryRow(
        notice=notice,
        status=DeliveryStatus.PENDING,
        attempts=attempts,
        claimed_by=owner,
        claimed_until=AT + after + LEASE,
    )


# --- the delivery log: claims ------------------------------------------------------------------


async def test_a_first_claim_leaves_a_pending_row_claimed_by_its_owner_with_one_attempt(
    backend: Backend,
) -> None:
    notice = a_notice()

    row = await claim(backend, notice)

    assert row == claimed(notice)
    assert await backend.deliveries.get(notice.notice_id) == row


async def test_a_live_claim_of_another_owner_is_not_taken_and_changes_nothing(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice, owner=ALICE)

    row = await claim(backend, notice, owner=BOB, after=LEASE - timedelta(milliseconds=1))

    assert row == claimed(notice, owner=ALICE)
    assert await backend.deliveries.get(notice.notice_id) == row


async def test_an_owner_renews_its_own_claim_counting_one_more_attempt(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice)

    row = await claim(backend, notice, after=timedelta(seconds=5))

    assert row == claimed(notice, attempts=2, after=timedelta(seconds=5))


async def test_a_lapsed_claim_is_taken_over_counting_one_more_attempt(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice, owner=ALICE)

    row = await claim(backend, notice, owner=BOB, after=LEASE)

    assert row == claimed(notice, owner=BOB, attempts=2, after=LEASE)


async def test_claims_and_attempts_are_per_notice(backend: Backend) -> None:
    first, second = a_notice(), a_notice()
    await claim(backend, first, owner=ALICE)
    await claim(backend, first, owner=ALICE)

    assert await claim(backend, second, owner=BOB) == claimed(second, owner=BOB)
    assert await claim(backend, first, owner=ALICE) == claimed(first, attempts=3)


async def test_a_claim_stores_the_notice_as_this_attempt_sends_it(backend: Backend) -> None:
    before = a_notice(recipient="antes@example.es")
    now = replace(before, recipient="ahora@example.es")
    await claim(backend, before)

    row = await claim(backend, now, after=timedelta(seconds=1))

    assert row.notice == now


async def test_of_claims_made_at_once_by_many_owners_exactly_one_wins(backend: Backend) -> None:
    notice = a_notice()
    owners = [f"host:{n}:Task-1" for n in range(8)]

    rows = await asyncio.gather(*(claim(backend, notice, owner=owner) for owner in owners))

    winners = {row.claimed_by for row in rows}
    assert len(winners) == 1
    [winner] = winners
    assert all(row == claimed(notice, owner=str(winner)) for row in rows)


async def test_a_notice_marked_sent_is_not_claimed_again_even_after_its_claim_lapsed(
    backend: Backend,
) -> None:
    notice = a_notice()
    await claim(backend, notice, owner=ALICE)
    assert await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT)

    row = await claim(backend, notice, owner=BOB, after=LEASE * 2)

    assert row == replace(claimed(notice, owner=ALICE), sent_at=AT)


async def test_a_finished_notice_is_not_claimed(backend: Backend) -> None:
    notice = a_notice()
    await finish(backend, notice, NO_CONSENT)

    row = await claim(backend, notice)

    assert (row.status, row.attempts, row.claimed_by) == (DeliveryStatus.SKIPPED, 0, None)


# --- the delivery log: marks -------------------------------------------------------------------


async def test_the_holder_of_the_claim_marks_the_notice_sent(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice)

    marked = await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT + timedelta(seconds=1))

    assert marked
    assert await backend.deliveries.get(notice.notice_id) == replace(
        claimed(notice), sent_at=AT + timedelta(seconds=1)
    )


async def test_the_holder_marks_its_lapsed_claim_if_nobody_took_it_over(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice)

    assert await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT + LEASE * 2)


async def test_a_claim_taken_over_is_not_marked_by_its_former_holder(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice, owner=ALICE)
    taken = await claim(backend, notice, owner=BOB, after=LEASE)

    marked = await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT + LEASE)

    assert not marked
    assert await backend.deliveries.get(notice.notice_id) == taken


@pytest.mark.parametrize("how", ["marked", "finished"])
async def test_a_notice_is_marked_only_once_and_never_once_finished(backend: Backend, how: str) -> None:
    notice = a_notice()
    await claim(backend, notice)
    await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT)
    if how == "finished":
        await finish(backend, notice, SENT)
    before = await backend.deliveries.get(notice.notice_id)

    assert not await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT + timedelta(seconds=1))
    assert await backend.deliveries.get(notice.notice_id) == before


async def test_a_notice_without_a_row_is_not_marked(backend: Backend) -> None:
    notice = a_notice()

    assert not await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT)
    assert await backend.deliveries.get(notice.notice_id) is None


# --- the delivery log: outcomes ----------------------------------------------------------------


async def test_a_notice_never_claimed_nor_finished_has_no_row(backend: Backend) -> None:
    assert await backend.deliveries.get(a_notice().notice_id) is None


async def test_finish_records_the_outcome_and_keeps_the_attempts_the_claim_and_the_mark(
    backend: Backend,
) -> None:
    notice = a_notice()
    await claim(backend, notice)
    await claim(backend, notice)
    await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT)

    await finish(backend, notice, SENT)

    assert await backend.deliveries.get(notice.notice_id) == replace(
        claimed(notice, attempts=2), status=DeliveryStatus.SENT, sent_at=AT
    )


async def test_finish_records_a_failure_with_its_reason(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice)

    await finish(backend, notice, REFUSED)

    assert await backend.deliveries.get(notice.notice_id) == replace(
        claimed(notice),
        status=DeliveryStatus.FAILED,
        reason_code="refused",
        reason="550 5.1.1 mailbox unavailable",
    )


async def test_a_notice_finished_without_an_attempt_has_a_row_with_none(backend: Backend) -> None:
    notice = a_notice(recipient=None)

    await finish(backend, notice, NO_CONSENT)

    assert await backend.deliveries.get(notice.notice_id) == DeliveryRow(
        notice=notice,
        status=DeliveryStatus.SKIPPED,
        attempts=0,
        reason_code="no_consent",
        reason="Sin consentimiento",
    )


async def test_a_finished_row_is_invisible_until_the_transaction_commits(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice)

    async def work(tx: Transaction) -> DeliveryRow | None:
        await tx.deliveries.finish(notice, SENT, at=AT)
        return await backend.deliveries.get(notice.notice_id)

    during = await backend.transactions.run(work)

    assert during is not None and during.status is DeliveryStatus.PENDING
    after = await backend.deliveries.get(notice.notice_id)
    assert after is not None and after.status is DeliveryStatus.SENT


async def test_a_claim_racing_the_finish_is_kept_or_sees_the_notice_finished(backend: Backend) -> None:
    """A claim made while the transaction that finishes the notice is open either lands first
    (the transaction re-runs over it and keeps its attempt) or waits and finds the notice
    finished (MongoDB holds a write to a document a transaction changed until it commits). Either
    way it is never lost, and the notice ends finished."""
    notice = a_notice()
    await claim(backend, notice)

    async def slow_finish(tx: Transaction) -> None:
        await tx.deliveries.finish(notice, SENT, at=AT)
        await asyncio.sleep(0.05)  # so that the claim is made while this transaction is open

    async def claim_soon() -> DeliveryRow:
        await asyncio.sleep(0.01)
        return await claim(backend, notice)

    _, raced = await asyncio.gather(backend.transactions.run(slow_finish), claim_soon())

    after = await backend.deliveries.get(notice.notice_id)
    if raced.finished:
        assert raced == after == replace(claimed(notice), status=DeliveryStatus.SENT)
    else:
        assert raced == claimed(notice, attempts=2)
        assert after == replace(raced, status=DeliveryStatus.SENT)


async def test_a_failed_work_creates_no_row(backend: Backend) -> None:
    notice = a_notice()

    async def work(tx: Transaction) -> None:
        await tx.deliveries.finish(notice, NO_CONSENT, at=AT)
        raise WorkFailed

    with pytest.raises(WorkFailed):
        await backend.transactions.run(work)

    assert await backend.deliveries.get(notice.notice_id) is None


# --- applied events: the inbox read outside a transaction ---------------------------------------


async def test_an_event_is_applied_once_recorded(backend: Backend) -> None:
    event_id = str(uuid.uuid4())
    assert not await backend.applied.seen(event_id)

    await record(backend, event_id)

    assert await backend.applied.seen(event_id)
    assert not await backend.applied.seen(str(uuid.uuid4()))


async def test_applied_events_are_read_from_committed_records_only(backend: Backend) -> None:
    event_id = str(uuid.uuid4())

    async def work(tx: Transaction) -> bool:
        await tx.inbox.record(event_id, at=AT)
        return await backend.applied.seen(event_id)

    assert not await backend.transactions.run(work)
    assert await backend.applied.seen(event_id)


# --- intake's contacts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "contact",
    [
        Contact(email="gestoria@example.es", consent=True),
        Contact(email="gestoria@example.es", consent=False),
        Contact(email=None, consent=False),
        Contact(email=None, consent=True),
    ],
    ids=["address-and-consent", "address-without-consent", "nothing", "consent-without-address"],
)
async def test_a_contact_is_read_back_as_intake_stored_it(backend: Backend, contact: Contact) -> None:
    authorization = new_authorization()

    await backend.store_contact(authorization, contact)

    assert await backend.contacts.get(authorization) == contact


async def test_a_changed_contact_is_read_as_it_is_now(backend: Backend) -> None:
    authorization = new_authorization()
    await backend.store_contact(authorization, Contact(email="antes@example.es", consent=True))

    await backend.store_contact(authorization, Contact(email="ahora@example.es", consent=False))

    assert await backend.contacts.get(authorization) == Contact(email="ahora@example.es", consent=False)


async def test_an_authorization_without_a_contact_has_no_address_and_no_consent(backend: Backend) -> None:
    assert await backend.contacts.get(new_authorization()) == Contact(email=None, consent=False)

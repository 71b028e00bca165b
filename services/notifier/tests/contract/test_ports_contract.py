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
from dataclasses import dataclass

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
            await backend.deliveries.begin_attempt(notice, at=AT)  # its row is pending with one attempt
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


# --- the delivery log ---------------------------------------------------------------------------


async def test_attempts_count_up_from_one(backend: Backend) -> None:
    notice = a_notice()

    counts = [await backend.deliveries.begin_attempt(notice, at=AT) for _ in range(3)]

    assert counts == [1, 2, 3]


async def test_attempts_are_counted_per_notice(backend: Backend) -> None:
    first, second = a_notice(), a_notice()
    await backend.deliveries.begin_attempt(first, at=AT)
    await backend.deliveries.begin_attempt(first, at=AT)

    assert await backend.deliveries.begin_attempt(second, at=AT) == 1
    assert await backend.deliveries.begin_attempt(first, at=AT) == 3


async def test_the_first_attempt_leaves_a_pending_row_with_the_notice(backend: Backend) -> None:
    notice = a_notice()

    await backend.deliveries.begin_attempt(notice, at=AT)

    assert await backend.deliveries.get(notice.notice_id) == DeliveryRow(
        notice=notice, status=DeliveryStatus.PENDING, attempts=1
    )


async def test_a_notice_never_attempted_nor_finished_has_no_row(backend: Backend) -> None:
    assert await backend.deliveries.get(a_notice().notice_id) is None


async def test_finish_records_the_outcome_and_keeps_the_attempts(backend: Backend) -> None:
    notice = a_notice()
    await backend.deliveries.begin_attempt(notice, at=AT)
    await backend.deliveries.begin_attempt(notice, at=AT)

    await finish(backend, notice, REFUSED)

    assert await backend.deliveries.get(notice.notice_id) == DeliveryRow(
        notice=notice,
        status=DeliveryStatus.FAILED,
        attempts=2,
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
    await backend.deliveries.begin_attempt(notice, at=AT)

    async def work(tx: Transaction) -> DeliveryRow | None:
        await tx.deliveries.finish(notice, SENT, at=AT)
        return await backend.deliveries.get(notice.notice_id)

    during = await backend.transactions.run(work)

    assert during is not None and during.status is DeliveryStatus.PENDING
    after = await backend.deliveries.get(notice.notice_id)
    assert after is not None and after.status is DeliveryStatus.SENT


async def test_an_attempt_counted_while_the_notice_is_finished_is_kept(backend: Backend) -> None:
    notice = a_notice()
    await backend.deliveries.begin_attempt(notice, at=AT)

    async def slow_finish(tx: Transaction) -> None:
        await tx.deliveries.finish(notice, SENT, at=AT)
        await asyncio.sleep(0.05)  # so that the attempt is counted while this transaction is open

    async def attempt_soon() -> int:
        await asyncio.sleep(0.01)
        return await backend.deliveries.begin_attempt(notice, at=AT)

    _, counted = await asyncio.gather(backend.transactions.run(slow_finish), attempt_soon())

    assert counted == 2
    assert await backend.deliveries.get(notice.notice_id) == DeliveryRow(
        notice=notice, status=DeliveryStatus.SENT, attempts=2
    )


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

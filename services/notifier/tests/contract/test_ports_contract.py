"""The ports' contract, held against the in-memory fakes and the MongoDB adapters alike.

Each test runs twice: on ``tests/fakes.py`` and on the real MongoDB of the local stack (a
database of its own, dropped after). If a behaviour differs, the fake is what gets fixed.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from casia_notifier.adapters import mongo as store
from casia_notifier.adapters.unit_of_work import MongoTransactions
from casia_notifier.service.ports import (
    AppliedEvents,
    ConcurrentChange,
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
from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.outbox import OutboxRelay, RelayLease

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
    relayed: Callable[[], Awaitable[list[OutboundMessage]]]
    """Every committed outbox entry, in the order the relay publishes them."""


class RecordingPublisher:
    def __init__(self) -> None:
        self.published: list[OutboundMessage] = []

    async def publish_all(self, messages: Sequence[OutboundMessage]) -> None:
        self.published.extend(messages)


def in_memory() -> Backend:
    fake, contacts = InMemoryStore(), InMemoryContacts()

    async def store_contact(authorization: str, contact: Contact) -> None:
        contacts.put(authorization, email=contact.email, consent=contact.consent)

    async def relayed() -> list[OutboundMessage]:
        return list(fake.outbox)

    return Backend(fake, fake, fake, contacts, store_contact, relayed)


def in_mongo(mongo: MongoClient, db: AsyncDatabase[Document]) -> Backend:
    recorder = RecordingPublisher()
    lease = RelayLease(
        db["relay_leases"], outbox=store.OUTBOX, owner="contract", duration=timedelta(seconds=30)
    )
    relay = OutboxRelay(db[store.OUTBOX], publisher=recorder, lease=lease)

    async def store_contact(authorization: str, contact: Contact) -> None:
        # intake's Contacts.put, field for field
        await db.contacts.replace_one(
            {"_id": authorization},
            {"email": contact.email, "consent": contact.consent, "updated_at": AT, "updated_by": "12345678Z"},
            upsert=True,
        )

    async def relayed() -> list[OutboundMessage]:
        while await relay.publish_pending():
            pass
        return list(recorder.published)

    transactions = MongoTransactions(mongo, db)
    return Backend(
        transactions, transactions, store.DeliveryLog(db), store.ContactsReader(db), store_contact, relayed
    )


@pytest.fixture(params=["fake", pytest.param("mongo", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "fake":
        return in_memory()
    return in_mongo(request.getfixturevalue("mongo"), request.getfixturevalue("db"))


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


def a_report(notice: Notice, name: str = "es.casia.notification.sent") -> OutboundMessage:
    return OutboundMessage(
        id=str(uuid.uuid4()),
        topic="casia.notifications.events.v1",
        key=notice.case_number,
        value=f'{{"type": "{name}"}}'.encode(),
        headers={"content-type": "application/cloudevents+json; charset=UTF-8"},
    )


async def finish(backend: Backend, notice: Notice, outcome: Outcome) -> None:
    await backend.transactions.run(lambda tx: tx.deliveries.finish(notice, outcome, at=AT))


async def append(backend: Backend, messages: list[OutboundMessage]) -> None:
    await backend.transactions.run(lambda tx: tx.outbox.add(messages))


async def record(backend: Backend, event_id: str) -> None:
    await backend.transactions.run(lambda tx: tx.inbox.record(event_id, at=AT))


class WorkFailed(Exception):
    pass


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


# --- one transaction: all or nothing ------------------------------------------------------------


async def test_run_returns_what_work_returns(backend: Backend) -> None:
    async def work(tx: Transaction) -> str:
        return "done"

    assert await backend.transactions.run(work) == "done"


async def test_a_failed_work_leaves_no_outcome_no_outbox_entry_and_no_inbox_record(backend: Backend) -> None:
    notice = a_notice()
    await backend.deliveries.begin_attempt(notice, at=AT)

    async def work(tx: Transaction) -> None:
        await tx.deliveries.finish(notice, SENT, at=AT)
        await tx.outbox.add([a_report(notice)])
        await tx.inbox.record(notice.cause_event_id, at=AT)
        raise WorkFailed

    with pytest.raises(WorkFailed):
        await backend.transactions.run(work)

    assert await backend.deliveries.get(notice.notice_id) == DeliveryRow(
        notice=notice, status=DeliveryStatus.PENDING, attempts=1
    )
    assert not await backend.applied.seen(notice.cause_event_id)
    assert await backend.relayed() == []


async def test_a_failed_work_creates_no_row(backend: Backend) -> None:
    notice = a_notice()

    async def work(tx: Transaction) -> None:
        await tx.deliveries.finish(notice, NO_CONSENT, at=AT)
        raise WorkFailed

    with pytest.raises(WorkFailed):
        await backend.transactions.run(work)

    assert await backend.deliveries.get(notice.notice_id) is None


async def test_a_conflict_mid_work_discards_the_writes_before_it(backend: Backend) -> None:
    notice = a_notice()
    await record(backend, notice.cause_event_id)

    async def work(tx: Transaction) -> None:
        await tx.deliveries.finish(notice, SENT, at=AT)
        await tx.outbox.add([a_report(notice)])
        await tx.inbox.record(notice.cause_event_id, at=AT)  # already applied

    with pytest.raises(ConcurrentChange):
        await backend.transactions.run(work)

    assert await backend.deliveries.get(notice.notice_id) is None
    assert await backend.relayed() == []


# --- the inbox ----------------------------------------------------------------------------------


async def test_an_event_is_seen_once_recorded(backend: Backend) -> None:
    event_id = str(uuid.uuid4())
    assert not await backend.applied.seen(event_id)

    await record(backend, event_id)

    assert await backend.applied.seen(event_id)
    assert await backend.transactions.run(lambda tx: tx.inbox.seen(event_id))
    assert not await backend.applied.seen(str(uuid.uuid4()))


async def test_a_transaction_sees_its_own_record(backend: Backend) -> None:
    event_id = str(uuid.uuid4())

    async def work(tx: Transaction) -> bool:
        await tx.inbox.record(event_id, at=AT)
        return await tx.inbox.seen(event_id)

    assert await backend.transactions.run(work)


async def test_applied_events_are_read_from_committed_records_only(backend: Backend) -> None:
    event_id = str(uuid.uuid4())

    async def work(tx: Transaction) -> bool:
        await tx.inbox.record(event_id, at=AT)
        return await backend.applied.seen(event_id)

    assert not await backend.transactions.run(work)
    assert await backend.applied.seen(event_id)


async def test_recording_an_event_twice_raises_concurrent_change(backend: Backend) -> None:
    event_id = str(uuid.uuid4())
    await record(backend, event_id)

    with pytest.raises(ConcurrentChange):
        await record(backend, event_id)


async def test_an_outcome_recorded_twice_at_once_is_recorded_once(backend: Backend) -> None:
    notice = a_notice()

    async def apply(tx: Transaction) -> str:
        if await tx.inbox.seen(notice.cause_event_id):
            return "redelivery"
        await asyncio.sleep(0.05)  # so that both transactions look before either records
        await tx.deliveries.finish(notice, SENT, at=AT)
        await tx.outbox.add([a_report(notice)])
        await tx.inbox.record(notice.cause_event_id, at=AT)
        return "applied"

    outcomes = await asyncio.gather(backend.transactions.run(apply), backend.transactions.run(apply))

    assert sorted(outcomes) == ["applied", "redelivery"]  # the loser was re-run and saw the record
    assert len(await backend.relayed()) == 1


# --- the outbox ---------------------------------------------------------------------------------


async def test_outbox_entries_are_relayed_in_the_order_they_were_added(backend: Backend) -> None:
    first, second = a_notice(), a_notice()
    batches = [
        [a_report(first), a_report(first, "es.casia.notification.failed")],
        [],
        [a_report(second, "es.casia.notification.skipped")],
        [a_report(second), a_report(first)],
    ]
    for batch in batches:
        await append(backend, batch)

    assert await backend.relayed() == [message for batch in batches for message in batch]


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

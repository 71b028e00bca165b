"""The notifier's ports as each contract test gets them (the in-memory fakes, or the MongoDB
adapters over a database of its own), and the steps and rows the tests speak in."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

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
    Transactions,
)
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.testing.contracts import Relayed
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

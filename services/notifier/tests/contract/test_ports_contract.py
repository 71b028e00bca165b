"""The ports' contract, held against the in-memory fakes and the MongoDB adapters alike.

Each test runs twice: on ``tests/fakes.py`` and on the real MongoDB of the local stack (a
database of its own, dropped after). If a behaviour differs, the fake is what gets fixed. The
outbox, the inbox and the unit of work are held to the runtime's contract
(:class:`~casia_runtime.testing.contracts.UnitOfWorkContract`), with a notice finished in each of
its transactions; the applied events and the contacts to the notifier's own, below; the delivery
log in ``test_delivery_log_contract.py``.
"""

from __future__ import annotations

import uuid

import pytest

from casia_notifier.service.ports import Contact, Transaction
from casia_runtime.ports import ConcurrentChange
from casia_runtime.testing.contracts import OwnWrite, UnitOfWork, UnitOfWorkContract

from ..messages import AT, new_authorization
from .port_backends import SENT, Backend, a_notice, claim, record


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


async def test_applied_events_among_many_are_the_recorded_ones(backend: Backend) -> None:
    recorded, other = str(uuid.uuid4()), str(uuid.uuid4())
    await record(backend, recorded)

    assert await backend.applied.seen_among([recorded, other]) == {recorded}
    assert await backend.applied.seen_among([]) == set()


async def test_many_events_are_recorded_at_once_or_none_if_one_already_was(backend: Backend) -> None:
    first, second, third = (str(uuid.uuid4()) for _ in range(3))
    await backend.transactions.run(lambda tx: tx.inbox.record_all([first, second], at=AT))
    assert await backend.applied.seen_among([first, second, third]) == {first, second}

    with pytest.raises(ConcurrentChange):
        await backend.transactions.run(lambda tx: tx.inbox.record_all([third, second], at=AT))

    assert not await backend.applied.seen(third)


async def test_contacts_of_many_authorizations_are_read_as_each_alone(backend: Backend) -> None:
    with_contact, without = new_authorization(), new_authorization()
    await backend.store_contact(with_contact, Contact(email="gestoria@example.es", consent=True))

    assert await backend.contacts.get_all([with_contact, without]) == {
        with_contact: Contact(email="gestoria@example.es", consent=True),
        without: Contact(email=None, consent=False),
    }

"""The workflow's unit of work over MongoDB: the cases, ``workflow_outbox`` and ``workflow_inbox``
bound to the session of one transaction (run by :class:`casia_runtime.unit_of_work.MongoTransactions`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import TypeVar

from pymongo.asynchronous.database import AsyncDatabase

from casia_read_models import StoredCommandOutcome
from casia_runtime.mongo import Document, MongoClient, Session, in_transaction
from casia_runtime.unit_of_work import MongoTransactions, SessionInbox, SessionOutbox
from casia_workflow.adapters import mongo as store
from casia_workflow.adapters.batches import BatchTransaction, Stores
from casia_workflow.domain import Case, CaseNumber
from casia_workflow.service.ports import Transaction

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SessionCases:
    """The CaseRepository port within one session."""

    store: store.CaseStore
    session: Session

    async def get(self, case_number: CaseNumber) -> Case | None:
        return await self.store.get(case_number, session=self.session)

    async def add(self, case: Case) -> None:
        await self.store.add(case, session=self.session)

    async def replace(self, case: Case, *, expected_version: int) -> None:
        await self.store.replace(case, expected_version=expected_version, session=self.session)


@dataclass(frozen=True, slots=True)
class SessionOutcomes:
    """The CommandOutcomes port within one session."""

    store: store.OutcomeStore
    session: Session

    async def record(self, outcome: StoredCommandOutcome) -> None:
        await self.store.record(outcome, session=self.session)


@dataclass(frozen=True, slots=True)
class MongoTransaction:
    cases: SessionCases
    outcomes: SessionOutcomes
    outbox: SessionOutbox
    inbox: SessionInbox


class WorkflowTransactions(MongoTransactions[MongoTransaction]):
    """The Transactions port over the workflow's database: one message's work in a transaction
    of its own (:meth:`run`), or many messages' in one (:meth:`run_batch`)."""

    def __init__(self, client: MongoClient, db: AsyncDatabase[Document]) -> None:
        self._stores = Stores(store.CaseStore(db), store.OutcomeStore(db), store.outbox(db), store.inbox(db))
        super().__init__(client, self._begin)

    async def run_batch(
        self,
        work: Callable[[Transaction], Awaitable[T]],
        *,
        message_ids: Collection[str],
        case_numbers: Collection[CaseNumber],
    ) -> T:
        async def attempt(session: Session) -> T:
            batch = await BatchTransaction.read_ahead(
                self._stores, session, message_ids=message_ids, case_numbers=case_numbers
            )
            result = await work(batch)
            await batch.flush(self._stores)
            return result

        return await in_transaction(self._client, attempt)

    def _begin(self, session: Session) -> MongoTransaction:
        stores = self._stores
        return MongoTransaction(
            SessionCases(stores.cases, session),
            SessionOutcomes(stores.outcomes, session),
            SessionOutbox(stores.outbox, session),
            SessionInbox(stores.inbox, session),
        )


def workflow_transactions(client: MongoClient, db: AsyncDatabase[Document]) -> WorkflowTransactions:
    """The Transactions port over the workflow's database ``db``."""
    return WorkflowTransactions(client, db)

"""The workflow's unit of work over MongoDB: the cases, ``workflow_outbox`` and ``workflow_inbox``
bound to the session of one transaction (run by :class:`casia_runtime.unit_of_work.MongoTransactions`)."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo.asynchronous.database import AsyncDatabase

from casia_read_models import StoredCommandOutcome
from casia_runtime.mongo import Document, MongoClient, Session
from casia_runtime.unit_of_work import MongoTransactions, SessionInbox, SessionOutbox
from casia_workflow.adapters import mongo as store
from casia_workflow.domain import Case, CaseNumber


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


def workflow_transactions(
    client: MongoClient, db: AsyncDatabase[Document]
) -> MongoTransactions[MongoTransaction]:
    """The Transactions port over the workflow's database ``db``."""
    cases, outcomes, outbox, inbox = (
        store.CaseStore(db),
        store.OutcomeStore(db),
        store.outbox(db),
        store.inbox(db),
    )

    def begin(session: Session) -> MongoTransaction:
        return MongoTransaction(
            SessionCases(cases, session),
            SessionOutcomes(outcomes, session),
            SessionOutbox(outbox, session),
            SessionInbox(inbox, session),
        )

    return MongoTransactions(client, begin)

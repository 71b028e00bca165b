"""The gateway served over ASGI with every port faked, for the route tests.

No lifespan runs over ASGITransport, so :func:`serving_fakes` sets ``app.state.intake`` the way
the lifespan does, from the fakes. Tokens are real local (HS256) tokens checked by the real verifier.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial

import httpx
from fastapi import FastAPI

from casia_contracts.commands import OpenCase
from casia_contracts.values import AuthorizationRef
from casia_intake.app import create_app
from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_intake.domain.catalog import load_catalog
from casia_intake.service.actions import CaseActions
from casia_intake.service.application import IntakeApp
from casia_intake.service.attachments import Attachments
from casia_intake.service.commands import CommandPath
from casia_intake.service.opening import CaseOpening
from casia_intake.service.rate_limit import MovingWindowLimit
from casia_intake.service.requests import Requests
from casia_intake.settings import IntakeSettings
from casia_read_models import CommandResult, StoredCase, StoredCommandOutcome, StoredFile, StoredReceipt
from casia_runtime.testing.clock import ManualClock

from .builders import AUTHORIZATION, AUTORIZADO, DEV_SECRET, dev_settings
from .fake_search import InMemoryCaseFinder
from .fakes import (
    InMemoryCaseNumbers,
    InMemoryCaseReader,
    InMemoryCommandOutcomes,
    InMemoryContacts,
    InMemoryIdempotencyKeys,
    InMemoryLookup,
    InMemoryObjects,
    InMemoryQuarantine,
    InMemoryReceipts,
    RecordingCommandSender,
    SentCommand,
)

PROBLEM = "application/problem+json"
CASES = f"/v1/authorizations/{AUTHORIZATION.number}/cases"
OTHER = AuthorizationRef(number="7654321", holder_nif="B76543210", business_name="Asesoría Luis")
BODY = {
    "case_type": "consulta",
    "subject": "gestion_autorizaciones",
    "category": "datos_contacto",
    "affects_current_period": False,
    "title": "Duda sobre contacto",
    "description": "Una consulta.",
}
FIRST_NUMBER = "CAS-2026-0000001"  # the fake allocator's first number in the clock's year


@dataclass(frozen=True)
class Gateway:
    client: httpx.AsyncClient
    settings: IntakeSettings
    clock: ManualClock
    cases: InMemoryCaseReader
    contacts: InMemoryContacts
    sender: RecordingCommandSender
    outcomes: InMemoryCommandOutcomes
    receipts: InMemoryReceipts
    objects: InMemoryQuarantine
    """The object store the gateway streams files from (any bucket)."""
    app: FastAPI

    def headers(
        self,
        *,
        roles: Sequence[Role] = (Role.AUTORIZADO,),
        authorizations: Sequence[AuthorizationRef] = (AUTHORIZATION,),
    ) -> dict[str, str]:
        claims = Claims(
            sub=AUTORIZADO.nif,
            name=AUTORIZADO.name,
            email="ana@example.es",
            roles=tuple(roles),
            authorizations=tuple(AuthorizationClaim.model_validate(a.model_dump()) for a in authorizations),
        )
        token = mint_dev_token(DEV_SECRET, claims, now=int(time.time()), ttl_seconds=300)
        return {"Authorization": f"Bearer {token}"}

    def workflow_leaves(self, stored: StoredCase) -> None:
        """The workflow, faked: each command acknowledged from now on is applied and leaves the
        case as ``stored``."""

        def apply(sent: SentCommand) -> None:
            self.cases.add(stored)
            self.outcomes.record(
                StoredCommandOutcome(
                    command_id=sent.command_id,
                    case_number=stored.case_number,
                    result=CommandResult.APPLIED,
                    version=stored.version,
                    at=sent.at,
                )
            )

        self.sender.then = apply

    def workflow_refuses(self, reason_code: str, reason: str) -> None:
        """The workflow, faked: each command acknowledged from now on is refused."""

        def refuse(sent: SentCommand) -> None:
            self.outcomes.record(
                StoredCommandOutcome(
                    command_id=sent.command_id,
                    case_number=sent.command.case_number,
                    result=CommandResult.REFUSED,
                    version=1,
                    reason_code=reason_code,
                    reason=reason,
                    at=sent.at,
                )
            )

        self.sender.then = refuse

    def sent_commands(self) -> list[OpenCase]:
        return [s.command for s in self.sender.sent if isinstance(s.command, OpenCase)]

    def receipt_issued(self, stored: StoredReceipt, pdf: bytes) -> None:
        """The receipts service, faked: ``stored`` is recorded, and (if issued) its PDF stored."""
        self.receipts.add(stored)
        if stored.pdf is not None:
            self.objects.objects[(stored.pdf.bucket, stored.pdf.key)] = pdf

    @asynccontextmanager
    async def client_at(self, host: str) -> AsyncIterator[httpx.AsyncClient]:
        """Another client of the same gateway, calling from address ``host``."""
        transport = httpx.ASGITransport(app=self.app, client=(host, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            yield client


@asynccontextmanager
async def serving_fakes() -> AsyncIterator[Gateway]:
    """The app over fresh fakes; the clock stands still at ``ManualClock``'s start."""
    settings = dev_settings(read_your_writes_seconds=0, retry_after_seconds=7)
    clock, cases, contacts = ManualClock(), InMemoryCaseReader(), InMemoryContacts()
    outcomes, receipts = InMemoryCommandOutcomes(), InMemoryReceipts()
    sender = RecordingCommandSender()
    app = create_app(settings)
    catalog, quarantine = load_catalog(), InMemoryQuarantine()
    commands = CommandPath(
        sender=sender, outcomes=outcomes, requests=Requests(InMemoryIdempotencyKeys()), wait_seconds=0
    )
    app.state.intake = IntakeApp(
        settings=settings,
        catalog=catalog,
        opening=CaseOpening(numbers=InMemoryCaseNumbers(), commands=commands),
        actions=CaseActions(commands),
        attachments=Attachments(
            quarantine=quarantine,
            bucket=settings.quarantine_bucket,
            catalog=catalog,
            max_file_bytes=settings.max_file_bytes,
        ),
        cases=cases,
        files=InMemoryLookup[StoredFile](),
        receipts=receipts,
        objects=InMemoryObjects(quarantine),
        finder=InMemoryCaseFinder(cases.cases),
        contacts=contacts,
        clock=clock,
        verify_limit=MovingWindowLimit(
            limit=settings.verify_rate_per_minute, window_seconds=60, now=partial(seconds, clock)
        ),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        yield Gateway(client, settings, clock, cases, contacts, sender, outcomes, receipts, quarantine, app)


def seconds(clock: ManualClock) -> float:
    """The manual clock's time as the seconds a rate limit counts (it moves only when moved)."""
    return clock.now.timestamp()


def assert_problem(response: httpx.Response, status: int, kind: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == f"/problems/{kind}"
    assert response.json()["status"] == status

"""What every action on one case needs from its request, for an autorizado (under one of their
authorizations) or a clerk (across them), and the one way such an action is performed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Annotated

from fastapi import Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from casia_contracts import commands as c
from casia_contracts.values import PersonRef
from casia_intake.domain.catalog import CatalogNode, UnknownCatalogNode
from casia_intake.entrypoints.answers import answer
from casia_intake.entrypoints.dependencies import Application, RequestId
from casia_intake.entrypoints.headers import ActionHeaders, Headers
from casia_intake.entrypoints.identity import Acting, Clerk
from casia_intake.entrypoints.lookups import BACKOFFICE, case_of, request_context
from casia_intake.entrypoints.views import Audience
from casia_intake.service.actions import CaseAction
from casia_intake.service.application import IntakeApp
from casia_intake.service.attachments import Attached, IncomingFile
from casia_read_models import StoredCase

Build = Callable[..., c.PersonCommand]
"""The action's command with its own fields given (``partial(c.RateCase, score=5)``): called
with the case number, the acting person (``by``) and the version they saw (``expected_version``,
from If-Match)."""


@dataclass(frozen=True, slots=True)
class OnCase:
    intake: IntakeApp
    person: PersonRef
    authorization: str | None
    """The authorization the autorizado acts under; None for a clerk (any case)."""
    case_number: str
    request: tuple[str, ActionHeaders]
    """The request's id and its action headers."""

    @property
    def audience(self) -> Audience:
        return Audience.BACKOFFICE if self.authorization is None else Audience.AUTORIZADO

    @property
    def location(self) -> str:
        if self.authorization is None:
            return f"/v1/backoffice/cases/{self.case_number}"
        return f"/v1/authorizations/{self.authorization}/cases/{self.case_number}"

    async def perform(
        self, name: str, body: BaseModel | None, build: Build, *, files: Sequence[IncomingFile] | None = None
    ) -> JSONResponse:
        """Find the case (404 if the caller may not see it), send the command through the one
        path, and answer the same way for every action. ``files`` (None for a command that
        takes no documents) are checked, put in quarantine and given to ``build`` as its
        ``documents``; they are discarded if the command is not applied."""
        stored = await case_of(self.intake, self.case_number, authorization=self.authorization)
        person = self.person
        received = body.model_dump(mode="json") if body is not None else {}
        number = self.case_number
        attached: list[Attached] = []
        if files is not None:
            node = _node_of(self.intake, stored) if self.authorization else None
            attached = await self.intake.attachments.receive(files, node=node)
            build = partial(build, documents=[a.document for a in attached])
            if attached:
                received = {**received, "files": [a.fingerprint() for a in attached]}
        action = CaseAction(
            name=name,
            body=received,
            command=lambda seen: build(case_number=number, by=person, expected_version=seen),
        )
        request_id, headers = self.request
        scope = self.authorization or BACKOFFICE
        context = request_context(
            self.intake, caller=person.nif, scope=scope, headers=headers, request_id=request_id
        )
        seen = headers.expected_version
        performing = self.intake.actions.perform(action, context, case=stored, if_match=seen)
        outcome = await self.intake.attachments.settle(attached, performing)
        return await answer(outcome, self.intake, location=self.location, audience=self.audience)


def _node_of(intake: IntakeApp, stored: StoredCase) -> CatalogNode | None:
    """The case's catalog node, whose document types an autorizado's files must be (None: the
    catalog no longer offers it, and any document type of the catalog will do)."""
    try:
        return intake.catalog.resolve(stored)
    except UnknownCatalogNode:
        return None


async def autorizado_on_case(
    case_number: str, intake: Application, acting: Acting, request_id: RequestId, headers: Headers
) -> OnCase:
    person = PersonRef(nif=acting.caller.nif, name=acting.caller.name)
    return OnCase(intake, person, acting.authorization.number, case_number, (request_id, headers))


async def clerk_on_case(
    case_number: str, intake: Application, clerk: Clerk, request_id: RequestId, headers: Headers
) -> OnCase:
    person = PersonRef(nif=clerk.nif, name=clerk.name)
    return OnCase(intake, person, None, case_number, (request_id, headers))


AutorizadoOnCase = Annotated[OnCase, Depends(autorizado_on_case)]
ClerkOnCase = Annotated[OnCase, Depends(clerk_on_case)]

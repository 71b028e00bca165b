"""Commands, drafts and case documents for intake's tests; each call makes fresh values."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from casia_contracts.commands import OpenCase
from casia_contracts.values import (
    ActorKind,
    AuthorizationRef,
    CaseType,
    Channel,
    Classification,
    PersonRef,
    Status,
    Substatus,
)
from casia_intake.service.opening import Draft
from casia_intake.service.ports import IdempotencyScope
from casia_intake.settings import IntakeSettings
from casia_read_models import StoredActor, StoredAuthorization, StoredCase, StoredHistoryEntry, StoredPerson

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
AUTHORIZATION = AuthorizationRef(number="1234567", holder_nif="B12345674", business_name="Gestoría Ana")
AUTORIZADO = PersonRef(nif="12345678Z", name="Ana Pérez")
DEV_SECRET = "intake-tests-only-secret-0123456789abcdef"


def dev_settings(**overrides: Any) -> IntakeSettings:
    """A gateway in dev mode with the tests' own secret (the gateway has no default mode)."""
    return IntakeSettings(auth_mode="dev", auth_dev_secret=SecretStr(DEV_SECRET), **overrides)


def open_command(case_number: str, *, title: str = "Duda sobre contacto") -> OpenCase:
    return OpenCase(
        case_number=case_number,
        authorization=AUTHORIZATION,
        opened_by=AUTORIZADO,
        channel=Channel.API,
        classification=Classification(
            case_type=CaseType.CONSULTA, subject="gestion_autorizaciones", category="datos_contacto"
        ),
        affects_current_period=False,
        title=title,
        description="Una consulta.",
        additional_data={},
        documents=[],
    )


def draft(*, title: str = "Duda sobre contacto") -> Draft:
    """What the route hands to CaseOpening: the command for whichever number is allocated."""
    return lambda case_number: open_command(case_number, title=title)


def new_scope(*, caller: str = AUTORIZADO.nif, authorization: str = AUTHORIZATION.number) -> IdempotencyScope:
    return IdempotencyScope(caller=caller, authorization=authorization, key=uuid.uuid4().hex)


def stored_case(case_number: str, *, authorization: AuthorizationRef = AUTHORIZATION) -> StoredCase:
    """A just-opened case as the workflow stores it in ``cases``."""
    actor = StoredActor(kind=ActorKind.AUTORIZADO, nif=AUTORIZADO.nif, name=AUTORIZADO.name)
    return StoredCase(
        case_number=case_number,
        authorization=StoredAuthorization.model_validate(authorization.model_dump()),
        opened_by=StoredPerson(nif=AUTORIZADO.nif, name=AUTORIZADO.name),
        channel=Channel.API,
        opened_at=T0,
        case_type=CaseType.CONSULTA,
        subject="gestion_autorizaciones",
        category="datos_contacto",
        subcategory=None,
        affects_current_period=False,
        title="Duda sobre contacto",
        description="Una consulta.",
        additional_data={},
        documents=[],
        status=Status.OPEN,
        status_label="Abierto",
        substatus=Substatus.SUBMITTED,
        substatus_label="Presentado",
        substatus_at=T0,
        assignee=None,
        history=[
            StoredHistoryEntry(
                status=Status.OPEN,
                status_label="Abierto",
                substatus=Substatus.SUBMITTED,
                substatus_label="Presentado",
                at=T0,
                actor=actor,
                observations="Alta del caso",
            )
        ],
        information=[],
        annulment_reason=None,
        resolution=None,
        rating=None,
        closure_due_at=None,
        version=1,
    )

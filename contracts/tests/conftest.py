"""Shared fixtures of the contract tests: sample values and the golden payloads' folder."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from casia_contracts import Actor, ActorKind, CaseAssigned, CaseType, PersonRef, Status, Substatus

GOLDEN_DIR = Path(__file__).parent / "golden"


@pytest.fixture
def golden_dir() -> Path:
    return GOLDEN_DIR


@pytest.fixture
def clerk() -> PersonRef:
    return PersonRef(nif="87654321X", name="Juan Pérez Martín")


@pytest.fixture
def case_assigned(clerk: PersonRef) -> CaseAssigned:
    return CaseAssigned(
        case_number="CAS-2025-0000999",
        authorization_number="7654321",
        case_type=CaseType.CONSULTA,
        status=Status.OPEN,
        substatus=Substatus.ASSIGNED,
        occurred_at=datetime(2025, 4, 1, 8, 30, tzinfo=UTC),
        actor=Actor(kind=ActorKind.TRAMITADOR, nif=clerk.nif, name=clerk.name),
        version=2,
        assignee=clerk,
    )

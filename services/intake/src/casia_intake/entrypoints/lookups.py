"""Finding the case a route names, as the caller may see it, and building what every command
needs: its request context and the classification checked against the catalog."""

from __future__ import annotations

from casia_contracts.values import Classification
from casia_intake.domain.case_numbers import is_case_number
from casia_intake.domain.catalog import CatalogViolation, validate_case_classification_and_data
from casia_intake.entrypoints.headers import ActionHeaders
from casia_intake.entrypoints.problems import Problem
from casia_intake.entrypoints.schemas import ClassificationRequest
from casia_intake.service.application import IntakeApp
from casia_intake.service.commands import RequestContext
from casia_intake.service.ports import IdempotencyScope
from casia_read_models import StoredCase

BACKOFFICE = "backoffice"
"""The 'authorization' a clerk's Idempotency-Keys are scoped to (clerks act across them)."""


async def case_of(intake: IntakeApp, case_number: str, *, authorization: str | None) -> StoredCase:
    """The case, if it exists and (for an autorizado) belongs to ``authorization``; 404
    otherwise, with no hint that it exists and without repeating the number."""
    stored = await intake.cases.get(case_number) if is_case_number(case_number) else None
    if stored is None or (authorization is not None and stored.authorization.number != authorization):
        raise Problem(404, "case-not-found", "Caso no encontrado", "No existe el caso indicado.")
    return stored


def request_context(
    intake: IntakeApp, *, caller: str, scope: str, headers: ActionHeaders, request_id: str
) -> RequestContext:
    """When, which request, and under which Idempotency-Key (the caller's, within ``scope``)."""
    key = headers.idempotency_key
    idempotency = IdempotencyScope(caller=caller, authorization=scope, key=key) if key else None
    return RequestContext(at=intake.clock(), correlation_id=request_id, idempotency=idempotency)


def classification_of(
    intake: IntakeApp, body: ClassificationRequest
) -> tuple[Classification, dict[str, str]]:
    """The classification and its additional data, checked against the catalog (422 naming every
    problem otherwise); the data comes back in its canonical form."""
    classification = Classification(
        case_type=body.case_type, subject=body.subject, category=body.category, subcategory=body.subcategory
    )
    try:
        data = validate_case_classification_and_data(
            intake.catalog, classification, additional_data=body.additional_data
        )
    except CatalogViolation as violation:
        errors = [{"field": field, "message": message} for field, message in violation.problems]
        raise Problem(
            422,
            "catalog-violation",
            "Clasificación o datos adicionales no válidos",
            "Revise los campos indicados en 'errors'.",
            errors=errors,
        ) from violation
    return classification, data

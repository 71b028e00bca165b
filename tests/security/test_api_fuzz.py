"""Schemathesis against the running gateway's own OpenAPI document, with valid tokens for both
roles: whatever it generates (valid and invalid parameters and bodies, requests without a token),
no answer is a 5xx, and every answer conforms to what the document says — its status codes,
content types, headers and schemas.

One check is left out: that a request valid by the schema is accepted. Many are not, on purpose:
check digits of NIF/CCC/NAF, control characters in texts, a reason required when rejecting, a
cursor of another search, a case that does not exist — rules no JSON Schema can carry, each
answered with a 4xx problem the document lists (and that the other checks hold to its schema).
``CASIA_FUZZ_EXAMPLES`` sets the examples per operation (25)."""

from __future__ import annotations

import os
import time
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings
from pydantic import SecretStr
from schemathesis.specs.openapi.checks import positive_data_acceptance

from casia_intake.app import create_app
from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_intake.settings import IntakeSettings
from casia_local.auth import dev_secret
from casia_local.settings import Settings

from ..conftest import new_nif

GATEWAY = os.environ.get("CASIA_GATEWAY_URL", "http://127.0.0.1:8000")
EXAMPLES = int(os.environ.get("CASIA_FUZZ_EXAMPLES", "25"))


def served_document() -> dict[str, Any]:
    """The document the gateway serves at /openapi.json, built from its app (no server needed to
    collect the tests; the requests then go to the running gateway)."""
    settings = IntakeSettings(auth_mode="dev", auth_dev_secret=SecretStr("d" * 40))
    document: dict[str, Any] = create_app(settings).openapi()
    return document


schema = schemathesis.openapi.from_dict(served_document())


def token(role: Role) -> str:
    authorizations = (
        (AuthorizationClaim(number="1234567", holder_nif="B12345674", business_name="Gestoría Fuzz SL"),)
        if role is Role.AUTORIZADO
        else ()
    )
    claims = Claims(sub=new_nif(), name="Persona Fuzz", roles=(role,), authorizations=authorizations)
    return mint_dev_token(dev_secret(Settings.from_env()), claims, now=int(time.time()), ttl_seconds=3600)


TOKENS = {role: token(role) for role in (Role.AUTORIZADO, Role.TRAMITADOR)}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_answer_is_a_server_error_or_strays_from_the_document(case: Any) -> None:
    for bearer in TOKENS.values():
        case.call_and_validate(
            base_url=GATEWAY,
            headers={"Authorization": f"Bearer {bearer}"},
            excluded_checks=[positive_data_acceptance],
            timeout=30,
        )

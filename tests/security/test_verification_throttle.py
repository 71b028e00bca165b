"""Guessing CEAs is throttled on the running gateway: one client address gets
``verify_rate_per_minute`` answers a minute from the public verification routes, then 429
problem+json with Retry-After, and a right code does not get through either.

The window itself (when it moves, per address, other routes untouched) is unit-tested on fakes in
services/intake/tests/unit/test_verification_routes.py; this is the one check on the real stack.

The client's address is an IPv6 documentation address given in X-Forwarded-For, which the gateway's
server takes from a proxy on the loopback (uvicorn's default): so this test spends the budget of
an address of its own, never the one every other test on this machine verifies from.
"""

from __future__ import annotations

import random
from ipaddress import IPv6Address

import httpx
import pytest

from casia_intake.settings import IntakeSettings

from .conftest import Victim
from .support import assert_problem

pytestmark = pytest.mark.e2e

VERIFY = "/v1/receipts/verify"
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def guessed_cea() -> str:
    code = "".join(random.choice(CROCKFORD) for _ in range(16))
    return "-".join(code[i : i + 4] for i in range(0, 16, 4))


def address() -> dict[str, str]:
    """A client address of this test's own (IPv6 documentation prefix, 2001:db8::/32)."""
    return {"X-Forwarded-For": str(IPv6Address((0x20010DB8 << 96) | random.getrandbits(64)))}


async def test_guessing_ceas_is_refused_with_429_and_retry_after_once_over_the_limit(
    session_client: httpx.AsyncClient, victim: Victim
) -> None:
    limit = IntakeSettings().verify_rate_per_minute
    guesser = address()
    right = (await session_client.get(victim.case_path, headers=victim.holder.headers)).json()["receipts"][0]

    guesses = [await session_client.get(f"{VERIFY}/{guessed_cea()}", headers=guesser) for _ in range(limit)]
    over = await session_client.get(f"{VERIFY}/{guessed_cea()}", headers=guesser)
    right_but_over = await session_client.get(f"{VERIFY}/{right['cea']}", headers=guesser)
    pdf_but_over = await session_client.get(f"{VERIFY}/{right['cea']}/pdf", headers=guesser)
    elsewhere = await session_client.get(f"{VERIFY}/{right['cea']}", headers=address())

    for guess in guesses:
        assert_problem(guess, 404, "receipt-not-found")
    for refused in (over, right_but_over, pdf_but_over):
        assert_problem(refused, 429, "too-many-requests")
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert elsewhere.status_code == 200, elsewhere.text  # the limit is the guesser's alone
    assert elsewhere.json()["case_number"] == victim.case_number

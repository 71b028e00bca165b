"""The back office's counts by substatus: for clerks only, every open substatus with its label."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from casia_intake.auth import Role

from ..builders import stored_case
from ..gateway import Gateway, assert_problem, serving_fakes


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    async with serving_fakes() as serving:
        yield serving


async def test_a_clerk_sees_how_many_open_cases_each_substatus_holds(gateway: Gateway) -> None:
    gateway.cases.add(stored_case("CAS-2026-0000001"))
    gateway.cases.add(stored_case("CAS-2026-0000002"))

    answer = await gateway.client.get(
        "/v1/backoffice/cases/counts", headers=gateway.headers(roles=[Role.TRAMITADOR], authorizations=[])
    )

    assert answer.status_code == 200, answer.text
    counts = {c["substatus"]: (c["label"], c["count"]) for c in answer.json()["counts"]}
    assert counts["submitted"] == ("Presentado", 2)
    assert counts["information_requested"] == ("Solicitada Información", 0)
    assert "resolved" not in counts


async def test_an_autorizado_may_not_see_the_counts(gateway: Gateway) -> None:
    answer = await gateway.client.get("/v1/backoffice/cases/counts", headers=gateway.headers())
    assert_problem(answer, 403, "forbidden")

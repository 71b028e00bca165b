"""Benchmark: every action of the lifecycle through the running gateway, end to end.

Each case goes through the stages below, all cases of a stage at once with ``--concurrency``
clients; a 200 is answered only once the workflow has applied the command (its outcome recorded
in the same transaction), so each latency covers HTTP → intake → Kafka → workflow → MongoDB →
intake. Prints one JSON document: per action, p50/p95/p99 and throughput. Loopback only.

    uv run python -m bench.actions [--cases 200] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import time
from collections.abc import Sequence
from typing import Any

import httpx
from bench.clients import clients_of, each_in_turn
from bench.open_cases import BODY, machine, summary

from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_local.auth import dev_secret
from casia_local.settings import Settings

Stage = tuple[str, str, str, dict[str, Any] | None]
"""(action, who: "autorizado" or "clerk", path suffix, body)"""

ANSWERED: Sequence[Stage] = (
    ("assignment", "clerk", "assignment", None),
    ("information-request", "clerk", "information-request", {"message": "Indique el periodo exacto."}),
    ("information", "autorizado", "information", {"text": "El periodo es 2026-01."}),
    ("escalation", "clerk", "escalation", {"observations": "Revisar con normativa."}),
    ("assignment (escalated)", "clerk", "assignment", None),
    ("reclassification-request", "clerk", "reclassification-request", {"message": "Es una consulta de RED."}),
    (
        "reclassification",
        "autorizado",
        "reclassification",
        {
            "case_type": "consulta",
            "subject": "cotizacion",
            "category": "recargos",
            "additional_data": {"period": "2026-01", "ccc": "28123456742"},
        },
    ),
    ("annulment (requested)", "autorizado", "annulment", {"reason": "Ya no es necesario."}),
    (
        "annulment-decision (rejected)",
        "clerk",
        "annulment-decision",
        {"approve": False, "reason": "Sigue en curso."},
    ),
    ("resolution", "clerk", "resolution", {"answer": "El recargo es correcto según el artículo 30."}),
    ("rating", "autorizado", "rating", {"score": 4, "observations": "Rápido."}),
)


def tokens() -> tuple[str, dict[str, str], dict[str, str]]:
    """The cases path of a fresh authorization, and the headers of its autorizado and of a clerk."""
    secret, now = dev_secret(Settings.from_env()), int(time.time())
    authorization = AuthorizationClaim(
        number=str(1_000_000 + secrets.randbelow(9_000_000)), holder_nif="B12345674", business_name="Bench SL"
    )
    autorizado = Claims(
        sub="12345678Z", name="Bench", roles=(Role.AUTORIZADO,), authorizations=(authorization,)
    )
    clerk = Claims(sub="00000000T", name="Clerk", roles=(Role.TRAMITADOR,))
    return (
        f"/v1/authorizations/{authorization.number}/cases",
        {"Authorization": f"Bearer {mint_dev_token(secret, autorizado, now=now, ttl_seconds=3600)}"},
        {"Authorization": f"Bearer {mint_dev_token(secret, clerk, now=now, ttl_seconds=3600)}"},
    )


async def stage(
    clients: Sequence[httpx.AsyncClient],
    paths: list[str],
    headers: dict[str, str],
    body: dict[str, Any] | None,
) -> dict[str, Any]:
    """POST ``body`` to each of ``paths``, as many at once as there are ``clients``."""
    latencies: list[float] = []
    statuses: list[int] = []

    async def one(client: httpx.AsyncClient, path: str) -> None:
        began = time.perf_counter()
        response = await client.post(path, json=body, headers=headers)
        latencies.append(time.perf_counter() - began)
        statuses.append(response.status_code)

    began = time.perf_counter()
    await each_in_turn(clients, paths, one)
    return summary(latencies, statuses, time.perf_counter() - began)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", default=os.environ.get("CASIA_GATEWAY_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    cases_path, autorizado, clerk = tokens()
    async with clients_of(args.gateway, args.concurrency) as clients:
        numbers: list[str] = []

        async def opened(client: httpx.AsyncClient, _: int) -> None:
            response = await client.post(cases_path, json=BODY, headers=autorizado)
            numbers.append(response.raise_for_status().json()["case_number"])

        await each_in_turn(clients, range(args.cases), opened)
        results = {}
        for action, who, suffix, body in ANSWERED:
            is_clerk = who == "clerk"
            paths = [
                f"/v1/backoffice/cases/{n}/{suffix}" if is_clerk else f"{cases_path}/{n}/{suffix}"
                for n in numbers
            ]
            results[action] = await stage(clients, paths, clerk if is_clerk else autorizado, body)
    print(
        json.dumps(
            {
                "benchmark": "case_actions",
                "machine": machine(),
                "cases": args.cases,
                "concurrency": args.concurrency,
                "actions": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    asyncio.run(main())

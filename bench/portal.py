"""Benchmark: the portal's pages through the running stack.

Time to first byte of Gestión de Casos (the search) and of a case's detail, p50/p99, with
``--users`` people signed in at once, each asking ``--requests`` times; and the weight of each
screen (HTML plus the CSS and JS it loads, before compression), with any request to another host
counted (there should be none). Prints JSON.

    uv run python -m bench.portal [--users 16] [--requests 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import time
from typing import Any

import httpx
from bench.open_cases import machine

from casia_local.bench import summarise

PORTAL = "http://127.0.0.1:8080"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ASSETS = re.compile(r'(?:href|src)="(/static/[^"]+)"')
EXTERNAL = re.compile(r'(?:href|src)="(https?://[^"]+)"')
CONSULTA = {"case_type": "consulta", "subject": "gestion_autorizaciones", "category": "datos_contacto"}


async def signed_in(client: httpx.AsyncClient, authorization: str) -> None:
    page = await client.get("/entrar")
    token = CSRF.search(page.text)
    assert token is not None
    form = {"csrf_token": token.group(1), "role": "autorizado", "nif": "12345678Z", "name": "Bench Portal"}
    await client.post("/entrar", data={**form, "authorizations": f"{authorization};B12345674;Bench SL"})


async def opened_case(client: httpx.AsyncClient) -> str:
    page = await client.get("/portal/casos/nuevo", params=CONSULTA)
    token = CSRF.search(page.text)
    assert token is not None
    form = {**CONSULTA, "csrf_token": token.group(1), "title": "Bench", "description": "Bench del portal."}
    answer = await client.post("/portal/casos/nuevo", data=form)
    found = re.search(r"CAS-\d{4}-\d{7}", str(answer.url))
    assert found is not None, answer.text[:500]
    return found.group(0)


async def first_byte(client: httpx.AsyncClient, path: str) -> float:
    started = time.perf_counter()
    async with client.stream("GET", path) as response:
        elapsed = time.perf_counter() - started
        await response.aread()
        response.raise_for_status()
    return elapsed


async def user(requests: int, timings: dict[str, list[float]]) -> None:
    authorization = str(random.randint(1_000_000, 9_999_999))  # noqa: S311 - test data
    async with httpx.AsyncClient(base_url=PORTAL, timeout=60, follow_redirects=True) as client:
        await signed_in(client, authorization)
        number = await opened_case(client)
        for _ in range(requests):
            timings["search"].append(await first_byte(client, "/portal/casos"))
            timings["detail"].append(await first_byte(client, f"/portal/casos/{number}"))


async def weights() -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=PORTAL, timeout=60, follow_redirects=True) as client:
        await signed_in(client, str(random.randint(1_000_000, 9_999_999)))  # noqa: S311 - test data
        number = await opened_case(client)
        screens = {
            "inicio": "/portal",
            "nuevo_caso": "/portal/casos/nuevo?case_type=tramite&subject=afiliacion&category=altas_bajas"
            "&subcategory=bajas_trabajadores_cuenta_ajena",
            "gestion_de_casos": "/portal/casos",
            "detalle": f"/portal/casos/{number}",
            "historico": f"/portal/casos/{number}/historico",
            "verificar": "/verificar",
        }
        found: dict[str, Any] = {}
        for name, path in screens.items():
            html = (await client.get(path)).text
            assets = [len((await client.get(a)).content) for a in sorted(set(ASSETS.findall(html)))]
            found[name] = {
                "kb": round((len(html.encode()) + sum(assets)) / 1024, 1),
                "external_requests": len(
                    EXTERNAL.findall(html.replace('href="https://www.seg-social.es', ""))
                ),
            }
        return found


async def main(args: argparse.Namespace) -> None:
    timings: dict[str, list[float]] = {"search": [], "detail": []}
    started = time.perf_counter()
    await asyncio.gather(*(user(args.requests, timings) for _ in range(args.users)))
    wall = time.perf_counter() - started
    report = {
        "benchmark": "portal",
        "machine": machine(),
        "users": args.users,
        "requests_per_user": args.requests,
        "ttfb": {name: summarise(values) for name, values in timings.items()},
        "wall_seconds": round(wall, 1),
        "page_weight": await weights(),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--requests", type=int, default=20)
    asyncio.run(main(parser.parse_args()))

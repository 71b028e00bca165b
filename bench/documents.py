"""Benchmark: documents and receipts through the running stack.

- ``uploads``: trámites opened with one 10 MB PDF each through the gateway (multipart), at
  ``--concurrency`` clients: MB/s answered (the file checked and in quarantine, the case
  opened), then MB/s stored (the documents service has checked and promoted every file).
- ``memory``: an intake process of the benchmark's own (limits raised to 120 MB per file) takes
  one 100 MB upload; how much its peak resident memory (VmHWM) grew over a warmed-up baseline.
- ``receipts``: justificantes rendered per second by one renderer thread and by a receipts
  worker's pool of render processes (one per core), and issued per second end to end by the
  running receipts service (trámites opened without documents until every receipt is issued).

    uv run python -m bench.documents [--uploads 24] [--concurrency 4] [--receipts 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pymongo
from bench.open_cases import machine

from casia_contracts.cea import cea_from_bytes
from casia_intake.auth import AuthorizationClaim, Claims, Role, mint_dev_token
from casia_local.auth import dev_secret, gateway_auth_env
from casia_local.settings import Settings
from casia_receipts.adapters.pdf import ReceiptRenderer
from casia_receipts.adapters.rendering import PooledRenderer
from casia_receipts.domain.receipt import ListedDocument, ReceiptContent, ReceiptKind
from casia_uploads import testing as samples

GATEWAY = "http://127.0.0.1:8000"
MB = 1024 * 1024
TRAMITE = {
    "case_type": "tramite",
    "subject": "afiliacion",
    "category": "altas_bajas",
    "subcategory": "bajas_trabajadores_cuenta_ajena",
    "affects_current_period": False,
    "title": "Baja de un trabajador",
    "description": "Solicito la baja del trabajador.",
    "additional_data": {"ccc": "28/1234567/42", "naf": "28 12345678 40"},
}


def token() -> tuple[str, str]:
    authorization = AuthorizationClaim(
        number=str(7_000_000 + os.getpid() % 999_999), holder_nif="B12345674", business_name="Bench SL"
    )
    claims = Claims(sub="12345678Z", name="Bench", roles=(Role.AUTORIZADO,), authorizations=(authorization,))
    return mint_dev_token(
        dev_secret(Settings.from_env()), claims, now=int(time.time()), ttl_seconds=3600
    ), authorization.number


def form(content: bytes) -> dict[str, Any]:
    return {
        "data": {"case": json.dumps(TRAMITE), "document_type": ["otro"], "title": ["Anexo"]},
        "files": [("files", ("anexo.pdf", content, "application/pdf"))],
    }


async def uploads(count: int, concurrency: int) -> dict[str, Any]:
    bearer, authorization = token()
    headers = {"Authorization": f"Bearer {bearer}"}
    files = [samples.pdf(padding=10 * MB, marker=str(i)) for i in range(count)]
    gate = asyncio.Semaphore(concurrency)
    locations: list[str] = []
    async with httpx.AsyncClient(base_url=GATEWAY, timeout=120) as client:

        async def one(content: bytes) -> None:
            async with gate:
                answer = await client.post(
                    f"/v1/authorizations/{authorization}/cases", headers=headers, **form(content)
                )
            answer.raise_for_status()
            locations.append(answer.headers["Location"])

        started = time.perf_counter()
        await asyncio.gather(*(one(f) for f in files))
        answered = time.perf_counter() - started
        while True:
            cases = [(await client.get(loc, headers=headers)).json() for loc in locations]
            if all(d["status"] != "pending" for c in cases for d in c["documents"]):
                break
            await asyncio.sleep(0.2)
        stored = time.perf_counter() - started
    megabytes = sum(len(f) for f in files) / MB
    return {
        "files": count,
        "file_mb": round(len(files[0]) / MB, 1),
        "concurrency": concurrency,
        "answered_mb_per_s": round(megabytes / answered, 1),
        "stored_mb_per_s": round(megabytes / stored, 1),
        "seconds": {"answered": round(answered, 2), "stored": round(stored, 2)},
    }


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


async def memory() -> dict[str, Any]:
    settings = Settings.from_env()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        **settings.client_env(),
        **gateway_auth_env(settings),
        "CASIA_HTTP_PORT": str(port),
        "CASIA_MAX_FILE_BYTES": str(120 * MB),
        "CASIA_MAX_UPLOAD_REQUEST_BYTES": str(130 * MB),
        "CASIA_LOG_LEVEL": "WARNING",
    }
    command = [str(Path(sys.executable).parent / "casia-intake")]
    quiet = subprocess.DEVNULL
    process = subprocess.Popen(command, env=env, stdout=quiet, stderr=quiet)  # noqa: ASYNC220 - ours, by PID
    try:
        bearer, authorization = token()
        headers = {"Authorization": f"Bearer {bearer}"}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=300) as client:
            while True:
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.3)
            path = f"/v1/authorizations/{authorization}/cases"
            for _ in range(3):  # warm-up: every code path of an upload has run once
                (
                    await client.post(path, headers=headers, **form(samples.pdf(padding=2 * MB)))
                ).raise_for_status()
            baseline = peak_rss_mib(process.pid)
            big = samples.pdf(padding=100 * MB)
            answer = await client.post(path, headers=headers, **form(big))
            answer.raise_for_status()
            peak = peak_rss_mib(process.pid)
    finally:
        process.terminate()  # our own process, by its PID
        process.wait(timeout=20)
    return {
        "upload_mb": round(len(big) / MB, 1),
        "baseline_peak_rss_mib": round(baseline, 1),
        "peak_rss_mib": round(peak, 1),
        "growth_mib": round(peak - baseline, 1),
    }


async def receipts(count: int) -> dict[str, Any]:
    renderer = ReceiptRenderer()
    now = datetime.now(UTC)
    documents = tuple(
        ListedDocument(
            document_type_label="Otro",
            title=f"Anexo {i}",
            file_name=f"anexo{i}.pdf",
            size_bytes=1000,
            sha256="a" * 64,
            attached_at=now,
        )
        for i in range(2)
    )
    content = ReceiptContent(
        receipt_id="rcp-bench",
        kind=ReceiptKind.SOLICITUD_TRAMITE,
        case_number="CAS-2026-0000001",
        authorization_number="1234567",
        holder_nif="B12345674",
        business_name="Bench SL",
        opened_by_name="Ana",
        opened_by_nif="12345678Z",
        case_title="Baja",
        classification_label="Trámite",
        opened_at=now,
        issued_at=now,
        documents=documents,
        cea=cea_from_bytes(os.urandom(10)),
        verify_url="http://127.0.0.1:8000/v1/receipts/verify/X",
    )
    renderer.render(content)
    started = time.perf_counter()
    for _ in range(count):
        renderer.render(content)
    rendered = count / (time.perf_counter() - started)
    processes = os.cpu_count() or 1
    pool = PooledRenderer(timezone="Europe/Madrid", processes=processes)
    try:
        await asyncio.gather(*(pool.render(content) for _ in range(processes)))  # workers started
        started = time.perf_counter()
        await asyncio.gather(*(pool.render(content) for _ in range(count)))
        pooled = count / (time.perf_counter() - started)
    finally:
        pool.close()

    bearer, authorization = token()
    headers = {"Authorization": f"Bearer {bearer}"}
    mongo: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        Settings.from_env().client_env()["CASIA_MONGO_URI"]
    )
    db = mongo["casia"]
    numbers: list[str] = []
    async with httpx.AsyncClient(base_url=GATEWAY, timeout=60) as client:
        started = time.perf_counter()
        for _ in range(count):
            answer = await client.post(
                f"/v1/authorizations/{authorization}/cases", headers=headers, json=TRAMITE
            )
            numbers.append(answer.json()["case_number"])
        issued_ones = {"case_number": {"$in": numbers}, "status": "issued"}
        while db.receipts.count_documents(issued_ones) < count:  # noqa: ASYNC110 - polling MongoDB
            await asyncio.sleep(0.2)
        issued = count / (time.perf_counter() - started)
    return {
        "rendered_per_s_one_thread": round(rendered, 1),
        "rendered_per_s_worker_pool": round(pooled, 1),
        "render_processes": processes,
        "issued_per_s_end_to_end": round(issued, 1),
        "receipts": count,
    }


async def main(args: argparse.Namespace) -> None:
    report = {
        "benchmark": "documents_and_receipts",
        "machine": machine(),
        "uploads": await uploads(args.uploads, args.concurrency),
        "memory": await memory(),
        "receipts": await receipts(args.receipts),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uploads", type=int, default=24)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--receipts", type=int, default=40)
    asyncio.run(main(parser.parse_args()))

"""A documents or receipts instance that dies at the worst instant loses nothing and does
nothing twice.

Each test starts an instance of its own (the stack's keeps running) armed to kill itself with
SIGKILL at one failpoint: the documents service right after writing a promoted file and before
recording it; the receipts service right after storing a justificante's PDF and before recording
it. Trámites with a document are opened until the armed instance dies; then every document must
end stored exactly once and every trámite hold exactly one issued opening receipt, each announced
by exactly one event id, whichever instance finished the work.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from casia_contracts import topics
from casia_runtime.testing import event_ids_by_subject
from casia_uploads import testing as samples

from .conftest import Autorizado
from .instances import Instance, own_instance
from .uploading import FileSpec, open_with_files

pytestmark = pytest.mark.e2e

MAX_CASES = 24


async def until_it_dies(client: httpx.AsyncClient, autorizado: Autorizado, instance: Instance) -> list[str]:
    """Open trámites with one document, one at a time, until ``instance`` has died (its
    partitions get some of them); the case numbers."""
    numbers: list[str] = []
    while instance.process.poll() is None and len(numbers) < MAX_CASES:
        spec: FileSpec = (
            "anexo.pdf",
            samples.pdf(marker=f"anexo-{len(numbers)}"),
            "application/pdf",
            "otro",
            "Anexo",
        )
        opened = await open_with_files(client, autorizado.cases_path, autorizado.headers, [spec])
        assert opened.status_code in (201, 202), opened.text
        numbers.append(opened.json()["case_number"])
        await asyncio.sleep(0.3)
    assert instance.process.wait(timeout=60) == -signal.SIGKILL, (
        "the armed instance never reached its failpoint"
    )
    return numbers


async def eventually(check: Callable[[], Any], *, within: float = 90.0) -> None:
    deadline = time.monotonic() + within
    while True:
        try:
            await check()
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


async def test_a_documents_instance_killed_after_promoting_a_file_leaves_each_document_stored_once(
    client: httpx.AsyncClient, autorizado: Autorizado, kafka_bootstrap: str, tmp_path: Path
) -> None:
    armed = {"CASIA_FAILPOINTS": "document.promoted"}
    async with own_instance(
        "documents", bootstrap=kafka_bootstrap, log=tmp_path / "documents.log", env=armed
    ) as dying:
        numbers = await until_it_dies(client, autorizado, dying)

    async def all_stored() -> None:
        for number in numbers:
            case = (await client.get(f"{autorizado.cases_path}/{number}", headers=autorizado.headers)).json()
            assert [d["status"] for d in case["documents"]] == ["stored"], number

    await eventually(all_stored)
    announced = await event_ids_by_subject(
        kafka_bootstrap, topics.DOCUMENT_EVENTS, "es.casia.document.stored", numbers
    )
    assert sorted(announced) == sorted(numbers)
    assert all(len(ids) == 1 for ids in announced.values()), "a document was announced twice"


async def test_a_receipts_instance_killed_after_storing_a_pdf_leaves_one_receipt_per_tramite(
    client: httpx.AsyncClient, autorizado: Autorizado, kafka_bootstrap: str, tmp_path: Path
) -> None:
    armed = {"CASIA_FAILPOINTS": "receipt.pdf_stored"}
    async with own_instance(
        "receipts", bootstrap=kafka_bootstrap, log=tmp_path / "receipts.log", env=armed
    ) as dying:
        numbers = await until_it_dies(client, autorizado, dying)

    async def one_receipt_each() -> None:
        for number in numbers:
            listed = await client.get(
                f"{autorizado.cases_path}/{number}/receipts", headers=autorizado.headers
            )
            assert listed.status_code == 200, listed.text
            assert [r["kind"] for r in listed.json()["receipts"]] == ["solicitud_tramite"], number

    await eventually(one_receipt_each)
    announced = await event_ids_by_subject(
        kafka_bootstrap, topics.RECEIPT_EVENTS, "es.casia.receipt.issued", numbers
    )
    assert sorted(announced) == sorted(numbers)
    assert all(len(ids) == 1 for ids in announced.values()), "a receipt was announced twice"

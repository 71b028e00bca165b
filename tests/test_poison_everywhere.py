"""A malformed message injected into every topic a service consumes lands in that consumer's
dead-letter topic with its reason, and consumption goes on: afterwards a trámite with a document
still goes all the way (stored, justificante issued, e-mailed)."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from casia_contracts import topics
from casia_ops import dead_letters as dlq
from casia_uploads import testing as samples

from .conftest import Autorizado
from .journeys import consented, notices_about
from .uploading import open_with_files

pytestmark = pytest.mark.e2e

CONSUMED = {
    "workflow": (topics.CASE_COMMANDS, topics.DOCUMENT_EVENTS),
    "documents": (topics.DOCUMENT_COMMANDS,),
    "receipts": (topics.CASE_EVENTS,),
    "notifier": (topics.CASE_EVENTS, topics.RECEIPT_EVENTS),
}
POISON = b'{"specversion": "1.0", "id": "no-type-no-data"'  # cut short: not even JSON


async def dead_letters_of(bootstrap: str, service: str, key: str, *, expected: int) -> list[dlq.Letter]:
    deadline = time.monotonic() + 60
    while True:
        found = [
            f for f in await dlq.letters(bootstrap, topics.dead_letter_topic(service)) if f.letter.key == key
        ]
        if len(found) >= expected or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.5)


async def test_poison_in_every_consumed_topic_is_dead_lettered_and_the_system_goes_on(
    client: httpx.AsyncClient, autorizado: Autorizado, kafka_bootstrap: str, email: str, mail_api_url: str
) -> None:
    key = f"CAS-2026-{uuid.uuid4().int % 10**7:07d}"
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for topic in {t for consumed in CONSUMED.values() for t in consumed}:
            await producer.send_and_wait(topic, POISON, key=key.encode())
    finally:
        await producer.stop()

    for service, consumed in CONSUMED.items():
        letters = await dead_letters_of(kafka_bootstrap, service, key, expected=len(consumed))
        assert sorted(f.letter.topic for f in letters) == sorted(consumed), service
        assert all(f.letter.error_type == "PoisonMessage" and f.letter.error for f in letters), service

    await consented(client, autorizado.authorization.number, autorizado.headers, email)
    spec = ("anexo.pdf", samples.pdf(marker="despues-del-veneno"), "application/pdf", "otro", "Anexo")
    opened = await open_with_files(client, autorizado.cases_path, autorizado.headers, [spec])
    assert opened.status_code == 201, opened.text
    number, location = opened.json()["case_number"], opened.headers["Location"]
    deadline = time.monotonic() + 30
    while True:
        receipts = (await client.get(f"{location}/receipts", headers=autorizado.headers)).json()["receipts"]
        if receipts or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.3)
    assert [r["kind"] for r in receipts] == ["solicitud_tramite"]
    case = (await client.get(location, headers=autorizado.headers)).json()
    assert [d["status"] for d in case["documents"]] == ["stored"]
    mails = await notices_about(
        mail_api_url, email, number, subjects=["alta confirmada", "Justificante de solicitud de trámite"]
    )
    assert all(number in m["Subject"] for m in mails)

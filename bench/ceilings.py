"""Benchmark: the raw ceilings of the infrastructure on this machine, for the work CASIA gives it.

- MongoDB: multi-document transactions per second, each inserting a case-sized document, an
  outbox entry and an inbox entry (what the workflow writes per command), 16 at a time, in a
  database of the benchmark's own (dropped after);
- Kafka: 1 KB records produced with ``acks=all`` (idempotent, as the relays produce) and consumed
  back, per second, on a topic of the benchmark's own (deleted after);
- MinIO: 10 MB objects put per second by 4 threads (MB/s);
- SMTP: messages per second accepted by the local server over 4 connections;
- HTTP: the running gateway's cheapest route (``/healthz``) answered per second to 64 clients:
  what one uvicorn + FastAPI process does here before any work of CASIA's.

Each stage of CASIA can then be reported as a fraction of its ceiling. Prints JSON.

    uv run python -m bench.ceilings [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from typing import Any

import aiosmtplib
import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from bench.clients import clients_of
from bench.open_cases import machine
from pymongo import AsyncMongoClient

from casia_runtime.s3 import make_s3_client
from casia_runtime.settings import RuntimeSettings

SETTINGS = RuntimeSettings()
CASE = {"description": "x" * 1200, "history": [{"at": "2026-01-01", "note": "y" * 200}], "version": 1}


async def mongo_transactions(seconds: float, concurrency: int = 16) -> dict[str, Any]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(SETTINGS.mongo_uri)
    db = client[f"casia_ceiling_{uuid.uuid4().hex[:6]}"]
    for name in ("cases", "outbox", "inbox"):
        await db.create_collection(name)
    done = 0
    deadline = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal done
        while time.monotonic() < deadline:
            async with client.start_session() as session, await session.start_transaction():
                key = uuid.uuid4().hex
                await db.cases.insert_one({"_id": key, **CASE}, session=session)
                await db.outbox.insert_one({"key": key, "value": "z" * 800}, session=session)
                await db.inbox.insert_one({"_id": key}, session=session)
            done += 1

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    rate = done / (time.monotonic() - started)
    await client.drop_database(db.name)
    await client.close()
    return {"transactions_per_s": round(rate, 1), "concurrency": concurrency}


async def kafka_records(count: int = 20_000) -> dict[str, Any]:
    topic = f"casia-ceiling-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=SETTINGS.kafka_bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(topic, num_partitions=4, replication_factor=1)])
    value = b"v" * 1024
    producer = AIOKafkaProducer(
        bootstrap_servers=SETTINGS.kafka_bootstrap, acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    try:
        started = time.monotonic()
        sent = [await producer.send(topic, value, key=str(i % 500).encode()) for i in range(count)]
        await asyncio.gather(*sent)
        produced = count / (time.monotonic() - started)
        consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=SETTINGS.kafka_bootstrap, group_id=None, auto_offset_reset="earliest"
        )
        await consumer.start()
        read, started = 0, time.monotonic()
        while read < count:
            batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
            read += sum(len(records) for records in batches.values())
        consumed = count / (time.monotonic() - started)
        await consumer.stop()
    finally:
        await producer.stop()
        await admin.delete_topics([topic])
        await admin.close()
    return {
        "produced_per_s_acks_all": round(produced),
        "consumed_per_s": round(consumed),
        "record_bytes": 1024,
    }


def minio_puts(objects: int = 16, size: int = 10 * 1024 * 1024) -> dict[str, Any]:
    client = make_s3_client(SETTINGS)
    data = os.urandom(size)
    keys = [f"ceiling/{uuid.uuid4().hex}" for _ in range(objects)]

    def put(key: str) -> None:
        client.put_object("casia-quarantine", key, io.BytesIO(data), size, part_size=16 * 1024 * 1024)

    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(put, keys))
    rate = objects * size / (1024 * 1024) / (time.monotonic() - started)
    for key in keys:
        client.remove_object("casia-quarantine", key)
    return {"put_mb_per_s": round(rate, 1), "object_mb": size // (1024 * 1024), "threads": 4}


async def smtp_messages(count: int = 400, connections: int = 4) -> dict[str, Any]:
    host, port = (
        os.environ.get("CASIA_SMTP_HOST", "127.0.0.1"),
        int(os.environ.get("CASIA_SMTP_PORT", "1025")),
    )

    async def sender(share: int) -> None:
        smtp = aiosmtplib.SMTP(hostname=host, port=port)
        await smtp.connect()
        for n in range(share):
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = (
                "bench@casia.local",
                "ceiling@example.es",
                f"ceiling {n}",
            )
            message.set_content("Texto de prueba de un aviso. " * 40)
            await smtp.send_message(message)
        await smtp.quit()

    started = time.monotonic()
    await asyncio.gather(*(sender(count // connections) for _ in range(connections)))
    return {"messages_per_s": round(count / (time.monotonic() - started), 1), "connections": connections}


async def http_requests(seconds: float, clients: int = 64) -> dict[str, Any]:
    answered = 0
    deadline = time.monotonic() + seconds

    async def caller(client: httpx.AsyncClient) -> None:
        nonlocal answered
        while time.monotonic() < deadline:
            (await client.get("/healthz")).raise_for_status()
            answered += 1

    async with clients_of(os.environ.get("CASIA_GATEWAY_URL", "http://127.0.0.1:8000"), clients) as each:
        started = time.monotonic()
        await asyncio.gather(*(caller(client) for client in each))
        rate = answered / (time.monotonic() - started)
    return {"gateway_healthz_per_s": round(rate, 1), "clients": clients}


async def main(args: argparse.Namespace) -> None:
    report = {
        "benchmark": "ceilings",
        "machine": machine(),
        "mongodb": await mongo_transactions(args.seconds),
        "kafka": await kafka_records(),
        "minio": await asyncio.to_thread(minio_puts),
        "smtp": await smtp_messages(),
        "http": await http_requests(args.seconds),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    asyncio.run(main(parser.parse_args()))

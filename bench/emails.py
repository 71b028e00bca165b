"""Benchmark: e-mails per second, the notifier alone.

Writes ``--events`` ``case.opened`` events of consultas straight to the public topic (as the
workflow publishes them) for one authorization whose contact consented, and times until the
notifier has recorded every notice sent (each rendered, claimed, handed to the SMTP server,
marked, and its outcome, report and inbox record committed): nothing else of the stack works on
them but the receipts service, which reads and ignores them. Prints JSON, with the CPU the
notifier and the SMTP server spent per mail.

    uv run python -m bench.emails [--events 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from bench.clients import clients_of
from bench.cpu_per_case import consented_authorization, stack_cpu
from bench.open_cases import machine
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from casia_contracts import case_events as e
from casia_contracts import values as v
from casia_contracts.envelope import Causality, build_event
from casia_intake.settings import IntakeSettings
from casia_local.settings import Settings
from casia_ops.backlog import until_quiet
from casia_runtime.messages import OutboundMessage

GATEWAY = os.environ.get("CASIA_GATEWAY_URL", "http://127.0.0.1:8000")
NOTIFICATIONS = "notifications"


def opened(case_number: str, authorization: str, *, at: datetime) -> e.CaseOpened:
    return e.CaseOpened(
        case_number=case_number,
        authorization_number=authorization,
        case_type=v.CaseType.CONSULTA,
        status=v.Status.OPEN,
        substatus=v.Substatus.SUBMITTED,
        occurred_at=at,
        actor=v.Actor(kind=v.ActorKind.AUTORIZADO, nif="12345678Z", name="Carga de correo"),
        version=1,
        authorization=v.AuthorizationRef(
            number=authorization, holder_nif="B12345674", business_name="Bench SL"
        ),
        opened_by=v.PersonRef(nif="12345678Z", name="Carga de correo"),
        channel=v.Channel.API,
        classification=v.Classification(
            case_type=v.CaseType.CONSULTA, subject="cotizacion", category="recargos"
        ),
        affects_current_period=False,
        title="Consulta de carga",
        description="Una de las consultas cuyo aviso de alta mide el notificador.",
        additional_data={"period": "2026-01"},
        documents=[],
        opened_at=at,
    )


async def publish_opened(bootstrap: str, authorization: str, *, count: int) -> None:
    """``count`` case.opened events of new case numbers (acks=all), once Kafka has them all."""
    run = uuid.uuid4().hex[:8]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        pending = []
        for n in range(count):
            number, at = f"CAS-CORREO-{run}-{n:06d}", datetime.now(UTC)
            envelope = build_event(
                opened(number, authorization, at=at),
                event_id=str(uuid.uuid4()),
                source="/casia/workflow",
                time=at,
                causality=Causality.start(f"correo-{run}"),
            )
            sent = OutboundMessage.from_envelope(envelope, topic=envelope.data.topic, key=number)
            pending.append(await producer.send(sent.topic, sent.value, key=number.encode()))
        for acknowledgement in pending:
            await acknowledgement
    finally:
        await producer.stop()


async def until_recorded(db: AsyncDatabase[dict[str, Any]], rows: dict[str, str], count: int) -> None:
    """Once the notifier's delivery log holds ``count`` ``rows``."""
    while True:
        if await db[NOTIFICATIONS].count_documents(rows) >= count:
            return
        await asyncio.sleep(0.2)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000)
    args = parser.parse_args()
    settings, local = IntakeSettings(), Settings.from_env()
    async with clients_of(GATEWAY, 1) as clients:
        path, _ = await consented_authorization(clients[0], local)
    authorization = path.split("/")[3]
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_uri)
    try:
        db = mongo[settings.mongo_db]
        await until_quiet(db, settings.kafka_bootstrap, within=600)
        before = stack_cpu(local)
        began = time.perf_counter()
        await publish_opened(settings.kafka_bootstrap, authorization, count=args.events)
        await until_recorded(db, {"authorization_number": authorization, "status": "sent"}, args.events)
        seconds = time.perf_counter() - began
        after = stack_cpu(local)
    finally:
        await mongo.close()
    per_mail = {
        name: round(1000 * (after[name] - before[name]) / args.events, 2) for name in ("notifier", "smtp")
    }
    print(
        json.dumps(
            {
                "benchmark": "emails",
                "machine": machine(),
                "events": args.events,
                "seconds": round(seconds, 1),
                "emails_per_second": round(args.events / seconds, 1),
                "cpu_ms_per_email": per_mail,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    asyncio.run(main())

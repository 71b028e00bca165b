"""A backlog of case commands written straight to Kafka, as intake would send them: for the
scale-out test and benchmark, which measure how fast the consumers drain it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer

from casia_contracts import commands as c
from casia_contracts import values as v
from casia_contracts.envelope import Causality, build_event
from casia_runtime.messages import OutboundMessage

SOURCE = "/casia/intake"


def open_consulta(case_number: str, authorization: v.AuthorizationRef) -> c.OpenCase:
    """The alta of a consulta for ``authorization`` (one that has no contact: its notice is skipped)."""
    return c.OpenCase(
        case_number=case_number,
        authorization=authorization,
        opened_by=v.PersonRef(nif="12345678Z", name="Carga de prueba"),
        channel=v.Channel.API,
        classification=v.Classification(
            case_type=v.CaseType.CONSULTA, subject="cotizacion", category="recargos"
        ),
        affects_current_period=False,
        title="Consulta de carga",
        description="Una de las consultas del atasco que los consumidores deben vaciar.",
        additional_data={"period": "2026-01"},
        documents=[],
    )


async def produce_open_cases(bootstrap: str, authorization: v.AuthorizationRef, *, count: int) -> list[str]:
    """Send ``count`` OpenCase commands (acks=all, pipelined) with numbers of their own
    (``CAS-CARGA-<run>-<n>``, never one intake allocates); returns the case numbers once Kafka
    acknowledged every command."""
    run = uuid.uuid4().hex[:8]
    numbers = [f"CAS-CARGA-{run}-{n:06d}" for n in range(count)]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        pending = []
        for number in numbers:
            command = open_consulta(number, authorization)
            envelope = build_event(
                command,
                event_id=str(uuid.uuid4()),
                source=SOURCE,
                time=datetime.now(UTC),
                causality=Causality.start(f"carga-{run}"),
            )
            sent = OutboundMessage.from_envelope(envelope, topic=command.topic, key=number)
            headers = [(name, value.encode()) for name, value in sent.headers.items()]
            pending.append(await producer.send(sent.topic, sent.value, key=number.encode(), headers=headers))
        for acknowledgement in pending:
            await acknowledgement
    finally:
        await producer.stop()
    return numbers

"""Composition root of the gateway: clients opened in the lifespan, the app's collaborators."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from functools import partial

from fastapi import FastAPI

from casia_intake.adapters.commands import CommandSender
from casia_intake.adapters.mongo import CaseNumbers, CaseReads, Contacts, IdempotencyKeys, create_indexes
from casia_intake.auth import TokenVerifier
from casia_intake.domain.catalog import Catalog, load_catalog
from casia_intake.service.opening import CaseOpening
from casia_intake.settings import IntakeSettings
from casia_runtime.clock import Clock, utc_now_ms
from casia_runtime.health import Readiness
from casia_runtime.kafka import KafkaPublisher, kafka_ready, make_broker
from casia_runtime.mongo import make_mongo_client, mongo_ready
from casia_runtime.s3 import make_s3_client, s3_ready


@dataclass(frozen=True, slots=True)
class Intake:
    """What the routes need, built once per process."""

    settings: IntakeSettings
    catalog: Catalog
    opening: CaseOpening
    cases: CaseReads
    contacts: Contacts
    clock: Clock


def lifespan_for(settings: IntakeSettings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        broker = make_broker(settings)
        mongo = make_mongo_client(settings)
        db = mongo[settings.mongo_db]
        await create_indexes(db)
        await broker.start()
        sender = CommandSender(KafkaPublisher(broker), timeout_seconds=settings.kafka_publish_timeout_seconds)
        app.state.verifier = TokenVerifier(settings)
        s3 = make_s3_client(settings)
        app.state.readiness = Readiness(
            {
                "kafka": partial(kafka_ready, broker),
                "mongodb": partial(mongo_ready, mongo),
                "s3": partial(s3_ready, s3, settings.quarantine_bucket),
            }
        )
        app.state.intake = Intake(
            settings=settings,
            catalog=load_catalog(),
            opening=CaseOpening(numbers=CaseNumbers(db), keys=IdempotencyKeys(db), sender=sender),
            cases=CaseReads(db),
            contacts=Contacts(db),
            clock=utc_now_ms,
        )
        try:
            yield
        finally:
            await broker.stop()
            await mongo.close()

    return lifespan

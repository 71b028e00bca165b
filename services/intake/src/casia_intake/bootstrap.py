"""Composition root of the gateway: clients opened in the lifespan, the app's collaborators."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial

from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.adapters.commands import KafkaCommandSender
from casia_intake.adapters.mongo import (
    MongoCaseNumbers,
    MongoCaseReader,
    MongoContacts,
    MongoIdempotencyKeys,
    create_indexes,
)
from casia_intake.domain.catalog import load_catalog
from casia_intake.service.application import IntakeApp
from casia_intake.service.opening import CaseOpening
from casia_intake.settings import IntakeSettings
from casia_runtime.clock import Clock, utc_now_ms
from casia_runtime.health import Readiness
from casia_runtime.kafka import KafkaPublisher, kafka_ready, make_broker
from casia_runtime.mongo import Document, make_mongo_client, mongo_ready
from casia_runtime.outbox import Publisher
from casia_runtime.s3 import make_s3_client, s3_ready
from casia_runtime.worker import supervised


def build_intake(
    settings: IntakeSettings,
    *,
    db: AsyncDatabase[Document],
    publisher: Publisher,
    clock: Clock = utc_now_ms,
    cases: MongoCaseReader | None = None,
) -> IntakeApp:
    """The routes' collaborators over MongoDB ``db`` and a Kafka ``publisher`` (already started).

    ``cases`` is the reader whose change stream the caller runs (see the lifespan); without it,
    waiting for a new case falls back to one read after the read-your-writes time.
    """
    sender = KafkaCommandSender(publisher, timeout_seconds=settings.kafka_publish_timeout_seconds)
    return IntakeApp(
        settings=settings,
        catalog=load_catalog(),
        opening=CaseOpening(numbers=MongoCaseNumbers(db), keys=MongoIdempotencyKeys(db), sender=sender),
        cases=cases or MongoCaseReader(db),
        contacts=MongoContacts(db),
        clock=clock,
    )


def lifespan_for(settings: IntakeSettings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        broker = make_broker(settings)
        mongo = make_mongo_client(settings)
        db = mongo[settings.mongo_db]
        await create_indexes(db)
        await broker.start()
        s3 = make_s3_client(settings)
        app.state.readiness = Readiness(
            {
                "kafka": partial(kafka_ready, broker),
                "mongodb": partial(mongo_ready, mongo),
                "s3": partial(s3_ready, s3, settings.quarantine_bucket),
            }
        )
        cases = MongoCaseReader(db)
        app.state.intake = build_intake(settings, db=db, publisher=KafkaPublisher(broker), cases=cases)
        arrivals = asyncio.create_task(supervised(cases.watch), name="case-arrivals")
        try:
            yield
        finally:
            arrivals.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await arrivals
            await broker.stop()
            await mongo.close()

    return lifespan

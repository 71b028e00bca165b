"""Composition root of the gateway: clients opened in the lifespan, the app's collaborators."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial

from fastapi import FastAPI
from pymongo.asynchronous.database import AsyncDatabase

from casia_intake.adapters.commands import KafkaCommandSender, Producer
from casia_intake.adapters.mongo import (
    OUTBOX,
    MongoCaseNumbers,
    MongoCaseReader,
    MongoContacts,
    MongoIdempotencyKeys,
    MongoLookup,
    create_indexes,
)
from casia_intake.adapters.outcomes import MongoCommandOutcomes
from casia_intake.adapters.receipts import MongoReceipts
from casia_intake.adapters.search import MongoCaseFinder
from casia_intake.domain.catalog import load_catalog
from casia_intake.service.actions import CaseActions
from casia_intake.service.application import IntakeApp
from casia_intake.service.attachments import Attachments
from casia_intake.service.commands import CommandPath
from casia_intake.service.opening import CaseOpening
from casia_intake.service.rate_limit import MovingWindowLimit
from casia_intake.service.requests import Requests
from casia_intake.settings import IntakeSettings
from casia_read_models import StoredFile
from casia_runtime.backlog import BacklogGauges
from casia_runtime.clock import utc_now_ms
from casia_runtime.connections import RELAY_LEASES
from casia_runtime.health import Readiness
from casia_runtime.kafka import KafkaPublisher, kafka_ready, make_broker
from casia_runtime.mongo import Document, make_mongo_client, make_watching_client, mongo_ready
from casia_runtime.outbox import Outbox
from casia_runtime.relay import relay_for
from casia_runtime.s3 import S3Objects, make_s3_client, s3_ready
from casia_runtime.startup import Startup, broker_start
from casia_runtime.worker import instance_id


def build_intake(
    settings: IntakeSettings,
    *,
    db: AsyncDatabase[Document],
    producer: Producer,
    outcomes: MongoCommandOutcomes | None = None,
    on_kept: Callable[[], None] = lambda: None,
) -> IntakeApp:
    """The routes' collaborators over MongoDB ``db`` and a Kafka ``producer``.

    ``outcomes`` is the reader whose change stream the caller runs (see the lifespan); without
    it, waiting for a command's outcome ends with one read after the read-your-writes time.
    ``on_kept`` is called when a command Kafka did not acknowledge was kept in the outbox (it
    wakes the relay).
    """
    sender = KafkaCommandSender(
        producer,
        unconfirmed=Outbox(db[OUTBOX]),
        timeout_seconds=settings.kafka_publish_timeout_seconds,
        on_kept=on_kept,
    )
    catalog = load_catalog().with_max_upload_bytes(settings.max_file_bytes)
    objects = S3Objects(make_s3_client(settings))
    commands = CommandPath(
        sender=sender,
        outcomes=outcomes or MongoCommandOutcomes(db),
        requests=Requests(MongoIdempotencyKeys(db)),
        wait_seconds=settings.read_your_writes_seconds,
    )
    return IntakeApp(
        settings=settings,
        catalog=catalog,
        opening=CaseOpening(numbers=MongoCaseNumbers(db), commands=commands),
        actions=CaseActions(commands),
        attachments=Attachments(
            quarantine=objects,
            bucket=settings.quarantine_bucket,
            catalog=catalog,
            max_file_bytes=settings.max_file_bytes,
        ),
        cases=MongoCaseReader(db),
        files=MongoLookup(db, StoredFile),
        receipts=MongoReceipts(db),
        objects=objects,
        finder=MongoCaseFinder(db),
        contacts=MongoContacts(db),
        clock=utc_now_ms,
        verify_limit=MovingWindowLimit(limit=settings.verify_rate_per_minute, window_seconds=60),
    )


def lifespan_for(settings: IntakeSettings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Opens the clients, serves at once, and brings MongoDB's indexes, the Kafka producer, the
    outbox relay and the change stream of command outcomes up in the background as they allow."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        broker, mongo, watching = (
            make_broker(settings),
            make_mongo_client(settings),
            make_watching_client(settings),
        )
        db = mongo[settings.mongo_db]
        publisher = KafkaPublisher(settings)
        relay = relay_for(
            db[OUTBOX], db[RELAY_LEASES], publisher=publisher, owner=instance_id(), settings=settings
        )
        outcomes = MongoCommandOutcomes(db, watching=watching[settings.mongo_db])
        app.state.intake = build_intake(
            settings, db=db, producer=publisher, outcomes=outcomes, on_kept=relay.wake
        )
        startup = Startup(
            steps=[("mongodb", partial(create_indexes, db)), ("kafka", broker_start(broker))],
            loops=[relay.run, outcomes.watch, _outbox_gauges(settings, db).run],
        )
        s3 = make_s3_client(settings)
        app.state.readiness = Readiness(
            {
                "started": startup.started,
                "kafka": partial(kafka_ready, broker),
                "mongodb": partial(mongo_ready, mongo),
                "s3": partial(s3_ready, s3, settings.quarantine_bucket),
            }
        )
        try:
            async with startup:  # on the way out: the loops stop first, while the clients work
                yield
        finally:
            await broker.stop()
            await publisher.close()
            await mongo.close()
            await watching.close()

    return lifespan


def _outbox_gauges(settings: IntakeSettings, db: AsyncDatabase[Document]) -> BacklogGauges:
    """The gateway's outbox backlog in its metrics (it consumes no topic: no lag to read)."""
    return BacklogGauges(db, outboxes=[OUTBOX], bootstrap=settings.kafka_bootstrap, group=None)

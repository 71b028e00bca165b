"""Composition root of the documents service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from pymongo.asynchronous.database import AsyncDatabase
from starlette.applications import Starlette

from casia_documents.adapters import mongo as store
from casia_documents.entrypoints.consumer import subscribe
from casia_documents.service.storing import DocumentKeeper
from casia_documents.service.sweeping import QuarantineSweeper
from casia_documents.settings import DocumentsSettings
from casia_runtime.clock import utc_now_ms
from casia_runtime.connections import Connections
from casia_runtime.failpoints import Failpoints
from casia_runtime.mongo import Document
from casia_runtime.s3 import S3Objects, make_s3_client, s3_ready
from casia_runtime.worker import build_worker


def bootstrap(settings: DocumentsSettings) -> Starlette:
    connections = Connections.open(settings)
    s3 = make_s3_client(settings)
    objects = S3Objects(s3)
    relay = connections.relay(store.OUTBOX)
    keeper = DocumentKeeper(
        objects=objects,
        transactions=store.documents_transactions(connections.mongo, connections.db),
        applied=store.inbox_of(connections.db),
        clock=utc_now_ms,
        documents_bucket=settings.documents_bucket,
        max_file_bytes=settings.max_file_bytes,
        on_commit=relay.wake,
        failpoints=Failpoints.parse(settings.failpoints),
    )
    sweeper = QuarantineSweeper(
        objects=objects,
        bucket=settings.quarantine_bucket,
        max_age=timedelta(seconds=settings.quarantine_max_age_seconds),
        every=timedelta(seconds=settings.quarantine_sweep_seconds),
        clock=utc_now_ms,
    )
    guard = connections.guard()
    subscribe(connections.broker, keeper=keeper, guard=guard, consumers=settings.consumers_per_topic)
    readiness = connections.readiness(s3=lambda: s3_ready(s3, settings.documents_bucket))
    return build_worker(
        connections.broker,
        readiness=readiness,
        on_startup=[indexes_of(connections.db)],
        background=[relay.run, connections.gauges(store.OUTBOX).run, guard.sweep_parked, sweeper.run],
        on_shutdown=[connections.close],
    )


def indexes_of(db: AsyncDatabase[Document]) -> Callable[[], Awaitable[None]]:
    async def create_documents_indexes() -> None:
        await store.create_indexes(db)

    return create_documents_indexes

"""Composition root of the receipts service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial

from pymongo.asynchronous.database import AsyncDatabase
from starlette.applications import Starlette

from casia_receipts.adapters import mongo as store
from casia_receipts.adapters.rendering import PooledRenderer
from casia_receipts.entrypoints.consumer import subscribe
from casia_receipts.service.desk import ReceiptDesk
from casia_receipts.settings import ReceiptsSettings
from casia_runtime.clock import utc_now_ms
from casia_runtime.connections import Connections
from casia_runtime.failpoints import Failpoints
from casia_runtime.mongo import Document
from casia_runtime.s3 import S3Objects, make_s3_client, s3_ready
from casia_runtime.worker import build_worker


def bootstrap(settings: ReceiptsSettings) -> Starlette:
    connections = Connections.open(settings)
    s3 = make_s3_client(settings)
    relay = connections.relay(store.OUTBOX)
    renderer = PooledRenderer(timezone=settings.timezone, processes=settings.render_processes)
    desk = ReceiptDesk(
        transactions=store.receipts_transactions(connections.mongo, connections.db),
        applied=store.inbox_of(connections.db),
        receipts=store.ReceiptsReader(connections.db),
        pdfs=S3Objects(s3),
        renderer=renderer,
        clock=utc_now_ms,
        bucket=settings.receipts_bucket,
        public_base_url=settings.public_base_url,
        on_commit=relay.wake,
        sweep_every=timedelta(seconds=settings.issue_sweep_seconds),
        failpoints=Failpoints.parse(settings.failpoints),
    )
    guard = connections.guard()
    subscribe(connections.broker, desk=desk, guard=guard, consumers=settings.consumers_per_topic)
    return build_worker(
        connections.broker,
        readiness=connections.readiness(s3=partial(s3_ready, s3, settings.receipts_bucket)),
        on_startup=[indexes_of(connections.db)],
        background=[relay.run, connections.gauges(store.OUTBOX).run, guard.sweep_parked, desk.sweep],
        on_shutdown=[connections.close, _closing(renderer)],
    )


def indexes_of(db: AsyncDatabase[Document]) -> Callable[[], Awaitable[None]]:
    async def create_receipts_indexes() -> None:
        await store.create_indexes(db)

    return create_receipts_indexes


def _closing(renderer: PooledRenderer) -> Callable[[], Awaitable[None]]:
    async def stop_rendering() -> None:
        renderer.close()

    return stop_rendering

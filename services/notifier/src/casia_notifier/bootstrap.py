"""Composition root of the notifier."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

from pymongo.asynchronous.database import AsyncDatabase
from starlette.applications import Starlette

from casia_notifier.adapters import mongo as store
from casia_notifier.adapters.mailer import SmtpMailer
from casia_notifier.adapters.templates import NoticeRenderer
from casia_notifier.adapters.unit_of_work import notifier_transactions
from casia_notifier.entrypoints.consumer import subscribe
from casia_notifier.service.claims import Claims
from casia_notifier.service.delivery import Notifier
from casia_notifier.service.ports import Mailer
from casia_notifier.settings import NotifierSettings
from casia_runtime.clock import Clock, utc_now_ms
from casia_runtime.connections import Connections
from casia_runtime.consumer import consumer_name
from casia_runtime.mongo import Document
from casia_runtime.worker import build_worker, instance_id


def bootstrap(settings: NotifierSettings) -> Starlette:
    connections = Connections.open(settings)
    db = connections.db
    relay = connections.relay(store.OUTBOX)
    mailer = SmtpMailer(settings)
    notifier = notifier_over(settings, db=db, mailer=mailer, on_commit=relay.wake)
    # A notice gets max_send_attempts deliveries before it is recorded as failed; the dead-letter
    # limit must leave room for them.
    guard = connections.guard(max_attempts=settings.dead_letter_after_attempts + settings.max_send_attempts)
    subscribe(connections.broker, notifier=notifier, guard=guard, consumers=settings.consumers_per_topic)
    return build_worker(
        connections.broker,
        readiness=connections.readiness(),
        on_startup=[indexes_of(db)],
        background=[relay.run, connections.gauges(store.OUTBOX).run, guard.sweep_parked],
        on_shutdown=[mailer.close, connections.close],
    )


def notifier_over(
    settings: NotifierSettings,
    *,
    db: AsyncDatabase[Document],
    mailer: Mailer,
    on_commit: Callable[[], None],
    clock: Clock = utc_now_ms,
) -> Notifier:
    """The use case over the real adapters: ``db`` (and intake's contacts in it), and ``mailer``."""
    claims = Claims(
        deliveries=store.DeliveryLog(db),
        clock=clock,
        owner=consumer_id,
        lease=timedelta(seconds=settings.claim_lease_seconds),
    )
    return Notifier(
        contacts=store.ContactsReader(db),
        claims=claims,
        mailer=mailer,
        renderer=NoticeRenderer(timezone=settings.timezone, public_base_url=settings.public_base_url),
        transactions=notifier_transactions(db.client, db),
        applied=store.inbox(db),
        clock=clock,
        on_commit=on_commit,
        max_attempts=settings.max_send_attempts,
        senders=max(1, settings.smtp_sessions),  # 0 kept sessions still sends, one at a time
    )


def indexes_of(db: AsyncDatabase[Document]) -> Callable[[], Awaitable[None]]:
    """The startup hook that creates the notifier's indexes in ``db`` (a named function: the
    worker names each startup step after its hook)."""

    async def create_notifier_indexes() -> None:
        await store.create_indexes(db)

    return create_notifier_indexes


def consumer_id() -> str:
    """The calling consumer: this process (host:pid) and which of its Kafka consumers
    (:func:`~casia_runtime.consumer.consumer_name`), so the id is the same for every retry of a
    message and no other consumer shares it. Outside a subscriber (a tool, a test), the asyncio
    task it runs in."""
    name = consumer_name()
    if name is None:
        task = asyncio.current_task()
        name = task.get_name() if task is not None else "main"
    return f"{instance_id()}:{name}"

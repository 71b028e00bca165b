"""Composition root of the notifier."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from faststream.asgi import AsgiFastStream
from pymongo.asynchronous.database import AsyncDatabase

from casia_notifier.adapters import mongo as store
from casia_notifier.adapters.mailer import SmtpMailer
from casia_notifier.adapters.templates import NoticeRenderer
from casia_notifier.adapters.unit_of_work import notifier_transactions
from casia_notifier.entrypoints.consumer import subscribe
from casia_notifier.service.delivery import Notifier
from casia_notifier.settings import NotifierSettings
from casia_runtime.clock import Clock, utc_now_ms
from casia_runtime.connections import Connections
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.worker import build_worker


def bootstrap(settings: NotifierSettings) -> AsgiFastStream:
    connections = Connections.open(settings)
    db = connections.db
    relay = connections.relay(store.OUTBOX)
    notifier = notifier_over(settings, mongo=connections.mongo, db=db, on_commit=relay.wake)
    # A notice gets max_send_attempts deliveries before it is recorded as failed; the dead-letter
    # limit must leave room for them.
    guard = connections.guard(max_attempts=settings.dead_letter_after_attempts + settings.max_send_attempts)
    subscribe(connections.broker, notifier=notifier, guard=guard, consumers=settings.consumers_per_topic)
    return build_worker(
        connections.broker,
        readiness=connections.readiness(),
        on_startup=[partial(store.create_indexes, db)],
        background=[relay.run],
        on_shutdown=[connections.mongo.close],
    )


def notifier_over(
    settings: NotifierSettings,
    *,
    mongo: MongoClient,
    db: AsyncDatabase[Document],
    on_commit: Callable[[], None],
    clock: Clock = utc_now_ms,
) -> Notifier:
    """The use case over the real adapters: ``db`` (and intake's contacts in it) and SMTP."""
    return Notifier(
        contacts=store.ContactsReader(db),
        deliveries=store.DeliveryLog(db),
        mailer=SmtpMailer(settings),
        renderer=NoticeRenderer(timezone=settings.timezone),
        transactions=notifier_transactions(mongo, db),
        applied=store.inbox(db),
        clock=clock,
        on_commit=on_commit,
        max_attempts=settings.max_send_attempts,
    )

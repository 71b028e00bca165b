"""Composition root of the notifier."""

from __future__ import annotations

from functools import partial

from faststream.asgi import AsgiFastStream

from casia_notifier.adapters import mongo as store
from casia_notifier.adapters.mailer import SmtpMailer
from casia_notifier.adapters.templates import NoticeRenderer
from casia_notifier.entrypoints.consumer import subscribe
from casia_notifier.service.delivery import Notifier
from casia_notifier.settings import NotifierSettings
from casia_runtime.clock import utc_now_ms
from casia_runtime.connections import Connections
from casia_runtime.worker import build_worker


def bootstrap(settings: NotifierSettings) -> AsgiFastStream:
    connections = Connections.open(settings)
    db = connections.db
    relay = connections.relay(store.OUTBOX)
    notifier = Notifier(
        mongo=connections.mongo,
        contacts=store.ContactsReader(db),
        deliveries=store.DeliveryLog(db),
        outbox=store.outbox(db),
        inbox=store.inbox(db),
        mailer=SmtpMailer(settings),
        renderer=NoticeRenderer(timezone=settings.timezone),
        clock=utc_now_ms,
        on_commit=relay.wake,
        max_attempts=settings.max_send_attempts,
    )
    # A notice gets max_send_attempts deliveries before it is recorded as failed; the dead-letter
    # limit must leave room for them.
    guard = connections.guard(max_attempts=settings.dead_letter_after_attempts + settings.max_send_attempts)
    subscribe(connections.broker, notifier=notifier, guard=guard)
    return build_worker(
        connections.broker,
        readiness=connections.readiness(),
        on_startup=[partial(store.create_indexes, db)],
        background=[relay.run],
        on_shutdown=[connections.mongo.close],
    )

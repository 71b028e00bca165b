"""Composition root of the notifier."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from faststream.asgi import AsgiFastStream

from casia_notifier.adapters import mongo as store
from casia_notifier.adapters.mailer import SmtpMailer
from casia_notifier.adapters.templates import NoticeRenderer
from casia_notifier.entrypoints.consumer import subscribe
from casia_notifier.service.delivery import Notifier
from casia_notifier.settings import NotifierSettings
from casia_runtime.consumer import GuardedConsumer
from casia_runtime.health import Readiness
from casia_runtime.kafka import KafkaPublisher, kafka_ready, make_broker
from casia_runtime.mongo import make_mongo_client, mongo_ready
from casia_runtime.outbox import relay_for
from casia_runtime.worker import build_worker, instance_id


def utc_now() -> datetime:
    return datetime.now(UTC)


def bootstrap(settings: NotifierSettings) -> AsgiFastStream:
    broker = make_broker(settings)
    mongo = make_mongo_client(settings)
    db = mongo[settings.mongo_db]
    publisher = KafkaPublisher(broker)
    relay = relay_for(
        db[store.OUTBOX], db[store.LEASES], publisher=publisher, owner=instance_id(), settings=settings
    )
    notifier = Notifier(
        mongo=mongo,
        contacts=store.ContactsReader(db),
        deliveries=store.DeliveryLog(db),
        outbox=store.outbox(db),
        inbox=store.inbox(db),
        mailer=SmtpMailer(settings),
        renderer=NoticeRenderer(timezone=settings.timezone),
        clock=utc_now,
        on_commit=relay.wake,
        max_attempts=settings.max_send_attempts,
    )
    guard = GuardedConsumer(
        service=settings.service_name,
        dead_letters=publisher,
        max_attempts=settings.dead_letter_after_attempts + settings.max_send_attempts,
    )
    subscribe(broker, notifier=notifier, guard=guard)
    readiness = Readiness({"kafka": partial(kafka_ready, broker), "mongodb": partial(mongo_ready, mongo)})
    return build_worker(
        broker,
        readiness=readiness,
        on_startup=[partial(store.create_indexes, db)],
        background=[relay.run],
        on_shutdown=[mongo.close],
    )

"""Composition root of the workflow service."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

from faststream.asgi import AsgiFastStream

from casia_runtime.consumer import GuardedConsumer
from casia_runtime.health import Readiness
from casia_runtime.kafka import KafkaPublisher, kafka_ready, make_broker
from casia_runtime.mongo import make_mongo_client, mongo_ready
from casia_runtime.outbox import relay_for
from casia_runtime.worker import build_worker, instance_id
from casia_workflow.adapters import mongo as store
from casia_workflow.entrypoints.consumer import subscribe
from casia_workflow.entrypoints.timers import closure_sweeper
from casia_workflow.service.handling import Workflow
from casia_workflow.settings import WorkflowSettings


def now_ms() -> datetime:
    """UTC now at millisecond precision: what MongoDB stores, so a case round-trips exactly."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def bootstrap(settings: WorkflowSettings) -> AsgiFastStream:
    broker = make_broker(settings)
    mongo = make_mongo_client(settings)
    db = mongo[settings.mongo_db]
    publisher = KafkaPublisher(broker)
    relay = relay_for(
        db[store.OUTBOX], db[store.LEASES], publisher=publisher, owner=instance_id(), settings=settings
    )
    workflow = Workflow(
        mongo=mongo,
        cases=store.CaseStore(db),
        outbox=store.outbox(db),
        inbox=store.inbox(db),
        clock=now_ms,
        on_commit=relay.wake,
    )
    guard = GuardedConsumer(
        service=settings.service_name,
        dead_letters=publisher,
        max_attempts=settings.dead_letter_after_attempts,
    )
    subscribe(broker, workflow=workflow, guard=guard)
    readiness = Readiness({"kafka": partial(kafka_ready, broker), "mongodb": partial(mongo_ready, mongo)})
    return build_worker(
        broker,
        readiness=readiness,
        on_startup=[partial(store.create_indexes, db)],
        background=[relay.run, closure_sweeper(workflow, every_seconds=settings.closure_sweep_seconds)],
        on_shutdown=[mongo.close],
    )

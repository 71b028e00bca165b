"""Composition root of the workflow service."""

from __future__ import annotations

from functools import partial

from starlette.applications import Starlette

from casia_runtime.clock import utc_now_ms
from casia_runtime.connections import Connections
from casia_runtime.worker import build_worker
from casia_workflow.adapters import mongo as store
from casia_workflow.adapters.unit_of_work import workflow_transactions
from casia_workflow.entrypoints.consumer import subscribe
from casia_workflow.entrypoints.timers import closure_sweeper
from casia_workflow.service.handling import Workflow
from casia_workflow.settings import WorkflowSettings


def bootstrap(settings: WorkflowSettings) -> Starlette:
    connections = Connections.open(settings)
    db = connections.db
    relay = connections.relay(store.OUTBOX)
    workflow = Workflow(
        transactions=workflow_transactions(connections.mongo, db),
        deadlines=store.CaseStore(db),
        clock=utc_now_ms,
        on_commit=relay.wake,
    )
    guard = connections.guard()
    subscribe(connections.broker, workflow=workflow, guard=guard, consumers=settings.consumers_per_topic)
    return build_worker(
        connections.broker,
        readiness=connections.readiness(),
        on_startup=[partial(store.create_indexes, db)],
        background=[
            relay.run,
            connections.gauges(store.OUTBOX).run,
            closure_sweeper(workflow, every_seconds=settings.closure_sweep_seconds),
            guard.sweep_parked,
        ],
        on_shutdown=[connections.close],
    )

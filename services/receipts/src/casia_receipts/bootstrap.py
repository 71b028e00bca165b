"""Composition root of the receipts service.

This first version connects to Kafka, MongoDB and the object store and answers health checks;
issuing justificantes and verifying CEA codes come with the receipts issue.
"""

from __future__ import annotations

from functools import partial

from starlette.applications import Starlette

from casia_receipts.settings import ReceiptsSettings
from casia_runtime.connections import Connections
from casia_runtime.s3 import make_s3_client, s3_ready
from casia_runtime.worker import build_worker


def bootstrap(settings: ReceiptsSettings) -> Starlette:
    connections = Connections.open(settings)
    s3 = make_s3_client(settings)
    readiness = connections.readiness(s3=partial(s3_ready, s3, settings.receipts_bucket))
    return build_worker(connections.broker, readiness=readiness, on_shutdown=[connections.mongo.close])

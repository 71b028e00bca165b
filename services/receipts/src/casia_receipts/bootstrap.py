"""Composition root of the receipts service.

This first version connects to Kafka, MongoDB and the object store and answers health checks;
issuing justificantes and verifying CEA codes come with the receipts issue.
"""

from __future__ import annotations

from functools import partial

from faststream.asgi import AsgiFastStream

from casia_receipts.settings import ReceiptsSettings
from casia_runtime.health import Readiness
from casia_runtime.kafka import kafka_ready, make_broker
from casia_runtime.mongo import make_mongo_client, mongo_ready
from casia_runtime.s3 import make_s3_client, s3_ready
from casia_runtime.worker import build_worker


def bootstrap(settings: ReceiptsSettings) -> AsgiFastStream:
    broker = make_broker(settings)
    mongo = make_mongo_client(settings)
    s3 = make_s3_client(settings)
    readiness = Readiness(
        {
            "kafka": partial(kafka_ready, broker),
            "mongodb": partial(mongo_ready, mongo),
            "s3": partial(s3_ready, s3, settings.receipts_bucket),
        }
    )
    return build_worker(broker, readiness=readiness, on_shutdown=[mongo.close])

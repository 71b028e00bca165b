"""The compose system's one-shot initialisation, run in a service image (it has pymongo, aiokafka,
minio and casia_contracts): initiates the MongoDB replica set and waits for a primary, creates the
missing Kafka topics of casia_contracts.topics and the missing buckets. Idempotent; exits 0 when
all is in place, 1 (with the reason) otherwise, so compose's `service_completed_successfully`
holds the services back.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # type: ignore[import-untyped,unused-ignore]
from minio import Minio
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from casia_contracts.topics import TOPIC_PARTITIONS

BUCKETS = ("casia-quarantine", "casia-documents", "casia-receipts")
"""The same as casia_local.minio.BUCKETS (a test keeps them equal)."""
ALREADY_INITIATED = 23
TOPIC_ALREADY_EXISTS = 36


def initiate_replica_set(members: list[str], *, timeout: float = 60.0) -> None:
    first = members[0]
    client: MongoClient[dict[str, object]] = MongoClient(f"mongodb://{first}/?directConnection=true")
    config = {"_id": "rs0", "members": [{"_id": i, "host": host} for i, host in enumerate(members)]}
    try:
        client.admin.command("replSetInitiate", config)
    except OperationFailure as error:
        if error.code != ALREADY_INITIATED:
            raise
    deadline = time.monotonic() + timeout
    while not client.admin.command("hello").get("isWritablePrimary"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no primary at {first} after {timeout:.0f} s")
        time.sleep(0.5)
    client.close()


async def create_topics(bootstrap: str, replication: int) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        plan = TOPIC_PARTITIONS.items()
        missing = [NewTopic(name, count, replication) for name, count in plan if name not in existing]
        if missing:
            response = await admin.create_topics(missing)
            failed = [entry for entry in response.topic_errors if entry[1] not in (0, TOPIC_ALREADY_EXISTS)]
            if failed:
                raise RuntimeError(f"topic creation failed (topic, error code, message): {failed}")
        return [topic.name for topic in missing]
    finally:
        await admin.close()


def create_buckets(endpoint: str, access_key: str, secret_key: str) -> list[str]:
    client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=False)
    created = [bucket for bucket in BUCKETS if not client.bucket_exists(bucket)]
    for bucket in created:
        client.make_bucket(bucket)
    return created


def initialise(env: dict[str, str]) -> str:
    initiate_replica_set(env["CASIA_COMPOSE_MONGO_MEMBERS"].split(","))
    topics = asyncio.run(create_topics(env["CASIA_KAFKA_BOOTSTRAP"], int(env["CASIA_KAFKA_REPLICATION"])))
    buckets = create_buckets(env["CASIA_S3_ENDPOINT"], env["CASIA_S3_ACCESS_KEY"], env["CASIA_S3_SECRET_KEY"])
    return f"init.done topics_created={len(topics)} buckets_created={len(buckets)}"


def main(*, attempts: int = 60) -> int:
    """Retries for about two minutes: a cluster's other brokers and members may still be starting."""
    for attempt in range(1, attempts + 1):
        try:
            print(initialise(dict(os.environ)), flush=True)
            return 0
        except Exception as error:  # any failure is retried, then reported as exit 1
            print(f"init.retry attempt={attempt} error={type(error).__name__}: {error}", file=sys.stderr)
            time.sleep(2.0)
    return 1


if __name__ == "__main__":
    sys.exit(main())

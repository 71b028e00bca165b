"""The running infrastructure, as `casia-local up` leaves it (run through `make test`).

Each test makes its own names (topic, collection, object key, subject) and removes what it wrote.
"""

from __future__ import annotations

import io
import json
import shutil
import smtplib
import time
import urllib.parse
import urllib.request
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pymongo import MongoClient

from casia_contracts.topics import TOPIC_PARTITIONS
from casia_local import kafka
from casia_local.minio import BUCKETS, s3_client
from casia_local.mongo import TRANSACTION_LIFETIME_SECONDS
from casia_local.piece import tcp_open
from casia_local.settings import Endpoint, Settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def settings() -> Settings:
    settings = Settings.from_env()
    for name, endpoint in [
        ("Kafka", settings.kafka.endpoint),
        ("MongoDB", settings.mongo.endpoint),
        ("S3", settings.s3.endpoint),
        ("SMTP", settings.smtp.endpoint),
    ]:
        if not tcp_open(endpoint, timeout=2):
            pytest.fail(
                f"{name} is not reachable at {endpoint}: start the stack (`make up`) or run `make test`"
            )
    return settings


async def test_kafka_has_every_topic_with_its_partition_count(settings: Settings) -> None:
    actual = await kafka.topic_partitions(settings.kafka.bootstrap)

    assert {topic: actual.get(topic) for topic in TOPIC_PARTITIONS} == TOPIC_PARTITIONS


async def test_kafka_round_trips_a_message_with_an_idempotent_producer(settings: Settings) -> None:
    topic = f"casia.test.local-{uuid.uuid4().hex[:12]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka.bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, 2, 1)])
        await _produce(settings.kafka.bootstrap, topic, key=b"case-1", value=b"hello")
        assert await _consume_one(settings.kafka.bootstrap, topic) == (b"case-1", b"hello")
    finally:
        await admin.delete_topics([topic])
        await admin.close()


def test_mongo_is_a_writable_primary_and_commits_a_transaction(settings: Settings) -> None:
    collection_name = f"local_test_{uuid.uuid4().hex[:12]}"
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongo.uri, serverSelectionTimeoutMS=5000)
    with client:
        assert client.admin.command("hello")["isWritablePrimary"] is True
        database = client[settings.mongo.database]
        collection = database.create_collection(collection_name)
        try:
            with client.start_session() as session, session.start_transaction():
                collection.insert_one({"_id": "a"}, session=session)
                collection.insert_one({"_id": "b"}, session=session)
            assert collection.count_documents({}) == 2
        finally:
            collection.drop()


def test_mongo_frees_an_abandoned_transaction_quickly(settings: Settings) -> None:
    if not settings.mongo.managed:
        pytest.skip("an existing MongoDB server: its parameters are its operator's")
    client: MongoClient[dict[str, Any]] = MongoClient(settings.mongo.uri, serverSelectionTimeoutMS=5000)
    with client:
        answer = client.admin.command({"getParameter": 1, "transactionLifetimeLimitSeconds": 1})
    assert answer["transactionLifetimeLimitSeconds"] == TRANSACTION_LIFETIME_SECONDS


def test_minio_has_the_buckets_and_round_trips_an_object(settings: Settings) -> None:
    client = s3_client(settings)
    key = f"local-test/{uuid.uuid4().hex}.bin"
    body = uuid.uuid4().bytes * 1024

    assert all(client.bucket_exists(bucket) for bucket in BUCKETS)
    client.put_object("casia-quarantine", key, io.BytesIO(body), length=len(body))
    try:
        response = client.get_object("casia-quarantine", key)
        try:
            assert response.read() == body
        finally:
            response.close()
            response.release_conn()
    finally:
        client.remove_object("casia-quarantine", key)


def test_mailpit_accepts_a_message_and_shows_it_through_its_api(settings: Settings) -> None:
    subject = f"Aviso de prueba {uuid.uuid4().hex}"
    message = EmailMessage()
    message["From"] = "casia@example.org"
    message["To"] = "autorizado@example.org"
    message["Subject"] = subject
    message.set_content("Su caso ha sido registrado.")

    with smtplib.SMTP(settings.smtp.host, settings.smtp.port, timeout=10) as smtp:
        smtp.send_message(message)

    found = _wait_for_mail(settings.smtp.ui_url, subject)
    assert found["To"][0]["Address"] == "autorizado@example.org"


async def _produce(bootstrap: str, topic: str, *, key: bytes, value: bytes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key)
    finally:
        await producer.stop()


async def _consume_one(bootstrap: str, topic: str) -> tuple[bytes, bytes]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"local-test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        record = await consumer.getone()
        await consumer.commit()
        return record.key, record.value
    finally:
        await consumer.stop()


def _wait_for_mail(ui_url: str, subject: str, timeout: float = 10.0) -> dict[str, Any]:
    query = urllib.parse.urlencode({"query": f'subject:"{subject}"'})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{ui_url}/api/v1/search?{query}", timeout=5) as response:
            messages = json.load(response)["messages"]
        if messages:
            return dict(messages[0])
        time.sleep(0.2)
    raise AssertionError(f"no message with subject {subject!r} in Mailpit")


def test_a_cluster_id_that_starts_with_a_dash_formats(settings: Settings, tmp_path: Path) -> None:
    """A base64url id starts with "-" once in 64: it must not be read as an option."""
    java = shutil.which("java")
    broker = kafka.Kafka(settings)
    if java is None or not broker.is_installed():
        pytest.fail("the local stack's Java and Kafka jars are needed (make test installs them)")
    config = tmp_path / "server.properties"
    config.write_text(kafka.server_properties(Endpoint("127.0.0.1", 1), 2, tmp_path / "log"))

    result = kafka.format_storage(java, f"{broker.lib_dir}/*", cluster_id="-" + "A" * 21, config=config)

    assert result.returncode == 0, result.stderr[-800:]
    assert "cluster.id=-AAAA" in (tmp_path / "log" / "meta.properties").read_text()

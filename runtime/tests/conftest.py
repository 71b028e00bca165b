"""Fixtures for the runtime's integration tests: the real MongoDB and Kafka of the local stack."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker

from casia_runtime.kafka import make_broker
from casia_runtime.mongo import MongoClient, make_mongo_client
from casia_runtime.settings import RuntimeSettings

TEST_TOPIC = "casia.test.runtime.v1"


@pytest.fixture(scope="session")
def settings() -> RuntimeSettings:
    return RuntimeSettings(service_name="runtime-tests")


@pytest.fixture
async def mongo(settings: RuntimeSettings) -> AsyncIterator[MongoClient]:
    client = make_mongo_client(settings)
    yield client
    await client.close()


@pytest.fixture
def db_name() -> str:
    """A database of the test's own, dropped afterwards: no test sees another's rows."""
    return f"casia_test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def db(mongo: MongoClient, db_name: str) -> AsyncIterator[object]:
    yield mongo[db_name]
    await mongo.drop_database(db_name)


@pytest.fixture
async def broker(settings: RuntimeSettings) -> AsyncIterator[KafkaBroker]:
    broker = make_broker(settings)
    await broker.start()
    yield broker
    await broker.stop()


@pytest.fixture(scope="session")
async def test_topic(settings: RuntimeSettings) -> str:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(TEST_TOPIC, num_partitions=3, replication_factor=1)])
    except TopicAlreadyExistsError:
        pass
    finally:
        await admin.close()
    return TEST_TOPIC

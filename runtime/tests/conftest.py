"""Fixtures for the runtime's integration tests: the real MongoDB and Kafka of the local stack."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.kafka import KafkaPublisher, make_broker
from casia_runtime.mongo import Document, MongoClient
from casia_runtime.settings import RuntimeSettings
from casia_runtime.testing.mongo import mongo_client, throwaway_database

TEST_TOPIC = "casia.test.runtime.v1"


@pytest.fixture(scope="session")
def settings() -> RuntimeSettings:
    return RuntimeSettings(service_name="runtime-tests")


@pytest.fixture
async def mongo(settings: RuntimeSettings) -> AsyncIterator[MongoClient]:
    async with mongo_client(settings) as client:
        yield client


@pytest.fixture
async def db(mongo: MongoClient) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of the test's own, dropped afterwards: no test sees another's rows."""
    async with throwaway_database(mongo) as database:
        yield database


@pytest.fixture
async def broker(settings: RuntimeSettings) -> AsyncIterator[KafkaBroker]:
    broker = make_broker(settings)
    await broker.start()
    yield broker
    await broker.stop()


@pytest.fixture
async def publisher(settings: RuntimeSettings) -> AsyncIterator[KafkaPublisher]:
    publisher = KafkaPublisher(settings)
    yield publisher
    await publisher.close()


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

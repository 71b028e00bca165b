"""The real MongoDB of the local stack, for tests: a client, a database of the test's own, and the
outbox as the relay publishes it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.lease import RelayLease
from casia_runtime.messages import OutboundMessage
from casia_runtime.mongo import Document, MongoClient, make_mongo_client
from casia_runtime.relay import OutboxRelay
from casia_runtime.settings import RuntimeSettings
from casia_runtime.testing.contracts import Relayed
from casia_runtime.testing.memory import RecordingPublisher

Prepare = Callable[[AsyncDatabase[Document]], Awaitable[None]]


async def _nothing(db: AsyncDatabase[Document]) -> None:
    return None


@asynccontextmanager
async def mongo_client(settings: RuntimeSettings) -> AsyncIterator[MongoClient]:
    """The client a service with ``settings`` makes (:func:`make_mongo_client`), closed on exit."""
    client = make_mongo_client(settings)
    try:
        yield client
    finally:
        await client.close()


@asynccontextmanager
async def throwaway_database(
    client: MongoClient, *, prepare: Prepare = _nothing
) -> AsyncIterator[AsyncDatabase[Document]]:
    """A database of its own under a fresh name, so no test sees another's rows; ``prepare``
    (the service's indexes, say) runs first. It is dropped on exit, the test failed or not."""
    name = f"casia_test_{uuid.uuid4().hex[:12]}"
    database = client[name]
    try:
        await prepare(database)
        yield database
    finally:
        await client.drop_database(name)


def relayed_from(db: AsyncDatabase[Document], *, outbox: str) -> Relayed:
    """Every committed entry of the ``outbox`` collection, in the order the relay publishes them.

    Each call runs a relay (to a :class:`RecordingPublisher`, never to Kafka) until nothing is
    pending and returns everything it has published so far.
    """
    publisher = RecordingPublisher()
    lease = RelayLease(db["relay_leases"], outbox=outbox, owner="tests", duration=timedelta(seconds=30))
    relay = OutboxRelay(db[outbox], publisher=publisher, lease=lease)

    async def relayed() -> list[OutboundMessage]:
        while await relay.publish_pending():
            pass
        return list(publisher.published)

    return relayed

"""MongoDB access: one async client per process and the transaction helper every writer uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final, TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.errors import BulkWriteError, ConnectionFailure, DuplicateKeyError, PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

from casia_runtime.ports import ConcurrentChange
from casia_runtime.settings import RuntimeSettings

T = TypeVar("T")
Document = dict[str, Any]
MongoClient = AsyncMongoClient[Document]
Session = AsyncClientSession
DUPLICATE_KEY: Final = 11000


def make_mongo_client(settings: RuntimeSettings) -> MongoClient:
    """A client that reads and writes with majority concern (durable across a failover) and
    bounds every operation by ``mongo_timeout_seconds`` (client-side operation timeout: server
    selection, connection, the server's work and a transaction's retries together), so a frozen
    or absent database gives a timeout error, never a hang. Server selection is bounded the
    same way on its own: closing the client ends its sessions on the server outside any
    operation's timeout, and would otherwise wait the driver's 30 s for a database that is down."""
    bound_ms = int(settings.mongo_timeout_seconds * 1000)
    return AsyncMongoClient(
        settings.mongo_uri,
        tz_aware=True,
        w="majority",
        readConcernLevel="majority",
        timeoutMS=bound_ms,
        serverSelectionTimeoutMS=bound_ms,
        appname=settings.service_name,
    )


def make_watching_client(settings: RuntimeSettings) -> MongoClient:
    """A client for change streams only. An idle stream waits longer than any operation may
    take, so it cannot share the bounded client; a getMore answers within a second when the
    server is alive, so a socket silent for ``mongo_timeout_seconds`` means a frozen server."""
    return AsyncMongoClient(
        settings.mongo_uri,
        tz_aware=True,
        readConcernLevel="majority",
        serverSelectionTimeoutMS=int(settings.mongo_timeout_seconds * 1000),
        socketTimeoutMS=int(settings.mongo_timeout_seconds * 1000),
        appname=f"{settings.service_name}-watch",
    )


def unavailable(error: BaseException) -> bool:
    """Whether a MongoDB error means the database is unreachable or too slow (worth a 503 and a
    retry later), as opposed to a refused operation (a bug, a duplicate key)."""
    return isinstance(error, ConnectionFailure) or (isinstance(error, PyMongoError) and error.timeout)


async def in_transaction(client: MongoClient, work: Callable[[Session], Awaitable[T]]) -> T:
    """Run ``work`` inside one multi-document transaction, retried on transient errors.

    ``work`` may run more than once (the driver retries TransientTransactionError), so it must
    only read and write through the session and keep no effects outside it.
    """
    async with client.start_session() as session:
        result: T = await session.with_transaction(
            work,
            read_concern=ReadConcern("snapshot"),
            write_concern=WriteConcern("majority"),
        )
        return result


async def mongo_ready(client: MongoClient) -> bool:
    try:
        await client.admin.command("ping")
    except Exception:  # readiness reports any failure as "not ready"
        return False
    return True


@contextmanager
def first_writer_wins(what: str) -> Iterator[None]:
    """Turn a duplicate ``_id`` (another writer stored ``what`` first) into ConcurrentChange, as
    :mod:`casia_runtime.ports` says.

    A duplicate labelled TransientTransactionError is left alone: the driver re-runs the whole
    transaction, which then sees the winner's write. A bulk write (``insert_many``) reports its
    duplicates as write errors of code 11000: the same.
    """
    try:
        yield
    except DuplicateKeyError as error:
        if error.has_error_label("TransientTransactionError"):
            raise
        raise ConcurrentChange(what) from error
    except BulkWriteError as error:
        codes = {failure.get("code") for failure in error.details.get("writeErrors", [])}
        if codes != {DUPLICATE_KEY} or error.has_error_label("TransientTransactionError"):
            raise
        raise ConcurrentChange(what) from error

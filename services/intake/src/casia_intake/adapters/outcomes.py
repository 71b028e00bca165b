"""CommandOutcomes over the workflow's ``command_outcomes``: a request waits for its command's
outcome on one change stream of inserts per process, instead of polling, and is answered as
soon as the workflow has decided."""

from __future__ import annotations

import asyncio
import contextlib

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from casia_read_models import StoredCommandOutcome
from casia_runtime.logging import get_logger
from casia_runtime.mongo import Document, unavailable

log = get_logger(__name__)


class MongoCommandOutcomes:
    """``watching`` is the same database through the client for change streams (whose operations
    are not bounded like the others'); by default ``db`` itself. :meth:`watch` runs in the
    background (the lifespan's loop); without it a wait ends with one read after ``within``."""

    def __init__(
        self, db: AsyncDatabase[Document], *, watching: AsyncDatabase[Document] | None = None
    ) -> None:
        self._outcomes = db[StoredCommandOutcome.COLLECTION]
        self._watched = (watching if watching is not None else db)[StoredCommandOutcome.COLLECTION]
        self._waiting: dict[str, list[asyncio.Future[StoredCommandOutcome]]] = {}

    async def get(self, command_id: str) -> StoredCommandOutcome | None:
        found = await self._outcomes.find_one({"_id": command_id})
        return StoredCommandOutcome.from_document(found) if found is not None else None

    async def wait_for(self, command_id: str, *, within: float) -> StoredCommandOutcome | None:
        arrival: asyncio.Future[StoredCommandOutcome] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(command_id, []).append(arrival)
        try:
            # Registered before reading: an insert after this read is seen by the stream.
            recorded = await self._read_if_possible(command_id)
            if recorded is not None or within <= 0:
                return recorded
            with contextlib.suppress(TimeoutError):
                return await asyncio.wait_for(arrival, timeout=within)
            return await self._read_if_possible(command_id)  # the stream may have been reconnecting
        finally:
            self._forget(command_id, arrival)

    async def watch(self) -> None:
        """Resolve the waiters of every outcome recorded from now on; runs until cancelled."""
        inserts = [{"$match": {"operationType": "insert"}}]
        async with await self._watched.watch(inserts) as stream:
            async for change in stream:
                for arrival in self._waiting.get(change["documentKey"]["_id"], []):
                    if not arrival.done():
                        arrival.set_result(StoredCommandOutcome.from_document(change["fullDocument"]))

    async def _read_if_possible(self, command_id: str) -> StoredCommandOutcome | None:
        try:
            return await self.get(command_id)
        except PyMongoError as error:
            if not unavailable(error):
                raise
            log.warning("outcome.read_failed_while_waiting", command_id=command_id, error=repr(error))
            return None

    def _forget(self, command_id: str, arrival: asyncio.Future[StoredCommandOutcome]) -> None:
        waiting = self._waiting.get(command_id, [])
        if arrival in waiting:
            waiting.remove(arrival)
        if not waiting:
            self._waiting.pop(command_id, None)

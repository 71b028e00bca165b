"""What a service still has to do, as operators watch it: the entries of its outbox not yet
published (how many, and how old the oldest) and the records its consumer group has not yet read.

:class:`BacklogGauges` keeps them in the process's metrics (a background loop of the worker);
``casia-ops backlog`` reads the same figures for the whole system.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from casia_runtime.logging import get_logger
from casia_runtime.mongo import Document
from casia_telemetry.metrics import CONSUMER_LAG, OUTBOX_OLDEST_AGE, OUTBOX_PENDING

log = get_logger(__name__)

PENDING = {"published_at": None}


async def outbox_backlog(outbox: AsyncCollection[Document]) -> tuple[int, float]:
    """The entries not yet published and the age in seconds of the oldest (0 when none): its
    ``_id`` is an ObjectId, which holds when it was written (the relay's index serves both)."""
    pending = await outbox.count_documents(PENDING)
    oldest = await outbox.find_one(PENDING, sort=[("published_at", 1), ("_id", 1)], projection={"_id": 1})
    if oldest is None:
        return pending, 0.0
    return pending, max(0.0, (datetime.now(UTC) - oldest["_id"].generation_time).total_seconds())


class LagReader:
    """Reads consumer groups' lag: end offsets minus committed offsets, per topic, over the
    partitions the group has committed. Open it with ``async with``."""

    def __init__(self, bootstrap: str) -> None:
        servers = [address.strip() for address in bootstrap.split(",")]
        self._admin = AIOKafkaAdminClient(bootstrap_servers=servers)
        self._offsets = AIOKafkaConsumer(bootstrap_servers=servers)

    async def __aenter__(self) -> LagReader:
        await self._admin.start()
        try:
            await self._offsets.start()
        except BaseException:
            await self._admin.close()
            raise
        return self

    async def __aexit__(self, *_: object) -> None:
        try:
            await self._offsets.stop()
        finally:
            await self._admin.close()

    async def lag(self, group: str) -> dict[str, int]:
        committed: dict[TopicPartition, Any] = await self._admin.list_consumer_group_offsets(group)
        ends = await self._offsets.end_offsets(list(committed))
        by_topic: dict[str, int] = defaultdict(int)
        for partition, meta in committed.items():
            by_topic[partition.topic] += max(0, ends[partition] - meta.offset)
        return dict(by_topic)


class BacklogGauges:
    """Every ``every`` seconds: the outboxes' backlog and the group's lag into the metrics
    (``casia_outbox_pending``, ``casia_outbox_oldest_pending_age_seconds``,
    ``casia_consumer_lag``). A failed reading is logged and tried again next time."""

    def __init__(
        self,
        db: AsyncDatabase[Document],
        *,
        outboxes: Sequence[str],
        bootstrap: str,
        group: str | None,
        every: float = 15.0,
    ) -> None:
        self._outboxes = [db[name] for name in outboxes]
        self._bootstrap = bootstrap
        self._group = group
        self._every = every

    async def run(self) -> None:
        """The worker's background loop (``build_worker(background=[..., gauges.run])``)."""
        while True:
            try:
                await self.read_once()
            except Exception:  # Kafka or MongoDB unreachable: the gauges keep their last values
                log.warning("backlog.not_read", exc_info=True)
            await asyncio.sleep(self._every)

    async def read_once(self) -> None:
        for outbox in self._outboxes:
            pending, age = await outbox_backlog(outbox)
            OUTBOX_PENDING.labels(outbox=outbox.name).set(pending)
            OUTBOX_OLDEST_AGE.labels(outbox=outbox.name).set(age)
        if self._group is not None:
            async with LagReader(self._bootstrap) as reader:
                for topic, lag in (await reader.lag(self._group)).items():
                    CONSUMER_LAG.labels(group=self._group, topic=topic).set(lag)

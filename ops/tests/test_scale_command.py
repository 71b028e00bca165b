"""`casia-ops scale limits` against the real topics of the running stack: each service's limit is
its busiest topic's partitions over the consumers an instance runs per topic, rounded up; and the
topics ops names for each service are the ones its running consumer group subscribes to."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from casia_contracts.topics import CASE_COMMANDS, CONSUMED_TOPICS, DOCUMENT_EVENTS
from casia_ops.cli import main
from casia_ops.groups import members
from casia_runtime.settings import RuntimeSettings

BOOTSTRAP = RuntimeSettings().kafka_bootstrap


async def limits(
    capsys: pytest.CaptureFixture[str], consumers_per_topic: int
) -> dict[str, dict[str, object]]:
    argv = ["scale", "limits", "--consumers-per-topic", str(consumers_per_topic)]
    assert await asyncio.to_thread(main, argv) == 0
    return {line["service"]: line for line in map(json.loads, capsys.readouterr().out.splitlines())}


@pytest.mark.integration
async def test_the_limit_is_the_busiest_topics_partitions_over_the_consumers_per_instance(
    capsys: pytest.CaptureFixture[str],
) -> None:
    four = await limits(capsys, 4)
    one = await limits(capsys, 1)

    assert {s: line["useful_instances"] for s, line in four.items()} == {
        "workflow": 3,  # max(12, 6) / 4
        "documents": 2,  # 6 / 4, rounded up: the second instance's consumers take 2 partitions
        "receipts": 3,
        "notifier": 3,
    }
    assert {s: line["useful_instances"] for s, line in one.items()} == {
        "workflow": 12,
        "documents": 6,
        "receipts": 12,
        "notifier": 12,
    }
    assert four["workflow"]["topics"] == {CASE_COMMANDS: 12, DOCUMENT_EVENTS: 6}


@pytest.mark.e2e
async def test_each_running_service_subscribes_to_the_topics_ops_names_for_it() -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOTSTRAP)
    await admin.start()
    try:
        for service, consumed in CONSUMED_TOPICS.items():
            running = await members(admin, service)
            assert running, f"{service} is not running"
            assert {t for m in running for t in m.subscription} == set(consumed), service
    finally:
        await admin.close()

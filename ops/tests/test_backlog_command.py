"""`casia-ops backlog` against the real MongoDB and Kafka: it names every outbox's unpublished
entries and every consumer group's lag, and exits 1 while anything is left."""

from __future__ import annotations

import json

import pytest
from pymongo import MongoClient

from casia_ops.backlog import CONSUMER_GROUPS
from casia_ops.cli import main
from casia_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.integration


def test_an_unpublished_outbox_entry_is_reported_and_exits_1(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client: MongoClient[dict[str, object]] = MongoClient(RuntimeSettings().mongo_uri)
    try:
        client[database]["workflow_outbox"].insert_many([{"published_at": None}, {"published_at": None}])
        client[database]["documents_outbox"].insert_one({"published_at": "2026-12-01"})
    finally:
        client.close()

    status = main(["backlog"])

    left = json.loads(capsys.readouterr().out)
    assert status == 1
    assert (left["workflow_outbox"], left["documents_outbox"]) == (2, 0)
    assert {f"lag:{group}" for group in CONSUMER_GROUPS} <= set(left)

"""The pieces' configuration, checked without starting them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from casia_contracts.topics import SERVICES, TOPIC_PARTITIONS, dead_letter_topic
from casia_local import kafka, stack
from casia_local.report import StackError
from casia_local.settings import Endpoint, Settings


def test_the_kafka_version_is_the_one_the_pom_pins() -> None:
    pom = Settings.from_env({}).repo / "deploy" / "local" / "kafka" / "pom.xml"
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}

    pinned = ET.parse(pom).getroot().find("m:properties/m:kafka.version", namespace)

    assert pinned is not None
    assert pinned.text == kafka.KAFKA_VERSION


def test_kafka_runs_one_kraft_node_without_automatic_topics(tmp_path: Path) -> None:
    text = kafka.server_properties(Endpoint("127.0.0.1", 9092), 9093, tmp_path / "kafka")
    properties = dict(line.split("=", 1) for line in text.splitlines())

    assert properties["process.roles"] == "broker,controller"
    assert properties["controller.quorum.bootstrap.servers"] == "127.0.0.1:9093"
    assert properties["listeners"] == "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"
    assert properties["log.dirs"] == str(tmp_path / "kafka")
    assert properties["auto.create.topics.enable"] == "false"
    assert properties["offsets.topic.replication.factor"] == "1"


def test_the_topic_plan_covers_every_dead_letter_topic() -> None:
    assert all(count >= 1 for count in TOPIC_PARTITIONS.values())
    for service in SERVICES:
        assert dead_letter_topic(service) in TOPIC_PARTITIONS


def test_an_unknown_implementation_is_refused_loudly() -> None:
    with pytest.raises(StackError, match="CASIA_KAFKA_IMPL"):
        stack.infrastructure(Settings.from_env({"CASIA_KAFKA_IMPL": "redpanda"}))
    with pytest.raises(StackError, match="CASIA_S3_IMPL") as refused:
        stack.infrastructure(Settings.from_env({"CASIA_S3_IMPL": "seaweedfs"}))
    assert "CASIA_S3_ENDPOINT" in refused.value.fallback


def test_the_tansu_fallback_is_chosen_only_when_asked() -> None:
    default = stack.infrastructure(Settings.from_env({}))[0]
    chosen = stack.infrastructure(Settings.from_env({"CASIA_KAFKA_IMPL": "tansu"}))[0]

    assert type(default) is kafka.Kafka
    assert type(chosen) is kafka.Tansu

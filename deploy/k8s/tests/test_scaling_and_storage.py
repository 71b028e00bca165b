"""Autoscaling, topics and the infrastructure's size, over the rendered YAML of both overlays."""

from __future__ import annotations

from typing import Any

import pytest

from casia_contracts.topics import CASE_EVENTS, TOPIC_PARTITIONS
from casia_k8s.toolkit import OVERLAYS
from casia_runtime.testing.subscriptions import topics_subscribed

from .conftest import COLD_BUILD_SECONDS
from .workloads import CONSUMERS, Object, consumers_per_topic, named, of_kind

pytestmark = pytest.mark.timeout(COLD_BUILD_SECONDS)
Objects = dict[str, list[Object]]
BOOTSTRAP = "casia-kafka-bootstrap.casia.svc:9092"


def consumed_topics(service: str) -> set[str]:
    """The topics a service subscribes to, read from its own consumer entrypoint."""
    return topics_subscribed(service, TOPIC_PARTITIONS)


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", CONSUMERS)
def test_each_consumer_scales_by_its_group_lag_on_every_topic_within_its_partitions(
    overlay: str, service: str, objects: Objects
) -> None:
    scaled = named(objects[overlay], "ScaledObject", service)["spec"]
    triggers = scaled["triggers"]
    topics = consumed_topics(service)
    busiest = max(TOPIC_PARTITIONS[topic] for topic in topics)

    assert {trigger["type"] for trigger in triggers} == {"kafka"}
    assert sorted(trigger["metadata"]["topic"] for trigger in triggers) == sorted(topics)
    assert {trigger["metadata"]["consumerGroup"] for trigger in triggers} == {service}
    assert {trigger["metadata"]["bootstrapServers"] for trigger in triggers} == {BOOTSTRAP}
    assert scaled["scaleTargetRef"] == {"name": service}
    assert 1 <= scaled["minReplicaCount"] <= scaled["maxReplicaCount"]
    assert scaled["maxReplicaCount"] * consumers_per_topic(objects[overlay], service) <= busiest


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", ["intake", "portal"])
def test_the_gateway_and_the_portal_scale_by_cpu_against_their_requests(
    overlay: str, service: str, objects: Objects
) -> None:
    scaled = named(objects[overlay], "ScaledObject", service)["spec"]
    pod = named(objects[overlay], "Deployment", service)["spec"]["template"]["spec"]

    assert [trigger["type"] for trigger in scaled["triggers"]] == ["cpu"]
    assert all("cpu" in each["resources"]["requests"] for each in pod["containers"])
    assert 1 <= scaled["minReplicaCount"] <= scaled["maxReplicaCount"]


def brokers(objects: list[Object]) -> int:
    return sum(
        pool["spec"]["replicas"]
        for pool in of_kind(objects, "KafkaNodePool")
        if "broker" in pool["spec"]["roles"]
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_topic_of_the_contracts_exists_with_its_partitions_and_fits_the_brokers(
    overlay: str, objects: Objects
) -> None:
    topics = {topic["metadata"]["name"]: topic["spec"] for topic in of_kind(objects[overlay], "KafkaTopic")}

    assert {name: spec["partitions"] for name, spec in topics.items()} == TOPIC_PARTITIONS
    for spec in topics.values():
        assert 1 <= spec["config"]["min.insync.replicas"] <= spec["replicas"] <= brokers(objects[overlay])
    retention = {name: spec["config"]["retention.ms"] for name, spec in topics.items()}
    assert retention[CASE_EVENTS] == max(retention.values()) >= 365 * 24 * 3600 * 1000


def test_prod_survives_the_loss_of_a_node_of_each_piece(objects: Objects) -> None:
    prod = objects["prod"]
    kafka: dict[str, Any] = named(prod, "Kafka", "casia")["spec"]["kafka"]["config"]
    mongo = named(prod, "MongoDBCommunity", "casia-mongodb")["spec"]
    (pool,) = named(prod, "Tenant", "casia-minio")["spec"]["pools"]

    assert brokers(prod) == 3
    assert all(
        topic["spec"]["replicas"] == 3 and topic["spec"]["config"]["min.insync.replicas"] == 2
        for topic in of_kind(prod, "KafkaTopic")
    )
    assert kafka["min.insync.replicas"] == 2 and kafka["offsets.topic.replication.factor"] == 3
    assert mongo["members"] == 3
    assert pool["servers"] >= 4 and pool["servers"] * pool["volumesPerServer"] >= 8


def test_dev_runs_one_node_of_each_piece(objects: Objects) -> None:
    dev = objects["dev"]

    assert brokers(dev) == 1
    assert named(dev, "MongoDBCommunity", "casia-mongodb")["spec"]["members"] == 1
    assert [pool["servers"] for pool in named(dev, "Tenant", "casia-minio")["spec"]["pools"]] == [1]
    assert all(scaled["spec"]["maxReplicaCount"] <= 2 for scaled in of_kind(dev, "ScaledObject"))

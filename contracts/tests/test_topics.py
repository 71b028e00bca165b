from __future__ import annotations

import pytest

from casia_contracts import (
    CASE_COMMANDS,
    CASE_EVENTS,
    DOCUMENT_COMMANDS,
    DOCUMENT_EVENTS,
    MESSAGE_MODELS,
    NOTIFICATION_EVENTS,
    RECEIPT_EVENTS,
    SERVICES,
    TOPIC_PARTITIONS,
    Service,
    dead_letter_topic,
    event_source,
)


def test_topic_names_are_the_architecture_ones() -> None:
    assert CASE_COMMANDS == "casia.cases.commands.v1"
    assert CASE_EVENTS == "casia.cases.events.v1"
    assert DOCUMENT_COMMANDS == "casia.documents.commands.v1"
    assert DOCUMENT_EVENTS == "casia.documents.events.v1"
    assert RECEIPT_EVENTS == "casia.receipts.events.v1"
    assert NOTIFICATION_EVENTS == "casia.notifications.events.v1"


def test_services_are_the_five_deployables() -> None:
    assert [str(service) for service in SERVICES] == [
        "intake",
        "workflow",
        "documents",
        "receipts",
        "notifier",
    ]


def test_dead_letter_topic_is_per_consumer_group() -> None:
    assert dead_letter_topic(Service.WORKFLOW) == "casia.dlq.workflow.v1"
    assert dead_letter_topic("test-group_1") == "casia.dlq.test-group_1.v1"


@pytest.mark.parametrize("name", ["", "Workflow", "work flow", "a.b", "-x"])
def test_dead_letter_topic_refuses_names_that_are_not_topic_segments(name: str) -> None:
    with pytest.raises(ValueError, match="not a service name"):
        dead_letter_topic(name)


def test_event_source_is_a_uri_reference_per_service() -> None:
    assert event_source(Service.RECEIPTS) == "/casia/receipts"


def test_partition_plan_gives_12_to_case_topics_6_to_others_1_to_dead_letters() -> None:
    assert TOPIC_PARTITIONS[CASE_COMMANDS] == 12
    assert TOPIC_PARTITIONS[CASE_EVENTS] == 12
    for topic in (DOCUMENT_COMMANDS, DOCUMENT_EVENTS, RECEIPT_EVENTS, NOTIFICATION_EVENTS):
        assert TOPIC_PARTITIONS[topic] == 6
    for service in SERVICES:
        assert TOPIC_PARTITIONS[dead_letter_topic(service)] == 1
    assert len(TOPIC_PARTITIONS) == 6 + len(SERVICES)


def test_every_message_travels_on_a_planned_topic() -> None:
    assert {model.topic for model in MESSAGE_MODELS} <= set(TOPIC_PARTITIONS)

"""Kafka topic names, service names and the partition plan of the system.

Every topic is keyed by case number, so all messages of one case keep their order. A topic name
ends in its contract version (``.v1``): within a version, schemas change only by adding optional
fields; anything else is a new topic.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final

CASE_COMMANDS: Final = "casia.cases.commands.v1"
"""Commands to the workflow (from intake): open a case, add information, resolve, ..."""

CASE_EVENTS: Final = "casia.cases.events.v1"
"""Public case events (from the workflow): what happened to each case. Documented by AsyncAPI."""

DOCUMENT_COMMANDS: Final = "casia.documents.commands.v1"
"""Upload commands to the documents service (from intake)."""

DOCUMENT_EVENTS: Final = "casia.documents.events.v1"
"""Document stored / rejected (from the documents service)."""

RECEIPT_EVENTS: Final = "casia.receipts.events.v1"
"""Receipt issued (from the receipts service)."""

NOTIFICATION_EVENTS: Final = "casia.notifications.events.v1"
"""Notification sent / failed / skipped (from the notifier)."""


class Service(StrEnum):
    """The deployable services; each consumes as one consumer group named after it."""

    INTAKE = "intake"
    WORKFLOW = "workflow"
    DOCUMENTS = "documents"
    RECEIPTS = "receipts"
    NOTIFIER = "notifier"


SERVICES: Final[tuple[Service, ...]] = tuple(Service)

CONSUMED_TOPICS: Final[dict[Service, tuple[str, ...]]] = {
    Service.WORKFLOW: (CASE_COMMANDS, DOCUMENT_EVENTS),
    Service.DOCUMENTS: (DOCUMENT_COMMANDS,),
    Service.RECEIPTS: (CASE_EVENTS,),
    Service.NOTIFIER: (CASE_EVENTS, RECEIPT_EVENTS),
}
"""The topics each consuming service subscribes to, in the consumer group named after it (the
gateway consumes none). Operators' commands and the local stack plan scaling with it; tests hold
it to what the running groups subscribe to."""

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _checked(service: str) -> str:
    if not _NAME.fullmatch(service):
        raise ValueError(f"not a service name: {service!r}")
    return service


def dead_letter_topic(service: str) -> str:
    """The dead-letter topic of one consumer group: ``casia.dlq.<service>.v1``.

    Any lower-case name is accepted (tests may use their own groups); raises ValueError for a name
    that cannot be a topic segment (empty, upper case, dots, spaces).
    """
    return f"casia.dlq.{_checked(service)}.v1"


def event_source(service: str) -> str:
    """The CloudEvents ``source`` of what a service emits: ``/casia/<service>``. Same names as above."""
    return f"/casia/{_checked(service)}"


CASE_TOPIC_PARTITIONS: Final = 12
OTHER_TOPIC_PARTITIONS: Final = 6
DEAD_LETTER_PARTITIONS: Final = 1

TOPIC_PARTITIONS: Final[dict[str, int]] = {
    CASE_COMMANDS: CASE_TOPIC_PARTITIONS,
    CASE_EVENTS: CASE_TOPIC_PARTITIONS,
    DOCUMENT_COMMANDS: OTHER_TOPIC_PARTITIONS,
    DOCUMENT_EVENTS: OTHER_TOPIC_PARTITIONS,
    RECEIPT_EVENTS: OTHER_TOPIC_PARTITIONS,
    NOTIFICATION_EVENTS: OTHER_TOPIC_PARTITIONS,
    **{dead_letter_topic(service): DEAD_LETTER_PARTITIONS for service in SERVICES},
}
"""Every topic of the system with its partition count, as the local stack creates them.

Partitions bound the parallelism of a consumer group; the count of a keyed topic must not change
once messages flow (a key would move to another partition and lose its order).
"""

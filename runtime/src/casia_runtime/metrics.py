"""Prometheus metrics shared by the services (one registry per process)."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

MESSAGES_HANDLED = Counter(
    "casia_messages_handled_total",
    "Messages a consumer took, by outcome: handled, retried, parked or dead_lettered",
    ["topic", "outcome"],
)
OUTBOX_PUBLISHED = Counter("casia_outbox_published_total", "Outbox entries published to Kafka")
DEAD_LETTERS = Counter("casia_dead_letters_total", "Messages sent to the dead-letter topic", ["topic"])
DOCUMENTS_DECIDED = Counter(
    "casia_documents_decided_total", "Uploaded documents the documents service decided, by status", ["status"]
)
RECEIPTS_ISSUED = Counter("casia_receipts_issued_total", "Justificantes issued, by kind", ["kind"])


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus text format and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST

"""Prometheus metrics of the CASIA processes (one registry per process), by what they count.

Names and labels are the operators' contract: the dashboard and the alert rules under
deploy/observability use them, and a test there fails when one of them is renamed.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

# HTTP services (the gateway, the portal): casia_telemetry.http
HTTP_REQUESTS = Counter(
    "casia_http_requests_total",
    "HTTP requests answered, by route template and status",
    ["method", "route", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "casia_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)

# Consumers (casia_runtime.consumer)
MESSAGES_HANDLED = Counter(
    "casia_messages_handled_total",
    "Messages a consumer took, by outcome: handled, retried, parked or dead_lettered",
    ["topic", "outcome"],
)
MESSAGE_HANDLING_SECONDS = Histogram(
    "casia_message_handling_seconds",
    "Time to handle one message (its attempt counted, its effect committed)",
    ["topic"],
    buckets=LATENCY_BUCKETS,
)
CONSUMER_LAG = Gauge(
    "casia_consumer_lag",
    "Records of a topic the consumer group has not yet read (end offsets minus committed)",
    ["group", "topic"],
)
DEAD_LETTERS = Counter("casia_dead_letters_total", "Messages sent to the dead-letter topic", ["topic"])

# The outbox and its relay (casia_runtime.outbox, casia_runtime.relay)
OUTBOX_PUBLISHED = Counter("casia_outbox_published_total", "Outbox entries published to Kafka")
OUTBOX_PENDING = Gauge("casia_outbox_pending", "Outbox entries not yet published to Kafka", ["outbox"])
OUTBOX_OLDEST_AGE = Gauge(
    "casia_outbox_oldest_pending_age_seconds",
    "Age of the oldest outbox entry not yet published (0 when none is pending)",
    ["outbox"],
)

# What the services do for people
EMAILS = Counter("casia_emails_total", "Notices by outcome: sent, failed or skipped", ["outcome"])
DOCUMENTS_DECIDED = Counter(
    "casia_documents_decided_total", "Uploaded documents the documents service decided, by status", ["status"]
)
RECEIPTS_ISSUED = Counter("casia_receipts_issued_total", "Justificantes issued, by kind", ["kind"])


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus text format and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST

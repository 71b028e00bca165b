"""The dead-letter record: what a consumer publishes to ``casia.dlq.<service>.v1``.

Published by the shared consumer when a message cannot be parsed or keeps failing, after which the
consumer acks the original and goes on. It is a plain JSON object (not a CloudEvent: the original
may not even be one), keyed by the original key when there was one.
"""

from __future__ import annotations

from pydantic import NonNegativeInt, PositiveInt

from casia_contracts.base import ContractModel, NonBlankStr, UtcDatetime


class DeadLetter(ContractModel):
    """A message a consumer group gave up on, with where it was and why it failed.

    ``payload`` is the original value decoded as UTF-8 with ``errors="replace"``: readable by
    operators and exact for every well-formed message (all CASIA messages are UTF-8 JSON); only
    bytes that were not UTF-8 are replaced by U+FFFD. ``error_type`` is the exception class name,
    ``error`` its message; ``attempts`` counts the tries made, the last at ``failed_at``.
    """

    consumer_group: NonBlankStr
    topic: NonBlankStr
    partition: NonNegativeInt
    offset: NonNegativeInt
    key: str | None = None
    payload: str
    error_type: NonBlankStr
    error: str
    attempts: PositiveInt
    failed_at: UtcDatetime

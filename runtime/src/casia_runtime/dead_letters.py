"""The dead-letter topic of a consumer group: where a message goes when the group gives up on it."""

from __future__ import annotations

from datetime import UTC, datetime

from casia_contracts.dead_letters import DeadLetter
from casia_contracts.topics import dead_letter_topic
from casia_runtime.logging import get_logger
from casia_runtime.messages import InboundMessage, OutboundMessage
from casia_runtime.relay import Publisher
from casia_telemetry.metrics import DEAD_LETTERS, MESSAGES_HANDLED

log = get_logger(__name__)


class DeadLetters:
    """Publishes :class:`DeadLetter` records to ``casia.dlq.<service>.v1`` (the topic must exist)."""

    def __init__(self, *, service: str, publisher: Publisher) -> None:
        self.service = service
        self._publisher = publisher

    async def send(self, message: InboundMessage, error: Exception, *, attempts: int) -> None:
        """Publish ``message`` with the reason it is given up on; returns once Kafka acknowledged.

        The dead letter's id is the record's place (``topic:partition:offset``), so sending one
        twice (a crash before the original's offset was committed) is recognisable downstream.
        """
        letter = DeadLetter(
            consumer_group=self.service,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            key=message.key,
            payload=message.value.decode(errors="replace"),
            error_type=type(error).__name__,
            error=str(error) or repr(error),
            attempts=attempts,
            failed_at=datetime.now(UTC),
        )
        topic = dead_letter_topic(self.service)
        await self._publisher.publish_all(
            [
                OutboundMessage(
                    id=f"{message.topic}:{message.partition}:{message.offset}",
                    topic=topic,
                    key=message.key or "",
                    value=letter.model_dump_json().encode(),
                    headers={"content-type": "application/json"},
                )
            ]
        )
        MESSAGES_HANDLED.labels(topic=message.topic, outcome="dead_lettered").inc()
        DEAD_LETTERS.labels(topic=message.topic).inc()
        log.error(
            "message.dead_lettered",
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            attempts=attempts,
            error_type=letter.error_type,
            error=letter.error,
            dead_letter_topic=topic,
        )

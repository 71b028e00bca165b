"""Who may hand a notice to SMTP: the consumer that holds its claim in the delivery log.

SMTP has no idempotency, so the delivery log decides who sends. A consumer claims the notice
(one atomic write, with a lease longer than a whole SMTP send) before sending it, and marks it
sent as soon as the server accepted it. Another consumer handed the same event meanwhile (a
rebalance, a redelivery after a crash) finds the claim: it waits until the holder marks or
finishes the notice, and claims and sends it only if the claim lapses unmarked, which happens when
the holder died (or lost MongoDB) before the mark. So the one notice that can go out twice is one
whose SMTP transaction was in flight when its holder died; it repeats the same Message-ID.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from casia_notifier.service.ports import DeliveryLog, DeliveryRow, Notice
from casia_runtime.clock import Clock
from casia_runtime.logging import get_logger

log = get_logger(__name__)

POLL_SECONDS = 0.2
"""Pause between two reads of a row that another consumer's claim holds, and between two tries
of a mark that failed."""


class ClaimedElsewhere(Exception):
    """Notices another consumer holds, marked sent or finished: not this batch's to send."""


@dataclass(frozen=True, kw_only=True)
class Claims:
    """Claims and marks in the delivery log, on behalf of the calling consumer."""

    deliveries: DeliveryLog
    clock: Clock
    owner: Callable[[], str]
    """The calling consumer's id: the same for its retries of one message, different from every
    other consumer of every process (host:pid and the consumer's task)."""
    lease: timedelta
    """How long a claim holds: longer than a whole SMTP send and the mark after it."""
    pause: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def take(self, notice: Notice) -> DeliveryRow:
        """The notice's row once the calling consumer may act on it: claimed by it (send it, the
        attempt counted), marked sent (record it, do not send), or finished (nothing left to do).

        While another consumer's live claim holds the notice, waits, reading the row every
        ``POLL_SECONDS``, until that consumer marks or finishes it, or its claim lapses unmarked
        and this consumer claims it. Waiting is not a failed attempt: it never raises for it. A
        claim of the caller's own (its retry after a transient failure) is renewed.
        """
        owner = self.owner()
        row = await self._claim(notice, owner)
        if row.held_by_another(owner, at=self.clock()) and row.claimed_until is not None:
            log.info("notice.waiting", holder=row.claimed_by, until=row.claimed_until.isoformat())
        while _claimed_by_another(row, owner):
            if row.held_by_another(owner, at=self.clock()):
                await self.pause(POLL_SECONDS)
                row = await self.deliveries.get(notice.notice_id) or row
            else:  # lapsed unmarked: its holder died (or lost the database) before the mark
                row = await self._claim(notice, owner)
        return row

    async def take_all(self, notices: Sequence[Notice]) -> list[DeliveryRow]:
        """Claim every one of ``notices`` (distinct ids) for the calling consumer in one write,
        each attempt counted; their rows, in order, each claimed by it and neither marked nor
        finished. Raises ClaimedElsewhere, waiting for nothing, if any of them is not free for it
        (another's live claim, a mark, an outcome): :meth:`take` deals with such a notice."""
        owner, at = self.owner(), self.clock()
        rows = await self.deliveries.claim_all(notices, owner=owner, at=at, until=at + self.lease)
        taken = [row.notice.notice_id for row in rows if not _sendable(row) or row.claimed_by != owner]
        if taken:
            raise ClaimedElsewhere(", ".join(taken))
        for row in rows:
            log.info(
                "notice.claimed",
                case_number=row.notice.case_number,
                notice_id=row.notice.notice_id,
                owner=owner,
                attempt=row.attempts,
            )
        return rows

    async def mark_sent(self, claimed: DeliveryRow) -> None:
        """Mark the notice of ``claimed`` (a row :meth:`take` or :meth:`take_all` returned claimed
        by the caller) sent, right after the SMTP server accepted it, on behalf of the claim's
        holder: the same consumer, even where the send ran in a task of its own.

        A failed write is tried again while the claim is live (after that another consumer may
        take the notice over, so the error is raised). A claim found taken over is logged
        (``notice.claim_lost``): the mail went out, and the outcome is recorded all the same.
        """
        owner, notice_id = claimed.claimed_by or self.owner(), claimed.notice.notice_id
        while True:
            try:
                marked = await self.deliveries.mark_sent(notice_id, owner=owner, at=self.clock())
            except Exception as error:  # MongoDB unreachable, say: an unmarked sent mail would repeat
                if claimed.claimed_until is None or self.clock() >= claimed.claimed_until:
                    raise
                log.warning("notice.mark_retrying", error=repr(error))
                await self.pause(POLL_SECONDS)
                continue
            if not marked:
                log.warning("notice.claim_lost", owner=owner)
            return

    async def _claim(self, notice: Notice, owner: str) -> DeliveryRow:
        at = self.clock()
        row = await self.deliveries.claim(notice, owner=owner, at=at, until=at + self.lease)
        if row.claimed_by == owner and not row.finished and row.sent_at is None:
            log.info("notice.claimed", notice_id=notice.notice_id, owner=owner, attempt=row.attempts)
        return row


def _sendable(row: DeliveryRow) -> bool:
    """Pending and not marked sent: what a claim lets its holder hand to SMTP."""
    return not row.finished and row.sent_at is None


def _claimed_by_another(row: DeliveryRow, owner: str) -> bool:
    """Pending, not marked sent, and not the caller's: someone else's claim, live or lapsed."""
    return _sendable(row) and row.claimed_by != owner

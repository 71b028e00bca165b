"""The delivery log's contract for a batch (claims and outcomes of many notices in one write):
each ends as it would alone. Held against the in-memory fake and MongoDB alike."""

from __future__ import annotations

from dataclasses import replace

from casia_notifier.service.ports import DeliveryRow, DeliveryStatus

from ..messages import AT
from .port_backends import (
    ALICE,
    BOB,
    LEASE,
    NO_CONSENT,
    REFUSED,
    SENT,
    Backend,
    a_notice,
    claim,
    claimed,
    finish,
)


async def test_claiming_many_at_once_ends_each_as_claiming_it_alone(backend: Backend) -> None:
    free, renewed, held, marked, done = (a_notice() for _ in range(5))
    await claim(backend, renewed)
    await claim(backend, held, owner=BOB)
    await claim(backend, marked)
    await backend.deliveries.mark_sent(marked.notice_id, owner=ALICE, at=AT)
    await finish(backend, done, SENT)
    notices = [free, renewed, held, marked, done]

    rows = await backend.deliveries.claim_all(notices, owner=ALICE, at=AT, until=AT + LEASE)

    assert rows == [
        claimed(free),
        claimed(renewed, attempts=2),
        claimed(held, owner=BOB),
        replace(claimed(marked), sent_at=AT),
        DeliveryRow(notice=done, status=DeliveryStatus.SENT, attempts=0),
    ]
    assert [await backend.deliveries.get(n.notice_id) for n in notices] == rows


async def test_finishing_many_at_once_records_each_outcome(backend: Backend) -> None:
    sent, refused, skipped = a_notice(), a_notice(), a_notice(recipient=None)
    await claim(backend, sent)
    await claim(backend, refused)
    ended = [(sent, SENT), (refused, REFUSED), (skipped, NO_CONSENT)]

    await backend.transactions.run(lambda tx: tx.deliveries.finish_all(ended, at=AT))

    assert [await backend.deliveries.get(n.notice_id) for n, _ in ended] == [
        replace(claimed(sent), status=DeliveryStatus.SENT),
        replace(claimed(refused), status=DeliveryStatus.FAILED, reason_code="refused", reason=REFUSED.reason),
        DeliveryRow(
            notice=skipped,
            status=DeliveryStatus.SKIPPED,
            attempts=0,
            reason_code="no_consent",
            reason="Sin consentimiento",
        ),
    ]

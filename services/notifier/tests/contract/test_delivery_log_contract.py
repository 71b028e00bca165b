"""The delivery log's contract (claims before SMTP, marks right after, outcomes), held against
the in-memory fake and MongoDB alike, as the other ports in ``test_ports_contract.py``."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from casia_notifier.service.ports import DeliveryRow, DeliveryStatus, Transaction
from casia_runtime.testing.contracts import WorkFailed

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

# --- the delivery log: claims ------------------------------------------------------------------


async def test_a_first_claim_leaves_a_pending_row_claimed_by_its_owner_with_one_attempt(
    backend: Backend,
) -> None:
    notice = a_notice()

    row = await claim(backend, notice)

    assert row == claimed(notice)
    assert await backend.deliveries.get(notice.notice_id) == row


async def test_a_live_claim_of_another_owner_is_not_taken_and_changes_nothing(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice, owner=ALICE)

    row = await claim(backend, notice, owner=BOB, after=LEASE - timedelta(milliseconds=1))

    assert row == claimed(notice, owner=ALICE)
    assert await backend.deliveries.get(notice.notice_id) == row


async def test_an_owner_renews_its_own_claim_counting_one_more_attempt(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice)

    row = await claim(backend, notice, after=timedelta(seconds=5))

    assert row == claimed(notice, attempts=2, after=timedelta(seconds=5))


async def test_a_lapsed_claim_is_taken_over_counting_one_more_attempt(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice, owner=ALICE)

    row = await claim(backend, notice, owner=BOB, after=LEASE)

    assert row == claimed(notice, owner=BOB, attempts=2, after=LEASE)


async def test_claims_and_attempts_are_per_notice(backend: Backend) -> None:
    first, second = a_notice(), a_notice()
    await claim(backend, first, owner=ALICE)
    await claim(backend, first, owner=ALICE)

    assert await claim(backend, second, owner=BOB) == claimed(second, owner=BOB)
    assert await claim(backend, first, owner=ALICE) == claimed(first, attempts=3)


async def test_a_claim_stores_the_notice_as_this_attempt_sends_it(backend: Backend) -> None:
    before = a_notice(recipient="antes@example.es")
    now = replace(before, recipient="ahora@example.es")
    await claim(backend, before)

    row = await claim(backend, now, after=timedelta(seconds=1))

    assert row.notice == now


async def test_of_claims_made_at_once_by_many_owners_exactly_one_wins(backend: Backend) -> None:
    notice = a_notice()
    owners = [f"host:{n}:Task-1" for n in range(8)]

    rows = await asyncio.gather(*(claim(backend, notice, owner=owner) for owner in owners))

    winners = {row.claimed_by for row in rows}
    assert len(winners) == 1
    [winner] = winners
    assert all(row == claimed(notice, owner=str(winner)) for row in rows)


async def test_a_notice_marked_sent_is_not_claimed_again_even_after_its_claim_lapsed(
    backend: Backend,
) -> None:
    notice = a_notice()
    await claim(backend, notice, owner=ALICE)
    assert await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT)

    row = await claim(backend, notice, owner=BOB, after=LEASE * 2)

    assert row == replace(claimed(notice, owner=ALICE), sent_at=AT)


async def test_a_finished_notice_is_not_claimed(backend: Backend) -> None:
    notice = a_notice()
    await finish(backend, notice, NO_CONSENT)

    row = await claim(backend, notice)

    assert (row.status, row.attempts, row.claimed_by) == (DeliveryStatus.SKIPPED, 0, None)


# --- the delivery log: marks -------------------------------------------------------------------


async def test_the_holder_of_the_claim_marks_the_notice_sent(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice)

    marked = await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT + timedelta(seconds=1))

    assert marked
    assert await backend.deliveries.get(notice.notice_id) == replace(
        claimed(notice), sent_at=AT + timedelta(seconds=1)
    )


async def test_the_holder_marks_its_lapsed_claim_if_nobody_took_it_over(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice)

    assert await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT + LEASE * 2)


async def test_a_claim_taken_over_is_not_marked_by_its_former_holder(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice, owner=ALICE)
    taken = await claim(backend, notice, owner=BOB, after=LEASE)

    marked = await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT + LEASE)

    assert not marked
    assert await backend.deliveries.get(notice.notice_id) == taken


@pytest.mark.parametrize("how", ["marked", "finished"])
async def test_a_notice_is_marked_only_once_and_never_once_finished(backend: Backend, how: str) -> None:
    notice = a_notice()
    await claim(backend, notice)
    await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT)
    if how == "finished":
        await finish(backend, notice, SENT)
    before = await backend.deliveries.get(notice.notice_id)

    assert not await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT + timedelta(seconds=1))
    assert await backend.deliveries.get(notice.notice_id) == before


async def test_a_notice_without_a_row_is_not_marked(backend: Backend) -> None:
    notice = a_notice()

    assert not await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT)
    assert await backend.deliveries.get(notice.notice_id) is None


# --- the delivery log: outcomes ----------------------------------------------------------------


async def test_a_notice_never_claimed_nor_finished_has_no_row(backend: Backend) -> None:
    assert await backend.deliveries.get(a_notice().notice_id) is None


async def test_finish_records_the_outcome_and_keeps_the_attempts_the_claim_and_the_mark(
    backend: Backend,
) -> None:
    notice = a_notice()
    await claim(backend, notice)
    await claim(backend, notice)
    await backend.deliveries.mark_sent(notice.notice_id, owner=ALICE, at=AT)

    await finish(backend, notice, SENT)

    assert await backend.deliveries.get(notice.notice_id) == replace(
        claimed(notice, attempts=2), status=DeliveryStatus.SENT, sent_at=AT
    )


async def test_finish_records_a_failure_with_its_reason(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice)

    await finish(backend, notice, REFUSED)

    assert await backend.deliveries.get(notice.notice_id) == replace(
        claimed(notice),
        status=DeliveryStatus.FAILED,
        reason_code="refused",
        reason="550 5.1.1 mailbox unavailable",
    )


async def test_a_notice_finished_without_an_attempt_has_a_row_with_none(backend: Backend) -> None:
    notice = a_notice(recipient=None)

    await finish(backend, notice, NO_CONSENT)

    assert await backend.deliveries.get(notice.notice_id) == DeliveryRow(
        notice=notice,
        status=DeliveryStatus.SKIPPED,
        attempts=0,
        reason_code="no_consent",
        reason="Sin consentimiento",
    )


async def test_a_finished_row_is_invisible_until_the_transaction_commits(backend: Backend) -> None:
    notice = a_notice()
    await claim(backend, notice)

    async def work(tx: Transaction) -> DeliveryRow | None:
        await tx.deliveries.finish(notice, SENT, at=AT)
        return await backend.deliveries.get(notice.notice_id)

    during = await backend.transactions.run(work)

    assert during is not None and during.status is DeliveryStatus.PENDING
    after = await backend.deliveries.get(notice.notice_id)
    assert after is not None and after.status is DeliveryStatus.SENT


async def test_a_claim_racing_the_finish_is_kept_or_sees_the_notice_finished(backend: Backend) -> None:
    """A claim made while the transaction that finishes the notice is open either lands first
    (the transaction re-runs over it and keeps its attempt) or waits and finds the notice
    finished (MongoDB holds a write to a document a transaction changed until it commits). Either
    way it is never lost, and the notice ends finished."""
    notice = a_notice()
    await claim(backend, notice)

    async def slow_finish(tx: Transaction) -> None:
        await tx.deliveries.finish(notice, SENT, at=AT)
        await asyncio.sleep(0.05)  # so that the claim is made while this transaction is open

    async def claim_soon() -> DeliveryRow:
        await asyncio.sleep(0.01)
        return await claim(backend, notice)

    _, raced = await asyncio.gather(backend.transactions.run(slow_finish), claim_soon())

    after = await backend.deliveries.get(notice.notice_id)
    if raced.finished:
        assert raced == after == replace(claimed(notice), status=DeliveryStatus.SENT)
    else:
        assert raced == claimed(notice, attempts=2)
        assert after == replace(raced, status=DeliveryStatus.SENT)


async def test_a_failed_work_creates_no_row(backend: Backend) -> None:
    notice = a_notice()

    async def work(tx: Transaction) -> None:
        await tx.deliveries.finish(notice, NO_CONSENT, at=AT)
        raise WorkFailed

    with pytest.raises(WorkFailed):
        await backend.transactions.run(work)

    assert await backend.deliveries.get(notice.notice_id) is None

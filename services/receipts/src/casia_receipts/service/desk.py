"""The receipts use case: react to case events, issue what is ready, and pick up what an issuer
that died left ready."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from casia_read_models import StoredReceipt
from casia_receipts.service import issuing, recording
from casia_receipts.service.ports import (
    AppliedEvents,
    PdfStore,
    ReceiptReader,
    Renderer,
    Transaction,
    Transactions,
)
from casia_runtime.clock import Clock
from casia_runtime.failpoints import NONE as NO_FAILPOINTS
from casia_runtime.failpoints import Failpoints
from casia_runtime.logging import bound_correlation, get_logger
from casia_runtime.messages import InboundMessage
from casia_telemetry.metrics import RECEIPTS_ISSUED

log = get_logger(__name__)


@dataclass(frozen=True, kw_only=True)
class ReceiptDesk:
    transactions: Transactions
    applied: AppliedEvents
    receipts: ReceiptReader
    pdfs: PdfStore
    renderer: Renderer
    clock: Clock
    bucket: str
    public_base_url: str
    on_commit: Callable[[], None]
    sweep_every: timedelta = timedelta(seconds=5)
    failpoints: Failpoints = NO_FAILPOINTS

    async def handle(self, message: InboundMessage) -> None:
        """Record what a case event means for the case's receipts (once: the inbox is written in
        the same transaction), then issue the case's ready receipts. Raises PoisonMessage for an
        unreadable event, NotYet when the case cannot be read yet; an issuing failure is left
        to the sweep (the event is recorded, its receipt stays ready)."""
        read = recording.read(message)
        if read is None:
            return
        event, data = read
        with bound_correlation(event.correlationid, case_number=data.case_number):
            if not await self.applied.seen(event.id):
                at = self.clock()

                async def work(tx: Transaction) -> None:
                    await recording.apply(tx, event, data, at=at)
                    await tx.inbox.record(event.id, at=at)

                await self.transactions.run(work)
            try:
                await self.issue_ready(case_number=data.case_number)
            except Exception:  # recorded and ready: the sweep issues it
                log.exception("receipt.issue_failed")

    async def issue_ready(self, *, case_number: str | None = None) -> int:
        """Issue the ready receipts (of one case, or any); returns how many this call announced."""
        announced = 0
        for receipt in await self.receipts.ready(case_number=case_number):
            announced += await self.issue(receipt)
        return announced

    async def issue(self, receipt: StoredReceipt) -> int:
        content = issuing.content_of(receipt, public_base_url=self.public_base_url)
        pdf = await self.renderer.render(content)
        done = issuing.issued(receipt, pdf, bucket=self.bucket)
        if done.pdf is None:
            raise ValueError("an issued receipt has its PDF")
        await self.pdfs.put(
            done.pdf.bucket,
            done.pdf.key,
            issuing.pdf_stream(pdf),
            size=len(pdf),
            content_type="application/pdf",
        )
        self.failpoints.reach("receipt.pdf_stored")
        at = self.clock()

        async def work(tx: Transaction) -> int:
            if not await tx.receipts.mark_issued(done):
                return 0  # another issuer announced it
            await tx.outbox.add([issuing.announcement(done, at=at)])
            return 1

        announced = await self.transactions.run(work)
        if announced:
            self.on_commit()
            RECEIPTS_ISSUED.labels(kind=receipt.kind).inc()
            log.info("receipt.issued", receipt_id=receipt.receipt_id, kind=receipt.kind)
        return announced

    async def sweep(self) -> None:
        """Issue, every ``sweep_every``, what was left ready (its issuer died or failed)."""
        while True:
            try:
                await self.issue_ready()
            except Exception:  # the store or database is down now; next sweep tries again
                log.exception("receipt.sweep_failed")
            await asyncio.sleep(self.sweep_every.total_seconds())

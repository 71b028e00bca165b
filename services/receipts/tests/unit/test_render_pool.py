"""Justificantes rendered in worker processes are the very bytes one rendered in this process:
the content travels to the workers whole, and each worker's renderer is the same."""

from __future__ import annotations

import asyncio

from casia_receipts.adapters.pdf import ReceiptRenderer
from casia_receipts.adapters.rendering import PooledRenderer

from ..builders import new_content


async def test_workers_render_the_same_bytes_as_this_process() -> None:
    contents = [new_content() for _ in range(3)]
    pool = PooledRenderer(timezone="Europe/Madrid", processes=2)
    try:
        pooled = await asyncio.gather(*(pool.render(c) for c in contents))
    finally:
        pool.close()
    here = ReceiptRenderer(timezone="Europe/Madrid")
    assert list(pooled) == [here.render(c) for c in contents]

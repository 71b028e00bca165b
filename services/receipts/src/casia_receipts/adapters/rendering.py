"""The Renderer port: WeasyPrint off the event loop, on one thread of its own (the renderer is
not thread-safe, and one thread keeps its fonts and stylesheet warm)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from casia_receipts.adapters.pdf import ReceiptRenderer
from casia_receipts.domain.receipt import ReceiptContent


class OffLoopRenderer:
    def __init__(self, renderer: ReceiptRenderer) -> None:
        self._renderer = renderer
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="receipt-render")

    async def render(self, content: ReceiptContent) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._renderer.render, content)

    def close(self) -> None:
        self._thread.shutdown(wait=False)

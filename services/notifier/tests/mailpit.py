"""The local stack's SMTP server (Mailpit), read through its HTTP API as a mail client would."""

from __future__ import annotations

import os
from typing import Any

import httpx

MAIL_API = os.environ.get("CASIA_MAIL_API_URL", "http://127.0.0.1:8025/api/v1")


async def received_by(recipient: str) -> list[dict[str, Any]]:
    """Every message the server holds for ``recipient``, in full (``Text`` and ``HTML`` parts).

    Mailpit stores a message before it answers 250, so what was sent is there at once.
    """
    async with httpx.AsyncClient() as http:
        found = (await http.get(f"{MAIL_API}/search", params={"query": f"to:{recipient}"})).json()
        return [(await http.get(f"{MAIL_API}/message/{m['ID']}")).json() for m in found["messages"]]

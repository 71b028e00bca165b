"""The chaos suite's load: autorizados opening cases (a third of them trámites with a document)
and a clerk and the autorizados working some of them, as real clients would while the system is
being broken under them.

A client that gets no answer, or 503/429, sends the same request again with the same
Idempotency-Key until it gets one: that is what the API promises makes a retry safe, and it is
how the suite can say which cases were accepted (every 201/202) and demand each exists once.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from casia_uploads import testing as samples

from ..conftest import Autorizado, Tramitador
from ..journeys import CONSULTA
from ..uploading import TRAMITE_BAJA, multipart

RETRIED = frozenset({429, 503})
"""Answers a client is told to come back after (Retry-After); anything else is an answer."""

GIVE_UP_AFTER_SECONDS = 240.0


@dataclass(frozen=True)
class Accepted:
    """A case the system answered 201 or 202 for."""

    number: str
    autorizado: Autorizado
    tramite: bool


@dataclass
class Tally:
    """What the clients saw: answers by status, retries, and unexpected answers to look at."""

    answers: Counter[int] = field(default_factory=Counter)
    retries: int = 0
    transport_errors: int = 0
    unexpected: list[str] = field(default_factory=list)


Send = Callable[[dict[str, str]], Awaitable[httpx.Response]]


class LoadDriver:
    """Opens ``cases`` cases over ``autorizados`` with ``concurrency`` clients and works some of
    them: every third is assigned and resolved by the clerk, every fifth the autorizado asks to
    annul (automatic while still submitted, otherwise a request the clerk may never decide)."""

    def __init__(
        self, client: httpx.AsyncClient, autorizados: list[Autorizado], clerk: Tramitador, *, cases: int
    ) -> None:
        self.client = client
        self.autorizados = autorizados
        self.clerk = clerk
        self.cases = cases
        self.accepted: list[Accepted] = []
        self.tally = Tally()

    async def run(self, *, concurrency: int) -> None:
        gate = asyncio.Semaphore(concurrency)

        async def one(index: int) -> None:
            async with gate:
                await self._case(index)

        await asyncio.gather(*(one(i) for i in range(self.cases)))

    async def _case(self, index: int) -> None:
        autorizado = self.autorizados[index % len(self.autorizados)]
        tramite = index % 3 == 2
        opened = await self._insisting(lambda h: self._open(autorizado, h, tramite=tramite, index=index))
        if opened.status_code not in (201, 202):
            self.tally.unexpected.append(f"open: {opened.status_code} {opened.text[:200]}")
            return
        number = opened.json()["case_number"]
        self.accepted.append(Accepted(number, autorizado, tramite))
        if opened.status_code == 202:
            await self._stored(f"{autorizado.cases_path}/{number}", autorizado.headers)
        if index % 3 == 0:
            await self._act(f"/v1/backoffice/cases/{number}/assignment", self.clerk.headers, None)
            await self._act(
                f"/v1/backoffice/cases/{number}/resolution", self.clerk.headers, {"answer": "Resuelto."}
            )
        elif index % 5 == 1:
            path = f"{autorizado.cases_path}/{number}/annulment"
            await self._act(path, autorizado.headers, {"reason": "Abierto por error"})

    async def _open(
        self, autorizado: Autorizado, headers: dict[str, str], *, tramite: bool, index: int
    ) -> httpx.Response:
        if not tramite:
            return await self.client.post(
                autorizado.cases_path, json=CONSULTA, headers=autorizado.headers | headers
            )
        spec = ("anexo.pdf", samples.pdf(marker=f"caos-{index}"), "application/pdf", "otro", "Anexo")
        return await self.client.post(
            autorizado.cases_path,
            headers=autorizado.headers | headers,
            **multipart([spec], case=TRAMITE_BAJA),
        )

    async def _act(self, path: str, headers: dict[str, str], body: dict[str, Any] | None) -> None:
        """An action; a 409 is a fair answer under load (a 202'd case the clerk reached before the
        workflow did, or a repeat whose first attempt was applied), anything else is noted."""
        answer = await self._insisting(lambda h: self.client.post(path, json=body, headers=headers | h))
        if answer.status_code not in (200, 202, 404, 409):
            self.tally.unexpected.append(f"{path}: {answer.status_code} {answer.text[:200]}")

    async def _stored(self, path: str, headers: dict[str, str]) -> None:
        """Wait until a case answered 202 is stored, so that working it is not refused for
        being unknown yet."""
        deadline = time.monotonic() + GIVE_UP_AFTER_SECONDS
        while time.monotonic() < deadline:
            answer = await self._insisting(lambda h: self.client.get(path, headers=headers))
            if answer.status_code == 200:
                return
            await asyncio.sleep(0.5)
        self.tally.unexpected.append(f"{path}: accepted with 202 but never stored")

    async def _insisting(self, send: Send) -> httpx.Response:
        """``send`` with one Idempotency-Key until the system answers something other than
        "come back later"; gives up (failing the run) after :data:`GIVE_UP_AFTER_SECONDS`."""
        key = {"Idempotency-Key": uuid.uuid4().hex}
        deadline = time.monotonic() + GIVE_UP_AFTER_SECONDS
        while time.monotonic() < deadline:
            try:
                answer = await send(key)
            except httpx.TransportError:
                self.tally.transport_errors += 1
                await asyncio.sleep(0.5)
                continue
            self.tally.answers[answer.status_code] += 1
            if answer.status_code not in RETRIED:
                return answer
            self.tally.retries += 1
            await asyncio.sleep(min(float(answer.headers.get("Retry-After", "1")), 2.0))
        raise AssertionError(f"no answer but 'later' for {GIVE_UP_AFTER_SECONDS:.0f} s")

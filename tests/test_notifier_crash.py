"""A notifier instance killed with SIGKILL while it sends: every case still gets its alta e-mail,
and the only e-mail that may come twice is one whose SMTP transaction was in flight at the kill.

The test starts a notifier process of its own beside the stack's (same consumer group), gives
the authorization a contact with consent, opens many consultas with several in flight, and kills
its own process once that process has sent a few notices (so it is sending when it dies). It then
waits until every notice's outcome is recorded and counts the alta e-mails per case in the SMTP
server, searching by the test's own recipient.

How strict it can honestly be: SMTP has no idempotency, so a process killed after the server
accepted a message and before the notifier marked it sent leaves a notice that the survivor must
send again (losing it would be worse). So a repeated e-mail is allowed only when it is exactly
that case: both copies carry the same Message-ID, the delivery row was claimed twice
(``attempts == 2``), and the killed process had logged its claim of that notice but never its
``notice.sent``. Each consumer of the killed process hands at most ``CASIA_SMTP_SESSIONS`` mails
to SMTP at once (a batch's mails go side by side), so at most ``CONSUMERS`` times that many
notices can be in flight at the kill. Anything else that repeats (a rebalance handing
the same event to two consumers, a crash anywhere else) fails the test.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from casia_notifier.adapters.mongo import DELIVERIES
from casia_notifier.settings import NotifierSettings
from casia_runtime.mongo import Document
from casia_runtime.testing.mongo import mongo_client

from .conftest import Autorizado
from .instances import Instance, own_instance
from .journeys import open_case

pytestmark = pytest.mark.e2e

CASES = 200
IN_FLIGHT = 16
"""Consultas being opened at once."""
CONSUMERS = 4
"""Consumers in the test's notifier process, so at most this many notices are in flight in it."""
KILL_AFTER_SENT = 10
"""Notices the test's process has sent when it is killed."""
CASE_NUMBER = re.compile(r"CAS-\d{4}-\d{7}")


@pytest.fixture
async def second_notifier(kafka_bootstrap: str, tmp_path: Path) -> AsyncIterator[Instance]:
    """A notifier process of the test's own, in the consumer group ``notifier`` with the stack's."""
    async with own_instance(
        "notifier",
        bootstrap=kafka_bootstrap,
        log=tmp_path / "notifier-2.log",
        joining=CONSUMERS,
        env={"CASIA_CONSUMERS_PER_TOPIC": str(CONSUMERS)},
    ) as instance:
        yield instance


@pytest.mark.timeout(300)  # the dead member's session, then its claims, must expire first
async def test_killing_a_notifier_while_it_sends_loses_no_mail_and_repeats_only_what_was_in_flight(
    client: httpx.AsyncClient,
    autorizado: Autorizado,
    email: str,
    mail_api_url: str,
    second_notifier: Instance,
) -> None:
    started = time.monotonic()
    contact = await client.put(
        f"/v1/authorizations/{autorizado.authorization.number}/contact",
        json={"email": email, "consent": True},
        headers=autorizado.headers,
    )
    assert contact.status_code == 200, contact.text

    numbers, opened_at_kill = await open_while_killing(client, autorizado, second_notifier)
    assert second_notifier.process.wait(timeout=10) == -signal.SIGKILL
    assert opened_at_kill < CASES, "the test's notifier was killed only after every case was opened"

    rows = await recorded_outcomes(numbers, within=180.0)
    by_case = await alta_mails_by_case(mail_api_url, email)
    missing = sorted(set(numbers) - set(by_case))
    assert not missing, f"{len(missing)} cases got no alta e-mail: {missing[:5]}"

    in_flight = claimed_and_not_sent(second_notifier)
    repeated = {number: sent for number, sent in by_case.items() if len(sent) > 1}
    print(  # the figures of this run, for the record (pytest -s or -rP shows them)
        "notifier-crash:",
        json.dumps(
            {
                "cases": CASES,
                "opened_at_kill": opened_at_kill,
                "in_flight_at_kill": len(in_flight),
                "repeated": sorted(repeated),
                "seconds": round(time.monotonic() - started, 1),
            }
        ),
    )
    for number, sent in repeated.items():
        row = rows[number]
        assert len(sent) == 2, f"{number}: {len(sent)} alta e-mails"
        assert len({m["MessageID"] for m in sent}) == 1, f"{number}: repeated with another Message-ID"
        assert row["attempts"] == 2, f"{number}: repeated but its row was claimed {row['attempts']} times"
        assert number in in_flight, f"{number}: repeated but not in flight in the killed process"
    assert len(repeated) <= CONSUMERS * NotifierSettings().smtp_sessions


async def open_while_killing(
    client: httpx.AsyncClient, autorizado: Autorizado, notifier: Instance
) -> tuple[list[str], int]:
    """Open ``CASES`` consultas, ``IN_FLIGHT`` at a time, killing ``notifier`` once it has sent
    ``KILL_AFTER_SENT`` notices; the case numbers and how many cases were open at the kill."""
    gate = asyncio.Semaphore(IN_FLIGHT)
    answered = 0

    async def opened() -> str:
        nonlocal answered
        async with gate:
            response = await open_case(client, autorizado.cases_path, autorizado.headers)
        assert response.status_code in (201, 202), response.text
        answered += 1
        number: str = response.json()["case_number"]
        return number

    killer = asyncio.create_task(kill_once_sending(notifier, opened_so_far=lambda: answered))
    numbers = await asyncio.gather(*(opened() for _ in range(CASES)))
    return numbers, await asyncio.wait_for(killer, timeout=60)


async def kill_once_sending(notifier: Instance, *, opened_so_far: Callable[[], int]) -> int:
    while sent_so_far(notifier) < KILL_AFTER_SENT:  # noqa: ASYNC110 - polling another process's log
        await asyncio.sleep(0.05)
    os.kill(notifier.process.pid, signal.SIGKILL)  # our own process, by its PID
    return opened_so_far()


def sent_so_far(notifier: Instance) -> int:
    return sum(record.get("event") == "notice.sent" for record in notifier.log_records())


def claimed_and_not_sent(notifier: Instance) -> set[str]:
    """The cases whose notice the killed process claimed and never logged as sent: the only
    notices it can have left in flight."""
    claimed, sent = set(), set()
    for record in notifier.log_records():
        if record.get("event") == "notice.claimed":
            claimed.add(record.get("case_number"))
        elif record.get("event") == "notice.sent":
            sent.add(record.get("case_number"))
    return {number for number in claimed - sent if number}


async def recorded_outcomes(numbers: list[str], *, within: float) -> dict[str, Document]:
    """The alta notices' delivery rows, once every one of them is finished as ``sent``."""
    settings = NotifierSettings()
    deadline = time.monotonic() + within
    async with mongo_client(settings) as mongo:
        rows = mongo[settings.mongo_db][DELIVERIES]
        query = {"case_number": {"$in": numbers}, "template": "case_opened"}
        while True:
            found = {row["case_number"]: row for row in await rows.find(query).to_list()}
            if sum(row["status"] == "sent" for row in found.values()) == len(numbers):
                return found
            if time.monotonic() > deadline:
                late = sorted(set(numbers) - {n for n, row in found.items() if row["status"] == "sent"})
                pytest.fail(f"{len(late)} notices not recorded as sent: {late[:5]}")
            await asyncio.sleep(0.5)


async def alta_mails_by_case(mail_api: str, recipient: str) -> dict[str, list[dict[str, Any]]]:
    """Every message the SMTP server holds for ``recipient`` (summaries: Subject, MessageID), by
    the case number in its subject."""
    # No wait needed: Mailpit stores a message before its 250 reply, and every notice was marked
    # sent after that reply (the one left unmarked by the kill was accepted before the kill).
    messages: list[dict[str, Any]] = []
    async with httpx.AsyncClient(timeout=10.0) as http:
        while True:
            page = await http.get(
                f"{mail_api}/search",
                params={"query": f"to:{recipient}", "start": len(messages), "limit": 200},
            )
            page.raise_for_status()
            found: list[dict[str, Any]] = page.json()["messages"]
            messages += found
            if not found:
                break
    by_case: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        by_case.setdefault(CASE_NUMBER.findall(message["Subject"])[0], []).append(message)
    return by_case

"""What must hold once the system is quiet again, read where it lives: MongoDB, the public
topic, the object store, the SMTP server's mailbox and the dead-letter topics.

Each check returns the problems it found (empty when the promise holds), so a failing run
shows every broken promise at once rather than the first.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from casia_contracts import topics
from casia_contracts.case_events import CaseOpened
from casia_intake.settings import IntakeSettings
from casia_ops import dead_letters as dlq
from casia_ops.backlog import CONSUMER_GROUPS
from casia_runtime.s3 import make_s3_client
from casia_runtime.testing import event_ids_by_subject
from casia_workflow.domain.states import TRANSITIONS

from .driver import Accepted

Problems = list[str]
STEPS = {(before, after) for (before, _action), after in TRANSITIONS.items()}
BUCKETS = ("casia-documents", "casia-receipts")


async def cases_exactly_once(db: AsyncDatabase[dict[str, Any]], accepted: Sequence[Accepted]) -> Problems:
    """Every accepted case is stored once, and nothing else was opened for its authorizations;
    its history starts at the alta, takes only steps of the lifecycle and ends where it is."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for each in accepted:
        wanted[each.autorizado.authorization.number].add(each.number)
    problems: Problems = []
    stored: Counter[str] = Counter()
    async for case in db.cases.find({"authorization.number": {"$in": list(wanted)}}):
        stored[case["case_number"]] += 1
        if case["case_number"] not in wanted[case["authorization"]["number"]]:
            problems.append(f"{case['case_number']}: stored but never answered 201/202")
        problems += _history_problems(case)
    for number in {c.number for c in accepted}:
        if stored[number] != 1:
            problems.append(f"{number}: accepted, stored {stored[number]} times")
    return problems


def _history_problems(case: dict[str, Any]) -> Problems:
    steps = [entry["substatus"] for entry in case["history"]]
    number = case["case_number"]
    problems = [
        f"{number}: history steps {before} → {after}, not in the lifecycle"
        for before, after in itertools.pairwise(steps)
        if before != after and (before, after) not in STEPS
    ]
    if steps[0] != "submitted":
        problems.append(f"{number}: history starts at {steps[0]}")
    if (case["history"][-1]["status"], steps[-1]) != (case["status"], case["substatus"]):
        problems.append(f"{number}: history ends at {steps[-1]}, the case is {case['substatus']}")
    return problems


async def opened_once_each(bootstrap: str, numbers: Iterable[str]) -> Problems:
    """Exactly one ``case.opened`` event id per case on the public topic."""
    wanted = list(numbers)
    ids = await event_ids_by_subject(
        bootstrap, topics.CASE_EVENTS, CaseOpened.message_type, wanted, within=120.0
    )
    return [f"{n}: {len(ids.get(n, ()))} case.opened event ids" for n in wanted if len(ids.get(n, ())) != 1]


async def one_opening_receipt_per_tramite(
    db: AsyncDatabase[dict[str, Any]], accepted: Sequence[Accepted]
) -> Problems:
    tramites = [c.number for c in accepted if c.tramite]
    found: dict[str, list[str]] = defaultdict(list)
    async for receipt in db.receipts.find({"case_number": {"$in": tramites}, "kind": "solicitud_tramite"}):
        found[receipt["case_number"]].append(receipt["status"])
    return [f"{n}: opening receipts {found[n]}" for n in tramites if found[n] != ["issued"]]


async def one_alta_mail_per_case(
    mail_api: str, recipients: dict[str, str], accepted: Sequence[Accepted]
) -> Problems:
    """Exactly one alta e-mail (one Message-ID) per case of a consented authorization; a repeat
    with the same Message-ID (an SMTP hand-over cut by a kill) is not a second notice."""
    message_ids: dict[str, set[str]] = defaultdict(set)
    async with httpx.AsyncClient(timeout=30.0) as http:
        for email in set(recipients.values()):
            for message in await _messages_to(http, mail_api, email):
                subject = message["Subject"]
                if "alta confirmada" in subject:
                    message_ids[subject.rsplit(" ", 1)[-1]].add(message["MessageID"])
    numbers = [c.number for c in accepted]
    return [f"{n}: {len(message_ids[n])} alta e-mails" for n in numbers if len(message_ids[n]) != 1]


async def _messages_to(http: httpx.AsyncClient, mail_api: str, email: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    while True:
        page = await http.get(
            f"{mail_api}/search", params={"query": f"to:{email}", "start": len(found), "limit": 500}
        )
        page.raise_for_status()
        messages: list[dict[str, Any]] = page.json()["messages"]
        found += messages
        if len(messages) < 500:
            return found


async def no_orphan_objects(db: AsyncDatabase[dict[str, Any]], *, since: datetime) -> Problems:
    """Every object written to the documents and receipts buckets since ``since`` is one a
    record points to."""
    referenced = {
        (d["object"]["bucket"], d["object"]["key"])
        async for d in db.documents.find({"object": {"$ne": None}}, {"object": 1})
    }
    referenced |= {
        (r["pdf"]["bucket"], r["pdf"]["key"])
        async for r in db.receipts.find({"pdf": {"$ne": None}}, {"pdf": 1})
    }
    s3 = make_s3_client(IntakeSettings())
    problems: Problems = []
    for bucket in BUCKETS:
        for found in s3.list_objects(bucket, recursive=True):
            modified = found.last_modified
            if modified is not None and modified >= since and (bucket, found.object_name) not in referenced:
                problems.append(f"{bucket}/{found.object_name}: no record points to it")
    return problems


async def letters_snapshot(bootstrap: str) -> set[tuple[str, int, int]]:
    """Where every dead letter of the consumer services is now (topic, partition, offset)."""
    places: set[tuple[str, int, int]] = set()
    for service in CONSUMER_GROUPS:
        topic = topics.dead_letter_topic(service)
        places |= {(topic, f.partition, f.offset) for f in await dlq.letters(bootstrap, topic)}
    return places


async def only_the_injected_poison(
    bootstrap: str, before: set[tuple[str, int, int]], *, poison_key: str
) -> Problems:
    problems: Problems = []
    for service in CONSUMER_GROUPS:
        topic = topics.dead_letter_topic(service)
        for found in await dlq.letters(bootstrap, topic):
            if (topic, found.partition, found.offset) not in before and found.letter.key != poison_key:
                problems.append(f"{topic}: {found.letter.key} dead-lettered ({found.letter.error})")
    return problems

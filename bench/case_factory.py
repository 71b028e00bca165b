"""Stored case documents for the benchmarks: deterministic, and varied like a real service's.

Case ``k`` of ``n`` is opened at ``start + (k + jitter) * span / n`` over the 24 months before the
dataset's end, so case numbers follow time as intake allocates them (``CAS-<year>-…``, a
sequence per year in Madrid). Authorizations are unequal, as gestorías are: authorization ``i``
weighs ``1 / (i + 200) ** 0.8`` (the largest ~14 times the median: ~35 cases a month against
~2.5). Young cases are mostly open, old ones mostly closed (~10% open overall). Types,
subjects, categories and subcategories come from the real catalog, a few subjects more often
than the rest; 150 clerks share the work; a fifth of the cases affect the current filing period.

The documents are plain dicts with the read model's fields (validating a million through
pydantic would take longer than storing them); the seeder checks a sample with
``StoredCase.from_document``.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from casia_intake.domain.calendar import SPAIN
from casia_intake.domain.catalog import load_catalog
from casia_intake.domain.catalog_errors import CatalogError

Document = dict[str, Any]

OPEN_WEIGHTS: Final = {
    "submitted": 30,
    "assigned": 35,
    "escalated": 8,
    "information_requested": 17,
    "reclassification_requested": 5,
    "annulment_requested": 5,
}
CLOSED_WEIGHTS: Final = {"resolved": 85, "annulled": 10, "closed_ex_officio": 5}
LABELS: Final = {
    "submitted": "Presentado",
    "assigned": "Asignado",
    "escalated": "Escalado",
    "information_requested": "Solicitada Información",
    "reclassification_requested": "Solicitada Reclasificación",
    "annulment_requested": "Solicitada Anulación",
    "resolved": "Resuelto",
    "annulled": "Anulado",
    "closed_ex_officio": "Cerrado de oficio",
}
SUBJECT_WEIGHTS: Final = {"cotizacion": 35, "afiliacion": 25, "incapacidad_temporal": 12}
"""The catalog's other subjects weigh 10 each."""
CLERKS: Final = 150
SYSTEM: Final[Document] = {"kind": "system", "nif": None, "name": None}
EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
HALF_AN_HOUR: Final = timedelta(minutes=30)
DESCRIPTION: Final = "Descripción del caso tal como la escribió el autorizado. " * 3


@dataclass(frozen=True)
class Dataset:
    cases: int
    authorizations: int
    seed: int
    end: date
    """Cases are opened in the 24 months before 00:00 UTC of this day."""

    @property
    def start(self) -> datetime:
        return datetime(self.end.year - 2, self.end.month, self.end.day, tzinfo=UTC)

    @property
    def span(self) -> timedelta:
        return datetime(self.end.year, self.end.month, self.end.day, tzinfo=UTC) - self.start


def authorization_number(index: int) -> str:
    return f"{2_000_000 + index}"


def nif(number: int) -> str:
    """A DNI with its check letter."""
    number %= 100_000_000
    return f"{number:08d}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"


def clerk(index: int) -> Document:
    return {"nif": nif(70_000_000 + index), "name": f"Tramitador {index}"}


def catalog_nodes() -> dict[str, list[tuple[str, str, str | None]]]:
    """Per case type, every (subject, category, subcategory) the catalog offers it, each listed
    as many times as its subject weighs."""
    catalog = load_catalog()
    paths = [
        (subject.code, category.code, sub.code if sub else None)
        for subject in catalog.subjects
        for category in subject.children
        for sub in (category.children or (None,))
    ]
    nodes: dict[str, list[tuple[str, str, str | None]]] = {}
    for kind in catalog.case_types:
        for path in paths:
            try:
                catalog.node(kind.code, *path)
            except CatalogError:
                continue
            nodes.setdefault(kind.code, []).extend([path] * SUBJECT_WEIGHTS.get(path[0], 10))
    return nodes


def entry(substatus: str, at: datetime, actor: Document, observations: str) -> Document:
    """A history entry (its status follows from the substatus)."""
    status = ("open", "Abierto") if substatus in OPEN_WEIGHTS else ("closed", "Cerrado")
    return {
        "status": status[0],
        "status_label": status[1],
        "substatus": substatus,
        "substatus_label": LABELS[substatus],
        "at": at,
        "actor": actor,
        "observations": observations,
    }


def weighted(weights: dict[str, int]) -> list[str]:
    """Each key repeated by its weight: a uniform pick from it is a weighted pick."""
    return [key for key, weight in weights.items() for _ in range(weight)]


class CaseFactory:
    """The documents of one dataset, batch after batch, the same for the same seed.

    Everything a case shares with others (its authorization, opener, clerk, catalog node) is
    built once and shared: the documents are encoded, never changed, so sharing is safe and
    keeps generation well under the time MongoDB takes to store them.
    """

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self._rng = random.Random(dataset.seed)  # noqa: S311 - reproducible data, not secrets
        weights = [1 / (i + 200) ** 0.8 for i in range(dataset.authorizations)]
        self._cumulative = list(itertools.accumulate(weights))
        self._nodes = catalog_nodes()
        self._kinds = weighted({"consulta": 60, "error_incidencia": 25, "tramite": 15})
        self._open, self._closed = weighted(OPEN_WEIGHTS), weighted(CLOSED_WEIGHTS)
        self._clerks = [clerk(index) for index in range(CLERKS)]
        self._start_ms = int(dataset.start.timestamp() * 1000)
        self._step_ms = dataset.span / timedelta(milliseconds=1) / dataset.cases
        self._new_years = [
            (int(datetime(year, 1, 1, tzinfo=SPAIN).timestamp() * 1000), year)
            for year in range(dataset.end.year, dataset.start.year, -1)
        ]
        self._sequence: dict[int, int] = {}

    def batches(self, size: int) -> Iterator[list[Document]]:
        """Every case, ``size`` at a time, oldest first. One pass per factory."""
        total, count = self.dataset.cases, self.dataset.authorizations
        owners = [_owner(i) for i in range(count)]
        for first in range(0, total, size):
            chosen = self._rng.choices(owners, cum_weights=self._cumulative, k=min(size, total - first))
            yield [self._case(first + offset, owner) for offset, owner in enumerate(chosen)]

    def _number(self, opened_ms: int) -> str:
        """The next number of the year (in Madrid) of the instant ``opened_ms``."""
        year = next((y for start, y in self._new_years if opened_ms >= start), self.dataset.start.year)
        self._sequence[year] = self._sequence.get(year, 0) + 1
        return f"CAS-{year}-{self._sequence[year]:07d}"

    def _case(self, k: int, owner: _Owner) -> Document:
        rng = self._rng
        opened_ms = self._start_ms + int((k + rng.random()) * self._step_ms)
        opened_at = EPOCH + timedelta(milliseconds=opened_ms)
        number = self._number(opened_ms)
        kind = self._kinds[int(rng.random() * len(self._kinds))]
        nodes = self._nodes[kind]
        subject, category, subcategory = nodes[int(rng.random() * len(nodes))]
        document: Document = {
            "_id": number,
            "case_number": number,
            "authorization": owner.authorization,
            "opened_by": owner.users[int(rng.random() * len(owner.users))],
            "channel": "web" if rng.random() < 0.7 else "api",
            "opened_at": opened_at,
            "case_type": kind,
            "subject": subject,
            "category": category,
            "subcategory": subcategory,
            "affects_current_period": rng.random() < 0.2,
            "title": f"Caso de {subject} sobre {category}",
            "description": DESCRIPTION,
            "additional_data": {"period": f"{opened_at.year}-{opened_at.month:02d}"}
            if subject == "cotizacion"
            else {},
            "documents": [],
            "information": [],
            "annulment_reason": None,
            "resolution": None,
            "rating": None,
            "closure_due_at": None,
        }
        age_days = (self._start_ms + self._step_ms * self.dataset.cases - opened_ms) / 86_400_000
        document.update(self._progress(opened_at, document["opened_by"], age_days=age_days))
        return document

    def _progress(self, opened_at: datetime, opener: Document, *, age_days: float) -> Document:
        """Where the case stands for its age: status, substatus, assignee, history, and the
        resolution, rating or closure deadline that go with them."""
        rng = self._rng
        open_chance = 0.8 if age_days < 30 else 0.25 if age_days < 90 else 0.05
        states = self._open if rng.random() < open_chance else self._closed
        substatus = states[int(rng.random() * len(states))]
        attended = substatus not in ("submitted", "annulled") or rng.random() < 0.5
        assignee = self._clerks[int(rng.random() * CLERKS)] if attended else None
        moved_at = opened_at + timedelta(
            milliseconds=int(rng.uniform(1, max(1.0, min(age_days, 30)) * 24) * 3_600_000)
        )
        by_clerk = {"kind": "tramitador", **(assignee or self._clerks[0])}
        history = [entry("submitted", opened_at, {"kind": "autorizado", **opener}, "Alta del caso")]
        if assignee is not None:
            history.append(entry("assigned", opened_at + HALF_AN_HOUR, by_clerk, ""))
        if substatus not in ("submitted", "assigned"):
            actor = SYSTEM if substatus == "closed_ex_officio" else by_clerk
            history.append(entry(substatus, moved_at, actor, "Cambio de estado"))
        last = history[-1]
        progress: Document = {
            "status": last["status"],
            "status_label": last["status_label"],
            "substatus": substatus,
            "substatus_label": LABELS[substatus],
            "substatus_at": last["at"],
            "assignee": assignee,
            "history": history,
            "version": len(history),
        }
        return progress | self._outcome(substatus, moved_at, by_clerk)

    def _outcome(self, substatus: str, at: datetime, by_clerk: Document) -> Document:
        """The deadline of an information request; the resolution (and perhaps a rating)."""
        if substatus == "information_requested":
            return {"closure_due_at": at + timedelta(days=20)}
        if substatus != "resolved":
            return {}
        resolution = {"answer": "Respuesta.", "at": at, "by": by_clerk, "document_ids": []}
        if self._rng.random() < 0.3:
            rating = {"score": 1 + int(self._rng.random() * 5), "observations": "", "at": at}
            return {"resolution": resolution, "rating": rating}
        return {"resolution": resolution}


@dataclass(frozen=True)
class _Owner:
    """An authorization as its cases carry it, and the three people who open them."""

    authorization: Document
    users: list[Document]


def _owner(index: int) -> _Owner:
    authorization = {
        "number": authorization_number(index),
        "holder_nif": f"B{index:08d}",
        "business_name": f"Gestoría {index} SL",
    }
    return _Owner(authorization, [{"nif": nif(index * 10 + n), "name": f"Usuario {n}"} for n in range(3)])

"""Closure ex officio: consulta and error/incidencia cases left 20 calendar days in
information_requested are closed by the timer. Trámite cases never are.

Calendar days are Spain's (Europe/Madrid), counted as administrative periods are: from the day
after the request, the last day included. A request made at any hour of 20 March may be answered
until 23:59:59 on 9 April, Madrid time; the case is due for closure from 00:00 on 10 April. Days
are dates, not 24-hour spans, so a change to or from summer time changes nothing.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from casia_workflow.domain.case import Case, CaseType
from casia_workflow.domain.commands import CloseExOfficio
from casia_workflow.domain.decision import Decision, admit, advance
from casia_workflow.domain.errors import CommandRefused, ReasonCode
from casia_workflow.domain.events import CaseClosedExOfficio
from casia_workflow.domain.states import Substatus

INFORMATION_DAYS: Final = 20
"""Calendar days (not working days) the autorizado has to answer a request for information."""
SPAIN: Final = ZoneInfo("Europe/Madrid")

EX_OFFICIO_CASE_TYPES: Final = frozenset({CaseType.CONSULTA, CaseType.ERROR_INCIDENCIA})

CLOSURE_OBSERVATIONS: Final = "Cerrado de oficio: no se aportó la información solicitada en 20 días naturales"


def information_deadline(case: Case) -> datetime | None:
    """When the case becomes due for closure ex officio; None when it never will as it stands
    (not in information_requested, or a trámite)."""
    if case.substatus is not Substatus.INFORMATION_REQUESTED:
        return None
    if case.classification.case_type not in EX_OFFICIO_CASE_TYPES:
        return None
    return _start_of_day(last_day_to_answer(case.substatus_at) + timedelta(days=1))


def last_day_to_answer(requested_at: datetime) -> date:
    """The last calendar day, in Spain, to answer a request for information made at ``requested_at``."""
    return requested_at.astimezone(SPAIN).date() + timedelta(days=INFORMATION_DAYS)


def _start_of_day(day: date) -> datetime:
    """00:00 of ``day`` in Spain, as a UTC instant (midnight always exists there: clocks change at 2-3 h)."""
    return datetime(day.year, day.month, day.day, tzinfo=SPAIN).astimezone(UTC)


def due_for_closure(case: Case, *, now: datetime) -> bool:
    """True when the timer should send CloseExOfficio for this case now (deadline reached, inclusive)."""
    deadline = information_deadline(case)
    return deadline is not None and now >= deadline


def close_ex_officio(case: Case, command: CloseExOfficio, *, at: datetime) -> Decision:
    """The timer's closure: from information_requested only, for consulta and error/incidencia only
    (not_applicable_to_case_type), and only at or after substatus_at + 20 days (not_due).
    Safe to repeat: a second one finds the case closed and is refused. Emits CaseClosedExOfficio.
    """
    target = admit(case, command)
    if case.classification.case_type not in EX_OFFICIO_CASE_TYPES:
        raise CommandRefused(
            ReasonCode.NOT_APPLICABLE_TO_CASE_TYPE,
            f"Los casos de tipo {case.classification.case_type.label} no se cierran de oficio.",
        )
    deadline = information_deadline(case)
    if deadline is None or at < deadline:
        last_day = last_day_to_answer(case.substatus_at)
        raise CommandRefused(
            ReasonCode.NOT_DUE,
            "El plazo para aportar la información termina el "
            f"{last_day:%d/%m/%Y} a las 23:59 (hora de Madrid).",
        )
    changed = advance(case, to=target, by=command.actor, at=at, observations=CLOSURE_OBSERVATIONS)
    return Decision(changed, (CaseClosedExOfficio(case_number=case.number, at=at, actor=command.actor),))

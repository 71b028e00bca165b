"""Properties over arbitrary sequences of commands at increasing times.

Hypothesis plays random commands (any action, sometimes by the wrong actor, sometimes with a bad
score, plus document outcomes) against a freshly opened case and checks the lifecycle's promises
step by step, accepted or refused.
"""

import copy
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from casia_workflow.domain import (
    TRANSITIONS,
    Action,
    ActorKind,
    Case,
    CaseType,
    CommandRefused,
    Decision,
    DocumentId,
    Rate,
    ReasonCode,
    Status,
    Substatus,
    allowed_actions,
    decide,
    record_document_rejected,
    record_document_stored,
)

from .builders import T0, actor, command_for, opened


@dataclass(frozen=True)
class Step:
    document_outcome: bool  # an outcome of the documents service instead of a command
    legal: bool  # pick the action among those the table admits now (else among all actions)
    choice: int  # which action (modulo the candidates)
    minutes: int  # time since the previous step
    wrong_actor: bool
    score: int  # for RATE
    pick: int  # which document, for outcomes (past the last one: an unknown id)
    store: bool  # stored or rejected, for outcomes


@dataclass(frozen=True)
class Outcome:
    before: Case
    step: Step
    action: Action | None  # None: a document outcome
    after: Case  # the same as before when refused
    refusal: CommandRefused | None

    @property
    def accepted(self) -> bool:
        return self.refusal is None


def _one_in(n: int) -> st.SearchStrategy[bool]:
    return st.integers(1, n).map(lambda k: k == 1)


STEPS = st.builds(
    Step,
    document_outcome=_one_in(6),
    legal=_one_in(4).map(lambda k: not k),  # three times in four: go deep into the lifecycle
    choice=st.integers(0, 11),
    minutes=st.one_of(st.integers(1, 180), st.integers(20 * 24 * 60 - 2, 30 * 24 * 60)),
    wrong_actor=_one_in(10),
    score=st.integers(0, 6),
    pick=st.integers(0, 4),
    store=st.booleans(),
)
JOURNEYS = st.tuples(st.sampled_from(CaseType), st.lists(STEPS, min_size=1, max_size=40))


def _reachable() -> frozenset[Substatus]:
    reached, frontier = {Substatus.SUBMITTED}, [Substatus.SUBMITTED]
    while frontier:
        source = frontier.pop()
        for (origin, _), target in TRANSITIONS.items():
            if origin == source and target not in reached:
                reached.add(target)
                frontier.append(target)
    return frozenset(reached)


REACHABLE = _reachable()


def _action(case: Case, step: Step) -> Action | None:
    if step.document_outcome:
        return None
    candidates = sorted(allowed_actions(case.substatus)) if step.legal else list(Action)
    return candidates[step.choice % len(candidates)]


def _apply(case: Case, step: Step, action: Action | None, at: datetime) -> Decision:
    if action is None:
        ids = [d.document_id for d in case.documents]
        document_id = ids[step.pick] if step.pick < len(ids) else DocumentId("doc-desconocido")
        if step.store:
            return record_document_stored(case, document_id=document_id, sha256="ab" * 32, at=at)
        return record_document_rejected(
            case, document_id=document_id, reason_code="unreadable", reason="ilegible", at=at
        )
    wrong = actor(ActorKind.SYSTEM if action.owner is ActorKind.AUTORIZADO else ActorKind.AUTORIZADO)
    command = command_for(action, case, by=wrong if step.wrong_actor else None)
    if isinstance(command, Rate):
        command = replace(command, score=step.score)
    return decide(case, command, at=at)


def play(journey: tuple[CaseType, list[Step]]) -> Iterator[Outcome]:
    case_type, steps = journey
    case, now = opened(case_type), T0
    for step in steps:
        now += timedelta(minutes=step.minutes)
        action = _action(case, step)
        snapshot = copy.deepcopy(case)
        try:
            after = _apply(case, step, action, now).case
        except CommandRefused as refusal:
            assert case == snapshot, "a refused command changed the case"
            yield Outcome(before=case, step=step, action=action, after=case, refusal=refusal)
            continue
        yield Outcome(before=case, step=step, action=action, after=after, refusal=None)
        case = after
    event(f"ended in {case.substatus}")


@settings(max_examples=200)
@given(JOURNEYS)
def test_no_sequence_leaves_the_table(journey: tuple[CaseType, list[Step]]) -> None:
    for outcome in play(journey):
        assert outcome.after.substatus in REACHABLE
        if not outcome.accepted:
            continue
        if outcome.action is None:
            assert outcome.after.substatus is outcome.before.substatus
        else:
            pair = (outcome.before.substatus, outcome.action)
            assert pair in TRANSITIONS
            assert outcome.after.substatus is TRANSITIONS[pair]


@settings(max_examples=200)
@given(JOURNEYS)
def test_once_closed_only_one_rating_is_accepted(journey: tuple[CaseType, list[Step]]) -> None:
    for outcome in play(journey):
        if not outcome.before.is_closed or outcome.action is None:
            continue  # document outcomes complete earlier uploads, closed or not
        assert outcome.after.substatus is outcome.before.substatus
        if outcome.accepted:
            assert outcome.action is Action.RATE
            assert outcome.before.rating is None
        if outcome.before.rating is not None:
            assert not outcome.accepted


@settings(max_examples=200)
@given(JOURNEYS)
def test_history_and_version_grow_by_one_per_accepted_change(journey: tuple[CaseType, list[Step]]) -> None:
    accepted = 0
    last = None
    for outcome in play(journey):
        last = outcome.after
        if not outcome.accepted:
            continue
        accepted += 1
        grown = 0 if outcome.action is None else 1
        assert len(outcome.after.history) == len(outcome.before.history) + grown
        assert outcome.after.history[: len(outcome.before.history)] == outcome.before.history
        assert outcome.after.version == outcome.before.version + 1
    if last is not None:
        assert last.version == 1 + accepted


@settings(max_examples=200)
@given(JOURNEYS)
def test_refused_commands_change_nothing(journey: tuple[CaseType, list[Step]]) -> None:
    for outcome in play(journey):  # play() itself checks the case against a deep copy
        if outcome.refusal is None:
            continue
        assert outcome.after is outcome.before
        if outcome.step.wrong_actor and outcome.action is not None:
            assert outcome.refusal.reason_code is ReasonCode.ACTOR_NOT_ALLOWED


@settings(max_examples=200)
@given(JOURNEYS)
def test_every_reached_case_is_consistent(journey: tuple[CaseType, list[Step]]) -> None:
    for outcome in play(journey):
        case = outcome.after
        assert case.status is (Status.CLOSED if case.is_closed else Status.OPEN)
        assert case.history[-1].substatus is case.substatus
        assert case.substatus_at == _entered_at(case)
        assert (case.resolution is not None) == (case.substatus is Substatus.RESOLVED)
        assert case.rating is None or case.is_closed
        if case.substatus not in {Substatus.SUBMITTED, Substatus.ANNULLED}:
            assert case.assignee is not None


def _entered_at(case: Case) -> datetime:
    """When the case entered its current substatus: the first entry of the last run of entries in it."""
    entered = case.history[-1].at
    for entry in reversed(case.history):
        if entry.substatus is not case.substatus:
            break
        entered = entry.at
    return entered

"""Each action has one owner; a command by anyone else is refused, even where the table admits it."""

import copy
from dataclasses import replace
from itertools import product

import pytest

from casia_workflow.domain import (
    TRANSITIONS,
    Action,
    ActorKind,
    CaseNumber,
    CommandRefused,
    ReasonCode,
    decide,
)

from .builders import actor, case_in, command_for, due_time, later, opened

WRONG = [(action, kind) for action, kind in product(Action, ActorKind) if kind is not action.owner]


@pytest.mark.parametrize(("action", "kind"), WRONG, ids=[f"{a}--by-{k}" for a, k in WRONG])
def test_a_command_by_someone_else_is_refused(action: Action, kind: ActorKind) -> None:
    case = case_in(next(source for (source, a) in TRANSITIONS if a is action))
    before = copy.deepcopy(case)

    with pytest.raises(CommandRefused) as refused:
        decide(case, command_for(action, case, by=actor(kind)), at=due_time(case, action))

    assert refused.value.reason_code is ReasonCode.ACTOR_NOT_ALLOWED
    assert case == before


def test_a_command_for_another_case_is_a_bug_not_a_refusal() -> None:
    case = opened()
    command = replace(command_for(Action.ASSIGN, case), case_number=CaseNumber("otro"))

    with pytest.raises(ValueError, match="applied to case"):
        decide(case, command, at=later(case))

"""THE TABLE, pair by pair: every (substatus, action) in it is accepted and lands on its target;
every pair outside it is refused with IllegalTransition and changes nothing."""

import copy
from itertools import product

import pytest

from casia_workflow.domain import TRANSITIONS, Action, IllegalTransition, ReasonCode, Substatus, decide

from .builders import case_in, command_for, due_time

PAIRS = list(product(Substatus, Action))


@pytest.mark.parametrize(("substatus", "action"), PAIRS, ids=[f"{s}--{a}" for s, a in PAIRS])
def test_pair(substatus: Substatus, action: Action) -> None:
    case = case_in(substatus)
    command = command_for(action, case)
    at = due_time(case, action)

    if (substatus, action) in TRANSITIONS:
        decision = decide(case, command, at=at)
        assert decision.case.substatus is TRANSITIONS[substatus, action]
        assert decision.case.version == case.version + 1
        assert len(decision.case.history) == len(case.history) + 1
        assert decision.case.history[-1].substatus is decision.case.substatus
        assert decision.case.history[-1].at == at
        assert len(decision.events) == 1
    else:
        before = copy.deepcopy(case)
        with pytest.raises(IllegalTransition) as refused:
            decide(case, command, at=at)
        assert refused.value.reason_code is ReasonCode.ILLEGAL_TRANSITION
        assert (refused.value.substatus, refused.value.action) == (substatus, action)
        assert case == before


def test_the_table_has_the_specified_size() -> None:
    # 3 + 6 + 3 + 3 + 3 + 3 + 3 x 1: a change here must be a deliberate change of the lifecycle.
    assert len(TRANSITIONS) == 24

"""Valoración (seed 4.2.4): only once the case is closed, only once, a score from 1 to 5."""

import pytest

from casia_workflow.domain import (
    Action,
    Case,
    CaseRated,
    CommandRefused,
    Rate,
    Rating,
    ReasonCode,
    Substatus,
    decide,
    possible_actions,
)

from .builders import BY_AUTORIZADO, case_in, later, play


def rating(case: Case, score: int, observations: str = "") -> Rate:
    return Rate(case_number=case.number, actor=BY_AUTORIZADO, score=score, observations=observations)


@pytest.mark.parametrize("substatus", [Substatus.RESOLVED, Substatus.ANNULLED, Substatus.CLOSED_EX_OFFICIO])
def test_a_closed_case_is_rated_once_and_stays_as_it_was(substatus: Substatus) -> None:
    case = case_in(substatus)
    at = later(case)

    decision = decide(case, rating(case, 5, "Muy clara la respuesta"), at=at)

    rated = decision.case
    assert rated.rating == Rating(score=5, observations="Muy clara la respuesta", at=at)
    assert (rated.substatus, rated.substatus_at) == (case.substatus, case.substatus_at)
    assert rated.history[-1].observations == "Valoración: 5 de 5: Muy clara la respuesta"
    assert decision.events == (
        CaseRated(
            case_number=case.number,
            at=at,
            actor=BY_AUTORIZADO,
            score=5,
            observations="Muy clara la respuesta",
        ),
    )


def test_a_second_rating_is_refused() -> None:
    case = case_in(Substatus.RESOLVED)
    rated = decide(case, rating(case, 2), at=later(case)).case

    with pytest.raises(CommandRefused) as refused:
        decide(rated, rating(rated, 5), at=later(rated))

    assert refused.value.reason_code is ReasonCode.ALREADY_RATED


@pytest.mark.parametrize("score", [-1, 0, 6, 10])
def test_a_score_outside_one_to_five_is_refused(score: int) -> None:
    case = case_in(Substatus.RESOLVED)

    with pytest.raises(CommandRefused) as refused:
        decide(case, rating(case, score), at=later(case))

    assert refused.value.reason_code is ReasonCode.INVALID_SCORE


@pytest.mark.parametrize("score", [1, 5])
def test_the_bounds_are_valid_scores(score: int) -> None:
    case = case_in(Substatus.ANNULLED)

    rated = decide(case, rating(case, score), at=later(case)).case

    assert rated.rating is not None
    assert rated.rating.score == score


def test_an_open_case_cannot_be_rated() -> None:
    case = case_in(Substatus.ASSIGNED)

    with pytest.raises(CommandRefused) as refused:
        decide(case, rating(case, 5), at=later(case))

    assert refused.value.reason_code is ReasonCode.ILLEGAL_TRANSITION


def test_what_may_be_asked_of_a_case_follows_the_table_and_the_one_rating() -> None:
    resolved = case_in(Substatus.RESOLVED)
    rated = play(resolved, Action.RATE)

    assert possible_actions(resolved) == {Action.RATE}
    assert possible_actions(rated) == frozenset()
    assert Action.CLOSE_EX_OFFICIO not in possible_actions(case_in(Substatus.INFORMATION_REQUESTED))
    assert possible_actions(case_in(Substatus.SUBMITTED)) == {
        Action.ASSIGN,
        Action.REQUEST_ANNULMENT,
        Action.ADD_INFORMATION,
    }

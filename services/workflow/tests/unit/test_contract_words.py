"""The pure domain names its states and case types itself (it imports nothing); the contracts
name them for every other service. Both must say the same, code for code and word for word."""

from __future__ import annotations

from casia_contracts import values as contract
from casia_workflow.domain.case import CaseType
from casia_workflow.domain.states import Status, Substatus


def test_every_substatus_has_the_contracts_code_status_and_words() -> None:
    ours = {s.value: (s.status.value, s.label) for s in Substatus}
    theirs = {s.value: (s.status.value, s.label) for s in contract.Substatus}

    assert ours == theirs


def test_every_status_and_case_type_has_the_contracts_words() -> None:
    assert {s.value: s.label for s in Status} == {s.value: s.label for s in contract.Status}
    assert {t.value: t.label for t in CaseType} == {t.value: t.label for t in contract.CaseType}

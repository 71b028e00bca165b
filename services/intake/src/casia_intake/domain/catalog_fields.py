"""Additional data of the catalog: the kinds it knows, what a node asks for, and how they accumulate.

A node's own `fields` add to its ancestors': a subcategory asks for its subject's, its category's
and its own, in that order; a field is required when any level requires it; the deepest label wins
(a category may say "NIF de la empresa" for the subject's "NIF").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol


class FieldFormat(StrEnum):
    """How a piece of additional data is checked and normalized (see identifiers.py)."""

    CCC = "ccc"
    NAF = "naf"
    NIF = "nif"
    PERIOD = "period"
    DATE = "date"
    REFERENCE = "reference"


@dataclass(frozen=True)
class FieldDefinition:
    """A kind of additional data the catalog knows, with its default label."""

    code: str
    label: str
    format: FieldFormat


@dataclass(frozen=True)
class FieldSpec:
    """A piece of additional data a node asks for."""

    code: str
    label: str
    format: FieldFormat
    required: bool


class HasFields(Protocol):
    """A level of the catalog (subject, category, subcategory) with the fields it adds."""

    @property
    def fields(self) -> tuple[FieldSpec, ...]: ...


def merge_fields(path: Iterable[HasFields]) -> tuple[FieldSpec, ...]:
    """The fields of the last level of `path`, inherited as the module docstring states."""
    merged: dict[str, FieldSpec] = {}
    for spec in (spec for entry in path for spec in entry.fields):
        previous = merged.get(spec.code)
        required = spec.required or (previous is not None and previous.required)
        merged[spec.code] = replace(spec, required=required)
    return tuple(merged.values())

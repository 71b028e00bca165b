"""The relay's order: insertion order, except that a key's entries follow their sequence."""

from __future__ import annotations

from typing import Any

from casia_runtime.outbox import in_key_order


def entry(key: str, sequence: int, name: str) -> dict[str, Any]:
    return {"key": key, "sequence": sequence, "name": name}


def test_each_keys_entries_follow_their_sequence_at_the_place_of_the_keys_first_entry() -> None:
    entries = [entry("A", 3, "a3"), entry("B", 1, "b1"), entry("A", 2, "a2"), entry("B", 2, "b2")]

    ordered = [e["name"] for e in in_key_order(entries)]

    assert ordered == ["a2", "a3", "b1", "b2"]


def test_ties_and_entries_without_a_sequence_keep_insertion_order() -> None:
    entries: list[dict[str, Any]] = [{"key": "A", "name": "first"}, {"key": "A", "name": "second"}]
    entries.append(entry("A", 0, "third"))

    assert [e["name"] for e in in_key_order(entries)] == ["first", "second", "third"]

"""The catalog as the alta form walks it: the choices offered at each level for the chosen case
type, and the node the choices reach (its additional data and document types). Pure: it reads
the API's ``GET /v1/catalog`` answer; the API decides again when the case is sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]


@dataclass(frozen=True)
class Choice:
    code: str
    name: str


@dataclass(frozen=True)
class Walk:
    """Where the person is in type → materia → categoría → subcategoría, and what is offered."""

    case_types: list[Choice]
    subjects: list[Choice]
    categories: list[Choice]
    subcategories: list[Choice]
    node: Json | None
    """The chosen node once complete (a category without subcategories, or a subcategory)."""
    help_url: str | None
    document_types: list[Choice]


def walk(catalog: Json, *, case_type: str, subject: str, category: str, subcategory: str) -> Walk:
    types = [Choice(t["code"], t["name"]) for t in catalog["case_types"]]
    kind = next((t for t in catalog["case_types"] if t["code"] == case_type), None)
    subjects = _offered(catalog["subjects"], case_type) if kind else []
    chosen_subject = _find(subjects and catalog["subjects"], subject)
    categories = _offered(chosen_subject.get("categories", []), case_type) if chosen_subject else []
    chosen_category = _find(chosen_subject.get("categories", []) if chosen_subject else [], category)
    subcategories = _offered(chosen_category.get("subcategories", []), case_type) if chosen_category else []
    node: Json | None = None
    if chosen_category and not subcategories:
        node = chosen_category
    elif chosen_category:
        node = _find(chosen_category["subcategories"], subcategory)
    names = {d["code"]: d["name"] for d in catalog["document_types"]}
    documents = [Choice(code, names.get(code, code)) for code in (node or {}).get("document_types", [])]
    return Walk(
        case_types=types,
        subjects=[Choice(s["code"], s["name"]) for s in subjects],
        categories=[Choice(c["code"], c["name"]) for c in categories],
        subcategories=[Choice(s["code"], s["name"]) for s in subcategories],
        node=node,
        help_url=_help(kind, node),
        document_types=documents,
    )


def document_names(catalog: Json) -> dict[str, str]:
    return {d["code"]: d["name"] for d in catalog["document_types"]}


def _offered(entries: list[Json], case_type: str) -> list[Json]:
    return [e for e in entries if case_type in e.get("case_types", [])]


def _find(entries: list[Json] | Any, code: str) -> Json | None:
    if not code or not entries:
        return None
    return next((e for e in entries if e["code"] == code and True), None)


def _help(kind: Json | None, node: Json | None) -> str | None:
    """The "Ayuda Documentación" link: trámites, and errors of a technical nature (guide 4.1)."""
    if kind is None or not kind.get("help_url"):
        return None
    if kind.get("help_only_technical") and not (node or {}).get("technical"):
        return None
    return str(kind["help_url"])


def classification_label(catalog: Json, case: Json) -> str:
    """``Tipo > Materia > Categoría > Subcategoría`` in the catalog's words (codes where the
    catalog no longer has the node)."""
    names = [_name(catalog["case_types"], case.get("case_type"))]
    subject = _find(catalog["subjects"], str(case.get("subject") or ""))
    names.append(subject["name"] if subject else str(case.get("subject")))
    category = _find(subject.get("categories", []) if subject else [], str(case.get("category") or ""))
    names.append(category["name"] if category else str(case.get("category")))
    if case.get("subcategory"):
        sub = _find(category.get("subcategories", []) if category else [], str(case["subcategory"]))
        names.append(sub["name"] if sub else str(case["subcategory"]))
    return " > ".join(names)


def data_labels(catalog: Json, case: Json) -> dict[str, str]:
    """The catalog's label of each additional data field of the case's node, by code (a field the
    node no longer lists has none: the page shows its code)."""
    subject = _find(catalog["subjects"], str(case.get("subject") or ""))
    node = _find(subject.get("categories", []) if subject else [], str(case.get("category") or ""))
    if node and case.get("subcategory"):
        node = _find(node.get("subcategories", []), str(case["subcategory"]))
    return {f["code"]: f["label"] for f in (node or {}).get("required_fields", [])}


def _name(entries: list[Json], code: object) -> str:
    found = next((e for e in entries if e["code"] == code), None)
    return str(found["name"]) if found else str(code)

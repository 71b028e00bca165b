"""The catalog as GET /v1/catalog serves it (API.md): plain JSON values, in catalog order.

Top-level keys: `case_types` (code, name, help_url, help_only_technical), `fields` (every kind of
additional data with its default label and format), `subjects` > `categories` > `subcategories`
(categories without any have an empty list), `document_types` (code and name), `upload_limits`
(max_bytes and content_types, per file).

Each subject, category and subcategory carries its effective values, so a client reads those of the
deepest level chosen: `case_types`, `technical`, `required_fields` (code, label, format, required;
inherited down the path), `document_types` (the codes accepted there) and `help_url` (the level's
own help page, or null).

A client shows the "Ayuda Documentación" link for a node when its case type has a `help_url` and
`help_only_technical` is false or the node is `technical`; the link leads to the node's `help_url`
when it has one, else to the case type's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from casia_intake.domain.catalog_fields import FieldSpec, merge_fields

if TYPE_CHECKING:
    from casia_intake.domain.catalog_model import CaseType, Catalog, CatalogEntry


def public_catalog(catalog: Catalog) -> dict[str, Any]:
    """The JSON value of the whole catalog (see the module docstring)."""
    return {
        "case_types": [_case_type_dict(t) for t in catalog.case_types],
        "fields": [
            {"code": f.code, "label": f.label, "format": str(f.format)} for f in catalog.field_definitions
        ],
        "subjects": [_entry_dict(s, ()) for s in catalog.subjects],
        "document_types": [{"code": d.code, "name": d.name} for d in catalog.document_types],
        "upload_limits": {
            "max_bytes": catalog.upload_limits.max_bytes,
            "content_types": list(catalog.upload_limits.content_types),
        },
    }


def _field_dicts(fields: Sequence[FieldSpec]) -> list[dict[str, Any]]:
    return [
        {"code": f.code, "label": f.label, "format": str(f.format), "required": f.required} for f in fields
    ]


def _entry_dict(entry: CatalogEntry, ancestors: tuple[CatalogEntry, ...]) -> dict[str, Any]:
    path = (*ancestors, entry)
    result: dict[str, Any] = {
        "code": entry.code,
        "name": entry.name,
        "case_types": list(entry.case_types),
        "technical": any(e.technical for e in path),
        "required_fields": _field_dicts(merge_fields(path)),
        "document_types": list(entry.document_types),
        "help_url": entry.help_url,
    }
    if len(path) < 3:
        key = "categories" if len(path) == 1 else "subcategories"
        result[key] = [_entry_dict(child, path) for child in entry.children]
    return result


def _case_type_dict(case_type: CaseType) -> dict[str, Any]:
    link = case_type.help_link
    return {
        "code": case_type.code,
        "name": case_type.name,
        "help_url": None if link is None else link.url,
        "help_only_technical": False if link is None else link.only_technical,
    }

"""Build a Catalog from its JSON data, refusing data that breaks the catalog's rules.

Checks: known keys only; codes are lowercase ASCII snake_case and unique among siblings (and
among all case types, fields and document types); every referenced case type, field and document
type exists; a node's case types are a subset of its parent's and a parent's are exactly the union
of its children's (so no choice leads to a dead end); a node's document types are a subset of its
parent's; every subject has categories; help URLs are https on an official Social Security host
(seg-social.es, seg-social.gob.es or a subdomain); upload limits are positive. Any breach raises
CatalogDataError naming the place.

Inheritance is resolved here: every entry gets its effective case types, document types and help
URL (a subject without a list of document types accepts all of the catalog's).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeAlias
from urllib.parse import urlsplit

from casia_intake.domain.catalog_errors import CatalogDataError
from casia_intake.domain.catalog_fields import FieldDefinition, FieldFormat, FieldSpec
from casia_intake.domain.catalog_model import (
    CaseType,
    Catalog,
    CatalogEntry,
    DocumentType,
    HelpLink,
    UploadLimits,
)

CODE_PATTERN: Final = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
LEVELS: Final = ("subject", "category", "subcategory")
CHILDREN_KEYS: Final = ("categories", "subcategories")
_ROOT_KEYS: Final = {"case_types", "fields", "subjects", "document_types", "upload_limits"}
_NODE_KEYS: Final = {"code", "name", "case_types", "technical", "fields", "document_types", "help_url"}
OFFICIAL_HELP_DOMAINS: Final = ("seg-social.es", "seg-social.gob.es")

JsonObject: TypeAlias = Mapping[str, object]


@dataclass(frozen=True)
class _Context:
    case_types: tuple[str, ...]
    fields: Mapping[str, FieldDefinition]
    document_types: tuple[str, ...]


@dataclass(frozen=True)
class _Inherited:
    """What an entry takes from its parent when the data file leaves it out."""

    case_types: tuple[str, ...]
    document_types: tuple[str, ...]
    help_url: str | None


def parse_catalog(data: object) -> Catalog:
    """The Catalog described by `data` (the decoded catalog.json), or CatalogDataError."""
    root = _object(data, "catalog")
    _check_keys(root, required=_ROOT_KEYS, optional={"version", "notes"}, where="catalog")
    case_types = tuple(_case_type(item) for item in _list(root, "case_types", "catalog"))
    definitions = tuple(_field_definition(item) for item in _list(root, "fields", "catalog"))
    documents = tuple(_document_type(item) for item in _list(root, "document_types", "catalog"))
    for what, codes in (
        ("case type", [c.code for c in case_types]),
        ("field", [f.code for f in definitions]),
        ("document type", [d.code for d in documents]),
    ):
        _check_unique_codes(codes, where=f"{what}s")
    context = _Context(
        tuple(c.code for c in case_types),
        {f.code: f for f in definitions},
        tuple(d.code for d in documents),
    )
    top = _Inherited(context.case_types, context.document_types, None)
    subjects = _entries(_list(root, "subjects", "catalog"), context, depth=0, parent=top)
    return Catalog(
        case_types=case_types,
        field_definitions=definitions,
        subjects=subjects,
        document_types=documents,
        upload_limits=_upload_limits(root.get("upload_limits")),
    )


def _entries(
    items: Sequence[object], context: _Context, *, depth: int, parent: _Inherited
) -> tuple[CatalogEntry, ...]:
    entries = tuple(_entry(item, context, depth=depth, parent=parent) for item in items)
    _check_unique_codes([e.code for e in entries], where=f"{LEVELS[depth]} siblings")
    return entries


def _entry(item: object, context: _Context, *, depth: int, parent: _Inherited) -> CatalogEntry:
    raw = _object(item, LEVELS[depth])
    children_key = CHILDREN_KEYS[depth] if depth < len(CHILDREN_KEYS) else None
    optional = _NODE_KEYS | ({children_key} if children_key else set())
    code = _code(raw, LEVELS[depth])
    where = f"{LEVELS[depth]} {code}"
    _check_keys(raw, required={"code", "name"}, optional=optional, where=where)
    own = _Inherited(
        case_types=_subset(raw, "case_types", context.case_types, parent.case_types, where=where),
        document_types=_subset(
            raw, "document_types", context.document_types, parent.document_types, where=where
        ),
        help_url=_help_url(raw["help_url"], where) if "help_url" in raw else parent.help_url,
    )
    children: tuple[CatalogEntry, ...] = ()
    if children_key is not None and (children_key in raw or depth == 0):
        children = _entries(_list(raw, children_key, where), context, depth=depth + 1, parent=own)
        _check_children(children, own.case_types, where=where)
    return CatalogEntry(
        code=code,
        name=_text(raw, "name", where),
        case_types=own.case_types,
        fields=_field_specs(raw, context, where=where),
        technical=_flag(raw, "technical", where),
        children=children,
        document_types=own.document_types,
        help_url=own.help_url,
    )


def _subset(
    raw: JsonObject, key: str, known: tuple[str, ...], parent: tuple[str, ...], *, where: str
) -> tuple[str, ...]:
    """The node's `key` list in catalog order: a non-empty subset of its parent's, or the parent's."""
    if key not in raw:
        return parent
    listed = [_as_text(v, f"{where}: {key}") for v in _list(raw, key, where)]
    _check_unique_codes(listed, where=f"{where}: {key}")
    outside = sorted(set(listed) - set(parent))
    if not listed or outside:
        raise CatalogDataError(f"{where}: {key} must be a non-empty subset of {parent}, got {listed}")
    return tuple(c for c in known if c in listed)


def _help_url(value: object, where: str) -> str:
    """An https URL on an official Social Security host (see OFFICIAL_HELP_DOMAINS)."""
    url = _as_text(value, f"{where}: help URL")
    parts = urlsplit(url)
    host = parts.hostname or ""
    official = any(host == d or host.endswith(f".{d}") for d in OFFICIAL_HELP_DOMAINS)
    if parts.scheme != "https" or not official or parts.netloc.lower() != host:
        raise CatalogDataError(f"{where}: the help URL must be https on an official Social Security host")
    return url


def _check_children(children: tuple[CatalogEntry, ...], case_types: tuple[str, ...], *, where: str) -> None:
    if not children:
        raise CatalogDataError(f"{where}: the list of children is empty")
    offered = {c for child in children for c in child.case_types}
    if offered != set(case_types):
        raise CatalogDataError(f"{where}: case types {case_types} but its children offer {sorted(offered)}")


def _field_specs(raw: JsonObject, context: _Context, *, where: str) -> tuple[FieldSpec, ...]:
    specs = tuple(_field_spec(item, context, where=where) for item in _list(raw, "fields", where, []))
    _check_unique_codes([s.code for s in specs], where=f"{where}: fields")
    return specs


def _field_spec(item: object, context: _Context, *, where: str) -> FieldSpec:
    raw = _object(item, f"{where}: field")
    _check_keys(raw, required={"field", "required"}, optional={"label"}, where=f"{where}: field")
    code = _text(raw, "field", where)
    definition = context.fields.get(code)
    if definition is None:
        raise CatalogDataError(f"{where}: unknown field {code!r}")
    label = _text(raw, "label", where) if "label" in raw else definition.label
    return FieldSpec(code, label, definition.format, _flag(raw, "required", where))


def _case_type(item: object) -> CaseType:
    raw = _object(item, "case type")
    code = _code(raw, "case type")
    where = f"case type {code}"
    _check_keys(raw, required={"code", "name"}, optional={"help"}, where=where)
    link = None
    if "help" in raw:
        help_raw = _object(raw["help"], f"{where}: help")
        _check_keys(help_raw, required={"url", "only_technical"}, optional=set(), where=f"{where}: help")
        link = HelpLink(_help_url(help_raw.get("url"), where), _flag(help_raw, "only_technical", where))
    return CaseType(code, _text(raw, "name", where), link)


def _field_definition(item: object) -> FieldDefinition:
    raw = _object(item, "field")
    code = _code(raw, "field")
    where = f"field {code}"
    _check_keys(raw, required={"code", "label", "format"}, optional=set(), where=where)
    fmt = _text(raw, "format", where)
    if fmt not in {f.value for f in FieldFormat}:
        raise CatalogDataError(f"{where}: unknown format {fmt!r}")
    return FieldDefinition(code, _text(raw, "label", where), FieldFormat(fmt))


def _document_type(item: object) -> DocumentType:
    raw = _object(item, "document type")
    code = _code(raw, "document type")
    _check_keys(raw, required={"code", "name"}, optional=set(), where=f"document type {code}")
    return DocumentType(code, _text(raw, "name", f"document type {code}"))


def _upload_limits(item: object) -> UploadLimits:
    raw = _object(item, "upload_limits")
    _check_keys(raw, required={"max_bytes", "content_types"}, optional=set(), where="upload_limits")
    max_bytes = raw["max_bytes"]
    if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or max_bytes <= 0:
        raise CatalogDataError("upload_limits: max_bytes must be a positive integer")
    types = [
        _as_text(v, "upload_limits: content_types") for v in _list(raw, "content_types", "upload_limits")
    ]
    if not types or any(t != t.lower() or "/" not in t for t in types):
        raise CatalogDataError("upload_limits: content_types must be lowercase media types")
    _check_unique_codes(types, where="upload_limits: content_types")
    return UploadLimits(max_bytes, tuple(types))


def _object(value: object, where: str) -> JsonObject:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise CatalogDataError(f"{where}: expected an object")
    return value


def _list(raw: JsonObject, key: str, where: str, default: list[object] | None = None) -> list[object]:
    value = raw.get(key, default)
    if not isinstance(value, list):
        raise CatalogDataError(f"{where}: {key} must be a list")
    return value


def _text(raw: JsonObject, key: str, where: str) -> str:
    return _as_text(raw.get(key), f"{where}: {key}")


def _as_text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CatalogDataError(f"{where}: expected a non-empty string")
    return value


def _flag(raw: JsonObject, key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise CatalogDataError(f"{where}: {key} must be true or false")
    return value


def _code(raw: JsonObject, where: str) -> str:
    code = _as_text(raw.get("code"), f"{where}: code")
    if not CODE_PATTERN.fullmatch(code):
        raise CatalogDataError(f"{where}: code {code!r} is not lowercase ASCII snake_case")
    return code


def _check_keys(raw: JsonObject, *, required: set[str], optional: set[str], where: str) -> None:
    missing = sorted(required - raw.keys())
    unknown = sorted(raw.keys() - required - optional)
    if missing or unknown:
        raise CatalogDataError(f"{where}: missing keys {missing}, unknown keys {unknown}")


def _check_unique_codes(codes: Iterable[str], *, where: str) -> None:
    duplicates = sorted(code for code, count in Counter(codes).items() if count > 1)
    if duplicates:
        raise CatalogDataError(f"{where}: duplicate codes {duplicates}")

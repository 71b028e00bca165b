"""The case catalog: loading it and checking a case's classification, additional data and uploads.

`load_catalog()` reads the packaged catalog.json each time it is called; the caller keeps the result
(one per process, built in the composition root). Everything here is pure.

Problems are reported all at once as `(field, message_es)` pairs: classification problems under
"case_type", "subject", "category" or "subcategory"; additional-data problems under the data's own
code ("ccc", "naf", "nif", "period", "date", "file_number"..., or the unknown key as sent); upload
problems under "document_type", "content_type" or "size".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from typing import Final, Protocol

from casia_intake.domain.catalog_errors import (
    CatalogDataError,
    CatalogError,
    CatalogViolation,
    Problem,
    UnknownCatalogNode,
    UnknownDocumentType,
)
from casia_intake.domain.catalog_fields import FieldDefinition, FieldFormat, FieldSpec
from casia_intake.domain.catalog_model import (
    CaseType,
    Catalog,
    CatalogEntry,
    CatalogNode,
    Classification,
    ClassificationLike,
    DocumentType,
    HelpLink,
    UploadLimits,
)
from casia_intake.domain.catalog_parsing import parse_catalog
from casia_intake.domain.identifiers import (
    InvalidIdentifier,
    validate_ccc,
    validate_date,
    validate_naf,
    validate_nif,
    validate_period,
    validate_reference,
)

__all__ = [
    "CaseType",
    "Catalog",
    "CatalogDataError",
    "CatalogEntry",
    "CatalogError",
    "CatalogNode",
    "CatalogViolation",
    "Classification",
    "ClassificationLike",
    "DocumentType",
    "FieldDefinition",
    "FieldFormat",
    "FieldSpec",
    "HelpLink",
    "Problem",
    "UnknownCatalogNode",
    "UnknownDocumentType",
    "UploadLimits",
    "load_catalog",
    "parse_catalog",
    "validate_case_classification_and_data",
    "validate_upload",
]

CATALOG_PACKAGE: Final = "casia_intake.domain"
CATALOG_RESOURCE: Final = "catalog.json"


class _Validator(Protocol):
    def __call__(self, value: str, *, field: str) -> str: ...


_VALIDATORS: Final[Mapping[FieldFormat, _Validator]] = {
    FieldFormat.CCC: validate_ccc,
    FieldFormat.NAF: validate_naf,
    FieldFormat.NIF: validate_nif,
    FieldFormat.PERIOD: validate_period,
    FieldFormat.DATE: validate_date,
    FieldFormat.REFERENCE: validate_reference,
}


def load_catalog() -> Catalog:
    """The packaged catalog. Raises CatalogDataError if the data file breaks the catalog rules."""
    text = resources.files(CATALOG_PACKAGE).joinpath(CATALOG_RESOURCE).read_text(encoding="utf-8")
    return parse_catalog(json.loads(text))


def validate_case_classification_and_data(
    catalog: Catalog, chosen: ClassificationLike, *, additional_data: Mapping[str, str]
) -> dict[str, str]:
    """The normalized additional data for this classification, in the node's field order.

    Blank values count as absent; an empty subcategory counts as none. Raises CatalogViolation
    listing every problem: an unknown or unoffered classification, keys the catalog does not know
    or the node does not ask for, missing required data, values failing their format or check
    digits. When the classification is wrong, the data are still checked against their formats, so
    the person sees every problem at once.
    """
    classification = Classification(
        str(chosen.case_type), chosen.subject, chosen.category, chosen.subcategory
    )
    problems: list[Problem] = []
    node: CatalogNode | None = None
    try:
        node = catalog.resolve(classification)
    except UnknownCatalogNode as refused:
        problems.extend(refused.problems)
    data, data_problems = _check_data(catalog, node, additional_data)
    problems.extend(data_problems)
    if problems:
        raise CatalogViolation(problems)
    return data


def validate_upload(
    catalog: Catalog,
    *,
    document_type: str,
    content_type: str,
    size_bytes: int,
    node: CatalogNode | None = None,
) -> str:
    """The normalized media type of an upload (lowercase, no parameters), or CatalogViolation.

    With `node` (the case's classification), the document type must also be one the node accepts;
    without it, any document type of the catalog will do.
    """
    problems = _document_type_problems(catalog, document_type, node)
    media_type = content_type.split(";", 1)[0].strip().lower()
    limits = catalog.upload_limits
    if media_type not in limits.content_types:
        allowed = ", ".join(limits.content_types)
        problems.append(
            Problem("content_type", f"El formato de archivo no está admitido. Formatos admitidos: {allowed}.")
        )
    if size_bytes <= 0:
        problems.append(Problem("size", "El archivo está vacío."))
    elif size_bytes > limits.max_bytes:
        problems.append(
            Problem(
                "size", f"El archivo supera el tamaño máximo de {_megabytes(limits.max_bytes)} por archivo."
            )
        )
    if problems:
        raise CatalogViolation(problems)
    return media_type


def _document_type_problems(catalog: Catalog, code: str, node: CatalogNode | None) -> list[Problem]:
    try:
        kind = catalog.document_type(code)
    except UnknownDocumentType as refused:
        return list(refused.problems)
    if node is not None and kind.code not in node.document_types:
        message = f"El tipo de documento «{kind.name}» no se admite en esta clasificación."
        return [Problem("document_type", message)]
    return []


def _check_data(
    catalog: Catalog, node: CatalogNode | None, additional_data: Mapping[str, str]
) -> tuple[dict[str, str], list[Problem]]:
    present = {key: value for key, value in additional_data.items() if _present(value)}
    problems = [p for key in present if (p := _unexpected(catalog, node, key)) is not None]
    specs = node.fields if node is not None else _all_fields(catalog)
    data: dict[str, str] = {}
    for spec in specs:
        if spec.code not in present:
            if node is not None and spec.required:
                problems.append(Problem(spec.code, f"El dato «{spec.label}» es obligatorio para este caso."))
            continue
        try:
            data[spec.code] = _normalize(spec, present[spec.code])
        except InvalidIdentifier as invalid:
            problems.append(Problem(invalid.field, invalid.message_es))
    return data, problems


def _unexpected(catalog: Catalog, node: CatalogNode | None, key: str) -> Problem | None:
    definition = catalog.field_definition(key)
    if definition is None:
        return Problem(key, f"El dato «{key}» no existe en el catálogo.")
    if node is not None and all(spec.code != key for spec in node.fields):
        return Problem(key, f"El dato «{definition.label}» no se solicita para esta clasificación.")
    return None


def _normalize(spec: FieldSpec, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidIdentifier(spec.code, f"El dato «{spec.label}» debe ser un texto.")
    return _VALIDATORS[spec.format](value, field=spec.code)


def _present(value: object) -> bool:
    return not (isinstance(value, str) and not value.strip()) and value is not None


def _all_fields(catalog: Catalog) -> tuple[FieldSpec, ...]:
    return tuple(FieldSpec(f.code, f.label, f.format, required=False) for f in catalog.field_definitions)


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:g} MiB"

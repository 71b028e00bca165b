"""The case catalog as immutable values: case types, Materia > Categoría > Subcategoría, data, documents.

Rules the model applies (the data file is checked against them when it is loaded):
- A node is offered for the case types it lists; a node without a list offers its parent's.
- A category either has subcategories, and then one must be chosen, or has none.
- Additional data accumulate down the path (catalog_fields.py).
- A node accepts the document types it lists; a node without a list accepts its parent's, and a
  subject without one accepts every document type of the catalog.
- The "Ayuda Documentación" link of a case type shows for every node, or only for technical nodes
  (a node is technical when it or an ancestor is marked so). It leads to the node's own help page
  when the node or an ancestor names one (the deepest wins), else to the case type's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from casia_intake.domain.catalog_errors import UnknownCatalogNode, UnknownDocumentType
from casia_intake.domain.catalog_fields import FieldDefinition, FieldSpec, merge_fields
from casia_intake.domain.catalog_public import public_catalog


@dataclass(frozen=True)
class HelpLink:
    """The "Ayuda Documentación" link of a case type."""

    url: str
    only_technical: bool


@dataclass(frozen=True)
class CaseType:
    code: str
    name: str
    help_link: HelpLink | None = None


@dataclass(frozen=True)
class CatalogEntry:
    """A subject, category or subcategory; `children` are its categories or subcategories.

    `case_types`, `document_types` and `help_url` are the effective ones (inherited when the data
    file leaves them out; the parser fills them); `fields` are the entry's own (see `merge_fields`).
    """

    code: str
    name: str
    case_types: tuple[str, ...]
    fields: tuple[FieldSpec, ...] = ()
    technical: bool = False
    children: tuple[CatalogEntry, ...] = ()
    document_types: tuple[str, ...] = ()
    help_url: str | None = None

    def child(self, code: str) -> CatalogEntry | None:
        return next((c for c in self.children if c.code == code), None)

    def offers(self, case_type: str) -> bool:
        return case_type in self.case_types


@dataclass(frozen=True)
class CatalogNode:
    """A valid classification: a case type and a path subject > category > (subcategory)."""

    case_type: CaseType
    subject: CatalogEntry
    category: CatalogEntry
    subcategory: CatalogEntry | None

    @property
    def path(self) -> tuple[CatalogEntry, ...]:
        tail = () if self.subcategory is None else (self.subcategory,)
        return (self.subject, self.category, *tail)

    @property
    def technical(self) -> bool:
        return any(entry.technical for entry in self.path)

    @property
    def help_url(self) -> str | None:
        link = self.case_type.help_link
        if link is None or (link.only_technical and not self.technical):
            return None
        return self.path[-1].help_url or link.url

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        return merge_fields(self.path)

    @property
    def document_types(self) -> tuple[str, ...]:
        """The codes of the document types a case of this node may carry."""
        return self.path[-1].document_types


@dataclass(frozen=True)
class DocumentType:
    code: str
    name: str


@dataclass(frozen=True)
class UploadLimits:
    """Limits per uploaded file."""

    max_bytes: int
    content_types: tuple[str, ...]


@dataclass(frozen=True)
class Classification:
    """What a person chose: case type, subject, category and subcategory codes."""

    case_type: str
    subject: str
    category: str
    subcategory: str | None = None


class ClassificationLike(Protocol):
    """Anything with the four classification codes (this Classification, the contracts' one...)."""

    @property
    def case_type(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def subcategory(self) -> str | None: ...


@dataclass(frozen=True)
class Catalog:
    """The whole catalog. Build it with `load_catalog()` (or `parse_catalog` for other data)."""

    case_types: tuple[CaseType, ...]
    field_definitions: tuple[FieldDefinition, ...]
    subjects: tuple[CatalogEntry, ...]
    document_types: tuple[DocumentType, ...]
    upload_limits: UploadLimits

    def with_max_upload_bytes(self, max_bytes: int) -> Catalog:
        """This catalog, publishing and enforcing ``max_bytes`` per file (the gateway's setting)."""
        return replace(self, upload_limits=replace(self.upload_limits, max_bytes=max_bytes))

    def case_type(self, code: str) -> CaseType:
        found = next((t for t in self.case_types if t.code == code), None)
        if found is None:
            raise UnknownCatalogNode(f"El tipo de caso «{code}» no existe.", field="case_type")
        return found

    def node(
        self, case_type: str, subject: str, category: str, subcategory: str | None = None
    ) -> CatalogNode:
        """The node for this classification; an empty subcategory counts as none.

        Raises UnknownCatalogNode for an unknown code, a node not offered for the case type, a
        missing subcategory where the category has some, or a subcategory where it has none.
        """
        kind = self.case_type(case_type)
        subject_entry = _offered(self.subjects, subject, kind, field="subject", what="La materia")
        category_entry = _offered(
            subject_entry.children, category, kind, field="category", what="La categoría"
        )
        return CatalogNode(
            kind, subject_entry, category_entry, _subcategory(category_entry, subcategory, kind)
        )

    def resolve(self, classification: ClassificationLike) -> CatalogNode:
        """`node` for a classification value (ours or the contracts' Classification)."""
        c = classification
        return self.node(c.case_type, c.subject, c.category, c.subcategory)

    def nodes(self, case_type: str) -> tuple[CatalogNode, ...]:
        """Every node a person can choose for this case type, in catalog order."""
        kind = self.case_type(case_type)
        found: list[CatalogNode] = []
        for subject in (s for s in self.subjects if s.offers(kind.code)):
            for category in (c for c in subject.children if c.offers(kind.code)):
                subs: list[CatalogEntry | None] = [s for s in category.children if s.offers(kind.code)]
                found += [CatalogNode(kind, subject, category, s) for s in subs or [None]]
        return tuple(found)

    def required_fields(self, node: CatalogNode) -> tuple[FieldSpec, ...]:
        """The additional data the node asks for (required or optional), inherited down its path."""
        return node.fields

    def field_definition(self, code: str) -> FieldDefinition | None:
        return next((f for f in self.field_definitions if f.code == code), None)

    def document_type(self, code: str) -> DocumentType:
        found = next((d for d in self.document_types if d.code == code), None)
        if found is None:
            raise UnknownDocumentType(f"El tipo de documento «{code}» no existe.")
        return found

    def as_public_dict(self) -> dict[str, Any]:
        """The JSON served at GET /v1/catalog, in catalog order.

        Keys: case_types, fields (every kind of additional data with its default label and format),
        subjects > categories > subcategories (categories without any have an empty list),
        document_types, upload_limits (max_bytes and content_types, per file). Details in
        catalog_public.py.
        """
        return public_catalog(self)


def _offered(
    entries: Sequence[CatalogEntry], code: str, case_type: CaseType, *, field: str, what: str
) -> CatalogEntry:
    entry = next((e for e in entries if e.code == code), None)
    if entry is None:
        raise UnknownCatalogNode(f"{what} «{code}» no existe.", field=field)
    if not entry.offers(case_type.code):
        raise UnknownCatalogNode(
            f"{what} «{entry.name}» no está disponible para el tipo de caso «{case_type.name}».",
            field=field,
        )
    return entry


def _subcategory(category: CatalogEntry, code: str | None, case_type: CaseType) -> CatalogEntry | None:
    if not code:
        if category.children:
            raise UnknownCatalogNode(
                f"Debe indicar una subcategoría de la categoría «{category.name}».", field="subcategory"
            )
        return None
    if not category.children:
        raise UnknownCatalogNode(
            f"La categoría «{category.name}» no tiene subcategorías.", field="subcategory"
        )
    return _offered(category.children, code, case_type, field="subcategory", what="La subcategoría")

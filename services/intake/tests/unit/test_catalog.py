"""The packaged catalog: loading, resolving nodes, inherited data, help links and the public shape."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from casia_intake.domain.catalog import (
    Catalog,
    CatalogEntry,
    CatalogNode,
    Classification,
    FieldFormat,
    FieldSpec,
    UnknownCatalogNode,
    UnknownDocumentType,
    load_catalog,
)
from casia_intake.domain.catalog_model import merge_fields

CASE_TYPES = ("consulta", "error_incidencia", "tramite")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def every_path(catalog: Catalog) -> list[tuple[CatalogEntry, CatalogEntry, CatalogEntry | None]]:
    paths: list[tuple[CatalogEntry, CatalogEntry, CatalogEntry | None]] = []
    for subject in catalog.subjects:
        for category in subject.children:
            subs: list[CatalogEntry | None] = list(category.children) or [None]
            paths += [(subject, category, sub) for sub in subs]
    return paths


def codes(fields: tuple[FieldSpec, ...]) -> list[tuple[str, bool]]:
    return [(f.code, f.required) for f in fields]


def test_load_catalog_gives_the_three_case_types_in_order(catalog: Catalog) -> None:
    assert [(t.code, t.name) for t in catalog.case_types] == [
        ("consulta", "Consulta"),
        ("error_incidencia", "Error/Incidencia"),
        ("tramite", "Trámite"),
    ]


def test_load_catalog_is_pure_and_repeatable(catalog: Catalog) -> None:
    assert load_catalog() == catalog


def test_load_catalog_has_the_expected_size(catalog: Catalog) -> None:
    categories = [c for s in catalog.subjects for c in s.children]
    subcategories = [sc for c in categories for sc in c.children]
    assert len(catalog.subjects) == 6
    assert 15 <= len(categories) <= 25
    assert 0 < len(subcategories) <= 20


def test_the_guide_example_is_in_the_catalog(catalog: Catalog) -> None:
    node = catalog.node("tramite", "afiliacion", "altas_bajas", "bajas_trabajadores_cuenta_ajena")
    assert [e.name for e in node.path] == ["Afiliación", "Altas y Bajas", "Bajas trabajadores cuenta ajena"]


def test_every_node_is_reachable_for_each_case_type_it_offers(catalog: Catalog) -> None:
    for subject, category, sub in every_path(catalog):
        leaf = sub or category
        for case_type in leaf.case_types:
            node = catalog.node(case_type, subject.code, category.code, sub.code if sub else None)
            assert node.path[-1] == leaf
            assert node.case_type.code == case_type


def test_every_node_refuses_the_case_types_it_does_not_offer(catalog: Catalog) -> None:
    for subject, category, sub in every_path(catalog):
        leaf = sub or category
        for case_type in set(CASE_TYPES) - set(leaf.case_types):
            with pytest.raises(UnknownCatalogNode, match="no está disponible"):
                catalog.node(case_type, subject.code, category.code, sub.code if sub else None)


def test_nodes_lists_exactly_the_reachable_nodes(catalog: Catalog) -> None:
    for case_type in CASE_TYPES:
        expected = [
            (s.code, c.code, sc.code if sc else None)
            for s, c, sc in every_path(catalog)
            if case_type in (sc or c).case_types
        ]
        listed = [
            (n.subject.code, n.category.code, n.subcategory.code if n.subcategory else None)
            for n in catalog.nodes(case_type)
        ]
        assert listed == expected


@pytest.mark.parametrize(
    ("classification", "field", "fragment"),
    [
        (
            Classification("queja", "afiliacion", "altas_bajas"),
            "case_type",
            "El tipo de caso «queja» no existe",
        ),
        (
            Classification("consulta", "pensiones", "altas_bajas"),
            "subject",
            "La materia «pensiones» no existe",
        ),
        (Classification("consulta", "afiliacion", "remesas"), "category", "La categoría «remesas» no existe"),
        (
            Classification("consulta", "afiliacion", "altas_bajas", "altas_autonomos"),
            "subcategory",
            "La subcategoría «altas_autonomos» no existe",
        ),
        (
            Classification("tramite", "sistema_red", "errores_aplicacion"),
            "subject",
            "La materia «Sistema RED técnico» no está disponible para el tipo de caso «Trámite»",
        ),
        (
            Classification("tramite", "cotizacion", "remesas"),
            "category",
            "La categoría «Remesas» no está disponible para el tipo de caso «Trámite»",
        ),
        (
            Classification("error_incidencia", "afiliacion", "altas_bajas", "altas_bajas_fuera_de_plazo"),
            "subcategory",
            "no está disponible para el tipo de caso «Error/Incidencia»",
        ),
        (
            Classification("consulta", "afiliacion", "altas_bajas"),
            "subcategory",
            "Debe indicar una subcategoría de la categoría «Altas y Bajas»",
        ),
        (
            Classification("consulta", "cotizacion", "recargos", "recargos_mora"),
            "subcategory",
            "La categoría «Recargos» no tiene subcategorías",
        ),
    ],
)
def test_node_refuses_unknown_or_unoffered_codes_in_spanish(
    catalog: Catalog, classification: Classification, field: str, fragment: str
) -> None:
    with pytest.raises(UnknownCatalogNode) as refused:
        catalog.resolve(classification)
    assert refused.value.field == field
    assert fragment in refused.value.message_es
    assert refused.value.problems == ((field, refused.value.message_es),)


def test_resolve_accepts_any_object_with_the_four_codes(catalog: Catalog) -> None:
    @dataclass(frozen=True)
    class Contract:
        case_type: str
        subject: str
        category: str
        subcategory: str | None

    node = catalog.resolve(Contract("consulta", "cotizacion", "recargos", None))
    assert node.path[-1].name == "Recargos"


def test_an_empty_subcategory_counts_as_none(catalog: Catalog) -> None:
    assert catalog.node("consulta", "cotizacion", "recargos", "") == catalog.node(
        "consulta", "cotizacion", "recargos", None
    )


def test_a_subcategory_inherits_its_subject_and_category_fields(catalog: Catalog) -> None:
    node = catalog.node("tramite", "cotizacion", "liquidacion_directa", "borradores_calculos")
    assert codes(catalog.required_fields(node)) == [("ccc", True), ("period", True)]


def test_a_deeper_level_can_make_an_optional_field_required(catalog: Catalog) -> None:
    optional = catalog.node("tramite", "afiliacion", "variaciones_datos", "datos_personales_trabajador")
    required = catalog.node("tramite", "afiliacion", "variaciones_datos", "contrato_jornada_grupo")
    assert codes(catalog.required_fields(optional)) == [("naf", True), ("ccc", False)]
    assert codes(catalog.required_fields(required)) == [("naf", True), ("ccc", True)]


def test_a_category_may_relabel_a_field(catalog: Catalog) -> None:
    node = catalog.node("tramite", "afiliacion", "inscripcion_empresa")
    nif = catalog.required_fields(node)[0]
    assert (nif.code, nif.label, nif.format, nif.required) == (
        "nif",
        "NIF de la empresa",
        FieldFormat.NIF,
        True,
    )


def test_merge_fields_never_relaxes_a_requirement_and_keeps_first_order() -> None:
    subject = CatalogEntry("s", "S", ("consulta",), (FieldSpec("ccc", "CCC", FieldFormat.CCC, True),))
    category = CatalogEntry(
        "c",
        "C",
        ("consulta",),
        (
            FieldSpec("naf", "NAF", FieldFormat.NAF, False),
            FieldSpec("ccc", "CCC de la empresa", FieldFormat.CCC, False),
        ),
    )
    merged = merge_fields([subject, category])
    assert [(f.code, f.label, f.required) for f in merged] == [
        ("ccc", "CCC de la empresa", True),
        ("naf", "NAF", False),
    ]


@pytest.mark.parametrize(
    ("classification", "has_help"),
    [
        (Classification("tramite", "afiliacion", "altas_bajas", "bajas_trabajadores_cuenta_ajena"), True),
        (Classification("tramite", "deuda_recaudacion", "aplazamientos"), True),
        (Classification("error_incidencia", "sistema_red", "errores_aplicacion"), True),
        (Classification("error_incidencia", "sistema_red", "transferencia_ficheros", "envio_ficheros"), True),
        (Classification("error_incidencia", "cotizacion", "remesas"), False),
        (Classification("consulta", "sistema_red", "errores_aplicacion"), False),
        (Classification("consulta", "afiliacion", "inscripcion_empresa"), False),
    ],
)
def test_help_link_shows_for_tramite_and_technical_errors_only(
    catalog: Catalog, classification: Classification, has_help: bool
) -> None:
    node = catalog.resolve(classification)
    assert (node.help_url is not None) == has_help
    if node.help_url is not None:
        assert node.help_url.startswith("https://www.seg-social.es/")


def test_technical_is_inherited_from_the_subject(catalog: Catalog) -> None:
    node: CatalogNode = catalog.node("consulta", "sistema_red", "certificados_acceso", "certificado_digital")
    assert node.technical
    assert not catalog.node("consulta", "cotizacion", "recargos").technical


def test_document_types_resolve_and_unknown_ones_are_refused(catalog: Catalog) -> None:
    assert catalog.document_type("captura_pantalla").name == "Captura de pantalla"
    with pytest.raises(UnknownDocumentType, match="El tipo de documento «factura» no existe") as refused:
        catalog.document_type("factura")
    assert refused.value.field == "document_type"


def test_public_dict_has_the_documented_shape(catalog: Catalog) -> None:
    public = catalog.as_public_dict()
    assert set(public) == {"case_types", "fields", "subjects", "document_types", "upload_limits"}
    assert public["case_types"][2] == {
        "code": "tramite",
        "name": "Trámite",
        "help_url": catalog.case_types[2].help_link.url if catalog.case_types[2].help_link else None,
        "help_only_technical": False,
    }
    assert public["case_types"][0]["help_url"] is None
    subject = public["subjects"][0]
    assert set(subject) == {"code", "name", "case_types", "technical", "required_fields", "categories"}
    category = subject["categories"][0]
    assert set(category) == {"code", "name", "case_types", "technical", "required_fields", "subcategories"}
    assert set(category["subcategories"][0]) == {"code", "name", "case_types", "technical", "required_fields"}
    assert category["required_fields"][0] == {
        "code": "ccc",
        "label": "Código Cuenta de Cotización (CCC)",
        "format": "ccc",
        "required": True,
    }
    assert public["upload_limits"]["max_bytes"] == 10 * 1024 * 1024
    assert "application/pdf" in public["upload_limits"]["content_types"]
    assert {"code": "otro", "name": "Otro documento"} in public["document_types"]


def test_public_dict_shows_inherited_fields_at_each_level(catalog: Catalog) -> None:
    public = catalog.as_public_dict()
    cotizacion = next(s for s in public["subjects"] if s["code"] == "cotizacion")
    sld = next(c for c in cotizacion["categories"] if c["code"] == "liquidacion_directa")
    assert [f["code"] for f in cotizacion["required_fields"]] == ["ccc"]
    assert [f["code"] for f in sld["required_fields"]] == ["ccc", "period"]
    assert [f["code"] for f in sld["subcategories"][0]["required_fields"]] == ["ccc", "period"]
    recargos = next(c for c in cotizacion["categories"] if c["code"] == "recargos")
    assert recargos["subcategories"] == []


def test_public_dict_is_json_and_deterministic(catalog: Catalog) -> None:
    first = json.dumps(catalog.as_public_dict(), ensure_ascii=False)
    assert first == json.dumps(load_catalog().as_public_dict(), ensure_ascii=False)
    assert [s["code"] for s in json.loads(first)["subjects"]] == [s.code for s in catalog.subjects]

"""The packaged catalog: loading, resolving nodes, inherited data, help links and the public shape."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

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
from casia_intake.domain.catalog_fields import merge_fields

CASE_TYPES = ("consulta", "error_incidencia", "tramite")
OFFICIAL_HOSTS = {"www.seg-social.es", "sede.seg-social.gob.es"}
SEDE = "https://sede.seg-social.gob.es/"


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


def test_load_catalog_has_the_treasurys_breadth(catalog: Catalog) -> None:
    categories = [c for s in catalog.subjects for c in s.children]
    subcategories = [sc for c in categories for sc in c.children]
    assert len(catalog.subjects) >= 8
    assert len(categories) >= 30
    assert len(subcategories) >= 40
    assert len(catalog.document_types) >= 15


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
        (Classification("error_incidencia", "red_directo", "funcionamiento_red_directo"), True),
        (Classification("error_incidencia", "sede_electronica", "acceso_sede"), True),
        (Classification("error_incidencia", "cotizacion", "remesas"), False),
        (Classification("error_incidencia", "sede_electronica", "verificacion_documentos"), False),
        (Classification("consulta", "sistema_red", "errores_aplicacion"), False),
        (Classification("consulta", "afiliacion", "inscripcion_empresa"), False),
        (Classification("consulta", "deuda_recaudacion", "aplazamientos"), False),
    ],
)
def test_help_link_shows_for_tramite_and_technical_errors_only(
    catalog: Catalog, classification: Classification, has_help: bool
) -> None:
    node = catalog.resolve(classification)
    assert (node.help_url is not None) == has_help
    if node.help_url is not None:
        parts = urlsplit(node.help_url)
        assert (parts.scheme, parts.hostname) in {("https", host) for host in OFFICIAL_HOSTS}


@pytest.mark.parametrize(
    ("classification", "url"),
    [
        (Classification("tramite", "deuda_recaudacion", "aplazamientos"), SEDE),
        (Classification("tramite", "trabajadores_autonomos", "altas_bajas_reta", "alta_reta"), SEDE),
        (
            Classification("tramite", "gestion_autorizaciones", "alta_autorizacion"),
            "https://www.seg-social.es/wps/portal/wss/internet/InformacionUtil/5300/1889/7019/7872/8056",
        ),
    ],
)
def test_a_node_help_page_replaces_the_case_type_link(
    catalog: Catalog, classification: Classification, url: str
) -> None:
    assert catalog.resolve(classification).help_url == url


def test_without_a_node_help_page_the_case_type_link_is_used(catalog: Catalog) -> None:
    node = catalog.node("tramite", "cotizacion", "recargos")
    link = catalog.case_type("tramite").help_link
    assert node.path[-1].help_url is None
    assert link is not None
    assert node.help_url == link.url


def test_document_types_are_inherited_and_narrowed_where_it_matters(catalog: Catalog) -> None:
    every = tuple(d.code for d in catalog.document_types)
    assert catalog.node("consulta", "cotizacion", "recargos").document_types == every
    aplazamientos = catalog.node("tramite", "deuda_recaudacion", "aplazamientos").document_types
    assert {"garantia", "solicitud_firmada", "otro"} <= set(aplazamientos)
    assert "parte_it" not in aplazamientos
    red = catalog.node("error_incidencia", "sistema_red", "transferencia_ficheros", "acuses_tecnicos")
    assert red.document_types == ("captura_pantalla", "fichero_red", "acuse_tecnico", "otro")


def test_technical_is_inherited_from_the_subject(catalog: Catalog) -> None:
    node: CatalogNode = catalog.node("consulta", "sistema_red", "certificados_acceso", "certificado_digital")
    assert node.technical
    assert not catalog.node("consulta", "cotizacion", "recargos").technical


def test_document_types_resolve_and_unknown_ones_are_refused(catalog: Catalog) -> None:
    assert catalog.document_type("captura_pantalla").name == "Captura de pantalla"
    with pytest.raises(UnknownDocumentType, match="El tipo de documento «factura» no existe") as refused:
        catalog.document_type("factura")
    assert refused.value.field == "document_type"

"""The alta form's walk through the catalog: what each level offers for the chosen type, when the
node is reached, and when the help link shows (guide 4.1)."""

from __future__ import annotations

from typing import Any

from casia_portal.web.catalog import walk

CATALOG: dict[str, Any] = {
    "case_types": [
        {"code": "consulta", "name": "Consulta", "help_url": None, "help_only_technical": False},
        {
            "code": "error_incidencia",
            "name": "Error/Incidencia",
            "help_url": "https://ayuda",
            "help_only_technical": True,
        },
        {"code": "tramite", "name": "Trámite", "help_url": "https://ayuda", "help_only_technical": False},
    ],
    "document_types": [{"code": "otro", "name": "Otro documento"}],
    "subjects": [
        {
            "code": "afiliacion",
            "name": "Afiliación",
            "case_types": ["consulta", "tramite", "error_incidencia"],
            "technical": False,
            "categories": [
                {
                    "code": "altas_bajas",
                    "name": "Altas y Bajas",
                    "case_types": ["consulta", "tramite", "error_incidencia"],
                    "required_fields": [{"code": "naf", "label": "NAF", "format": "naf", "required": True}],
                    "document_types": ["otro"],
                    "subcategories": [
                        {
                            "code": "bajas",
                            "name": "Bajas",
                            "case_types": ["tramite"],
                            "document_types": ["otro"],
                        }
                    ],
                },
                {"code": "dudas", "name": "Dudas", "case_types": ["consulta"], "document_types": []},
            ],
        },
        {
            "code": "sistema_red",
            "name": "Sistema RED",
            "case_types": ["error_incidencia"],
            "technical": True,
            "categories": [
                {"code": "envios", "name": "Envíos", "case_types": ["error_incidencia"], "technical": True}
            ],
        },
    ],
}


def test_each_level_offers_only_what_the_chosen_type_may_use() -> None:
    consulta = walk(CATALOG, case_type="consulta", subject="afiliacion", category="", subcategory="")
    assert [s.code for s in consulta.subjects] == ["afiliacion"]
    assert [c.code for c in consulta.categories] == ["altas_bajas", "dudas"]
    assert consulta.node is None


def test_a_category_with_subcategories_is_a_node_only_once_one_is_chosen() -> None:
    chosen = {"case_type": "tramite", "subject": "afiliacion", "category": "altas_bajas"}
    assert walk(CATALOG, **chosen, subcategory="").node is None
    node = walk(CATALOG, **chosen, subcategory="bajas")
    assert node.node is not None and node.node["code"] == "bajas"
    assert [d.name for d in node.document_types] == ["Otro documento"]


def test_the_help_link_shows_for_tramites_and_technical_errors_only() -> None:
    tramite = walk(
        CATALOG, case_type="tramite", subject="afiliacion", category="altas_bajas", subcategory="bajas"
    )
    assert tramite.help_url == "https://ayuda"
    technical = walk(
        CATALOG, case_type="error_incidencia", subject="sistema_red", category="envios", subcategory=""
    )
    assert technical.help_url == "https://ayuda"
    not_technical = walk(
        CATALOG, case_type="error_incidencia", subject="afiliacion", category="altas_bajas", subcategory=""
    )
    assert not_technical.help_url is None
    assert (
        walk(CATALOG, case_type="consulta", subject="afiliacion", category="dudas", subcategory="").help_url
        is None
    )

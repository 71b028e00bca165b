"""The catalog as GET /v1/catalog serves it: its shape and each level's effective values."""

from __future__ import annotations

import json

import pytest

from casia_intake.domain.catalog import Catalog, load_catalog

SEDE = "https://sede.seg-social.gob.es/"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


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
    level = {"code", "name", "case_types", "technical", "required_fields", "document_types", "help_url"}
    subject = public["subjects"][0]
    assert set(subject) == level | {"categories"}
    category = subject["categories"][0]
    assert set(category) == level | {"subcategories"}
    assert set(category["subcategories"][0]) == level
    assert category["required_fields"][0] == {
        "code": "ccc",
        "label": "Código Cuenta de Cotización (CCC)",
        "format": "ccc",
        "required": True,
    }
    assert public["upload_limits"]["max_bytes"] == 20 * 1024 * 1024
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


def test_public_dict_shows_each_levels_document_types_and_help_page(catalog: Catalog) -> None:
    public = catalog.as_public_dict()
    deuda = next(s for s in public["subjects"] if s["code"] == "deuda_recaudacion")
    aplazamientos = next(c for c in deuda["categories"] if c["code"] == "aplazamientos")
    assert deuda["help_url"] == aplazamientos["help_url"] == SEDE
    assert deuda["document_types"] == [d["code"] for d in public["document_types"]]
    assert "garantia" in aplazamientos["document_types"]
    assert "parte_it" not in aplazamientos["document_types"]
    assert public["subjects"][0]["help_url"] is None


def test_public_dict_is_json_and_deterministic(catalog: Catalog) -> None:
    first = json.dumps(catalog.as_public_dict(), ensure_ascii=False)
    assert first == json.dumps(load_catalog().as_public_dict(), ensure_ascii=False)
    assert [s["code"] for s in json.loads(first)["subjects"]] == [s.code for s in catalog.subjects]

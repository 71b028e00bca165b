"""catalog.json itself: consistent as a whole, and the loader refuses data that is not.

These read the raw data file (not the parsed catalog), so they check the data independently of the
loader's own rules.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import pytest

from casia_intake.domain.catalog import CatalogDataError, FieldFormat, parse_catalog
from casia_intake.settings import IntakeSettings
from casia_uploads.formats import DECLARABLE, Format

SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
OFFICIAL_HOSTS = {"www.seg-social.es", "sede.seg-social.gob.es"}

Json = dict[str, Any]


def raw_catalog() -> Json:
    text = resources.files("casia_intake.domain").joinpath("catalog.json").read_text(encoding="utf-8")
    data: Json = json.loads(text)
    return data


def nodes_at(data: Json, level: str) -> list[Json]:
    subjects: list[Json] = data["subjects"]
    categories = [c for s in subjects for c in s["categories"]]
    by_level = {
        "subject": subjects,
        "category": categories,
        "subcategory": [sc for c in categories for sc in c.get("subcategories", [])],
    }
    return by_level[level]


def walk(data: Json, key: str = "case_types") -> Iterator[tuple[Json, list[str]]]:
    """Every node with its effective `key` list (a node without one takes its parent's)."""
    top = "case_types" if key == "case_types" else "document_types"
    everything = [t["code"] for t in data[top]]
    for subject in data["subjects"]:
        subject_list = subject.get(key, everything)
        yield subject, subject_list
        for category in subject["categories"]:
            category_list = category.get(key, subject_list)
            yield category, category_list
            for sub in category.get("subcategories", []):
                yield sub, sub.get(key, category_list)


def help_urls(data: Json) -> list[str]:
    nodes = [node.get("help_url") for node, _ in walk(data)]
    case_types = [t["help"]["url"] for t in data["case_types"] if "help" in t]
    return [url for url in [*case_types, *nodes] if url is not None]


def test_the_catalog_has_the_treasurys_breadth() -> None:
    data = raw_catalog()
    assert len(data["subjects"]) >= 8
    assert len(nodes_at(data, "subcategory")) >= 40
    assert all(s["categories"] for s in data["subjects"])


@pytest.mark.parametrize("level", ["subject", "category", "subcategory"])
def test_codes_are_unique_snake_case_per_level_and_names_are_given(level: str) -> None:
    nodes = nodes_at(raw_catalog(), level)
    repeated = [code for code, n in Counter(n["code"] for n in nodes).items() if n > 1]
    assert repeated == []
    assert all(SNAKE_CASE.fullmatch(n["code"]) and n["name"].strip() for n in nodes)


def test_node_codes_are_unique_across_the_whole_tree() -> None:
    """Stricter than the loader (unique among siblings): a code alone names one place."""
    codes = [node["code"] for node, _ in walk(raw_catalog())]
    assert [code for code, n in Counter(codes).items() if n > 1] == []


def test_sibling_names_differ_so_people_can_tell_them_apart() -> None:
    data = raw_catalog()
    groups = [data["subjects"], *([s["categories"] for s in data["subjects"]])]
    groups += [c["subcategories"] for c in nodes_at(data, "category") if "subcategories" in c]
    for siblings in groups:
        names = [n["name"].casefold() for n in siblings]
        assert len(names) == len(set(names)), names


@pytest.mark.parametrize("key", ["case_types", "fields", "document_types"])
def test_top_level_codes_are_unique_snake_case(key: str) -> None:
    items = raw_catalog()[key]
    codes = [i["code"] for i in items]
    assert len(codes) == len(set(codes))
    assert all(SNAKE_CASE.fullmatch(c) for c in codes)


def test_every_referenced_field_and_case_type_exists() -> None:
    data = raw_catalog()
    field_codes = {f["code"] for f in data["fields"]}
    case_types = {t["code"] for t in data["case_types"]}
    for node, effective in walk(data):
        assert {spec["field"] for spec in node.get("fields", [])} <= field_codes, node["code"]
        assert set(node.get("case_types", [])) <= case_types, node["code"]
        assert effective, node["code"]


def test_children_offer_no_case_type_their_parent_lacks_and_cover_all_of_its() -> None:
    data = raw_catalog()
    effective = {id(node): types for node, types in walk(data)}
    for node, types in walk(data):
        children = node.get("categories") or node.get("subcategories") or []
        if children:
            offered = {t for child in children for t in effective[id(child)]}
            assert offered == set(types), node["code"]


def test_every_field_format_is_known_and_every_field_is_used() -> None:
    data = raw_catalog()
    assert {f["format"] for f in data["fields"]} <= {f.value for f in FieldFormat}
    used = {spec["field"] for node, _ in walk(data) for spec in node.get("fields", [])}
    assert used == {f["code"] for f in data["fields"]}


def test_every_document_type_reference_exists_and_every_list_accepts_other() -> None:
    data = raw_catalog()
    known = {d["code"] for d in data["document_types"]}
    for node, effective in walk(data, "document_types"):
        assert set(node.get("document_types", [])) <= known, node["code"]
        assert "otro" in effective, node["code"]


def test_help_links_are_the_known_ones_and_on_official_hosts() -> None:
    data = raw_catalog()
    helped = {t["code"]: t["help"] for t in data["case_types"] if "help" in t}
    assert set(helped) == {"tramite", "error_incidencia"}
    assert helped["error_incidencia"]["only_technical"] is True
    assert helped["tramite"]["only_technical"] is False
    assert any(node.get("technical") for node, _ in walk(data))
    for url in help_urls(data):
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) in {("https", host) for host in OFFICIAL_HOSTS}, url


def test_the_subjects_and_document_types_the_service_needs_are_present() -> None:
    data = raw_catalog()
    subjects = {s["code"] for s in data["subjects"]}
    assert {
        "afiliacion",
        "cotizacion",
        "deuda_recaudacion",
        "incapacidad_temporal",
        "sistema_red",
        "red_directo",
        "gestion_autorizaciones",
        "sede_electronica",
    } <= subjects
    names = {n["name"] for n in nodes_at(data, "subcategory")}
    assert "Bajas trabajadores cuenta ajena" in names
    documents = {d["code"] for d in data["document_types"]}
    assert {"justificante_pago", "contrato", "captura_pantalla", "fichero_red", "otro"} <= documents


def test_the_published_upload_limits_are_the_ones_enforced() -> None:
    """The catalog tells clients what they may upload; the gateway's checks (casia_uploads) and
    its size setting must accept exactly that, or a client following the catalog is refused."""
    limits = raw_catalog()["upload_limits"]
    assert limits["max_bytes"] == IntakeSettings.model_fields["max_file_bytes"].default
    assert set(limits["content_types"]) <= set(DECLARABLE)
    assert {f.value for f in Format} <= set(limits["content_types"])


def test_the_packaged_data_parses() -> None:
    assert len(parse_catalog(raw_catalog()).subjects) == len(raw_catalog()["subjects"])


def _afiliacion(data: Json) -> Json:
    subject: Json = data["subjects"][0]
    return subject


def _altas_bajas(data: Json) -> Json:
    category: Json = _afiliacion(data)["categories"][0]
    return category


def _narrow_every_category(data: Json) -> None:
    for category in _afiliacion(data)["categories"]:
        category.update(case_types=["consulta"])
        for sub in category.get("subcategories", []):
            sub.pop("case_types", None)


Mutation = Callable[[Json], None]

BROKEN: dict[str, Mutation] = {
    "unknown field": lambda d: _altas_bajas(d)["fields"].append({"field": "iban", "required": True}),
    "unknown case type": lambda d: _afiliacion(d).update(case_types=["consulta", "queja"]),
    "child wider than parent": lambda d: d["subjects"][5]["categories"][0].update(case_types=["tramite"]),
    "parent not covered": _narrow_every_category,
    "duplicate sibling": lambda d: _afiliacion(d)["categories"].append(copy.deepcopy(_altas_bajas(d))),
    "duplicate case type": lambda d: d["case_types"].append({"code": "consulta", "name": "Otra"}),
    "bad code": lambda d: _altas_bajas(d).update(code="Altas-Bajas"),
    "unknown key": lambda d: _altas_bajas(d).update(fileds=[]),
    "missing name": lambda d: _altas_bajas(d).pop("name"),
    "empty categories": lambda d: _afiliacion(d).update(categories=[]),
    "empty subcategories": lambda d: _altas_bajas(d).update(subcategories=[]),
    "subcategory with children": lambda d: _altas_bajas(d)["subcategories"][0].update(subcategories=[]),
    "non-boolean flag": lambda d: _afiliacion(d).update(technical="yes"),
    "unknown format": lambda d: d["fields"][0].update(format="iban"),
    "help without https": lambda d: d["case_types"][2]["help"].update(url="http://www.seg-social.es/"),
    "help off the official hosts": lambda d: _altas_bajas(d).update(help_url="https://seg-social.example/"),
    "help on a look-alike host": lambda d: _afiliacion(d).update(help_url="https://evilseg-social.es/"),
    "help with credentials": lambda d: _afiliacion(d).update(help_url="https://x@www.seg-social.es/"),
    "help without https on a node": lambda d: _afiliacion(d).update(
        help_url="http://sede.seg-social.gob.es/"
    ),
    "unknown document type": lambda d: _altas_bajas(d).update(document_types=["otro", "factura"]),
    "empty document types": lambda d: _altas_bajas(d).update(document_types=[]),
    "documents wider than parent": lambda d: d["subjects"][5]["categories"][0].update(
        document_types=["contrato", "otro"]
    ),
    "duplicate document type": lambda d: _altas_bajas(d).update(document_types=["otro", "otro"]),
    "zero max bytes": lambda d: d["upload_limits"].update(max_bytes=0),
    "uppercase media type": lambda d: d["upload_limits"]["content_types"].append("Application/PDF"),
    "not an object": lambda d: d["subjects"].append("afiliacion"),
}


@pytest.mark.parametrize("breakage", sorted(BROKEN))
def test_the_loader_refuses_inconsistent_data(breakage: str) -> None:
    data = raw_catalog()
    BROKEN[breakage](data)
    with pytest.raises(CatalogDataError):
        parse_catalog(data)


def test_the_loader_accepts_help_on_an_official_subdomain_and_passes_it_down() -> None:
    data = raw_catalog()
    _afiliacion(data)["help_url"] = "https://portal.seg-social.gob.es/ayuda"
    altas_bajas = parse_catalog(data).subjects[0].children[0]
    assert altas_bajas.help_url == "https://portal.seg-social.gob.es/ayuda"
    assert {sub.help_url for sub in altas_bajas.children} == {"https://portal.seg-social.gob.es/ayuda"}


def test_the_loader_refuses_a_non_object_root() -> None:
    with pytest.raises(CatalogDataError, match="expected an object"):
        parse_catalog([])

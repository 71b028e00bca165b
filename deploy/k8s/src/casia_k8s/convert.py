"""Schemas as kubeconform reads them: a CRD's OpenAPI v3 schemas, and kubernetes-validate's files.

CRDs follow kubeconform's own `openapi2jsonschema.py`, with Kubernetes' extensions honoured:

- an object that lists its properties accepts no other (kubectl's strictness), unless the CRD
  says ``x-kubernetes-preserve-unknown-fields``; the branches of ``allOf``/``anyOf``/``oneOf``
  only add constraints to their object and are left open;
- ``x-kubernetes-int-or-string`` (or ``format: int-or-string``) accepts a string or an integer;
- ``nullable: true`` accepts null.

Kubernetes' own kinds come from kubernetes-validate, one file per kind referring to one shared
definitions file: each is made self-contained here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

Schema = dict[str, Any]

_SCHEMA_MAPS = ("properties", "patternProperties")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_ONE = ("items", "additionalProperties", "not")
_DEFINITIONS_REF = '"/api/_definitions.json#/$defs/'


def crd_schemas(crd: Mapping[str, Any]) -> Iterator[tuple[str, Schema]]:
    """(``<group>/<kind>_<version>.json``, schema) for each served version of a CRD; the name is
    the one kubeconform's ``{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`` asks for."""
    spec = crd["spec"]
    kind = spec["names"]["kind"].lower()
    for version in spec["versions"]:
        schema = version.get("schema", {}).get("openAPIV3Schema")
        if schema is not None and version.get("served", True):
            yield f"{spec['group']}/{kind}_{version['name']}.json", json_schema(schema)


def json_schema(node: Mapping[str, Any], *, strict: bool = True) -> Schema:
    """One OpenAPI v3 schema node as a JSON Schema node (recursively)."""
    if node.get("x-kubernetes-int-or-string") or node.get("format") == "int-or-string":
        described = {key: node[key] for key in ("description",) if key in node}
        return {**described, "oneOf": [{"type": "string"}, {"type": "integer"}]}
    out: Schema = {key: value for key, value in node.items() if key != "nullable"}
    for key in _SCHEMA_MAPS:
        if isinstance(node.get(key), Mapping):
            out[key] = {name: json_schema(child) for name, child in node[key].items()}
    for key in _SCHEMA_LISTS:
        if isinstance(node.get(key), list):
            out[key] = [json_schema(child, strict=False) for child in node[key]]
    for key in _SCHEMA_ONE:
        if isinstance(node.get(key), Mapping):
            out[key] = json_schema(node[key])
    open_object = node.get("x-kubernetes-preserve-unknown-fields") or "additionalProperties" in node
    if strict and "properties" in node and not open_object:
        out["additionalProperties"] = False
    if node.get("nullable") and isinstance(node.get("type"), str):
        out["type"] = [node["type"], "null"]
    return out


def standalone_kubernetes_schema(schema: Mapping[str, Any], definitions: Mapping[str, Any]) -> Schema:
    """A kubernetes-validate schema made self-contained: the definitions it reaches (and only
    those: compiling all of them for every kind would take seconds) inlined under ``$defs``, and
    without its ``$id`` (which would make kubeconform fetch references from kubernetes.io)."""
    reached: dict[str, Any] = {}
    pending: list[Any] = [schema]
    while pending:
        for name in _referenced(pending.pop()):
            if name not in reached:
                reached[name] = definitions[name]
                pending.append(reached[name])
    text = json.dumps({**schema, "$defs": reached}).replace(_DEFINITIONS_REF, '"#/$defs/')
    standalone: Schema = json.loads(text)
    standalone.pop("$id", None)
    return standalone


def _referenced(node: Any) -> Iterator[str]:
    """The names of the definitions a schema node refers to, at any depth."""
    if isinstance(node, Mapping):
        reference = node.get("$ref")
        if isinstance(reference, str) and "/$defs/" in reference:
            yield reference.rsplit("/$defs/", 1)[1]
        for child in node.values():
            yield from _referenced(child)
    elif isinstance(node, list):
        for child in node:
            yield from _referenced(child)

"""The conversion of schemas into what kubeconform reads."""

from __future__ import annotations

from casia_k8s.convert import crd_schemas, json_schema, standalone_kubernetes_schema


def test_an_object_with_properties_refuses_others_unless_the_crd_keeps_unknown_fields() -> None:
    schema = json_schema(
        {
            "type": "object",
            "properties": {
                "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
                "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    )

    assert schema["additionalProperties"] is False
    assert schema["properties"]["spec"]["additionalProperties"] is False
    assert "additionalProperties" not in schema["properties"]["config"]
    assert schema["properties"]["labels"]["additionalProperties"] == {"type": "string"}


def test_a_property_named_like_a_keyword_is_a_property() -> None:
    schema = json_schema({"type": "object", "properties": {"nullable": {"type": "boolean"}}})

    assert schema["properties"] == {"nullable": {"type": "boolean"}}


def test_int_or_string_nullable_and_the_branches_of_one_of() -> None:
    schema = json_schema(
        {
            "type": "object",
            "properties": {
                "port": {"x-kubernetes-int-or-string": True, "description": "a port"},
                "note": {"type": "string", "nullable": True},
            },
            "oneOf": [{"properties": {"port": {}}, "required": ["port"]}],
        }
    )

    assert schema["properties"]["port"] == {
        "description": "a port",
        "oneOf": [{"type": "string"}, {"type": "integer"}],
    }
    assert schema["properties"]["note"] == {"type": ["string", "null"]}
    assert "additionalProperties" not in schema["oneOf"][0]


def test_each_served_version_of_a_crd_is_named_as_kubeconform_asks() -> None:
    version = {"name": "v1", "served": True, "schema": {"openAPIV3Schema": {"type": "object"}}}
    crd = {
        "spec": {
            "group": "example.org",
            "names": {"kind": "Widget"},
            "versions": [version, {**version, "name": "v0", "served": False}],
        }
    }

    assert [name for name, _ in crd_schemas(crd)] == ["example.org/widget_v1.json"]


def test_a_kubernetes_schema_carries_the_definitions_it_reaches_and_no_other() -> None:
    definitions = {
        "Meta": {"properties": {"labels": {"$ref": "/api/_definitions.json#/$defs/Labels"}}},
        "Labels": {"type": "object"},
        "Unused": {"type": "string"},
    }
    original = {
        "$id": "https://kubernetes.io/api/deployment/apps/v1",
        "properties": {"metadata": {"$ref": "/api/_definitions.json#/$defs/Meta"}},
    }

    schema = standalone_kubernetes_schema(original, definitions)

    assert "$id" not in schema
    assert schema["properties"]["metadata"] == {"$ref": "#/$defs/Meta"}
    assert schema["$defs"] == {
        "Meta": {"properties": {"labels": {"$ref": "#/$defs/Labels"}}},
        "Labels": {"type": "object"},
    }

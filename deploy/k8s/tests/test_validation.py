"""Both overlays render and every object is valid for its schema (kubeconform, strict, offline)."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from typing import Any

import pytest
import yaml

from casia_k8s import schemas
from casia_k8s.toolkit import OVERLAYS, Toolkit

from .conftest import COLD_BUILD_SECONDS

pytestmark = pytest.mark.timeout(COLD_BUILD_SECONDS)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_is_valid_for_its_schema_in_strict_mode(
    overlay: str, toolkit: Toolkit, rendered: dict[str, str], objects: dict[str, list[dict[str, Any]]]
) -> None:
    outcome = toolkit.validate(rendered[overlay])

    assert outcome.problems == []
    assert outcome.valid == len(objects[overlay])


def test_an_unknown_field_a_wrong_type_and_a_kind_without_schema_are_refused(
    toolkit: Toolkit, objects: dict[str, list[dict[str, Any]]]
) -> None:
    deployment, topic, scaled = (
        next(item for item in objects["prod"] if item["kind"] == kind)
        for kind in ("Deployment", "KafkaTopic", "ScaledObject")
    )
    typo = copy.deepcopy(deployment)
    typo["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFileSystem"] = True
    wrong_type = {**scaled, "spec": {**scaled["spec"], "maxReplicaCount": "twelve"}}
    unknown_kind = {**topic, "kind": "KafkaTopik"}
    unknown_crd_field = {**topic, "spec": {**topic["spec"], "partitons": 12}}
    broken = [typo, wrong_type, unknown_kind, unknown_crd_field]

    outcome = toolkit.validate(yaml.safe_dump_all(broken))

    assert len(outcome.problems) == len(broken)
    assert outcome.valid == 0


def test_the_strimzi_version_is_the_one_the_pom_pins() -> None:
    namespace = {"m": "http://maven.apache.org/POM/4.0.0"}

    pinned = ET.parse(schemas.STRIMZI_POM).getroot().find("m:properties/m:strimzi.version", namespace)

    assert pinned is not None
    assert pinned.text == schemas.STRIMZI_VERSION


def test_every_custom_resource_kind_the_overlays_use_has_its_schema(toolkit: Toolkit) -> None:
    folder = toolkit.schemas / "crds"
    crds = {path.relative_to(folder).as_posix() for path in folder.rglob("*.json")}

    assert {
        "kafka.strimzi.io/kafka_v1beta2.json",
        "kafka.strimzi.io/kafkanodepool_v1beta2.json",
        "kafka.strimzi.io/kafkatopic_v1beta2.json",
        "keda.sh/scaledobject_v1alpha1.json",
        "mongodbcommunity.mongodb.com/mongodbcommunity_v1.json",
        "minio.min.io/tenant_v2.json",
    } <= crds

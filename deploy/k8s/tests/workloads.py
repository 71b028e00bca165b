"""Reading the rendered objects: by kind and name, the services' containers and settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic_settings import BaseSettings

from casia_documents.settings import DocumentsSettings
from casia_intake.settings import IntakeSettings
from casia_notifier.settings import NotifierSettings
from casia_portal.settings import PortalSettings
from casia_receipts.settings import ReceiptsSettings
from casia_runtime.settings import RuntimeSettings
from casia_workflow.settings import WorkflowSettings

Object = dict[str, Any]

SETTINGS: dict[str, type[BaseSettings]] = {
    "intake": IntakeSettings,
    "workflow": WorkflowSettings,
    "documents": DocumentsSettings,
    "receipts": ReceiptsSettings,
    "notifier": NotifierSettings,
    "portal": PortalSettings,
}
"""Every CASIA service and the settings class it reads its CASIA_* variables into."""

CONSUMERS = ("workflow", "documents", "receipts", "notifier")


def of_kind(objects: list[Object], kind: str) -> Iterator[Object]:
    return (item for item in objects if item["kind"] == kind)


def named(objects: list[Object], kind: str, name: str) -> Object:
    found = [item for item in of_kind(objects, kind) if item["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def container(deployment: Object) -> Object:
    """The only container of a CASIA service's pod."""
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return dict(only)


def config(objects: list[Object]) -> dict[str, str]:
    """The shared ConfigMap every service reads its settings from."""
    (found,) = [
        item for item in of_kind(objects, "ConfigMap") if item["metadata"]["name"].startswith("casia-config")
    ]
    return dict(found["data"])


def environment(objects: list[Object], service: str) -> dict[str, str]:
    """A service's plain variables: the shared ConfigMap, then its own `env` values."""
    env = config(objects)
    for entry in container(named(objects, "Deployment", service)).get("env", []):
        if "value" in entry:
            env[entry["name"]] = entry["value"]
    return env


def setting_names(settings: type[BaseSettings]) -> set[str]:
    return {f"CASIA_{name.upper()}" for name in settings.model_fields}


def default_port(service: str) -> int:
    port = SETTINGS[service].model_fields["http_port"].default
    assert isinstance(port, int)
    return port


def consumers_per_topic(objects: list[Object], service: str) -> int:
    default = RuntimeSettings.model_fields["consumers_per_topic"].default
    return int(environment(objects, service).get("CASIA_CONSUMERS_PER_TOPIC", default))

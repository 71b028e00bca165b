"""The NetworkPolicies allow exactly the flows of ARCHITECTURE.md, and nothing else."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from casia_k8s.toolkit import OVERLAYS

from .conftest import COLD_BUILD_SECONDS
from .netpol import Pod, connects
from .workloads import SETTINGS, Object, default_port, named, of_kind

pytestmark = pytest.mark.timeout(COLD_BUILD_SECONDS)
Objects = dict[str, list[Object]]
NAMESPACE = "casia"
WRITERS_AND_READERS = ("intake", "workflow", "documents", "receipts", "notifier")
INFRASTRUCTURE = ("kafka", "mongodb", "minio")
SERVICE_PORTS = {service: default_port(service) for service in SETTINGS}


def pods(objects: list[Object]) -> list[Pod]:
    """The namespace's pods (from the Deployments, and as the operators label theirs) and the
    peers around it: another pod of the namespace, the ingress controller, KEDA, Prometheus, a
    pod of another namespace and the world outside the cluster."""
    found = [
        Pod(
            item["metadata"]["name"],
            NAMESPACE,
            item["spec"]["template"]["metadata"]["labels"],
            {port.get("name", str(port["containerPort"])): port["containerPort"] for port in _ports(item)},
        )
        for item in of_kind(objects, "Deployment")
    ]
    mongo = named(objects, "MongoDBCommunity", "casia-mongodb")
    mongo_labels = mongo["spec"]["statefulSet"]["spec"]["template"]["metadata"]["labels"]
    tenant = named(objects, "Tenant", "casia-minio")["metadata"]["name"]
    broker = {
        "strimzi.io/cluster": "casia",
        "strimzi.io/broker-role": "true",
        "strimzi.io/controller-role": "true",
    }
    return [
        *found,
        Pod("kafka", NAMESPACE, broker, {"plain": 9092}),
        Pod("mongodb", NAMESPACE, {"app": "casia-mongodb-svc", **mongo_labels}, {"mongod": 27017}),
        Pod("minio", NAMESPACE, {"v1.min.io/tenant": tenant}, {"api": 9000}),
        Pod("stranger", NAMESPACE, {"run": "debug"}, {"http": 8000}),
        Pod("ingress", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}),
        Pod("keda", "keda", {"app": "keda-operator"}),
        Pod("prometheus", "monitoring", {"app": "prometheus"}),
        Pod("elsewhere", "default", {"app": "intruder"}),
        Pod("internet", "", {}, {"smtp": 25, "submission": 587, "https": 443}, outside=True),
    ]


def _ports(deployment: Object) -> list[dict[str, Any]]:
    return [port for each in deployment["spec"]["template"]["spec"]["containers"] for port in each["ports"]]


def expected(overlay: str) -> set[tuple[str, str, int]]:
    """ARCHITECTURE.md's flows: who may open a connection to whom, on which port."""
    flows = {("ingress", "intake", 8000), ("ingress", "portal", 8080), ("portal", "intake", 8000)}
    flows |= {(service, "kafka", 9092) for service in WRITERS_AND_READERS}
    flows |= {(service, "mongodb", 27017) for service in WRITERS_AND_READERS}
    flows |= {(service, "minio", 9000) for service in ("intake", "documents", "receipts")}
    flows |= {("notifier", "internet", 587), ("keda", "kafka", 9092)}
    # Kafka's, MongoDB's and MinIO's own pods reach the Kubernetes API (HTTPS, at the cluster's
    # own address, which a policy cannot name): their operators' agents need it.
    flows |= {(piece, "internet", 443) for piece in INFRASTRUCTURE}
    flows |= {("prometheus", service, port) for service, port in SERVICE_PORTS.items()}
    if overlay == "dev":
        flows |= {("notifier", "mailpit", 1025)}
    else:  # OpenID Connect: the gateway's signing keys, the portal's token exchange
        flows |= {("intake", "internet", 443), ("portal", "internet", 443)}
    return flows


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_flows_of_the_architecture_are_allowed(overlay: str, objects: Objects) -> None:
    policies = list(of_kind(objects[overlay], "NetworkPolicy"))
    everyone = pods(objects[overlay])
    allowed = {
        (source.name, target.name, port)
        for source, target in itertools.permutations(everyone, 2)
        for port in target.ports.values()
        if NAMESPACE in (source.namespace, target.namespace) and connects(policies, source, target, port)
    }

    assert allowed == expected(overlay)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_denied_by_default_and_may_resolve_names(overlay: str, objects: Objects) -> None:
    policies = {item["metadata"]["name"]: item["spec"] for item in of_kind(objects[overlay], "NetworkPolicy")}
    dns = Pod("dns", "kube-system", {"k8s-app": "kube-dns"}, {"dns": 53})

    assert policies["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    for pod in pods(objects[overlay]):
        if pod.namespace == NAMESPACE:
            assert connects(list(of_kind(objects[overlay], "NetworkPolicy")), pod, dns, 53), pod.name

"""Which connections a set of NetworkPolicies lets through, by the rules of the Kubernetes API.

A model small enough to read: pods are named, labelled and placed in a namespace; every ``ipBlock``
is taken to mean "outside the cluster" (the policies here use them for nothing else).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Policy = Mapping[str, Any]


@dataclass(frozen=True)
class Pod:
    name: str
    namespace: str
    labels: Mapping[str, str] = field(default_factory=dict)
    ports: Mapping[str, int] = field(default_factory=dict)
    """Named ports (an unnamed one under its number)."""
    outside: bool = False
    """Outside the cluster: reached only through an ipBlock."""


def selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """A label selector (matchLabels and matchExpressions) against a pod's labels."""
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        matched = {
            "In": present and labels[key] in values,
            "NotIn": not present or labels[key] not in values,
            "Exists": present,
            "DoesNotExist": not present,
        }[operator]
        if not matched:
            return False
    return True


def _peer_matches(peer: Mapping[str, Any], pod: Pod, namespace: str) -> bool:
    if "ipBlock" in peer:
        return pod.outside
    if pod.outside:
        return False
    if "namespaceSelector" in peer:
        in_namespace = selects(peer["namespaceSelector"], {"kubernetes.io/metadata.name": pod.namespace})
    else:
        in_namespace = pod.namespace == namespace
    return in_namespace and selects(peer.get("podSelector", {}), pod.labels)


def _port_matches(ports: Iterable[Mapping[str, Any]] | None, port: int, target: Pod) -> bool:
    if not ports:
        return True
    return any(
        entry.get("port") in (None, port) or target.ports.get(str(entry["port"])) == port for entry in ports
    )


def _admits(policies: Iterable[Policy], direction: str, source: Pod, target: Pod, port: int) -> bool:
    """Whether the policies of one end let the connection through in `direction`: Egress looks
    at the source's policies, Ingress at the target's; a pod no policy of that direction selects
    is not isolated."""
    subject, peer = (source, target) if direction == "Egress" else (target, source)
    key, peers = ("egress", "to") if direction == "Egress" else ("ingress", "from")
    relevant = [
        policy
        for policy in policies
        if policy["metadata"]["namespace"] == subject.namespace
        and direction in policy["spec"].get("policyTypes", ["Ingress"])
        and selects(policy["spec"]["podSelector"], subject.labels)
    ]
    if not relevant:
        return True
    return any(
        (rule.get(peers) is None or any(_peer_matches(p, peer, subject.namespace) for p in rule[peers]))
        and _port_matches(rule.get("ports"), port, target)
        for policy in relevant
        for rule in policy["spec"].get(key, [])
    )


def connects(policies: Sequence[Policy], source: Pod, target: Pod, port: int) -> bool:
    """True when `source` may open a connection to `target` on `port`: its own egress policies and
    the target's ingress policies must both allow it (a pod outside the cluster has none)."""
    egress = source.outside or _admits(policies, "Egress", source, target, port)
    ingress = target.outside or _admits(policies, "Ingress", source, target, port)
    return egress and ingress

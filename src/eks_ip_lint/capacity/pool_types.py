"""Which instance types a NodePool's requirements allow, and Kubernetes resource quantities.

Labels per type as Karpenter derives them (capacity-beyond-node-groups.md §2.2; karpenter-provider-aws
``pkg/providers/instancetype/types.go:52, 352-411``): ``instance-family`` / ``instance-size`` split
the name at ``.``; ``instance-category`` / ``instance-generation`` are groups 1 and 3 of
``(^[a-z]+)(\\-[0-9]+tb)?([0-9]+).*\\.``; ``instance-cpu`` is DefaultVCpus, ``instance-memory``
SizeInMiB; ``instance-hypervisor`` EC2's hypervisor. EKS Auto Mode uses the same labels under
``eks.amazonaws.com/`` (§3.4).

``kubernetes.io/arch`` is not in the instance table: it is derived from the family name. Graviton
families carry a ``g`` among the letters after the generation (m6g, c7gn, t4g, im4gn, is4gen,
g5g), and a1 is Graviton (first generation); every other family is amd64. mac families are left
without an arch (Karpenter does not launch them).

A requirement on a key the table cannot evaluate (capacity type, GPU count, local NVMe, network
bandwidth...) is not applied. It can only remove types, so the set stays a superset and the node
ceiling and IPs per node derived from it stay upper bounds; the note says which keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from eks_ip_lint.capacity.instance_types import InstanceLimits
from eks_ip_lint.facts.model import Requirement

_CATEGORY = re.compile(r"(^[a-z]+)(-[0-9]+tb)?([0-9]+)([^.]*)\.")
# The well-known keys, without their prefix (karpenter.k8s.aws/ or eks.amazonaws.com/).
_PREFIXES = ("karpenter.k8s.aws/", "eks.amazonaws.com/")
ZONE_KEY = "topology.kubernetes.io/zone"
# Keys that say nothing about the instance type (placement, scheduling, the pool's own labels).
_NOT_TYPE_KEYS = frozenset(
    {ZONE_KEY, "kubernetes.io/os", "karpenter.sh/capacity-type", "karpenter.sh/nodepool"}
)


def arch(t: InstanceLimits) -> str | None:
    family = t.name.partition(".")[0]
    if family.startswith("mac"):
        return None
    if family == "a1":
        return "arm64"
    m = _CATEGORY.match(t.name)
    return "arm64" if m and "g" in m.group(4) else "amd64"


def vcpus(t: InstanceLimits) -> int | None:
    """EC2 DefaultVCpus: the specs', else the name rule (they agree on every type both know)."""
    return t.ec2_vcpus if t.ec2_vcpus is not None else t.vcpus


def labels(t: InstanceLimits) -> dict[str, str]:
    family, _, size = t.name.partition(".")
    out = {"node.kubernetes.io/instance-type": t.name, "instance-family": family, "instance-size": size}
    m = _CATEGORY.match(t.name)
    if m:
        out["instance-category"] = m.group(1)
        out["instance-generation"] = m.group(3)
    cpu = vcpus(t)
    if cpu is not None:
        out["instance-cpu"] = str(cpu)
    if t.memory_mib is not None:
        out["instance-memory"] = str(t.memory_mib)
    if t.hypervisor in ("nitro", "xen"):
        out["instance-hypervisor"] = t.hypervisor
    a = arch(t)
    if a is not None:
        out["kubernetes.io/arch"] = a
    return out


def _key(key: str) -> str:
    for p in _PREFIXES:
        if key.startswith(p):
            return key[len(p) :]
    return key


_KNOWN_KEYS = frozenset(
    {
        "node.kubernetes.io/instance-type",
        "instance-family",
        "instance-size",
        "instance-category",
        "instance-generation",
        "instance-cpu",
        "instance-memory",
        "instance-hypervisor",
        "kubernetes.io/arch",
    }
)


def _number(text: str) -> int | None:
    return int(text) if text.lstrip("-").isdigit() else None


def _allows(req: Requirement, have: str | None) -> bool:
    op = req.operator
    if op == "In":
        return have is not None and have in req.values
    if op == "NotIn":
        return have is None or have not in req.values
    if op == "Exists":
        return have is not None
    if op == "DoesNotExist":
        return have is None
    bound = _number(req.values[0]) if req.values else None
    value = _number(have) if have is not None else None
    if bound is None or value is None:
        return False
    return {"Gt": value > bound, "Lt": value < bound, "Gte": value >= bound, "Lte": value <= bound}.get(
        op, True
    )


@dataclass(frozen=True)
class TypeSet:
    types: tuple[InstanceLimits, ...]
    ignored_keys: tuple[str, ...]  # requirement keys not applied (see the module docstring)
    zones: tuple[str, ...] | None  # topology.kubernetes.io/zone In values, if required


def allowed(
    requirements: Sequence[Requirement],
    table: Sequence[InstanceLimits],
    extra: Callable[[InstanceLimits], bool] = lambda t: True,
) -> TypeSet:
    """The types of ``table`` that every requirement (and ``extra``, a platform's own floor)
    allows."""
    applied: list[tuple[str, Requirement]] = []
    ignored: list[str] = []
    zones: tuple[str, ...] | None = None
    for r in requirements:
        k = _key(r.key)
        if k in _KNOWN_KEYS:
            applied.append((k, r))
        elif r.key == ZONE_KEY and r.operator == "In":
            zones = r.values if zones is None else tuple(z for z in zones if z in r.values)
        elif r.key not in _NOT_TYPE_KEYS and r.key not in ignored:
            ignored.append(r.key)
    out = []
    for t in table:
        if not extra(t):
            continue
        have = labels(t)
        if all(_allows(r, have.get(k)) for k, r in applied):
            out.append(t)
    return TypeSet(tuple(out), tuple(ignored), zones)


# --- Kubernetes quantities ----------------------------------------------------------------------

_SUFFIX = {
    "": Fraction(1),
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
    "Pi": Fraction(2**50),
    "Ei": Fraction(2**60),
}
_QUANTITY = re.compile(
    r"^([+-]?[0-9]+(?:\.[0-9]*)?|[+-]?\.[0-9]+)(?:[eE]([+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$"
)


def quantity(text: str) -> Fraction | None:
    """A Kubernetes resource quantity (``1000``, ``1k``, ``500m``, ``1000Gi``, ``1e3``) as an exact
    number, or None when it is not one (apimachinery ``resource.ParseQuantity``)."""
    m = _QUANTITY.match(text.strip())
    if not m:
        return None
    number = Fraction(m.group(1))
    if m.group(2) is not None:
        return number * Fraction(10) ** int(m.group(2))
    return number * _SUFFIX[m.group(3) or ""]

"""eksctl ClusterConfig (``apiVersion: eksctl.io/v1alpha5``, ``kind: ClusterConfig``) -> facts.

eksctl fills in what a config leaves out, and those defaults decide capacity, so they are
replicated here with their source (eksctl-io/eksctl ``pkg/apis/eksctl.io/v1alpha5``):

* ``DefaultNodeType = "m5.large"`` and ``DefaultNodeCount = 2`` (``types.go``);
* sizes: min = desiredCapacity or 2; max = desiredCapacity or min; desired = min
  (``validation.go``; the same for unmanaged groups in ``pkg/cfn/builder/nodegroup.go``);
* subnets: those of ``vpc.subnets``, or the ones eksctl creates (:mod:`.eksctl_vpc`); a group
  uses the private ones with ``privateNetworking: true``, else the public ones, narrowed by its
  ``subnets`` or ``availabilityZones``.

Shell placeholders (``${EKS_CLUSTER_NAME}``, ``%name%``) are opaque strings: a placeholder name
is still a name, and ``${AWS_REGION}a``/``${AWS_REGION}b`` are still two AZs.
"""

from __future__ import annotations

import re

from eks_ip_lint.facts import auto_mode, eksctl_max_pods
from eks_ip_lint.facts.cni_config import parse_configuration_values
from eks_ip_lint.facts.eksctl_vpc import DEFAULT_VPC_CIDR, DEFAULT_ZONE_COUNT, split
from eks_ip_lint.facts.model import (
    ClusterFact,
    CniSource,
    Facts,
    FargateProfileFact,
    InputProblem,
    NodeGroupFact,
    NodeGroupKind,
    SubnetFact,
    UpdateConfig,
    VpcFact,
)
from eks_ip_lint.sources import yaml_lines
from eks_ip_lint.sources.lined import DecodeProblem, LinedDocument, read_document_bytes
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Cause, Unknown, Value, describe

DEFAULT_NODE_TYPE = "m5.large"
DEFAULT_NODE_COUNT = 2
# Every node group and add-on of a ClusterConfig belongs to its one cluster: one symbolic ref.
CLUSTER_KEY = "eksctl:metadata.name"
_CLUSTER_TEXT = re.compile(r"eksctl\.io/v1alpha\d")


def is_cluster_config(data: object) -> bool:
    return (
        isinstance(data, dict)
        and str(data.get("apiVersion", "")).startswith("eksctl.io/")
        and data.get("kind") == "ClusterConfig"
    )


def load_eksctl(path: str) -> Facts | None:
    """Facts of one ClusterConfig; None when the file is not one."""
    if not _text_looks_like_config(path):
        # Most YAML/JSON in a repository (manifests, workflows, templates) is not a ClusterConfig:
        # a text check spares the pure-Python YAML parse. A config always spells its apiVersion.
        return None
    doc = yaml_lines.load(path)
    if isinstance(doc, DecodeProblem):
        facts = Facts(unit=path)
        facts.problems.append(
            InputProblem(f"eksctl config cannot be parsed: {doc.message}", SourceSpan(path, doc.line))
        )
        return facts
    if not is_cluster_config(doc.data):
        return None
    return _Extraction(doc).run()


def _text_looks_like_config(path: str) -> bool:
    raw = read_document_bytes(path)  # UTF-16/32 decoded: a config saved by Windows tools too
    if isinstance(raw, DecodeProblem):
        return False
    text = raw.decode("utf-8", errors="replace")
    return bool(_CLUSTER_TEXT.search(text)) and "ClusterConfig" in text


def _get(node: object, *path: str) -> object:
    for p in path:
        if not isinstance(node, dict):
            return None
        node = node.get(p)
    return node


class _Extraction:
    def __init__(self, doc: LinedDocument) -> None:
        self.doc = doc
        self.data: dict[str, object] = doc.data if isinstance(doc.data, dict) else {}
        self.facts = Facts(unit=doc.path)
        # kind ("private"/"public") -> subnets, or why none are known.
        self.subnets: dict[str, list[SubnetFact]] = {"private": [], "public": []}
        self.no_subnets: Unknown | None = None

    def span(self, *path: str | int) -> SourceSpan:
        return SourceSpan(self.doc.path, self.doc.line(*path))

    def run(self) -> Facts:
        self._vpc()
        self.facts.subnets.extend([*self.subnets["public"], *self.subnets["private"]])
        name = _get(self.data, "metadata", "name")
        cluster_name: str | Unknown = (
            str(name)
            if isinstance(name, (str, int))
            else Unknown("metadata.name is not set", CLUSTER_KEY, cause=Cause.INVALID)
        )
        family = _get(self.data, "kubernetesNetworkConfig", "ipFamily")
        all_refs: tuple[Value, ...] = tuple(
            s.refs[0] for kind in ("public", "private") for s in self.subnets[kind]
        )
        self.facts.clusters.append(
            ClusterFact(
                address=f"ClusterConfig {cluster_name}" if isinstance(cluster_name, str) else "ClusterConfig",
                name=cluster_name,
                refs=(cluster_name, Unknown("", CLUSTER_KEY, cause=Cause.EKSCTL_CREATE_TIME)),
                subnet_refs=self.no_subnets if self.no_subnets is not None else all_refs,
                ip_family=str(family).lower() if isinstance(family, str) else "ipv4",
                span=self.span("metadata"),
                subnets_span=self.span("vpc"),
                cni_settings_where="a vpc-cni entry of addons' configurationValues env",
                auto_mode=auto_mode.from_eksctl(self.data.get("autoModeConfig"), self.span("autoModeConfig")),
            )
        )
        sections: tuple[tuple[str, NodeGroupKind], ...] = (
            ("managedNodeGroups", "managed"),
            ("nodeGroups", "self-managed"),
        )
        for section, kind in sections:
            groups = self.data.get(section)
            for i, ng in enumerate(groups if isinstance(groups, list) else []):
                if isinstance(ng, dict):
                    self.facts.node_groups.append(self._node_group(section, i, ng, kind))
        profiles = self.data.get("fargateProfiles")
        for i, fp in enumerate(profiles if isinstance(profiles, list) else []):
            if isinstance(fp, dict):
                self.facts.fargate_profiles.append(self._fargate_profile(i, fp))
        addons = self.data.get("addons")
        for i, addon in enumerate(addons if isinstance(addons, list) else []):
            if isinstance(addon, dict) and addon.get("name") == "vpc-cni":
                raw = addon.get("configurationValues")
                self.facts.cni_sources.append(
                    CniSource(
                        address=f"addons[{i}] vpc-cni",
                        cluster_ref=Unknown("", CLUSTER_KEY, cause=Cause.EKSCTL_CREATE_TIME),
                        env={} if raw is None else parse_configuration_values(raw),
                        span=self.span("addons", i, "configurationValues"),
                        description=f"addons[{i}] vpc-cni configurationValues",
                    )
                )
        return self.facts

    # --- VPC and subnets ------------------------------------------------------------------------

    def _vpc(self) -> None:
        vpc = self.data.get("vpc")
        vpc = vpc if isinstance(vpc, dict) else {}
        cidr = vpc.get("cidr")
        given = {kind: _get(vpc, "subnets", kind) for kind in ("private", "public")}
        vpc_id = vpc.get("id")
        if any(isinstance(g, dict) and g for g in given.values()):
            for kind, specs in given.items():
                for key, spec in specs.items() if isinstance(specs, dict) else []:
                    self.subnets[kind].append(
                        self._given_subnet(kind, str(key), spec if isinstance(spec, dict) else {})
                    )
        elif vpc_id is not None:
            self.no_subnets = Unknown(
                f"vpc.id {vpc_id} names an existing VPC without vpc.subnets: eksctl reads its subnets "
                "from AWS at create time (list them under vpc.subnets with their cidr)",
                cause=Cause.EKSCTL_CREATE_TIME,
            )
        else:
            self._created_subnets(str(cidr) if cidr is not None else DEFAULT_VPC_CIDR)
        cidrs: tuple[str | Unknown, ...] = (
            (str(cidr),)
            if cidr is not None
            else (DEFAULT_VPC_CIDR,)
            if vpc_id is None
            else (Unknown("existing VPC", cause=Cause.EKSCTL_CREATE_TIME),)
        )
        refs: tuple[Value, ...] = (Unknown("", "eksctl:vpc", cause=Cause.EKSCTL_CREATE_TIME),) + (
            (str(vpc_id),) if vpc_id is not None else ()
        )
        self.facts.vpcs.append(VpcFact("vpc", refs, cidrs, self.span("vpc")))

    def _given_subnet(self, kind: str, key: str, spec: dict[str, object]) -> SubnetFact:
        address = f"vpc.subnets.{kind}.{key}"
        sid, cidr, az = spec.get("id"), spec.get("cidr"), spec.get("az")
        refs: tuple[Value, ...] = (Unknown("created by eksctl", address, cause=Cause.EKSCTL_CREATE_TIME),) + (
            (str(sid),) if sid is not None else ()
        )
        az_value: str | Unknown
        if az is not None:
            az_value = str(az)
        elif sid is None:
            az_value = key  # "any unambiguous combination": a key without id or az is the AZ's name
        else:
            az_value = Unknown(
                f"the AZ of subnet {sid} is read from AWS at create time",
                f"{address}.az",
                cause=Cause.EKSCTL_CREATE_TIME,
            )
        return SubnetFact(
            address=address,
            refs=refs,
            cidr=str(cidr)
            if cidr is not None
            else Unknown(
                f"subnet {key} is given by id only: its CIDR is read from AWS at create time (add cidr: to it)",
                cause=Cause.EKSCTL_CREATE_TIME,
            ),
            az=az_value,
            span=self.span("vpc", "subnets", kind, key),
        )

    def _created_subnets(self, vpc_cidr: str) -> None:
        zones_value = self.data.get("availabilityZones")
        zones: list[str | Unknown]
        if isinstance(zones_value, list) and zones_value:
            zones = [str(z) for z in zones_value]
        else:
            # eksctl picks the region's AZs at create time: symbolic, but distinct.
            zones = [
                Unknown(
                    "eksctl chooses the AZs at create time",
                    f"eksctl:availabilityZones[{i}]",
                    cause=Cause.EKSCTL_CREATE_TIME,
                )
                for i in range(DEFAULT_ZONE_COUNT)
            ]
        result = split(vpc_cidr, len(zones))
        if isinstance(result, str):
            self.no_subnets = Unknown(result, cause=Cause.INVALID)  # eksctl refuses the split
            return
        where = self.span("vpc", "cidr") if _get(self.data, "vpc", "cidr") is not None else self.span("vpc")
        for kind, cidrs in zip(("public", "private"), result, strict=True):
            for zone, block in zip(zones, cidrs, strict=True):
                label = zone if isinstance(zone, str) else f"availabilityZones[{zones.index(zone)}]"
                address = f"vpc.subnets.{kind}.{label}"
                self.subnets[kind].append(
                    SubnetFact(
                        address,
                        (Unknown("created by eksctl", address, cause=Cause.EKSCTL_CREATE_TIME),),
                        block,
                        zone,
                        where,
                    )
                )

    # --- node groups ----------------------------------------------------------------------------

    def _node_group(self, section: str, i: int, ng: dict[str, object], kind: NodeGroupKind) -> NodeGroupFact:
        name = ng.get("name")
        label = str(name) if name is not None else f"[{i}]"
        types, source = self._types(ng, section, label)
        min_size, max_size, desired = _sizes(ng)
        family = eksctl_max_pods.ami_family(ng, _get(self.data, "metadata", "version"))
        custom_ami = kind == "managed" and eksctl_max_pods.is_custom_ami(ng, family)
        applied = eksctl_max_pods.applied_max_pods(
            ng, managed=kind == "managed", family=family, custom_ami=custom_ami
        )

        def at(*keys: str) -> SourceSpan:
            for k in keys:
                if k in ng:
                    return self.span(section, i, k)
            return self.span(section, i)

        return NodeGroupFact(
            address=f"{section}.{label}",
            name=label,
            kind=kind,
            cluster_ref=Unknown("", CLUSTER_KEY, cause=Cause.EKSCTL_CREATE_TIME),
            instance_types=types,
            min_size=min_size,
            max_size=max_size,
            desired_size=desired,
            subnet_refs=self._group_subnets(ng),
            span=self.span(section, i),
            max_size_span=at("maxSize", "desiredCapacity", "minSize"),
            instance_types_span=at(
                "instanceTypes", "instanceType", "instanceSelector", "instancesDistribution"
            ),
            subnets_span=at("subnets", "availabilityZones", "privateNetworking"),
            max_pods=applied.value,
            max_pods_expression=applied.expression,
            max_pods_overridden=applied.overridden,
            max_pods_note=applied.note,
            custom_ami=custom_ami,
            instance_types_source=source,
            max_size_key="maxSize",
            efa_interfaces=ng.get("efaEnabled") is True,
            update_config=self._update_config(section, i, ng) if kind == "managed" else None,
        )

    def _fargate_profile(self, i: int, fp: dict[str, object]) -> FargateProfileFact:
        """``fargateProfiles[].{name, subnets}``; without subnets, eksctl's type comment says "all
        subnets for the cluster will be used" (types.go:2208-2231): its private ones, as Fargate
        takes only private subnets. What EKS itself does then is unverified."""
        name = fp.get("name")
        label = str(name) if name is not None else f"[{i}]"
        subnets: tuple[Value, ...] | Unknown
        source = ""
        if self.no_subnets is not None:
            subnets = self.no_subnets
        elif isinstance(wanted := fp.get("subnets"), list) and wanted:
            out: list[Value] = []
            for w in wanted:
                match = self._named_subnet(str(w), "private")
                out.append(match.refs[0] if match is not None else str(w))
            subnets = tuple(out)
        else:
            subnets = tuple(s.refs[0] for s in self.subnets["private"])
            source = "the cluster's private subnets (eksctl's default; EKS's own is unverified)"
        return FargateProfileFact(
            address=f"fargateProfiles.{label}",
            name=label,
            cluster_ref=Unknown("", CLUSTER_KEY, cause=Cause.EKSCTL_CREATE_TIME),
            subnet_refs=subnets,
            span=self.span("fargateProfiles", i),
            subnets_source=source,
        )

    def _update_config(self, section: str, i: int, ng: dict[str, object]) -> UpdateConfig | None:
        """``updateConfig {maxUnavailable, maxUnavailablePercentage}``: eksctl has no strategy
        field (pkg/apis/eksctl.io/v1alpha5/types.go:1773-1784)."""
        block = ng.get("updateConfig")
        if not isinstance(block, dict):
            return None

        def number(key: str) -> int | Unknown | None:
            v = block.get(key)
            if v is None:
                return None
            if isinstance(v, int) and not isinstance(v, bool):
                return v
            return Unknown(f"updateConfig.{key} is not a whole number: {v!r}", cause=Cause.INVALID)

        return UpdateConfig(
            max_unavailable=number("maxUnavailable"),
            max_unavailable_percentage=number("maxUnavailablePercentage"),
            strategy=None,
            span=self.span(section, i, "updateConfig"),
        )

    def _types(
        self, ng: dict[str, object], section: str, label: str
    ) -> tuple[tuple[str, ...] | Unknown, str]:
        if ng.get("instanceSelector") is not None:
            return Unknown(
                "instanceSelector picks instance types at create time (list them in instanceTypes)",
                cause=Cause.EKSCTL_CREATE_TIME,
            ), ""
        many = ng.get("instanceTypes") or _get(ng, "instancesDistribution", "instanceTypes")
        if isinstance(many, list) and many:
            return tuple(str(t) for t in many), f"{section}.{label} instanceTypes"
        one = ng.get("instanceType")
        if isinstance(one, str) and one != "mixed":
            return (one,), f"{section}.{label} instanceType"
        if ng.get("launchTemplate") is not None:
            return Unknown(
                "the instance type is in a launch template eksctl reads at create time",
                cause=Cause.LAUNCH_TEMPLATE_NOT_DECLARED,
            ), ""
        return (
            DEFAULT_NODE_TYPE,
        ), f"eksctl default ({DEFAULT_NODE_TYPE}) for a node group without instanceType"

    def _group_subnets(self, ng: dict[str, object]) -> tuple[Value, ...] | Unknown:
        if self.no_subnets is not None:
            return self.no_subnets
        kind = "private" if ng.get("privateNetworking") is True else "public"
        pool = self.subnets[kind]
        wanted = ng.get("subnets")
        if isinstance(wanted, list) and wanted:
            out: list[Value] = []
            for w in wanted:
                match = self._named_subnet(str(w), kind)
                out.append(match.refs[0] if match is not None else str(w))
            return tuple(out)
        zones = ng.get("availabilityZones")
        if isinstance(zones, list) and zones:
            pool = [s for s in pool if s.az in [str(z) for z in zones]]
        if not pool:
            return Unknown(
                f"no {kind} subnets for this node group (privateNetworking selects private ones)",
                cause=Cause.INVALID,
            )
        return tuple(s.refs[0] for s in pool)

    def _named_subnet(self, name: str, kind: str) -> SubnetFact | None:
        """A ``subnets:`` entry names a vpc.subnets key or a subnet ID; the group's kind first."""
        other = "public" if kind == "private" else "private"
        for s in [*self.subnets[kind], *self.subnets[other]]:
            if s.address.rsplit(".", 1)[-1] == name or name in s.refs:
                return s
        return None


def _sizes(ng: dict[str, object]) -> tuple[int | Unknown, int | Unknown, int | Unknown]:
    """min = desired or 2; max = desired or min; desired = min (eksctl validation.go)."""
    raw = {k: ng.get(k) for k in ("minSize", "maxSize", "desiredCapacity")}
    for k, v in raw.items():
        if v is not None and not isinstance(v, int):
            bad = Unknown(f"{k} is {describe(v)}, not a whole number", cause=Cause.INVALID)
            return bad, bad, bad
    desired, min_v, max_v = raw["desiredCapacity"], raw["minSize"], raw["maxSize"]
    assert desired is None or isinstance(desired, int)
    assert min_v is None or isinstance(min_v, int)
    assert max_v is None or isinstance(max_v, int)
    min_size = min_v if min_v is not None else (desired if desired is not None else DEFAULT_NODE_COUNT)
    max_size = max_v if max_v is not None else (desired if desired is not None else min_size)
    return min_size, max_size, desired if desired is not None else min_size

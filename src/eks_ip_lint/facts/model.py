"""Domain facts: clusters, subnets, node groups and VPC CNI settings, whatever the source format.

Facts know EKS, not capacity math, and not the parser. Every fact carries the span of its
declaration, and the fields that may be unknowable before apply are typed ``X | Unknown``.
References between facts (a node group's subnets, an add-on's cluster) are kept as the Values the
configuration holds; :func:`same_ref` decides whether two of them denote the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from eks_ip_lint.errors import InputError
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Cause, Unknown, Value


def same_ref(a: Value, b: Value) -> bool:
    """True when two reference values certainly denote the same object.

    Known values compare equal; Unknowns match when they carry the same symbolic key (for example
    both are ``aws_subnet.private[0].id``). An Unknown without a key matches nothing.
    """
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return isinstance(a, Unknown) and isinstance(b, Unknown) and a.key is not None and a.key == b.key
    return a == b and a is not None


def _ref_key(ref: Value) -> tuple[str, Value] | None:
    """A hashable key under which same_ref(ref, other) holds exactly when the keys are equal, or
    None where same_ref needs a comparison (a list or map) or matches nothing (None, keyless)."""
    if isinstance(ref, Unknown):
        return ("unknown", ref.key) if ref.key is not None else None
    if ref is None or isinstance(ref, (list, dict)):
        return None
    return ("known", ref)


@dataclass(frozen=True)
class SubnetFact:
    address: str
    # Values by which other resources may refer to this subnet (its id's symbolic key, a known id).
    refs: tuple[Value, ...]
    cidr: str | Unknown
    az: str | Unknown  # an Unknown with a key is a symbolic AZ: equal keys = same AZ
    span: SourceSpan
    vpc_ref: Value = None
    # Its tags, for selectors by tag (facts/subnet_select.py): a map (values may be Unknown), an
    # Unknown map, or None when this input's reader does not read subnet tags.
    tags: Mapping[str, Value] | Unknown | None = None


SubnetAttribute = Literal["cidr", "az", "id", "vpc", "tag", "tag-key"]


@dataclass(frozen=True)
class SubnetCriterion:
    """One condition of a subnet selector (facts/subnet_select.py): ``attribute`` (for tags: the
    tag ``key``) equals one of ``values``, EC2 wildcards allowed. A ``tag-key`` criterion holds
    when the subnet has a tag named by one of ``values``."""

    attribute: SubnetAttribute
    values: tuple[Value, ...]
    key: str = ""

    def describe(self) -> str:
        shown = ", ".join(str(v) for v in self.values)
        name = f"tag:{self.key}" if self.attribute == "tag" else self.attribute
        return f"{name} = {shown}" if len(self.values) == 1 else f"{name} in ({shown})"


@dataclass(frozen=True)
class SubnetLookupFact:
    """A subnet (``data "aws_subnet"``) or subnet list (``data "aws_subnets"``) read from the
    account by what it is. ``refs`` are the values that stand for its result elsewhere
    (``data.aws_subnet.x.id``; ``data.aws_subnets.x.ids`` for a list). ``unread`` names an
    argument or filter eks-ip-lint does not read, which leaves the lookup undecided."""

    address: str
    refs: tuple[Value, ...]
    criteria: tuple[SubnetCriterion, ...]
    plural: bool
    span: SourceSpan
    unread: str = ""


@dataclass(frozen=True)
class VpcFact:
    address: str
    refs: tuple[Value, ...]
    cidrs: tuple[str | Unknown, ...]
    span: SourceSpan


@dataclass(frozen=True)
class ClusterFact:
    address: str
    name: str | Unknown
    refs: tuple[Value, ...]  # values other resources use to name this cluster
    subnet_refs: tuple[Value, ...] | Unknown
    ip_family: str | Unknown
    span: SourceSpan
    subnets_span: SourceSpan | None = None
    # Where a user of this IaC sets VPC CNI env when nothing sets it yet, in its own words: fix
    # texts name it (CloudFormation's ConfigurationValues, eksctl's configurationValues); empty
    # for Terraform, where an add-on, a Helm release or a manifest are all usual.
    cni_settings_where: str = ""
    auto_mode: AutoModeFact | None = None  # None: the cluster does not declare compute_config


@dataclass(frozen=True)
class AutoModeFact:
    """EKS Auto Mode as a cluster declares it (compute_config, ComputeConfig, autoModeConfig)."""

    enabled: bool | Unknown
    # The built-in node pools it enables ("general-purpose", "system"); () = none.
    node_pools: tuple[str, ...] | Unknown
    span: SourceSpan
    source: str  # the setting's name as the user wrote it: compute_config, ComputeConfig...


@dataclass(frozen=True)
class SelectorTerm:
    """One entry of a NodeClass's subnetSelectorTerms: its tags all match (ANDed), or its id does.

    Terms are ORed (Karpenter ``ec2nodeclass.go:35-41``). A tag value ``*`` matches any value of
    the key; other values may hold EC2 filter wildcards (``*``, ``?``).
    """

    tags: tuple[tuple[str, str], ...] = ()
    id: Value = None  # a literal id, or (Terraform) an Unknown keyed by the subnet's id reference


@dataclass(frozen=True)
class Requirement:
    """A NodePool requirement: ``key operator values`` (In, NotIn, Exists, DoesNotExist, Gt, Lt,
    Gte, Lte)."""

    key: str
    operator: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class NodeClassFact:
    """A Karpenter EC2NodeClass (karpenter.k8s.aws) or an EKS Auto Mode NodeClass
    (eks.amazonaws.com): where its nodes (and, Auto Mode, its pods) take their IPs."""

    address: str
    name: str | Unknown
    kind: str  # "EC2NodeClass" | "NodeClass"
    subnet_terms: tuple[SelectorTerm, ...] | Unknown
    span: SourceSpan
    cluster_ref: Value = None
    # Auto Mode podSubnetSelectorTerms: pod IPs come from these subnets instead (None: not set).
    pod_subnet_terms: tuple[SelectorTerm, ...] | Unknown | None = None
    max_pods: int | Unknown | None = None  # v1 spec.kubelet.maxPods


@dataclass(frozen=True)
class NodePoolFact:
    """A Karpenter NodePool (karpenter.sh v1 or v1beta1), or an EKS Auto Mode built-in pool."""

    address: str
    name: str | Unknown
    api_version: str
    node_class: str | Unknown  # nodeClassRef.name
    node_class_kind: str  # nodeClassRef.kind: EC2NodeClass, or NodeClass for Auto Mode
    requirements: tuple[Requirement, ...] | Unknown
    # spec.limits as written (resource -> Kubernetes quantity); () = no limits.
    limits: tuple[tuple[str, str | Unknown], ...] | Unknown
    span: SourceSpan
    limits_span: SourceSpan
    cluster_ref: Value = None
    max_pods: int | Unknown | None = None  # v1beta1 spec.template.spec.kubelet.maxPods
    built_in: bool = False  # an Auto Mode built-in pool: not declared, defined by EKS


NodeGroupKind = Literal["managed", "self-managed"]


@dataclass(frozen=True)
class UpdateConfig:
    """A managed node group's update settings (``update_config``, ``UpdateConfig``,
    ``updateConfig``); each None when not set. ``source`` names where a default came from when
    the group did not set it (terraform-aws-eks sets 33 %)."""

    max_unavailable: int | Unknown | None
    max_unavailable_percentage: int | Unknown | None
    strategy: str | Unknown | None  # DEFAULT or MINIMAL
    span: SourceSpan
    source: str = ""


@dataclass(frozen=True)
class NodeGroupFact:
    address: str
    name: str | Unknown
    kind: NodeGroupKind
    cluster_ref: Value
    instance_types: tuple[str, ...] | Unknown
    min_size: int | Unknown
    max_size: int | Unknown
    desired_size: int | Unknown
    subnet_refs: tuple[Value, ...] | Unknown
    span: SourceSpan
    max_size_span: SourceSpan
    instance_types_span: SourceSpan
    subnets_span: SourceSpan
    # An explicit kubelet max pods (user data, bootstrap args) that takes effect; None when the
    # node's default applies (facts/max_pods_config.as_eks_applies decides which setting wins).
    max_pods: int | Unknown | None = None
    # AL2023 nodeadm kubelet.maxPodsExpression that takes effect (capacity evaluates it per type).
    max_pods_expression: str | None = None
    # A user-data max pods setting EKS overrides (managed node group without a custom AMI), as
    # written, so the report can say it is not what the nodes run with.
    max_pods_overridden: str = ""
    # Why an explicit max pods applies where AWS's documentation disagrees (Bottlerocket on an EKS AMI).
    max_pods_note: str = ""
    # Managed node groups with a custom AMI do not get the EKS max-pods rule (110/250 cap).
    custom_ami: bool = False
    instance_types_source: str = ""
    # The name of the setting that holds the max size in the user's file (max_size, MaxSize,
    # maxSize): fix texts name it, and the finding's line points at it.
    max_size_key: str = "max_size"
    # eksctl efaEnabled: each node gets one EFA interface per network card of its type, each with
    # a primary IPv4 address from the node's subnet (capacity/node_groups.py).
    efa_interfaces: bool = False
    # Managed groups: how EKS updates them (the surge it adds); None for self-managed groups and
    # for managed groups that set nothing (EKS's default then applies: max unavailable 1).
    update_config: UpdateConfig | None = None


@dataclass(frozen=True)
class CniSource:
    """One place that sets VPC CNI environment variables (an add-on, a Helm release...)."""

    address: str
    cluster_ref: Value
    env: dict[str, str] | Unknown
    span: SourceSpan
    description: str


@dataclass(frozen=True)
class EniConfigFact:
    """An ENIConfig (custom networking): pods of nodes in AZ ``name`` get IPs from ``subnet_ref``.

    The name is the AZ when ``ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone`` (the EKS
    documentation's setting and the only one a static tool can place); ``cluster_ref`` is the
    cluster the manifest is applied to, when that can be told.
    """

    address: str
    name: str | Unknown
    subnet_ref: Value
    cluster_ref: Value
    span: SourceSpan


# What takes IPs from a subnet besides the nodes of node groups (capacity-beyond-node-groups.md §7).
ConsumerKind = Literal[
    "interface-endpoint",
    "nat-gateway",
    "load-balancer",
    "efs-mount-target",
    "database",
    "lambda",
    "transit-gateway-attachment",
    "cidr-reservation",
]


@dataclass(frozen=True)
class SubnetConsumerFact:
    """A declared resource that takes IPs from subnets besides the node groups' nodes: an
    interface endpoint, a NAT gateway, a load balancer, a CIDR reservation...

    ``ips_per_subnet`` is what it takes from each subnet of ``subnet_refs`` (the cost the
    reference gives; ``basis`` says which and where from). A CIDR reservation's cost depends on its
    subnet's CIDR and is computed by the capacity model from ``reserved_cidr``. Lambda functions
    share one ENI per (subnet, security groups): ``share_key`` names that set, and functions with
    the same key in the same subnet are charged once. ``one_of``: the service picks one of the
    subnets (an RDS instance in its subnet group), each subnet is charged as its worst case.
    """

    address: str
    kind: ConsumerKind
    subnet_refs: tuple[Value, ...]
    ips_per_subnet: int
    span: SourceSpan
    basis: str
    reserved_cidr: str | None = None
    reservation_type: str = ""  # "explicit" or "prefix" for a CIDR reservation
    share_key: str = ""
    one_of: bool = False


@dataclass(frozen=True)
class FargateProfileFact:
    """A Fargate profile: each of its pods takes 1 IPv4 address from one of the profile's
    subnets (capacity-beyond-node-groups.md §4). How many pods it runs is not in the IaC; the
    configuration file's ``fargate_pods`` may plan a count, keyed by ``name`` or ``address``."""

    address: str
    name: str | Unknown
    cluster_ref: Value
    subnet_refs: tuple[Value, ...] | Unknown
    span: SourceSpan
    subnets_source: str = ""  # where the subnets come from when the profile names none


@dataclass(frozen=True)
class Unresolved:
    """A value the analysis needed but could not know; becomes an EKSIP002 finding."""

    what: str
    reason: str
    span: SourceSpan
    address: str | None = None
    cluster_ref: Value = None
    # What made it unknown (the cause of the Unknown it reports): EKSIP002's advice is chosen by it.
    # Keyword-only, so the positional fields above keep their places.
    cause: Cause = field(kw_only=True)


@dataclass(frozen=True)
class InputProblem:
    """A file that could not be read or parsed, or configuration Terraform would refuse (then
    ``skipped`` is False: the file was analysed); becomes an EKSIP000 finding."""

    message: str
    span: SourceSpan
    skipped: bool = True
    consequence: str = ""  # InputError.consequence

    @classmethod
    def of(cls, err: InputError) -> InputProblem:
        return cls(err.message, SourceSpan(err.path, err.line), err.skipped, err.consequence)


@dataclass
class Facts:
    """Everything extracted from one unit (a Terraform root module, a template...)."""

    unit: str
    clusters: list[ClusterFact] = field(default_factory=list)
    subnets: list[SubnetFact] = field(default_factory=list)
    vpcs: list[VpcFact] = field(default_factory=list)
    node_groups: list[NodeGroupFact] = field(default_factory=list)
    cni_sources: list[CniSource] = field(default_factory=list)
    eniconfigs: list[EniConfigFact] = field(default_factory=list)
    # Other IP consumers of the subnets (endpoints, NAT gateways, load balancers...).
    consumers: list[SubnetConsumerFact] = field(default_factory=list)
    fargate_profiles: list[FargateProfileFact] = field(default_factory=list)
    subnet_lookups: list[SubnetLookupFact] = field(default_factory=list)
    node_pools: list[NodePoolFact] = field(default_factory=list)
    node_classes: list[NodeClassFact] = field(default_factory=list)
    unresolved: list[Unresolved] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    # Files read besides the unit itself, as the spans name them: nested stack templates (not
    # analysed again on their own).
    included: list[str] = field(default_factory=list)
    # One branch of undecidable conditions ("InUsEast1=true"), when the unit is analysed per branch.
    branch: str = ""
    # The --var names this unit's Terraform module does not declare; None for a unit that takes no
    # Terraform variables (or was not parsed). The engine refuses a --var no unit declares.
    undeclared_vars: tuple[str, ...] | None = None

    def merge(self, other: Facts) -> None:
        """Add the facts of a part of this unit (a nested stack's template)."""
        self.clusters += other.clusters
        self.subnets += other.subnets
        self.vpcs += other.vpcs
        self.node_groups += other.node_groups
        self.cni_sources += other.cni_sources
        self.eniconfigs += other.eniconfigs
        self.consumers += other.consumers
        self.fargate_profiles += other.fargate_profiles
        self.subnet_lookups += other.subnet_lookups
        self.node_pools += other.node_pools
        self.node_classes += other.node_classes
        self.unresolved += other.unresolved
        self.problems += other.problems
        self.included += other.included

    def subnet_for(self, ref: Value) -> SubnetFact | None:
        """The first subnet ``ref`` certainly denotes (same_ref), through an index by reference:
        a linear scan per reference made ``count = 10000`` subnets quadratic (109 s)."""
        key = _ref_key(ref)
        if key is None:
            if not isinstance(ref, (list, dict)):
                return None  # None and a keyless Unknown denote no subnet (same_ref)
            return next((s for s in self.subnets if any(same_ref(ref, r) for r in s.refs)), None)
        return self._subnets_by_ref().get(key)

    def _subnets_by_ref(self) -> dict[tuple[str, Value], SubnetFact]:
        # Rebuilt when the subnet list was replaced or grew (merge of a nested stack's facts). Kept
        # in the instance's __dict__, not as a field: derived data is not part of the facts' value
        # (equality, the cache's encoding).
        stamp = (id(self.subnets), len(self.subnets))
        cached = self.__dict__.get("_subnet_index")
        if cached is not None and cached[0] == stamp:
            index: dict[tuple[str, Value], SubnetFact] = cached[1]
            return index
        index = {}
        for s in self.subnets:
            for r in s.refs:
                k = _ref_key(r)
                if k is not None:
                    index.setdefault(k, s)
        self.__dict__["_subnet_index"] = (stamp, index)
        return index

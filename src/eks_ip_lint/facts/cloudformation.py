"""CloudFormation templates -> facts.

Reads the resource types that decide IP capacity: ``AWS::EC2::VPC``, ``AWS::EC2::VPCCidrBlock``,
``AWS::EC2::Subnet``, ``AWS::EKS::Cluster``, ``AWS::EKS::Nodegroup`` (+ its
``AWS::EC2::LaunchTemplate``), self-managed nodes (``AWS::AutoScaling::AutoScalingGroup`` with a
launch template or ``AWS::AutoScaling::LaunchConfiguration``) and ``AWS::EKS::Addon`` "vpc-cni".
Every fact's address is the resource's logical ID and its span the template line that declares
it. References use the key scheme of :mod:`eks_ip_lint.cloudformation.intrinsics` (``Ref X`` is
``Unknown(key="X")``), so a node group's ``!Ref PrivateSubnet1`` links to that subnet's fact.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from eks_ip_lint.cloudformation.intrinsics import Evaluator
from eks_ip_lint.cloudformation.nested import MAX_NESTING, Context, nested_template_path
from eks_ip_lint.facts import auto_mode, cfn_consumers
from eks_ip_lint.facts.cfn_branches import branches
from eks_ip_lint.facts.cni_config import parse_configuration_values
from eks_ip_lint.facts.eks_defaults import MNG_DEFAULT_INSTANCE_TYPE
from eks_ip_lint.facts.max_pods_config import is_custom_ami, managed_launch_template, read_user_data
from eks_ip_lint.facts.model import (
    ClusterFact,
    CniSource,
    Facts,
    FargateProfileFact,
    InputProblem,
    NodeGroupFact,
    SubnetFact,
    Unresolved,
    UpdateConfig,
    VpcFact,
    same_ref,
)
from eks_ip_lint.sources import cloudformation as cfn_source
from eks_ip_lint.sources import fs, yaml_lines
from eks_ip_lint.sources.lined import DecodeProblem, LinedDocument, read_document_bytes
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Cause, Unknown, Value, describe

# A file that fails to decode is reported only when its text looks like a template; any other
# broken YAML/JSON in a repository is not ours to judge.
_TEMPLATE_TEXT = re.compile(r"AWSTemplateFormatVersion|[\"']?Type[\"']?\s*:\s*[\"']?AWS::[A-Za-z0-9]+::")
_CLUSTER_TAG = "kubernetes.io/cluster/"
_BOOTSTRAP_CLUSTER = re.compile(r"bootstrap\.sh\s+['\"]?([^\s'\"]+)")
_SUB_PLACEHOLDER = re.compile(r"^\$\{([A-Za-z0-9:]+)\}$")


def looks_like_template(data: object) -> bool:
    """A template declares its format version, or has Resources whose types are AWS:: types."""
    if not isinstance(data, dict):
        return False
    if "AWSTemplateFormatVersion" in data:
        return True
    resources = data.get("Resources")
    return isinstance(resources, dict) and any(
        isinstance(r, dict) and str(r.get("Type", "")).startswith("AWS::") for r in resources.values()
    )


def load_cloudformation(
    path: str, parameters: Mapping[str, str] | None = None, nested_templates: Mapping[str, str] | None = None
) -> list[Facts] | None:
    """Facts of one template, one per branch of its undecidable conditions (usually one); None
    when the file is not a CloudFormation template. Nested stacks whose template is on disk (a
    local TemplateURL, or ``nested_templates``: logical ID or URL -> path) are part of it."""
    if not text_may_be_template(path):
        # A template names an AWS:: type or its format version; anything else (Kubernetes
        # manifests, package.json, workflows) is not decoded at all.
        return None
    # Importing cfn-lint's decoder costs about half a second (sympy, networkx): a template that
    # names no type this module reads (an S3 bucket, a Lambda) cannot have facts, so PyYAML only
    # checks that it decodes (a broken template is still reported) and that it is a template.
    relevant = text_may_declare_capacity(path)
    decoded = cfn_source.decode(path) if relevant else yaml_lines.load(path)
    if isinstance(decoded, DecodeProblem):
        if not _text_looks_like_template(path):
            return None
        facts = Facts(unit=path)
        facts.problems.append(
            InputProblem(
                f"CloudFormation template cannot be parsed: {decoded.message}", SourceSpan(path, decoded.line)
            )
        )
        return [facts]
    if not looks_like_template(decoded.data):
        return None
    if not relevant:
        return [Facts(unit=path)]
    ctx = Context(dict(nested_templates or {}))
    given: dict[str, Value] = dict(parameters or {})
    template = decoded.data if isinstance(decoded.data, dict) else {}
    out = []
    for label, assume in branches(template, given) or [("", {})]:
        facts = _Extraction(decoded, given, ctx, assume=assume).run()
        facts.branch = label
        out.append(facts)
    return out


def text_may_be_template(path: str) -> bool:
    head = read_document_bytes(path)  # UTF-16/32 decoded: a template saved by Windows tools too
    if isinstance(head, DecodeProblem):
        return True  # unreadable: decode() says why
    return b"AWS::" in head or b"AWSTemplateFormatVersion" in head


# The types run() reads, nested stacks (whose templates may), and words of the third-party types
# declares_capacity_elsewhere names. Searched in the text: a template that mentions none of them
# cannot produce a fact, whatever else it declares.
_CAPACITY_TEXT = re.compile(
    rb"AWS::(?:EKS::|EC2::(?:VPC|VPCCidrBlock|Subnet|LaunchTemplate)\b|CloudFormation::Stack\b|"
    rb"AutoScaling::|Serverless::Application\b)|eks|kubernetes|k8s",
    re.IGNORECASE,
)


def text_may_declare_capacity(path: str) -> bool:
    """Whether the file names a type this module reads: only then is cfn-lint's decoder used."""
    head = read_document_bytes(path)  # UTF-16/32 decoded
    if isinstance(head, DecodeProblem):
        return True  # unreadable: decode() says why
    return bool(_CAPACITY_TEXT.search(head))


def _text_looks_like_template(path: str) -> bool:
    head = read_document_bytes(path)
    if isinstance(head, DecodeProblem):
        return True  # unreadable: say so rather than skip silently
    return bool(_TEMPLATE_TEXT.search(head.decode("utf-8", errors="replace")[:1_000_000]))


@dataclass(frozen=True)
class _Resource:
    logical_id: str
    type: str
    props: dict[str, object]
    prefix: str = ""  # the nested-stack path of its template ("Network/"), empty at the top

    @property
    def address(self) -> str:
        return f"{self.prefix}{self.logical_id}"


class _Extraction:
    def __init__(
        self,
        doc: LinedDocument,
        parameters: Mapping[str, Value],
        ctx: Context,
        *,
        prefix: str = "",
        assume: Mapping[str, bool] | None = None,
        chain: tuple[str, ...] = (),
        nested: bool = False,
    ) -> None:
        self.doc = doc
        self.ctx = ctx
        self.prefix = prefix
        self.chain = (*chain, fs.realpath(doc.path))
        self.template = doc.data if isinstance(doc.data, dict) else {}
        self.ev = Evaluator(self.template, parameters, prefix=prefix, assume=assume)
        self.facts = Facts(unit=doc.path)
        self.resources: list[_Resource] = []
        self.children: list[_Extraction] = []
        if not nested:
            self.prepare()

    def prepare(self) -> None:
        """Read the resources (their Conditions need the parameters: a nested stack's are given by
        its parent first) and follow nested stacks."""
        self.resources = self._resources(self.template)
        self.children = self._follow_nested_stacks()

    def _resources(self, template: dict[str, object]) -> list[_Resource]:
        out = []
        raw = template.get("Resources")
        for lid, res in raw.items() if isinstance(raw, dict) else []:
            if not isinstance(res, dict):
                continue
            condition = res.get("Condition")
            # A resource whose condition is false is not created; an undecidable one is kept,
            # so its capacity is still checked (the worst case is that it exists).
            if isinstance(condition, str) and self.ev.condition(condition) is False:
                continue
            props = res.get("Properties")
            out.append(
                _Resource(
                    str(lid), str(res.get("Type", "")), props if isinstance(props, dict) else {}, self.prefix
                )
            )
        return out

    def _follow_nested_stacks(self) -> list[_Extraction]:
        """Evaluators (and extractions) of the nested stacks whose templates are on disk.

        All are registered before any parameter is evaluated, so one stack's Parameters may read
        another's Outputs whatever their order in the template."""
        children: list[tuple[_Resource, _Extraction]] = []
        for r in self.of_type("AWS::CloudFormation::Stack"):
            child = self._nested_stack(r)
            if child is not None:
                self.ev.nested[r.logical_id] = child.ev
                children.append((r, child))
        for r, child in children:
            given = self.prop(r, "Parameters")
            if isinstance(given, dict):
                child.ev.give(given)
            elif isinstance(given, Unknown):
                self._unresolved(
                    r, f"the parameters passed to nested stack {r.address}", given.reason, given.cause
                )
            child.prepare()
        return [child for _, child in children]

    def _nested_stack(self, r: _Resource) -> _Extraction | None:
        url = self.prop(r, "TemplateURL")
        path = nested_template_path(r.address, url, self.doc.path, self.ctx.nested_templates)
        what = f"the resources of nested stack {r.address}"
        if path is None:
            shown = url if isinstance(url, str) else "an unknown TemplateURL"
            self._unresolved(
                r,
                what,
                f"its template ({shown}) is not a local file: give it with "
                f"--nested-template {r.address}=PATH to have it analysed with this template",
                Cause.NESTED_TEMPLATE_NOT_GIVEN,
            )
            return None
        if fs.outside(path):
            shown = url if isinstance(url, str) else path
            self._unresolved(r, what, f"its template {shown} is {fs.OUTSIDE}", Cause.OUTSIDE_TREE)
            return None
        if not fs.isfile(path):
            shown = url if isinstance(url, str) else path
            self._unresolved(
                r,
                what,
                f"its template {shown} is not a file ({path} does not exist)",
                Cause.NESTED_TEMPLATE_MISSING,
            )
            return None
        if fs.realpath(path) in self.chain:
            self._unresolved(
                r,
                what,
                f"{path} includes itself through nested stacks; followed once",
                Cause.NESTED_TEMPLATE_CYCLE,
            )
            return None
        if len(self.chain) > MAX_NESTING:
            self._unresolved(
                r,
                what,
                f"nested stacks deeper than {MAX_NESTING} levels are not followed",
                Cause.NESTED_TOO_DEEP,
            )
            return None
        decoded = cfn_source.decode(path)
        if isinstance(decoded, DecodeProblem):
            self.facts.problems.append(
                InputProblem(
                    f"nested stack {r.address}: template cannot be parsed: {decoded.message}",
                    SourceSpan(path, decoded.line),
                )
            )
            return None
        if not looks_like_template(decoded.data):
            self._unresolved(
                r, what, f"{path} is not a CloudFormation template", Cause.NESTED_TEMPLATE_MISSING
            )
            return None
        self.facts.included.append(path)
        return _Extraction(decoded, {}, self.ctx, prefix=f"{r.address}/", chain=self.chain, nested=True)

    def _unresolved(self, r: _Resource, what: str, reason: str, cause: Cause) -> None:
        self.facts.unresolved.append(
            Unresolved(what=what, reason=reason, span=self.span(r), address=r.address, cause=cause)
        )

    def of_type(self, type_: str) -> list[_Resource]:
        return [r for r in self.resources if r.type == type_]

    def span(self, r: _Resource, *prop: str | int) -> SourceSpan:
        path: tuple[str | int, ...] = (
            ("Resources", r.logical_id, "Properties", *prop) if prop else ("Resources", r.logical_id)
        )
        return SourceSpan(self.doc.path, self.doc.line(*path))

    def prop(self, r: _Resource, *path: str) -> Value:
        node: object = r.props
        for p in path:
            if not isinstance(node, dict) or p not in node:
                return None
            node = node[p]
        return self.ev.value(node)

    def has(self, r: _Resource, *path: str) -> bool:
        node: object = r.props
        for p in path:
            if not isinstance(node, dict) or p not in node:
                return False
            node = node[p]
        return True

    # --- resources ------------------------------------------------------------------------------

    def run(self) -> Facts:
        for r in self.of_type("AWS::EC2::VPC"):
            cidr = _str(
                self.prop(r, "CidrBlock"),
                "CidrBlock is not set (an IPAM pool assigns it at deploy time)",
                Cause.AWS_CHOOSES,
            )
            self.facts.vpcs.append(VpcFact(r.address, _refs(r, "VpcId"), (cidr,), self.span(r)))
        for r in self.of_type("AWS::EC2::VPCCidrBlock"):
            self._secondary_cidr(r)
        for r in self.of_type("AWS::EC2::Subnet"):
            self.facts.subnets.append(self._subnet(r))
        for r in self.of_type("AWS::EKS::Cluster"):
            self.facts.clusters.append(self._cluster(r))
        for r in self.of_type("AWS::EKS::Nodegroup"):
            self.facts.node_groups.append(self._managed(r))
        for r in self.of_type("AWS::AutoScaling::AutoScalingGroup"):
            group = self._self_managed(r)
            if group is not None:
                self.facts.node_groups.append(group)
        for r in self.of_type("AWS::EKS::Addon"):
            if self.prop(r, "AddonName") == "vpc-cni":
                self.facts.cni_sources.append(self._addon(r))
        # Endpoints, NAT gateways, load balancers... in the template's subnets (cfn_consumers.py).
        cfn_consumers.extract(self, self.facts)
        for r in self.of_type("AWS::EKS::FargateProfile"):
            name = self.prop(r, "FargateProfileName")
            self.facts.fargate_profiles.append(
                FargateProfileFact(
                    address=r.address,
                    name=_str(name, "") if name is not None else r.logical_id,
                    cluster_ref=self.prop(r, "ClusterName"),
                    subnet_refs=_list(self.prop(r, "Subnets"), "Subnets is not set"),
                    span=self.span(r),
                )
            )
        for r in self.resources:
            if declares_capacity_elsewhere(r.type):
                self._unresolved(
                    r,
                    f"{r.type} {r.address}",
                    f"{r.type} is a third-party resource type (a registry extension or custom resource) "
                    "that declares an EKS cluster or node group; eks-ip-lint models only AWS::EKS:: "
                    "and AWS::AutoScaling:: resources, so its nodes are not checked",
                    Cause.UNSUPPORTED,
                )
        for child in self.children:
            self.facts.merge(child.run())
        return self.facts

    def _secondary_cidr(self, r: _Resource) -> None:
        vpc_id = self.prop(r, "VpcId")
        for i, vpc in enumerate(self.facts.vpcs):
            if any(same_ref(vpc_id, ref) for ref in vpc.refs):
                cidr = _str(
                    self.prop(r, "CidrBlock"),
                    "CidrBlock is not set (an IPAM pool assigns it)",
                    Cause.AWS_CHOOSES,
                )
                self.facts.vpcs[i] = VpcFact(vpc.address, vpc.refs, (*vpc.cidrs, cidr), vpc.span)
                return

    def _subnet(self, r: _Resource) -> SubnetFact:
        az = self.prop(r, "AvailabilityZone")
        if az is None:
            az = self.prop(r, "AvailabilityZoneId")
        az_value = (
            Unknown(
                "AvailabilityZone is not set: AWS chooses it at deploy",
                f"{r.address}.AvailabilityZone",
                cause=Cause.AWS_CHOOSES,
            )
            if az is None
            else _str(az, "")
        )
        return SubnetFact(
            address=r.address,
            refs=_refs(r, "SubnetId"),
            cidr=_str(
                self.prop(r, "CidrBlock"),
                "CidrBlock is not set (an IPAM pool assigns it at deploy time)",
                Cause.AWS_CHOOSES,
            ),
            az=az_value,
            span=self.span(r, "CidrBlock"),
            vpc_ref=self.prop(r, "VpcId"),
            tags=self._tags(r),
        )

    def _tags(self, r: _Resource) -> dict[str, Value] | Unknown:
        """A resource's ``Tags`` list (``[{Key, Value}]``) as a map."""
        tags = r.props.get("Tags")  # raw: each Key and Value is evaluated below, as _asg_cluster does
        if tags is None:
            return {}
        out: dict[str, Value] = {}
        for tag in tags if isinstance(tags, list) else []:
            key = self.ev.text(tag.get("Key")) if isinstance(tag, dict) else None
            if not isinstance(key, str):
                return Unknown(
                    "a tag key is unknown", cause=key.cause if isinstance(key, Unknown) else Cause.INVALID
                )
            out[key] = self.ev.text(tag.get("Value")) if isinstance(tag, dict) else None
        return out

    def _cluster(self, r: _Resource) -> ClusterFact:
        # Ref to an AWS::EKS::Cluster returns its name; without Name, CloudFormation generates
        # one, which is exactly the symbolic value Ref gives (key = logical ID).
        name_value = self.prop(r, "Name")
        name = (
            Unknown("Name is not set: CloudFormation generates it", r.address, cause=Cause.AWS_CHOOSES)
            if name_value is None
            else _str(name_value, "")
        )
        ip_family = self.prop(r, "KubernetesNetworkConfig", "IpFamily")
        subnets = self.prop(r, "ResourcesVpcConfig", "SubnetIds")
        return ClusterFact(
            address=r.address,
            name=name,
            refs=(name, *_refs(r, "Arn")),
            subnet_refs=_list(subnets, "ResourcesVpcConfig.SubnetIds is not set"),
            ip_family=ip_family.lower() if isinstance(ip_family, str) else _str(ip_family or "ipv4", ""),
            span=self.span(r),
            subnets_span=self.span(r, "ResourcesVpcConfig", "SubnetIds"),
            cni_settings_where="a vpc-cni AWS::EKS::Addon's ConfigurationValues env",
            auto_mode=auto_mode.from_cloudformation(
                self.prop(r, "ComputeConfig"), self.span(r, "ComputeConfig")
            ),
        )

    def _launch_template(self, id_value: Value, name_value: Value) -> _Resource | None:
        for t in self.of_type("AWS::EC2::LaunchTemplate"):
            own: tuple[Value, ...] = (
                *_refs(t, "LaunchTemplateId", "LaunchTemplateName"),
                self.prop(t, "LaunchTemplateName"),
            )
            if any(w is not None and same_ref(w, o) for w in (id_value, name_value) for o in own):
                return t
        return None

    def _managed(self, r: _Resource) -> NodeGroupFact:
        lt_spec = self.prop(r, "LaunchTemplate")
        template = (
            self._launch_template(lt_spec.get("Id"), lt_spec.get("Name"))
            if isinstance(lt_spec, dict)
            else None
        )
        types_value = self.prop(r, "InstanceTypes")
        source = f"{r.address} InstanceTypes"
        lt_type = self.prop(template, "LaunchTemplateData", "InstanceType") if template is not None else None
        if types_value is None and lt_type is not None:
            types_value, source = [lt_type], f"{template.address} InstanceType" if template else source
        elif types_value is None and lt_spec is not None and template is None:
            types_value = Unknown(
                "the node group's launch template is not declared in this template",
                cause=Cause.LAUNCH_TEMPLATE_NOT_DECLARED,
            )
        elif types_value is None:
            types_value = [MNG_DEFAULT_INSTANCE_TYPE]
            source = "EKS default (t3.medium) for a node group without InstanceTypes"
        ami_type = self.prop(r, "AmiType")
        custom_ami = is_custom_ami(
            ami_type, self.prop(template, "LaunchTemplateData", "ImageId") if template is not None else None
        )
        # The same precedence as Terraform's aws_eks_node_group (capacity-beyond-node-groups.md §5):
        # EKS's max pods on its AL2/AL2023 AMIs, the user's on Bottlerocket and custom AMIs.
        applied = managed_launch_template(
            self._user_data(template, ("LaunchTemplateData", "UserData")),
            ami_type=ami_type,
            custom_ami=custom_ami,
        )
        name = self.prop(r, "NodegroupName")
        unset_scaling = "ScalingConfig is not set: EKS applies its own sizes"
        eks_picks = Cause.AWS_CHOOSES
        return NodeGroupFact(
            address=r.address,
            name=_str(name, "") if name is not None else r.logical_id,
            kind="managed",
            cluster_ref=self.prop(r, "ClusterName"),
            instance_types=_instance_types(types_value),
            min_size=_int(self.prop(r, "ScalingConfig", "MinSize"), unset_scaling, eks_picks),
            max_size=_int(self.prop(r, "ScalingConfig", "MaxSize"), unset_scaling, eks_picks),
            desired_size=_int(self.prop(r, "ScalingConfig", "DesiredSize"), unset_scaling, eks_picks),
            subnet_refs=_list(self.prop(r, "Subnets"), "Subnets is not set"),
            span=self.span(r),
            max_size_span=self.span(r, "ScalingConfig", "MaxSize"),
            instance_types_span=self.span(
                r, "InstanceTypes" if self.has(r, "InstanceTypes") else "LaunchTemplate"
            ),
            subnets_span=self.span(r, "Subnets"),
            max_pods=applied.value,
            max_pods_expression=applied.expression,
            max_pods_overridden=applied.overridden,
            max_pods_note=applied.note,
            custom_ami=custom_ami,
            instance_types_source=source,
            max_size_key="MaxSize",
            update_config=self._update_config(r),
        )

    def _update_config(self, r: _Resource) -> UpdateConfig | None:
        """``UpdateConfig {MaxUnavailable, MaxUnavailablePercentage, UpdateStrategy}``."""
        if not isinstance(self.prop(r, "UpdateConfig"), dict):
            return None

        def number(key: str) -> int | Unknown | None:
            v = self.prop(r, "UpdateConfig", key)
            return None if v is None else _int(v, "")

        strategy = self.prop(r, "UpdateConfig", "UpdateStrategy")
        return UpdateConfig(
            max_unavailable=number("MaxUnavailable"),
            max_unavailable_percentage=number("MaxUnavailablePercentage"),
            strategy=None if strategy is None else _str(strategy, ""),
            span=self.span(r, "UpdateConfig"),
        )

    def _self_managed(self, r: _Resource) -> NodeGroupFact | None:
        config: _Resource | None = None
        data_path: tuple[str, ...] = ()
        types_value: Value = None
        source = ""
        lt_spec = self.prop(r, "LaunchTemplate")
        mixed = self.prop(r, "MixedInstancesPolicy", "LaunchTemplate")
        if isinstance(mixed, dict):
            spec = mixed.get("LaunchTemplateSpecification")
            lt_spec = spec if isinstance(spec, dict) else None
            overrides = mixed.get("Overrides")
            if isinstance(overrides, list) and overrides:
                types_value = [o.get("InstanceType") if isinstance(o, dict) else o for o in overrides]
                source = f"{r.address} MixedInstancesPolicy Overrides"
        lc_name = self.prop(r, "LaunchConfigurationName")
        if isinstance(lt_spec, dict):
            config = self._launch_template(lt_spec.get("LaunchTemplateId"), lt_spec.get("LaunchTemplateName"))
            data_path = ("LaunchTemplateData",)
        elif lc_name is not None:
            config = next(
                (
                    c
                    for c in self.of_type("AWS::AutoScaling::LaunchConfiguration")
                    if same_ref(lc_name, _refs(c)[0])
                ),
                None,
            )
        user_data = self._user_data(config, (*data_path, "UserData"))
        if config is None and lt_spec is None and lc_name is None and types_value is None:
            return None  # an ASG of instances (InstanceId) or something else: not EKS nodes we can read
        if types_value is None and config is not None:
            types_value = self.prop(config, *data_path, "InstanceType")
            types_value = [types_value] if types_value is not None else None
            source = f"{config.address} InstanceType"
        if types_value is None:
            types_value = Unknown(
                "the Auto Scaling group's launch template or configuration is not declared here",
                # A declared one without an InstanceType (and no overrides) fails the ASG's creation.
                cause=Cause.LAUNCH_TEMPLATE_NOT_DECLARED if config is None else Cause.INVALID,
            )
        name = self.prop(r, "AutoScalingGroupName")
        desired = self.prop(r, "DesiredCapacity")
        self_managed = read_user_data(user_data)
        return NodeGroupFact(
            address=r.address,
            name=_str(name, "") if name is not None else r.logical_id,
            kind="self-managed",
            cluster_ref=self._asg_cluster(r, user_data),
            instance_types=_instance_types(types_value),
            min_size=_int(self.prop(r, "MinSize"), "MinSize is not set"),
            max_size=_int(self.prop(r, "MaxSize"), "MaxSize is not set"),
            # AWS::AutoScaling::AutoScalingGroup: DesiredCapacity defaults to MinSize.
            desired_size=_int(
                desired if desired is not None else self.prop(r, "MinSize"), "MinSize is not set"
            ),
            subnet_refs=_subnet_list(self._zone_identifier(r)),
            span=self.span(r),
            max_size_span=self.span(r, "MaxSize"),
            instance_types_span=self.span(config) if config is not None else self.span(r),
            subnets_span=self.span(r, "VPCZoneIdentifier"),
            # Self-managed nodes run their user data as written: it decides max pods.
            max_pods=self_managed.value,
            max_pods_expression=self_managed.expression,
            instance_types_source=source,
            max_size_key="MaxSize",
        )

    def _zone_identifier(self, r: _Resource) -> Value:
        """VPCZoneIdentifier; a ``!Join [",", [!Ref A, !Ref B]]`` is read as the list it joins, so
        the subnets stay linked instead of becoming one unknown string."""
        raw = r.props.get("VPCZoneIdentifier")
        join = raw.get("Fn::Join") if isinstance(raw, dict) and len(raw) == 1 else None
        if isinstance(join, list) and len(join) == 2 and join[0] == ",":
            items = self.ev.value(join[1])
            if isinstance(items, list):
                return items
        return self.prop(r, "VPCZoneIdentifier")

    def _user_data(self, config: _Resource | None, path: tuple[str, ...]) -> str | Unknown | None:
        if config is None or not self.has(config, *path):
            return None
        node: object = config.props
        for p in path:
            node = node[p] if isinstance(node, dict) else None
        return self.ev.text(node)

    def _asg_cluster(self, r: _Resource, user_data: str | Unknown | None) -> Value:
        """Which cluster an ASG's nodes join: its kubernetes.io/cluster/<name> tag, else the
        bootstrap.sh argument, else the template's only cluster."""
        candidates: list[str] = []
        tags = r.props.get("Tags")
        for tag in tags if isinstance(tags, list) else []:
            key = self.ev.text(tag.get("Key")) if isinstance(tag, dict) else None
            if isinstance(key, str) and key.startswith(_CLUSTER_TAG):
                candidates.append(key[len(_CLUSTER_TAG) :])
        if isinstance(user_data, str):
            m = _BOOTSTRAP_CLUSTER.search(user_data)
            if m:
                candidates.append(m.group(1))
        for text in candidates:
            m = _SUB_PLACEHOLDER.match(text)
            # "${ClusterName}" left by Fn::Sub: the parameter or resource it names, symbolically.
            return self.ev.value({"Ref": m.group(1)}) if m else text
        clusters = self.of_type("AWS::EKS::Cluster")
        if len(clusters) == 1:
            return Unknown("", clusters[0].address, cause=Cause.DEPLOY_TIME)
        return Unknown(
            f"cannot tell which cluster the nodes of {r.address} join (no kubernetes.io/cluster tag)",
            cause=Cause.CLUSTER_AMBIGUOUS,
        )

    def _addon(self, r: _Resource) -> CniSource:
        raw = self.prop(r, "ConfigurationValues")
        return CniSource(
            address=r.address,
            cluster_ref=self.prop(r, "ClusterName"),
            env={} if raw is None else parse_configuration_values(raw),
            span=self.span(r, "ConfigurationValues") if raw is not None else self.span(r),
            description=f"{r.address} ConfigurationValues",
        )


# Words in a resource type that mean it creates EKS clusters or nodes (AWSQS::EKS::Cluster,
# Custom::EksNodeGroup, MyOrg::Kubernetes::Cluster...).
_EKS_WORDS = re.compile(r"eks|kubernetes|k8s", re.IGNORECASE)
_CAPACITY_WORDS = re.compile(r"cluster|node_?group|nodepool|fargate", re.IGNORECASE)


def declares_capacity_elsewhere(type_: str) -> bool:
    """A resource type outside AWS's own namespace that declares an EKS cluster or node group:
    its capacity is real but not modelled, so it is named in a note, never silently dropped."""
    if type_.startswith("AWS::"):
        return False
    kind = type_.rsplit("::", maxsplit=1)[-1]
    return bool(_EKS_WORDS.search(type_)) and bool(
        _CAPACITY_WORDS.search(kind) or "nodegroup" in kind.lower()
    )


def _refs(r: _Resource, *attrs: str) -> tuple[Value, ...]:
    """What other resources see: ``Ref`` (key = logical ID) and each ``Fn::GetAtt`` attribute."""
    attributes = [
        Unknown("assigned at deploy time", f"{r.address}.{a}", cause=Cause.DEPLOY_TIME) for a in attrs
    ]
    return (Unknown("assigned at deploy time", r.address, cause=Cause.DEPLOY_TIME), *attributes)


# The readers below take what an unset property means: ``unset`` says why for people, and
# ``unset_cause`` for EKSIP002's advice (a required property left out fails the deploy: INVALID).


def _str(v: Value, unset: str, unset_cause: Cause = Cause.INVALID) -> str | Unknown:
    if isinstance(v, (str, Unknown)):
        return v
    if v is None:
        return Unknown(unset or "not set", cause=unset_cause)
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return Unknown(f"expected a string, found {describe(v)}", cause=Cause.INVALID)


def _int(v: Value, unset: str, unset_cause: Cause = Cause.INVALID) -> int | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, bool):
        return Unknown(f"expected a whole number, found {describe(v)}", cause=Cause.INVALID)
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().isdigit():
        return int(v)
    if v is None:
        return Unknown(unset, cause=unset_cause)
    return Unknown(f"expected a whole number, found {describe(v)}", cause=Cause.INVALID)


def _list(v: Value, unset: str, unset_cause: Cause = Cause.INVALID) -> tuple[Value, ...] | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, list):
        return tuple(v)
    if v is None:
        return Unknown(unset, cause=unset_cause)
    return Unknown(f"expected a list, found {describe(v)}", cause=Cause.INVALID)


def _subnet_list(v: Value) -> tuple[Value, ...] | Unknown:
    # VPCZoneIdentifier is a list, but templates also pass one comma-joined string.
    if isinstance(v, str):
        return tuple(s.strip() for s in v.split(",") if s.strip())
    return _list(
        v,
        "VPCZoneIdentifier is not set (the ASG uses AvailabilityZones in the default VPC)",
        Cause.AWS_CHOOSES,
    )


def _instance_types(v: Value) -> tuple[str, ...] | Unknown:
    items = _list(v, "no instance type is set")
    if isinstance(items, Unknown):
        return items
    out = []
    for item in items:
        if not isinstance(item, str):
            if isinstance(item, Unknown):
                return item
            return Unknown(f"instance type {describe(item)} is not a string", cause=Cause.INVALID)
        out.append(item)
    return tuple(out) if out else Unknown("InstanceTypes is empty", cause=Cause.INVALID)

"""CloudFormation resources that take IPs from subnets besides node groups -> SubnetConsumerFact.

The CloudFormation equivalents of facts/tf_consumers.py, with the same costs
(capacity-beyond-node-groups.md §7): ``AWS::EC2::VPCEndpoint`` (Interface), ``AWS::EC2::NatGateway``,
``AWS::ElasticLoadBalancingV2::LoadBalancer``, ``AWS::EFS::MountTarget``, ``AWS::RDS::DBInstance``
(through ``AWS::RDS::DBSubnetGroup``), ``AWS::Lambda::Function`` ``VpcConfig``,
``AWS::EC2::TransitGatewayVpcAttachment`` and ``AWS::EC2::SubnetCidrReservation``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from eks_ip_lint.facts.model import ConsumerKind, Facts, SubnetConsumerFact, same_ref
from eks_ip_lint.facts.tf_consumers import ALB_IPS_PER_SUBNET, DOC
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Unknown, Value


class Template(Protocol):
    """What this module needs of a template's extraction (facts/cloudformation.py)."""

    def of_type(self, type_: str) -> Sequence[Any]: ...
    def prop(self, r: Any, *path: str) -> Value: ...
    def span(self, r: Any, *prop: str | int) -> SourceSpan: ...


def extract(t: Template, facts: Facts) -> None:
    def add(r: Any, kind: ConsumerKind, subnets: Value, ips: int, basis: str, **extra: object) -> None:
        refs = _refs(subnets)
        if refs:
            facts.consumers.append(
                SubnetConsumerFact(r.address, kind, refs, ips, t.span(r), basis, **extra)  # type: ignore[arg-type]
            )

    for r in t.of_type("AWS::EC2::VPCEndpoint"):
        if t.prop(r, "VpcEndpointType") == "Interface":  # the default is Gateway
            add(r, "interface-endpoint", t.prop(r, "SubnetIds"), 1, f"1 ENI per subnet, 1 IPv4 each ({DOC})")
    for r in t.of_type("AWS::EC2::NatGateway"):
        count = t.prop(r, "SecondaryPrivateIpAddressCount")
        listed = t.prop(r, "SecondaryPrivateIpAddresses")
        extra = count if isinstance(count, int) else len(listed) if isinstance(listed, list) else 0
        basis = f"1 + {extra} secondary private IPs ({DOC})" if extra else f"1 private IP ({DOC})"
        add(r, "nat-gateway", t.prop(r, "SubnetId"), 1 + extra, basis)
    for r in t.of_type("AWS::ElasticLoadBalancingV2::LoadBalancer"):
        kind = t.prop(r, "Type") or "application"
        subnets: Value = t.prop(r, "Subnets")
        mappings = t.prop(r, "SubnetMappings")
        if subnets is None and isinstance(mappings, list):
            subnets = [m.get("SubnetId") for m in mappings if isinstance(m, dict)]
        if kind == "application":
            basis = (
                f"an ALB needs {ALB_IPS_PER_SUBNET} free IPs per subnet and takes more as it scales, "
                f"maximum undocumented: keep reserved_ips_per_subnet for the rest ({DOC})"
            )
            add(r, "load-balancer", subnets, ALB_IPS_PER_SUBNET, basis)
        elif kind == "network":
            add(r, "load-balancer", subnets, 1, f"an NLB takes 1 private IP per subnet ({DOC})")
    for r in t.of_type("AWS::EFS::MountTarget"):
        add(r, "efs-mount-target", t.prop(r, "SubnetId"), 1, f"1 per mount target ({DOC})")
    groups = t.of_type("AWS::RDS::DBSubnetGroup")
    for r in t.of_type("AWS::RDS::DBInstance"):
        name = t.prop(r, "DBSubnetGroupName")
        group = _find(name, groups, t)
        if group is not None:
            basis = f"1 per DB instance in a subnet of its group that RDS chooses: each is charged 1 ({DOC})"
            add(r, "database", t.prop(group, "SubnetIds"), 1, basis, one_of=True)
    for r in t.of_type("AWS::Lambda::Function"):
        sgs = t.prop(r, "VpcConfig", "SecurityGroupIds")
        key = ",".join(
            sorted(
                g.key or "?" if isinstance(g, Unknown) else str(g)
                for g in (sgs if isinstance(sgs, list) else [sgs])
            )
        )
        basis = f"1 Hyperplane ENI per subnet and security-group set, shared by the functions with that set ({DOC})"
        add(r, "lambda", t.prop(r, "VpcConfig", "SubnetIds"), 1, basis, share_key=key)
    for r in t.of_type("AWS::EC2::TransitGatewayVpcAttachment"):
        add(r, "transit-gateway-attachment", t.prop(r, "SubnetIds"), 1, f"1 ENI per subnet ({DOC})")
    for r in t.of_type("AWS::EC2::SubnetCidrReservation"):
        cidr, rtype = t.prop(r, "Cidr"), t.prop(r, "ReservationType")
        if isinstance(cidr, str) and rtype in ("explicit", "prefix"):
            add(
                r,
                "cidr-reservation",
                t.prop(r, "SubnetId"),
                0,
                f"its {rtype} reservation {cidr} ({DOC})",
                reserved_cidr=cidr,
                reservation_type=str(rtype),
            )


def _refs(v: Value) -> tuple[Value, ...]:
    if v is None:
        return ()
    return tuple(v) if isinstance(v, list) else (v,)


def _find(ref: Value, groups: Sequence[Any], t: Template) -> Any:
    """The DB subnet group ``ref`` names: ``!Ref Group`` (its logical ID's key) or its name."""
    if ref is None:
        return None
    for g in groups:
        if isinstance(ref, Unknown) and ref.key == g.address:
            return g
        if same_ref(ref, t.prop(g, "DBSubnetGroupName")):
            return g
    return None

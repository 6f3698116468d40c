"""Terraform resources that take IPs from subnets besides node groups -> SubnetConsumerFact.

The cost of each is the one shared/docs/capacity-beyond-node-groups.md §7 gives, with its status:

* ``aws_vpc_endpoint`` of type Interface: 1 ENI per subnet, 1 IPv4 each [doc]. Gateway endpoints
  (the provider's default type) are route-table targets and take none [inferred].
* ``aws_nat_gateway``: 1 + its secondary private IPs, in its one subnet [3p].
* ``aws_lb`` / ``aws_alb``: an application load balancer needs 8 free IPs in each subnet and takes
  more as it scales (maximum undocumented) [doc via 3p]; a network load balancer 1 per subnet
  [doc]. Gateway load balancers are not in the reference and are not counted.
* ``aws_efs_mount_target``: 1 in its subnet [doc via 3p].
* ``aws_db_instance``, ``aws_rds_cluster_instance``: 1 per instance in one subnet of its DB subnet
  group, which RDS chooses [doc]: every subnet of the group is charged 1 as its worst case.
* ``aws_lambda_function`` with ``vpc_config``: 1 Hyperplane ENI per (subnet, security-group set),
  shared by every function with that set [doc].
* ``aws_ec2_transit_gateway_vpc_attachment``: 1 ENI per subnet [doc; 1 IP per ENI inferred].
* ``aws_ec2_subnet_cidr_reservation``: its block (capacity/consumers.py computes the cost).
* ``aws_eks_fargate_profile``: a FargateProfileFact (1 IP per pod, the count is not declared).

A value that cannot be known (a count, a subnet list) is an Unresolved: the consumer is charged
what is known of it and the rest is reported, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable

from eks_ip_lint.facts.model import (
    ConsumerKind,
    Facts,
    FargateProfileFact,
    SubnetConsumerFact,
    Unresolved,
    same_ref,
)
from eks_ip_lint.facts.tf_values import as_list, first_block
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.values import Cause, Unknown, Value

DOC = "capacity-beyond-node-groups.md §7"
# ALB subnets must have at least 8 free IPs (ELB documentation quoted in the reference, §7).
ALB_IPS_PER_SUBNET = 8


def extract(facts: Facts, of_type: Callable[[str], list[ResourceInstance]]) -> None:
    """Append the consumers of ``of_type``'s instances (and what about them is unknown) to ``facts``."""
    r = _Reader(facts)
    for inst in of_type("aws_vpc_endpoint"):
        r.endpoint(inst)
    for inst in of_type("aws_nat_gateway"):
        r.nat_gateway(inst)
    for type_ in ("aws_lb", "aws_alb"):
        for inst in of_type(type_):
            r.load_balancer(inst)
    for inst in of_type("aws_efs_mount_target"):
        r.add(inst, "efs-mount-target", inst.values.get("subnet_id"), 1, f"1 per mount target ({DOC})")
    subnet_groups = of_type("aws_db_subnet_group")
    clusters = of_type("aws_rds_cluster")
    for type_ in ("aws_db_instance", "aws_rds_cluster_instance"):
        for inst in of_type(type_):
            r.database(inst, subnet_groups, clusters)
    for inst in of_type("aws_lambda_function"):
        r.lambda_function(inst)
    for inst in of_type("aws_ec2_transit_gateway_vpc_attachment"):
        r.add(
            inst, "transit-gateway-attachment", inst.values.get("subnet_ids"), 1, f"1 ENI per subnet ({DOC})"
        )
    for inst in of_type("aws_ec2_subnet_cidr_reservation"):
        r.reservation(inst)
    for inst in of_type("aws_eks_fargate_profile"):
        name = inst.values.get("fargate_profile_name")
        subnets = inst.values.get("subnet_ids")
        facts.fargate_profiles.append(
            FargateProfileFact(
                address=inst.address,
                name=name if isinstance(name, (str, Unknown)) else inst.name,
                cluster_ref=inst.values.get("cluster_name"),
                subnet_refs=as_list(subnets),
                span=inst.span,
            )
        )


class _Reader:
    def __init__(self, facts: Facts) -> None:
        self.facts = facts

    def note(self, inst: ResourceInstance, what: str, v: Unknown, attr: str) -> None:
        self.facts.unresolved.append(
            Unresolved(what, v.reason, v.span or inst.span_of(attr), inst.address, cause=v.cause)
        )

    def subnets(self, inst: ResourceInstance, v: Value, attr: str) -> tuple[Value, ...] | None:
        """The subnet references of ``v`` (one, or a list); None, with a note, when unknown."""
        if isinstance(v, Unknown) and v.key is not None and v.key.endswith(".id"):
            return (v,)  # one subnet, by its symbolic id
        if isinstance(v, Unknown):
            self.note(inst, f"the subnets of {inst.address}", v, attr)
            return None
        if v is None:
            return None
        return tuple(v) if isinstance(v, list) else (v,)

    def add(
        self,
        inst: ResourceInstance,
        kind: ConsumerKind,
        subnets: Value,
        ips: int,
        basis: str,
        *,
        attr: str = "subnet_ids",
        **extra: str | bool | None,
    ) -> None:
        refs = self.subnets(inst, subnets, attr)
        if not refs:
            return
        self.facts.consumers.append(
            SubnetConsumerFact(
                address=inst.address,
                kind=kind,
                subnet_refs=refs,
                ips_per_subnet=ips,
                span=inst.span,
                basis=basis,
                **extra,  # type: ignore[arg-type]
            )
        )

    def endpoint(self, inst: ResourceInstance) -> None:
        kind = inst.values.get("vpc_endpoint_type", "Gateway")  # the provider's default
        if isinstance(kind, Unknown):
            self.note(inst, f"whether {inst.address} is an interface endpoint", kind, "vpc_endpoint_type")
            return
        if kind != "Interface":
            return
        subnets = inst.values.get("subnet_ids")
        if subnets is None:  # subnet_configuration blocks name the subnets instead
            blocks = inst.values.get("subnet_configuration")
            if isinstance(blocks, list):
                subnets = [b.get("subnet_id") for b in blocks if isinstance(b, dict)]
        self.add(inst, "interface-endpoint", subnets, 1, f"1 ENI per subnet, 1 IPv4 each ({DOC})")

    def nat_gateway(self, inst: ResourceInstance) -> None:
        extra = 0
        count = inst.values.get("secondary_private_ip_address_count")
        listed = inst.values.get("secondary_private_ip_addresses")
        if isinstance(count, int) and not isinstance(count, bool):
            extra = count
        elif isinstance(listed, list):
            extra = len(listed)
        for v, attr in (
            (count, "secondary_private_ip_address_count"),
            (listed, "secondary_private_ip_addresses"),
        ):
            if isinstance(v, Unknown):
                self.note(inst, f"the secondary private IPs of {inst.address} (1 is counted)", v, attr)
        basis = f"1 + {extra} secondary private IPs ({DOC})" if extra else f"1 private IP ({DOC})"
        self.add(inst, "nat-gateway", inst.values.get("subnet_id"), 1 + extra, basis, attr="subnet_id")

    def load_balancer(self, inst: ResourceInstance) -> None:
        kind = inst.values.get("load_balancer_type", "application")  # the provider's default
        if isinstance(kind, Unknown):
            self.note(inst, f"the type of {inst.address}", kind, "load_balancer_type")
            return
        subnets = inst.values.get("subnets")
        mappings = inst.values.get("subnet_mapping")
        if subnets is None and isinstance(mappings, list):
            subnets = [m.get("subnet_id") for m in mappings if isinstance(m, dict)]
        if kind == "application":
            basis = (
                f"an ALB needs {ALB_IPS_PER_SUBNET} free IPs per subnet and takes more as it scales, "
                f"maximum undocumented: keep reserved_ips_per_subnet for the rest ({DOC})"
            )
            self.add(inst, "load-balancer", subnets, ALB_IPS_PER_SUBNET, basis, attr="subnets")
        elif kind == "network":
            self.add(
                inst,
                "load-balancer",
                subnets,
                1,
                f"an NLB takes 1 private IP per subnet ({DOC})",
                attr="subnets",
            )

    def database(
        self, inst: ResourceInstance, groups: list[ResourceInstance], clusters: list[ResourceInstance]
    ) -> None:
        name = inst.values.get("db_subnet_group_name")
        if name is None and inst.type == "aws_rds_cluster_instance":
            cluster = _find(inst.values.get("cluster_identifier"), clusters, "id", "cluster_identifier")
            name = cluster.values.get("db_subnet_group_name") if cluster is not None else None
        if name is None:
            return  # RDS's default subnet group is the default VPC's, not one declared here
        group = _find(name, groups, "name", "id")
        if group is None:
            return
        basis = f"1 per DB instance in a subnet of its group that RDS chooses: each is charged 1 ({DOC})"
        self.add(inst, "database", group.values.get("subnet_ids"), 1, basis, one_of=True)

    def lambda_function(self, inst: ResourceInstance) -> None:
        vpc = first_block(inst, "vpc_config")
        if not vpc:
            return
        groups = vpc.get("security_group_ids")
        key = _share_key(groups)
        basis = f"1 Hyperplane ENI per subnet and security-group set, shared by the functions with that set ({DOC})"
        self.add(inst, "lambda", vpc.get("subnet_ids"), 1, basis, attr="vpc_config", share_key=key)

    def reservation(self, inst: ResourceInstance) -> None:
        cidr = inst.values.get("cidr_block")
        kind = inst.values.get("reservation_type")
        for v, attr in ((cidr, "cidr_block"), (kind, "reservation_type")):
            if isinstance(v, Unknown):
                self.note(inst, f"the {attr} of {inst.address}", v, attr)
                return
        if not isinstance(cidr, str) or kind not in ("explicit", "prefix"):
            return
        basis = f"its {kind} reservation {cidr} ({DOC})"
        self.add(
            inst,
            "cidr-reservation",
            inst.values.get("subnet_id"),
            0,
            basis,
            attr="subnet_id",
            reserved_cidr=cidr,
            reservation_type=str(kind),
        )


def _find(ref: Value, candidates: list[ResourceInstance], *attrs: str) -> ResourceInstance | None:
    """The instance that ``ref`` names: by a known value of one of ``attrs`` or its symbolic key."""
    if ref is None:
        return None
    for c in candidates:
        own: list[Value] = [Unknown("", f"{c.address}.{a}", cause=Cause.APPLY_TIME) for a in attrs]
        own += [c.values.get(a) for a in attrs]
        if any(o is not None and same_ref(ref, o) for o in own):
            return c
    return None


def _share_key(groups: Value) -> str:
    """A stable name for a set of security groups: known ids and symbolic keys, sorted."""
    if not isinstance(groups, list):
        groups = [groups]
    names = sorted(g.key or "?" if isinstance(g, Unknown) else str(g) for g in groups)
    return ",".join(names)

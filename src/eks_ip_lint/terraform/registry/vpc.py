"""terraform-aws-modules/vpc/aws (v3 to v5 share these inputs and outputs).

What the module does with its inputs (main.tf @ 82d1929e, L293-320): one ``aws_subnet.<tier>``
per element of ``var.<tier>_subnets``, in input order, with
``availability_zone = element(var.azs, count.index)``, so subnet *i* lands in ``azs[i % n]``;
``azs`` entries that are AZ IDs (``use1-az1``, not matching ``^[a-z]{2}-``) set
``availability_zone_id`` instead. Outputs keep input order (outputs.tf L177-190):
``private_subnets = aws_subnet.private[*].id``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.registry.common import CallInputs, Note, Synthesized, computed, note_of, resource
from eks_ip_lint.values import Cause, Unknown, Value


@dataclass(frozen=True)
class Tier:
    input: str  # private_subnets
    resource_name: str  # aws_subnet.private
    output: str  # private_subnets


# Every subnet tier the module declares; all of them take space in the VPC.
TIERS: tuple[Tier, ...] = tuple(
    Tier(f"{t}_subnets", t, f"{t}_subnets")
    for t in ("public", "private", "intra", "database", "elasticache", "redshift", "outpost")
)

_AZ_NAME = re.compile(r"^[a-z]{2}-")


def synthesize(call: CallInputs) -> Synthesized:
    out = Synthesized()
    create = call.get("create_vpc", True)
    if create is False:
        out.outputs = {t.output: [] for t in TIERS}
        return out
    vpc_addr = f"{call.address}.aws_vpc.this[0]"
    vpc_id = computed(vpc_addr, "id")
    cidr = call.get("cidr", "10.0.0.0/16")  # the module's default for var.cidr
    out.resources.append(
        resource(
            "aws_vpc", vpc_addr, {"cidr_block": cidr}, {"cidr_block": call.line("cidr")}, call.at("cidr")
        )
    )
    secondary = call.get("secondary_cidr_blocks", [])
    if isinstance(secondary, list):
        for i, block in enumerate(secondary):
            addr = f"{call.address}.aws_vpc_ipv4_cidr_block_association.this[{i}]"
            out.resources.append(
                resource(
                    "aws_vpc_ipv4_cidr_block_association",
                    addr,
                    {"vpc_id": vpc_id, "cidr_block": block},
                    {"cidr_block": call.line("secondary_cidr_blocks")},
                    call.at("secondary_cidr_blocks"),
                )
            )
    elif isinstance(secondary, Unknown):
        out.notes.append(_note(call, "secondary_cidr_blocks", secondary))
    azs = call.get("azs", [])
    for tier in TIERS:
        cidrs = call.get(tier.input, [])
        if isinstance(cidrs, Unknown) or not isinstance(cidrs, list):
            out.notes.append(_note(call, tier.input, cidrs))
            out.outputs[tier.output] = Unknown(
                f"{call.address}.{tier.output}: {tier.input} is unknown",
                f"{call.address}.{tier.output}",
                cause=cidrs.cause if isinstance(cidrs, Unknown) else Cause.INVALID,
            )
            continue
        ids: list[Value] = []
        for i, block in enumerate(cidrs):
            addr = f"{call.address}.aws_subnet.{tier.resource_name}[{i}]"
            values: dict[str, Value] = {
                "cidr_block": block,
                "vpc_id": vpc_id,
                **_az(azs, i, call),
                "tags": _tags(call, tier.resource_name, azs, i),
            }
            span = SourceSpan(call.span.path, call.line(tier.input), call.span.end_line)
            out.resources.append(resource("aws_subnet", addr, values, {"cidr_block": span.line}, span))
            ids.append(computed(addr, "id"))
        out.outputs[tier.output] = ids
        out.outputs[f"{tier.output}_cidr_blocks"] = [c for c in cidrs if c != ""]
    out.outputs.update(
        {
            "vpc_id": vpc_id,
            "vpc_cidr_block": cidr,
            "vpc_secondary_cidr_blocks": secondary,
            "azs": azs,
            "name": call.get("name", ""),
        }
    )
    return out


# var.<tier>_subnet_suffix defaults (variables.tf): the middle of each subnet's Name tag.
_SUFFIX = {"database": "db"}


def _tags(call: CallInputs, tier: str, azs: Value, i: int) -> Value:
    """The subnet's tags, as main.tf merges them: ``{Name = "<name>-<suffix>-<az>"}`` (v5:
    ``<tier>_subnet_names[i]`` when given), ``tags``, ``<tier>_subnet_tags`` and (v5)
    ``<tier>_subnet_tags_per_az[az]``. Selectors by tag (data "aws_subnets" filters) read them."""
    az: Value
    if tier == "outpost":
        az = call.get("outpost_az")
    elif isinstance(azs, list) and azs:
        az = azs[i % len(azs)]
    else:
        az = Unknown(f"{call.address}: azs is not known", cause=Cause.INVALID)
    names = call.get(f"{tier}_subnet_names")
    suffix = call.get(f"{tier}_subnet_suffix", _SUFFIX.get(tier, tier))
    name: Value
    if isinstance(names, list) and i < len(names):
        name = names[i]
    elif all(isinstance(v, str) for v in (call.get("name", ""), suffix, az)):
        name = f"{call.get('name', '')}-{suffix}-{az}"
    else:
        # Unknown because a part is (AZs from a data source, a name from an unset variable): keep
        # that part's cause; a part that is known but not a string is invalid.
        part = next((v for v in (call.get("name", ""), suffix, az) if isinstance(v, Unknown)), None)
        name = Unknown(
            f"{call.address}: the Name tag of a {tier} subnet is not known",
            cause=part.cause if part is not None else Cause.INVALID,
        )
    out: dict[str, Value] = {"Name": name}
    per_az = call.get(f"{tier}_subnet_tags_per_az")
    if isinstance(per_az, dict) and per_az and not isinstance(az, str):
        # Which AZ's tags apply cannot be told: every tag of the subnet is then uncertain.
        return Unknown(
            f"{call.address}: {tier}_subnet_tags_per_az for an AZ not known", cause=Cause.DATA_SOURCE
        )
    for extra in (
        call.get("tags"),
        call.get(f"{tier}_subnet_tags"),
        per_az.get(az) if isinstance(per_az, dict) and isinstance(az, str) else None,
    ):
        if isinstance(extra, Unknown):
            return extra
        if isinstance(extra, dict):
            out.update(extra)
    return out


def _az(azs: Value, i: int, call: CallInputs) -> dict[str, Value]:
    """``element(var.azs, i)``: wraps around; an AZ ID sets availability_zone_id instead."""
    if isinstance(azs, list) and azs:
        az = azs[i % len(azs)]
        if isinstance(az, str) and not _AZ_NAME.match(az):
            return {"availability_zone_id": az}
        return {"availability_zone": az}
    if isinstance(azs, Unknown):
        return {"availability_zone": Unknown(f"{call.address} azs is unknown: {azs.reason}", cause=azs.cause)}
    # No azs: the module passes null and AWS picks an AZ per subnet.
    return {}


def _note(call: CallInputs, name: str, value: Value) -> Note:
    return note_of(f"input {name} of {call.address}", value, "a list", call, call.at(name))

"""Small readers of evaluated resource arguments, shared by the Terraform fact extractors."""

from __future__ import annotations

from eks_ip_lint.facts.model import same_ref
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.values import Cause, Unknown, Value, describe


def computed_refs(inst: ResourceInstance, *computed: str) -> tuple[Value, ...]:
    """The values other resources see when they reference this instance: each attribute's symbolic
    key, and its value where the instance knows it (a plan's existing subnet has its real ID)."""
    symbolic = tuple(
        Unknown("computed at apply", f"{inst.address}.{attr}", cause=Cause.APPLY_TIME) for attr in computed
    )
    known = tuple(v for attr in computed if isinstance(v := inst.values.get(attr), str) and v)
    return symbolic + known


# The readers below take what an unset argument means for EKSIP002's advice: the arguments they
# read are mostly required ones, which Terraform refuses to leave out (INVALID).


def as_str(v: Value, unset_cause: Cause = Cause.INVALID) -> str | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, str):
        return v
    if v is None:
        return Unknown("not set", cause=unset_cause)
    return Unknown(f"expected a string, found {describe(v)}", cause=Cause.INVALID)


def as_int(v: Value, unset_cause: Cause = Cause.INVALID) -> int | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, bool):
        return Unknown(f"expected a whole number, found {describe(v)}", cause=Cause.INVALID)
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    if v is None:
        return Unknown("not set", cause=unset_cause)
    return Unknown(f"expected a whole number, found {describe(v)}", cause=Cause.INVALID)


def as_list(v: Value, unset_cause: Cause = Cause.INVALID) -> tuple[Value, ...] | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, list):
        return tuple(v)
    if v is None:
        return Unknown("not set", cause=unset_cause)
    return Unknown(f"expected a list, found {describe(v)}", cause=Cause.INVALID)


def first_block(inst: ResourceInstance, name: str) -> dict[str, Value]:
    """The first nested block of that name (scaling_config, vpc_config...), or {}."""
    blocks = inst.values.get(name)
    if isinstance(blocks, list) and blocks and isinstance(blocks[0], dict):
        return blocks[0]
    return {}


def instance_types_of(v: Value) -> tuple[str, ...] | Unknown:
    items = as_list(v)
    if isinstance(items, Unknown):
        return items
    out = []
    for item in items:
        if not isinstance(item, str):
            if isinstance(item, Unknown):
                return item
            return Unknown(f"instance type {describe(item)} is not a string", cause=Cause.INVALID)
        out.append(item)
    return tuple(out) if out else Unknown("instance_types is empty", cause=Cause.INVALID)


def find_launch_template(ref: dict[str, Value], templates: list[ResourceInstance]) -> ResourceInstance | None:
    wanted = [ref.get("id"), ref.get("name")]
    for t in templates:
        own = (
            Unknown("", f"{t.address}.id", cause=Cause.APPLY_TIME),
            Unknown("", f"{t.address}.name", cause=Cause.APPLY_TIME),
            t.values.get("name"),
        )
        if any(w is not None and same_ref(w, o) for w in wanted for o in own):
            return t
    return None

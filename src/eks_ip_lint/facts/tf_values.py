"""Small readers of evaluated resource arguments, shared by the Terraform fact extractors."""

from __future__ import annotations

from eks_ip_lint.facts.model import same_ref
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.values import Unknown, Value


def computed_refs(inst: ResourceInstance, *computed: str) -> tuple[Value, ...]:
    """The values other resources see when they reference this instance: each attribute's symbolic
    key, and its value where the instance knows it (a plan's existing subnet has its real ID)."""
    symbolic = tuple(Unknown("computed at apply", f"{inst.address}.{attr}") for attr in computed)
    known = tuple(v for attr in computed if isinstance(v := inst.values.get(attr), str) and v)
    return symbolic + known


def as_str(v: Value) -> str | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, str):
        return v
    if v is None:
        return Unknown("not set")
    return Unknown(f"expected a string, found {v!r}")


def as_int(v: Value) -> int | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, bool):
        return Unknown(f"expected a whole number, found {v!r}")
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    if v is None:
        return Unknown("not set")
    return Unknown(f"expected a whole number, found {v!r}")


def as_list(v: Value) -> tuple[Value, ...] | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, list):
        return tuple(v)
    if v is None:
        return Unknown("not set")
    return Unknown(f"expected a list, found {v!r}")


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
            return item if isinstance(item, Unknown) else Unknown(f"instance type {item!r} is not a string")
        out.append(item)
    return tuple(out) if out else Unknown("instance_types is empty")


def find_launch_template(ref: dict[str, Value], templates: list[ResourceInstance]) -> ResourceInstance | None:
    wanted = [ref.get("id"), ref.get("name")]
    for t in templates:
        own = (
            Unknown("", f"{t.address}.id"),
            Unknown("", f"{t.address}.name"),
            t.values.get("name"),
        )
        if any(w is not None and same_ref(w, o) for w in wanted for o in own):
            return t
    return None

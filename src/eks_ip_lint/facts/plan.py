"""Terraform plan JSON -> facts, through the same per-resource mapping as HCL.

Each resource of ``planned_values`` (the root module and its ``child_modules``, recursively) becomes
a :class:`ResourceInstance` with its planned values, so :func:`facts.terraform.from_instances` maps
plans and HCL alike. What the plan does not know:

* a value that is unknown after apply (absent from ``values``, ``true`` in the matching
  ``resource_changes[].change.after_unknown``) becomes an :class:`Unknown` keyed by its address
  (``aws_subnet.private[0].id``), exactly as in HCL evaluation, so references link the same way;
* when such a value is an argument, the references Terraform recorded for its expression
  (``configuration...resources[].expressions.<arg>.references``) say what it will be: a
  resource instance's attribute (``aws_subnet.private[0].id`` -> that key, or the value when the
  plan knows it), a whole resource (``aws_subnet.private``, what ``[*].id`` records) -> the ``id``
  of each of its instances in index order, a module output or a module variable -> the references
  of that output or of the caller's argument, followed into the module. This is how a node
  group's ``subnet_ids`` link to subnets created in the same plan (integrations.md §3).
  A reference through ``local.`` or ``data.`` is not followed (the plan does not record locals'
  expressions): the value stays a plain Unknown.

Spans: every fact of a resource points at the line of its ``"address"`` in the plan file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from eks_ip_lint.facts import terraform as tf_facts
from eks_ip_lint.facts.model import Facts, InputProblem
from eks_ip_lint.sources.lined import DecodeProblem
from eks_ip_lint.sources.plan_json import PlanDocument, decode
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.values import Cause, Unknown, Value

# Arguments that are lists even when their references resolve to one value.
_LIST_ARGUMENTS = frozenset(
    {"subnet_ids", "vpc_zone_identifier", "security_group_ids", "instance_types", "values"}
)
_RESOURCE_REF = re.compile(r"^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)(\[[^\]]+\])?(?:\.(.+))?$")
_MODULE_SEGMENT = re.compile(r"module\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.")
_MAX_DEPTH = 16


def load_plan(path: str) -> Facts | None:
    """Facts of a plan JSON file; None when the file is not a plan."""
    doc = decode(path)
    if doc is None:
        return None
    facts = Facts(unit=path)
    if isinstance(doc, DecodeProblem):
        facts.problems.append(InputProblem(doc.message, SourceSpan(path, doc.line)))
        return facts
    planned = doc.data.get("planned_values")
    root = planned.get("root_module") if isinstance(planned, dict) else None
    if not isinstance(root, dict):
        facts.problems.append(
            InputProblem(
                "plan JSON has no planned_values.root_module (is it the output of terraform show -json "
                "of a saved plan, not of a state?)",
                SourceSpan(path, _line_of(doc, '"planned_values"')),
            )
        )
        return facts
    plan = _Plan(doc)
    instances = plan.instances(root, facts)
    tf_facts.from_instances(facts, lambda type_: [i for i in instances if i.type == type_])
    return facts


def _line_of(doc: PlanDocument, needle: str) -> int:
    i = doc.text.find(needle)
    return doc.text.count("\n", 0, i) + 1 if i >= 0 else 1


@dataclass(frozen=True)
class _Raw:
    address: str
    module_prefix: str  # "module.vpc." ("" in the root module)
    type: str
    name: str
    index: Any
    values: dict[str, Any]


class _Plan:
    def __init__(self, doc: PlanDocument) -> None:
        self.doc = doc
        changes = doc.data.get("resource_changes")
        self.after_unknown: dict[str, Any] = {}
        for rc in changes if isinstance(changes, list) else []:
            change = rc.get("change") if isinstance(rc, dict) else None
            if isinstance(change, dict) and isinstance(rc.get("address"), str):
                self.after_unknown[rc["address"]] = change.get("after_unknown")
        config = doc.data.get("configuration")
        self.config_root = config.get("root_module") if isinstance(config, dict) else None
        self.raw: dict[str, _Raw] = {}

    # --- planned values ------------------------------------------------------------------------

    def instances(self, root: dict[str, Any], facts: Facts) -> list[ResourceInstance]:
        for r in self._walk(root, 0, facts):
            self.raw[r.address] = r
        return [self._instance(r) for r in self.raw.values()]

    def _walk(self, module: dict[str, Any], depth: int, facts: Facts) -> Iterator[_Raw]:
        if depth > _MAX_DEPTH:
            return
        address = module.get("address")
        prefix = f"{address}." if isinstance(address, str) and address else ""
        resources = module.get("resources", [])
        if not isinstance(resources, list):
            resources = []
            facts.problems.append(
                InputProblem(
                    f"plan JSON: resources of {address or 'the root module'} is not a list",
                    SourceSpan(self.doc.path, 1),
                )
            )
        for r in resources:
            if not isinstance(r, dict) or r.get("mode", "managed") != "managed":
                continue
            addr, type_, name = r.get("address"), r.get("type"), r.get("name")
            values = r.get("values")
            if not (isinstance(addr, str) and isinstance(type_, str) and isinstance(name, str)):
                facts.problems.append(
                    InputProblem(
                        "plan JSON: a resource lacks address, type or name; skipped",
                        SourceSpan(self.doc.path, 1),
                    )
                )
                continue
            yield _Raw(addr, prefix, type_, name, r.get("index"), values if isinstance(values, dict) else {})
        children = module.get("child_modules", [])
        for child in children if isinstance(children, list) else []:
            if isinstance(child, dict):
                yield from self._walk(child, depth + 1, facts)

    def _instance(self, r: _Raw) -> ResourceInstance:
        values: dict[str, Value] = {k: _plain(v) for k, v in r.values.items()}
        unknown = self.after_unknown.get(r.address)
        exprs = self._resource_config(r)
        if isinstance(unknown, dict):
            for attr, spec in unknown.items():
                expr = exprs.get(attr) if isinstance(exprs, dict) else None
                values[attr] = self._mark(r, attr, values.get(attr), spec, expr)
        span = SourceSpan(self.doc.path, self.doc.line_of_address(r.address))
        index = r.index if isinstance(r.index, int | str) and not isinstance(r.index, bool) else None
        return ResourceInstance(r.type, r.name, r.address, index, values, {}, span)

    def _mark(self, r: _Raw, path: str, value: Value, spec: Any, expr: Any) -> Value:
        """Replace what ``after_unknown`` marks unknown inside ``value`` (at ``path``)."""
        if spec is True:
            return self._unknown_argument(r, path, expr)
        if isinstance(spec, list):
            items: list[Value] = list(value) if isinstance(value, list) else [None] * len(spec)
            exprs = expr if isinstance(expr, list) else []  # nested blocks: one expressions object each
            for i, s in enumerate(spec[: len(items)]):
                e = exprs[i] if i < len(exprs) else None
                items[i] = self._mark(r, f"{path}[{i}]", items[i], s, e)
            return items
        if isinstance(spec, dict):
            obj = dict(value) if isinstance(value, dict) else {}
            for k, s in spec.items():
                e = expr.get(k) if isinstance(expr, dict) else None
                obj[k] = self._mark(r, f"{path}.{k}", obj.get(k), s, e)
            return obj
        return value

    def _unknown_argument(self, r: _Raw, path: str, expr: Any) -> Value:
        refs = expr.get("references") if isinstance(expr, dict) else None
        resolved = self._resolve_all(refs, r.module_prefix, 0) if isinstance(refs, list) else []
        attr = path.rsplit(".", maxsplit=1)[-1].split("[", maxsplit=1)[0]
        if resolved:
            return resolved if len(resolved) > 1 or attr in _LIST_ARGUMENTS else resolved[0]
        return Unknown(
            f"{r.address}.{path} is known only after apply", f"{r.address}.{path}", cause=Cause.APPLY_TIME
        )

    # --- configuration references --------------------------------------------------------------

    def _module_config(self, prefix: str) -> dict[str, Any] | None:
        module = self.config_root
        for name in _MODULE_SEGMENT.findall(prefix):
            calls = module.get("module_calls") if isinstance(module, dict) else None
            call = calls.get(name) if isinstance(calls, dict) else None
            module = call.get("module") if isinstance(call, dict) else None
        return module if isinstance(module, dict) else None

    def _resource_config(self, r: _Raw) -> dict[str, Any]:
        module = self._module_config(r.module_prefix)
        resources = module.get("resources") if module else None
        for res in resources if isinstance(resources, list) else []:
            if isinstance(res, dict) and res.get("address") == f"{r.type}.{r.name}":
                exprs = res.get("expressions")
                return exprs if isinstance(exprs, dict) else {}
        return {}

    def _resolve_all(self, refs: list[Any], prefix: str, depth: int) -> list[Value]:
        strings = [r for r in refs if isinstance(r, str)]
        out: list[Value] = []
        for ref in strings:
            # Terraform lists "aws_subnet.a.id" and then "aws_subnet.a": keep the most specific.
            if any(o != ref and (o.startswith(ref + ".") or o.startswith(ref + "[")) for o in strings):
                continue
            out.extend(self._resolve(ref, prefix, depth))
        return out

    def _resolve(self, ref: str, prefix: str, depth: int) -> list[Value]:
        if depth > _MAX_DEPTH:
            return []
        head = ref.split(".", 1)[0]
        if head in ("local", "data", "path", "each", "count", "self", "terraform"):
            return []
        if head == "var":
            return self._resolve_var(ref.split(".", 2)[1] if ref.count(".") >= 1 else "", prefix, depth)
        if head == "module":
            parts = ref.split(".")
            if len(parts) < 3 or "[" in parts[1]:
                return []  # module.x alone, or an instance of a module with count/for_each
            return self._resolve_output(parts[1], parts[2], prefix, depth)
        m = _RESOURCE_REF.match(ref)
        if m is None:
            return []
        type_, name, index, attr = m.groups()
        base = f"{prefix}{type_}.{name}"
        if index is not None:
            return [self._attribute(f"{base}{index}", attr or "id")]
        if f"{base}" in self.raw and attr is not None:
            return [self._attribute(base, attr)]
        members = [
            r for r in self.raw.values() if r.module_prefix == prefix and (r.type, r.name) == (type_, name)
        ]
        members.sort(key=lambda r: (isinstance(r.index, str), r.index if r.index is not None else 0))
        return [self._attribute(r.address, attr or "id") for r in members]

    def _attribute(self, address: str, attr: str) -> Value:
        raw = self.raw.get(address)
        if raw is not None and isinstance(raw.values.get(attr), str | int | float | bool):
            return _plain(raw.values[attr])
        return Unknown(
            f"{address}.{attr} is known only after apply", f"{address}.{attr}", cause=Cause.APPLY_TIME
        )

    def _resolve_output(self, call: str, output: str, prefix: str, depth: int) -> list[Value]:
        child_prefix = f"{prefix}module.{call}."
        module = self._module_config(child_prefix)
        outputs = module.get("outputs") if module else None
        out = outputs.get(output) if isinstance(outputs, dict) else None
        expr = out.get("expression") if isinstance(out, dict) else None
        refs = expr.get("references") if isinstance(expr, dict) else None
        return self._resolve_all(refs, child_prefix, depth + 1) if isinstance(refs, list) else []

    def _resolve_var(self, name: str, prefix: str, depth: int) -> list[Value]:
        segments = list(_MODULE_SEGMENT.finditer(prefix))
        if not segments:
            return []  # a root variable: its value is in the plan already when known
        last = segments[-1]
        parent_prefix = prefix[: last.start()]
        parent = self._module_config(parent_prefix)
        calls = parent.get("module_calls") if parent else None
        call = calls.get(last.group(1)) if isinstance(calls, dict) else None
        exprs = call.get("expressions") if isinstance(call, dict) else None
        expr = exprs.get(name) if isinstance(exprs, dict) else None
        refs = expr.get("references") if isinstance(expr, dict) else None
        return self._resolve_all(refs, parent_prefix, depth + 1) if isinstance(refs, list) else []


def _plain(v: Any) -> Value:
    """A JSON value as a configuration Value (JSON already has only those types)."""
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if v is None or isinstance(v, bool | int | float | str):
        return v
    return None


__all__ = ["load_plan"]

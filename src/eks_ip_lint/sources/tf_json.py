"""Terraform's JSON syntax (``*.tf.json``, ``*.tofu.json``; what CDK for Terraform writes) read into
the same syntax tree :mod:`eks_ip_lint.sources.hcl` builds from native syntax.

The rules are Terraform's (https://developer.hashicorp.com/terraform/language/syntax/json):

- The root object's properties are block types. Each label level is an object whose property
  names are the labels, or an array of such objects; the innermost object is the block's body.
- In a body, a property is a nested block or an attribute as the provider's schema says. There is
  no schema here: :data:`NESTED_BLOCKS` names the nested blocks of the resources and data sources
  eks-ip-lint reads (a single object or an array of objects is one or several blocks). Module,
  output, locals and variable bodies have no nested blocks except those Terraform defines.
- An attribute's string is a template (``"${expr}"`` alone is the expression's own value);
  numbers, bools and null are literals; arrays are tuples and objects are objects, recursively.
- ``variable`` ``default`` and module ``source``/``version`` are literal values; ``type`` is a
  type expression written in a string; ``provider`` and the ``providers`` map hold references.
- A property named ``//`` in a body is a comment.

Lines come from the standard library's own JSON scanner (its pure-Python variant, whose
object/array hooks see every value's offset), so the JSON accepted is exactly ``json.loads``'s.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import hcl
from eks_ip_lint.sources import hcl_ast as ast

# The stdlib's JSON internals used below (JSONObject, JSONArray, py_make_scanner, WHITESPACE) are
# documented in its source only; typeshed does not describe them.
_decoder_mod: Any = json.decoder
_scanner_mod: Any = json.scanner

# Labels of each top-level block type (Terraform's own table).
_LABELS = {
    "resource": 2, "data": 2, "ephemeral": 2, "module": 1, "variable": 1, "output": 1,
    "provider": 1, "check": 1, "locals": 0, "terraform": 0, "moved": 0, "import": 0, "removed": 0,
}  # fmt: skip
# Nested blocks of the resources and data sources read for facts (their provider schemas), and the
# meta-blocks every resource may have. A property of another name is an attribute.
NESTED_BLOCKS = frozenset({
    # aws_eks_cluster
    "vpc_config", "kubernetes_network_config", "compute_config", "access_config",
    "encryption_config", "remote_network_config", "remote_node_networks", "remote_pod_networks",
    "storage_config", "block_storage", "elastic_load_balancing", "upgrade_policy", "zonal_shift_config",
    # aws_eks_node_group, aws_eks_fargate_profile
    "scaling_config", "update_config", "launch_template", "remote_access", "taint",
    "node_repair_config", "selector",
    # aws_autoscaling_group, aws_launch_template, aws_launch_configuration
    "mixed_instances_policy", "instances_distribution", "launch_template_specification", "override",
    "tag", "initial_lifecycle_hook", "instance_refresh", "warm_pool", "network_interfaces",
    "network_interface", "block_device_mappings", "ebs", "metadata_options", "tag_specifications",
    "iam_instance_profile", "placement", "root_block_device", "ebs_block_device",
    "instance_requirements", "vcpu_count", "memory_mib",
    # data "aws_subnet(s)", "aws_vpc", "aws_availability_zones"
    "filter",
    # helm_release, kubernetes_daemonset(_v1) and friends
    "set", "set_sensitive", "set_list", "metadata", "spec", "template", "container", "env",
    "value_from",
    # interface endpoints, load balancers
    "subnet_configuration", "dns_options", "subnet_mapping",
    # meta-blocks
    "lifecycle", "connection", "timeouts", "precondition", "postcondition",
})  # fmt: skip
_LABELLED_META = {"provisioner": 1, "dynamic": 1}
_LITERAL_ATTRIBUTES = {"variable": {"default", "description", "sensitive", "nullable", "ephemeral"}}


@dataclass(frozen=True)
class _Obj:
    pairs: list[tuple[str, _Pos]]


@dataclass(frozen=True)
class _Arr:
    items: list[_Pos]


@dataclass(frozen=True)
class _Pos:
    """A decoded JSON value with the offsets it spans in the text."""

    value: Any  # _Obj, _Arr, str, int, float, bool or None
    start: int
    end: int


def _decode(text: str) -> _Pos:
    """``text`` as positioned values; raises json.JSONDecodeError as json.loads would."""
    decoder: Any = json.JSONDecoder(object_pairs_hook=list)

    def wrap(scan_once: Callable[[str, int], tuple[Any, int]]) -> Callable[[str, int], tuple[Any, int]]:
        def scan(s: str, idx: int) -> tuple[_Pos, int]:
            value, end = scan_once(s, idx)
            return _Pos(value, idx, end), end

        return scan

    def parse_object(
        s_and_end: tuple[str, int], strict: bool, scan_once: Any, *rest: Any
    ) -> tuple[_Obj, int]:
        pairs, end = _decoder_mod.JSONObject(s_and_end, strict, wrap(scan_once), *rest)
        return _Obj(list(pairs)), end

    def parse_array(s_and_end: tuple[str, int], scan_once: Any) -> tuple[_Arr, int]:
        items, end = _decoder_mod.JSONArray(s_and_end, wrap(scan_once))
        return _Arr(list(items)), end

    decoder.parse_object = parse_object
    decoder.parse_array = parse_array
    # The pure-Python scanner calls the hooks above; the C one would not.
    decoder.scan_once = _scanner_mod.py_make_scanner(decoder)
    start = _decoder_mod.WHITESPACE.match(text, 0).end()
    value, end = decoder.raw_decode(text, start)
    if _decoder_mod.WHITESPACE.match(text, end).end() != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return value if isinstance(value, _Pos) else _Pos(value, start, end)


class _Converter:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self._newlines = [i for i, c in enumerate(text) if c == "\n"]

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1

    def fail(self, message: str, pos: _Pos) -> InputError:
        return InputError(f"Terraform JSON: {message}", self.path, self.line(pos.start))

    # --- structure ---------------------------------------------------------------------------

    def root(self, pos: _Pos) -> ast.Body:
        if not isinstance(pos.value, _Obj):
            raise self.fail("the root of a .tf.json file must be an object", pos)
        blocks: list[ast.Block] = []
        for block_type, value in pos.value.pairs:
            if block_type == "//":
                continue
            blocks.extend(self._blocks(block_type, value, _LABELS.get(block_type, 0), (), (block_type,)))
        return ast.Body(blocks=tuple(blocks))

    def _blocks(
        self, block_type: str, pos: _Pos, n_labels: int, labels: tuple[str, ...], where: tuple[str, ...]
    ) -> Iterator[ast.Block]:
        """The blocks ``pos`` holds once its ``n_labels`` remaining label levels are read."""
        objects = pos.value.items if isinstance(pos.value, _Arr) else [pos]
        for item in objects:
            if not isinstance(item.value, _Obj):
                raise self.fail(f'"{block_type}" must be an object or an array of objects', item)
            if n_labels == 0:
                body = self._body(item.value, (*where, *labels[:1]))
                yield ast.Block(block_type, labels, body, self.line(item.start), self.line(item.end - 1))
                continue
            for label, inner in item.value.pairs:
                if label != "//":
                    yield from self._blocks(block_type, inner, n_labels - 1, (*labels, label), where)

    def _body(self, obj: _Obj, where: tuple[str, ...]) -> ast.Body:
        """A block body. ``where`` is ("resource", "aws_eks_node_group"), ("variable",)..."""
        attributes: dict[str, ast.Attribute] = {}
        blocks: list[ast.Block] = []
        top = where[0]
        schema_blocks = top in ("resource", "data", "ephemeral", "provider") or len(where) > 2
        for name, pos in obj.pairs:
            if name == "//":
                continue
            if name in _LABELLED_META and top in ("resource", "data", "ephemeral"):
                blocks.extend(self._blocks(name, pos, _LABELLED_META[name], (), (*where, name)))
                continue
            in_dynamic = len(where) > 2 and where[-2] == "dynamic"
            if (name == "content" and in_dynamic) or self._is_nested_block(top, name, pos, schema_blocks):
                blocks.extend(self._blocks(name, pos, 0, (), (*where, name)))
                continue
            if name in attributes:
                raise self.fail(f'the argument "{name}" is set twice', pos)
            attributes[name] = ast.Attribute(name, self._attribute(top, name, pos), self.line(pos.start))
        return ast.Body(attributes=attributes, blocks=tuple(blocks))

    @staticmethod
    def _is_nested_block(top: str, name: str, pos: _Pos, schema_blocks: bool) -> bool:
        if top == "variable":
            return name == "validation"
        if top == "output":
            return name == "precondition"
        if top == "terraform":
            return name in ("required_providers", "backend", "cloud")
        if not schema_blocks or name not in NESTED_BLOCKS:
            return False
        value = pos.value
        return isinstance(value, _Obj) or (
            isinstance(value, _Arr) and all(isinstance(i.value, _Obj) for i in value.items)
        )

    def _attribute(self, top: str, name: str, pos: _Pos) -> ast.Expr:
        if name in _LITERAL_ATTRIBUTES.get(top, ()) or (top == "module" and name in ("source", "version")):
            return self.literal(pos)
        if (top == "variable" and name == "type") or name in ("provider", "depends_on", "providers"):
            return self.references(pos)
        return self.expr(pos)

    # --- expressions -------------------------------------------------------------------------

    def expr(self, pos: _Pos) -> ast.Expr:
        """An attribute value: strings are templates, the rest is structure."""
        line = self.line(pos.start)
        v = pos.value
        if isinstance(v, str):
            return hcl.parse_template(v, self.path, line) if ("${" in v or "%{" in v) else ast.Lit(v, line)
        if isinstance(v, _Arr):
            return ast.TupleExpr(tuple(self.expr(i) for i in v.items), line)
        if isinstance(v, _Obj):
            return ast.ObjectExpr(
                tuple(
                    (
                        self.expr(_Pos(k, p.start, p.start)) if "${" in k else ast.Lit(k, self.line(p.start)),
                        self.expr(p),
                    )
                    for k, p in v.pairs
                ),
                line,
            )
        return ast.Lit(v, line)

    def literal(self, pos: _Pos) -> ast.Expr:
        """A value taken as written (a variable's default): no template is interpreted."""
        line = self.line(pos.start)
        v = pos.value
        if isinstance(v, _Arr):
            return ast.TupleExpr(tuple(self.literal(i) for i in v.items), line)
        if isinstance(v, _Obj):
            return ast.ObjectExpr(tuple((ast.Lit(k, line), self.literal(p)) for k, p in v.pairs), line)
        return ast.Lit(v, line)

    def references(self, pos: _Pos) -> ast.Expr:
        """Strings that hold an expression without ``${}``: a type, a provider, depends_on."""
        line = self.line(pos.start)
        v = pos.value
        if isinstance(v, str):
            return hcl.parse_expression(v, self.path, line)
        if isinstance(v, _Arr):
            return ast.TupleExpr(tuple(self.references(i) for i in v.items), line)
        if isinstance(v, _Obj):
            return ast.ObjectExpr(tuple((ast.Lit(k, line), self.references(p)) for k, p in v.pairs), line)
        return ast.Lit(v, line)


def parse_file(path: str, text: str) -> ast.HclFile:
    """Parse one Terraform JSON file. Raises InputError with the file and line on bad input."""
    try:
        root = _decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"JSON syntax error: {exc.msg}", path, exc.lineno) from None
    except RecursionError:
        raise InputError("JSON nesting is too deep to analyse", path, 1) from None
    converter = _Converter(path, text)
    try:
        return ast.HclFile(path=path, body=converter.root(root))
    except RecursionError:
        raise InputError("JSON nesting is too deep to analyse", path, 1) from None

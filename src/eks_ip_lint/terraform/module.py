"""One Terraform module's evaluation for given inputs.

``ModuleEvaluation`` (over a :class:`ModuleSource` from :mod:`module_source`) resolves ``var``/``local``/resource/data references lazily and expands
``count``/``for_each`` and ``dynamic`` blocks, yielding :class:`ResourceInstance` records whose
values are known or :class:`Unknown` and whose lines point into the user's files.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Iterator, Mapping

from eks_ip_lint.sources import fs
from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform import budgets, convert
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.evaluator import Evaluator, Lazy, Resolved, ResourceObject
from eks_ip_lint.terraform.module_calls import CalledModule, load_call
from eks_ip_lint.terraform.module_source import ModuleSource, PlacedBlock
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.terraform.symbolic import SymbolicMap, address_key, keys_cause, symbolic_keys_problem
from eks_ip_lint.values import Cause, Unknown, Value

# Arguments Terraform itself consumes; they are not resource attributes.
_META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle"})
_META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection", "precondition", "postcondition"})


class ModuleEvaluation:
    """Evaluates one module for a given set of input variable values (a Scope for the evaluator)."""

    def __init__(
        self,
        source: ModuleSource,
        variables: Mapping[str, Value],
        *,
        workspace: str = "default",
        module_path: str = ".",
        address_prefix: str = "",
        depth: int = 0,
    ) -> None:
        self.source = source
        self.variables = dict(variables)
        self.workspace = workspace
        self.module_path = module_path
        # "module.ng." for a called module: every address (and so every symbolic key) it produces
        # carries its module path, as in Terraform's plan.
        self.address_prefix = address_prefix
        self.depth = depth  # nesting level of module calls, bounded by module_calls.MAX_DEPTH
        self.budget = budgets.ModuleBudget()  # child() hands the root's to every called module
        self.evaluator = Evaluator(self)
        self._locals: dict[str, Value] = {}
        self._instances: dict[tuple[str, str, str], list[ResourceInstance] | Unknown] = {}
        self._in_progress: set[str] = set()
        self._calls: dict[str, CalledModule[ModuleEvaluation]] = {}
        # Set by child() for a called module: path.cwd and .terraform/modules belong to the root.
        self.cwd = os.path.abspath(source.dir)
        self.root_dir = source.dir
        self.module_key = ""  # "eks.node_groups": the key of this module in modules.json
        # Positions used in AZ lists of unknown length: list key -> highest position (symbolic.py).
        self.positions: dict[str, int] = {}
        # The real directories of this module and of the modules that called it, root first: a
        # local call of one of them is a cycle (module_calls reports it instead of recursing).
        self.chain: tuple[str, ...] = (fs.realpath(source.dir),)

    def note_position(self, list_key: str, position: int) -> None:
        """The evaluator took position ``position`` of the AZ list ``list_key`` (unknown length)."""
        self.positions[list_key] = max(position, self.positions.get(list_key, -1))

    @property
    def file_roots(self) -> tuple[str, tuple[str, ...]]:
        """Where relative file() paths start (Terraform's working directory: the root module) and
        the directory trees file()/templatefile() may read: the root module's and this module's."""
        return self.root_dir, (self.root_dir, self.source.dir)

    # --- Scope ---------------------------------------------------------------------------------

    def resolve(self, name: str, line: int) -> Resolved:
        if name == "var":
            return _Namespace(self._var, "var")
        if name == "local":
            return _Namespace(self._local, "local")
        if name == "data":
            return _Namespace(lambda t: _Namespace(lambda n: self._collection("data", t, n), t), "data")
        if name == "module":
            return _Namespace(self._module_output, "module")
        if name == "path":
            return {"module": self.module_path, "root": ".", "cwd": self.cwd}
        if name == "terraform":
            return {"workspace": self.workspace}
        if name in ("count", "each", "self"):
            raise EvalError(f'"{name}" is only valid inside a resource that uses it')
        if any(t == name for t, _ in self.source.resources):
            return _Namespace(lambda n: self._collection("managed", name, n), name)
        raise EvalError(f'reference to undeclared resource type or name "{name}"')

    def _var(self, name: str) -> Resolved:
        if name not in self.variables:
            raise EvalError(f'reference to undeclared input variable "{name}"')
        return self.variables[name]

    def _local(self, name: str) -> Resolved:
        if name in self._locals:
            return self._locals[name]
        if name not in self.source.locals:
            raise EvalError(f'reference to undeclared local value "{name}"')
        guard = f"local.{name}"
        if guard in self._in_progress:
            raise EvalError(f"local.{name} refers to itself")
        self._in_progress.add(guard)
        try:
            path, attr = self.source.locals[name]
            value = self.evaluator.eval_or_unknown(attr.expr)
        finally:
            self._in_progress.discard(guard)
        if isinstance(value, Unknown) and value.span is None:  # replace(): a SymbolicMap stays one
            value = dataclasses.replace(value, span=SourceSpan(path, attr.line))
        self._locals[name] = value
        return value

    def _module_output(self, name: str) -> Resolved:
        if name not in self.source.module_calls:
            raise EvalError(f'reference to undeclared module "{name}"')
        return self.called_module(name).reference()

    def called_module(self, name: str) -> CalledModule[ModuleEvaluation]:
        """The module call ``name`` loaded with its inputs (local, downloaded, registry or remote)."""
        if name in self._calls:
            return self._calls[name]
        guard = f"module.{name}"
        if guard in self._in_progress:
            raise EvalError(f"module.{name} refers to itself")
        self._in_progress.add(guard)
        try:
            call = load_call(self, name)
        finally:
            self._in_progress.discard(guard)
        self._calls[name] = call
        return call

    def called_modules(self) -> list[CalledModule[ModuleEvaluation]]:
        """Every module call of this module, in declaration order."""
        return [self.called_module(n) for n in self.source.module_calls]

    def child(
        self, source: ModuleSource, variables: Mapping[str, Value], *, address: str, shown: str, key: str
    ) -> ModuleEvaluation:
        """A module this one calls, evaluated with ``variables`` as its inputs at ``address``
        (module_calls asks for it, so the recursion is passed in, not imported back).

        ``path.cwd``, the root directory (relative ``file()`` paths, ``.terraform/modules``) and
        the workspace are the root module's; ``key`` is the call's key in modules.json."""
        child = ModuleEvaluation(
            source,
            variables,
            workspace=self.workspace,
            module_path=shown,
            address_prefix=f"{address}.",
            depth=self.depth + 1,
        )
        child.cwd = self.cwd
        child.budget = self.budget
        child.root_dir = self.root_dir
        child.module_key = key
        child.chain = (*self.chain, *child.chain)
        return child

    def _collection(self, mode: str, type_: str, name: str) -> Resolved:
        found = self.instances(type_, name, mode=mode)
        prefix = "data." if mode == "data" else ""
        if isinstance(found, Unknown):
            return found
        placed = (self.source.data if mode == "data" else self.source.resources)[(type_, name)]
        attrs = placed.block.body.attributes
        objects = [ResourceObject(i.address, i.values) for i in found]
        if "count" in attrs:
            return list(objects)
        if "for_each" in attrs:
            if any(i.symbolic_key for i in found):
                # Its keys are symbolic: no known string indexes it (see symbolic.py).
                return Unknown(
                    f"the keys of {prefix}{type_}.{name} are known only at plan",
                    f"{prefix}{type_}.{name}",
                    cause=Cause.DATA_SOURCE,  # symbolic keys are data-source values (symbolic.py)
                )
            return {str(i.index_key): o for i, o in zip(found, objects, strict=True)}
        if not objects:
            raise EvalError(f"{prefix}{type_}.{name} has no instances")
        return objects[0]

    # --- resources -----------------------------------------------------------------------------

    def instances(self, type_: str, name: str, *, mode: str = "managed") -> list[ResourceInstance] | Unknown:
        """Expanded instances of a resource (or data) block; Unknown when count/for_each is unknown."""
        cache_key = (mode, type_, name)
        if cache_key in self._instances:
            return self._instances[cache_key]
        table = self.source.data if mode == "data" else self.source.resources
        if (type_, name) not in table:
            raise EvalError(f'reference to undeclared resource "{type_}.{name}"')
        guard = f"{mode}.{type_}.{name}"
        if guard in self._in_progress:
            raise EvalError(f"{type_}.{name} refers to itself")
        self._in_progress.add(guard)
        try:
            result = self._expand(table[(type_, name)], mode)
        finally:
            self._in_progress.discard(guard)
        self._instances[cache_key] = result
        return result

    def _expand(self, placed: PlacedBlock, mode: str) -> list[ResourceInstance] | Unknown:
        block = placed.block
        type_, name = block.labels
        base = self.address_prefix + ("data." if mode == "data" else "") + f"{type_}.{name}"
        attrs = block.body.attributes
        span = SourceSpan(placed.path, block.line, block.end_line)
        keyed: list[tuple[str, int | str | None, dict[str, Value]]] = []
        if "count" in attrs:
            count = self.evaluator.eval_or_unknown(attrs["count"].expr)
            if isinstance(count, Unknown):
                return Unknown(
                    f"{base}: count is unknown ({count.reason})",
                    base,
                    SourceSpan(placed.path, attrs["count"].line),
                    cause=count.cause,
                )
            try:
                n = budgets.instance_count(count)
            except EvalError as exc:
                return Unknown(f"{base}: invalid count ({exc})", base, span, cause=exc.cause)
            keyed = [(f"{base}[{i}]", i, {"count": {"index": i}}) for i in range(n)]
        elif "for_each" in attrs:
            each = self.evaluator.eval_or_unknown(attrs["for_each"].expr)
            items = _for_each_items(each)
            if not isinstance(items, Unknown):
                try:
                    budgets.check_instances(len(items), "for_each")
                except EvalError as exc:
                    return Unknown(f"{base}: {exc}", base, span, cause=exc.cause)
            if isinstance(items, Unknown):
                return Unknown(
                    f"{base}: for_each is unknown ({items.reason})",
                    base,
                    SourceSpan(placed.path, attrs["for_each"].line),
                    cause=items.cause,
                )
            keyed = [
                (
                    f"{base}[{address_key(k) if isinstance(k, Unknown) else json.dumps(k)}]",
                    address_key(k) if isinstance(k, Unknown) else str(k),
                    {"each": {"key": k, "value": v}},
                )
                for k, v in items
            ]
        else:
            keyed = [(base, None, {})]
        out = []
        for address, key, env in keyed:
            values: dict[str, Value] = {}
            lines: dict[str, int] = {}
            self._eval_body(block.body, env=env, values=values, lines=lines, prefix="", path=placed.path)
            encoded = self._encoded_arguments(block.body, env)
            each = env.get("each")
            symbolic = isinstance(each, dict) and isinstance(each.get("key"), Unknown)
            out.append(ResourceInstance(type_, name, address, key, values, lines, span, encoded, symbolic))
        return out

    def _encoded_arguments(self, body: ast.Body, env: Mapping[str, Value]) -> dict[str, Value]:
        out: dict[str, Value] = {}
        for attr_name, attr in body.attributes.items():
            e = attr.expr
            if isinstance(e, ast.Call) and e.name in ("jsonencode", "yamlencode") and len(e.args) == 1:
                out[attr_name] = self.evaluator.eval_or_unknown(e.args[0], env)
        return out

    def _eval_body(
        self,
        body: ast.Body,
        *,
        env: Mapping[str, Value],
        values: dict[str, Value],
        lines: dict[str, int],
        prefix: str,
        path: str,
    ) -> None:
        for attr_name, attr in body.attributes.items():
            if not prefix and attr_name in _META_ARGUMENTS:
                continue
            v = self.evaluator.eval_or_unknown(attr.expr, env)
            if isinstance(v, Unknown) and v.span is None and v.key is None:
                v = dataclasses.replace(v, span=SourceSpan(path, attr.line))
            values[attr_name] = v
            lines[prefix + attr_name] = attr.line
        for child in body.blocks:
            if child.type in _META_BLOCKS and not (child.type == "provisioner" and child.labels):
                continue
            for block_name, block_env, block_body in self._expand_block(child, env):
                nested: dict[str, Value] = {}
                self._eval_body(
                    block_body,
                    env=block_env,
                    values=nested,
                    lines=lines,
                    prefix=f"{prefix}{block_name}.",
                    path=path,
                )
                lines.setdefault(prefix + block_name, child.line)
                existing = values.setdefault(block_name, [])
                if isinstance(existing, list):
                    existing.append(nested)

    def _expand_block(
        self, block: ast.Block, env: Mapping[str, Value]
    ) -> Iterator[tuple[str, Mapping[str, Value], ast.Body]]:
        if block.type == "provisioner":
            # provisioner "local-exec" {...}: kept as "provisioner.local-exec" (the CNI's
            # `kubectl set env` lives there); `self` inside it stays unknown.
            yield f"provisioner.{block.labels[0]}", env, block.body
            return
        if block.type != "dynamic" or not block.labels:
            yield block.type, env, block.body
            return
        name = block.labels[0]
        attrs = block.body.attributes
        iterator = name
        if "iterator" in attrs and isinstance(attrs["iterator"].expr, ast.Name):
            iterator = attrs["iterator"].expr.name
        content = next((b for b in block.body.blocks if b.type == "content"), None)
        if content is None or "for_each" not in attrs:
            return
        items = _for_each_items(self.evaluator.eval_or_unknown(attrs["for_each"].expr, env), allow_list=True)
        if isinstance(items, Unknown):
            # The block count is unknown; the attribute becomes Unknown rather than "no blocks".
            yield (
                name,
                {**env, iterator: items},
                ast.Body(
                    attributes={
                        k: ast.Attribute(
                            k, ast.Unsupported("dynamic block over an unknown collection", a.line), a.line
                        )
                        for k, a in content.body.attributes.items()
                    }
                ),
            )
            return
        for k, v in items:
            yield name, {**env, iterator: {"key": k, "value": v}}, content.body


def _for_each_items(value: Value, *, allow_list: bool = False) -> list[tuple[Value, Value]] | Unknown:
    """The (key, value) pairs ``for_each`` iterates, or Unknown when the instances are unknown.

    A :class:`SymbolicMap` (``zipmap(local.azs, ...)`` over data-source AZ names) and a set whose
    elements are all distinct symbolic data-source values (``toset(local.azs)``) are iterable: each
    instance's ``each.key`` is the symbolic key, the rule of :mod:`eks_ip_lint.terraform.symbolic`.
    """
    if isinstance(value, SymbolicMap):
        if not value.for_each_ok:  # keys known only after apply: Terraform refuses them
            first = value.entries[0][0] if value.entries else value
            return Unknown(f"{value.reason} ({first.reason})", cause=value.cause)
        return list(value.entries)
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list):
        if allow_list:
            return list(enumerate(value))
        if any(isinstance(v, Unknown) for v in value):
            problem = symbolic_keys_problem(value)
            if problem is not None:
                return Unknown(f"for_each set has unknown elements ({problem})", cause=keys_cause(value))
        return [(v, v) for v in value]
    return Unknown(f"for_each must be a map or set, not {convert.type_name(value)}", cause=Cause.INVALID)


class _Namespace(Lazy):
    """``var``, ``local``, ``data``, a resource type...: attribute access resolves one name."""

    def __init__(self, getter: Callable[[str], Resolved], label: str) -> None:
        self._get = getter
        self.label = label

    def attr(self, name: str, line: int) -> Resolved:
        return self._get(name)

    def index(self, key: Value, line: int) -> Resolved:
        raise EvalError(f'"{self.label}" cannot be indexed')

    def materialize(self) -> Value:
        raise EvalError(f'"{self.label}" cannot be used as a value by itself')

"""One Terraform module directory, parsed and indexed, and its evaluation for given inputs.

``read_module`` parses every ``.tf`` file of a directory (parse errors are collected, not raised);
``ModuleEvaluation`` resolves ``var``/``local``/resource/data references lazily and expands
``count``/``for_each`` and ``dynamic`` blocks, yielding :class:`ResourceInstance` records whose
values are known or :class:`Unknown` and whose lines point into the user's files.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import fs, hcl
from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.sources.parse_cache import cached_parse
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform import convert
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.evaluator import Evaluator, Lazy, Resolved, ResourceObject
from eks_ip_lint.terraform.symbolic import SymbolicMap, address_key, symbolic_keys_problem
from eks_ip_lint.values import Unknown, Value

if TYPE_CHECKING:
    from eks_ip_lint.terraform.module_calls import CalledModule

# Arguments Terraform itself consumes; they are not resource attributes.
_META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle"})
_META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection", "precondition", "postcondition"})

# Files larger than this are not parsed (a generated blob is not an EKS module; see docs/limits).
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class PlacedBlock:
    """A top-level block and the file it came from."""

    path: str
    block: ast.Block


@dataclass
class ModuleSource:
    dir: str
    files: list[ast.HclFile] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    variables: dict[str, PlacedBlock] = field(default_factory=dict)
    locals: dict[str, tuple[str, ast.Attribute]] = field(default_factory=dict)
    resources: dict[tuple[str, str], PlacedBlock] = field(default_factory=dict)
    data: dict[tuple[str, str], PlacedBlock] = field(default_factory=dict)
    module_calls: dict[str, PlacedBlock] = field(default_factory=dict)
    outputs: dict[str, PlacedBlock] = field(default_factory=dict)

    def resources_of_type(self, type_: str) -> list[tuple[str, PlacedBlock]]:
        return [(name, pb) for (t, name), pb in self.resources.items() if t == type_]


def read_text(path: str) -> str:
    """Read a user file as UTF-8; InputError (file, line 1) when it is not readable text."""
    try:
        raw = fs.read(path, MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; skipped", path)
    if b"\x00" in raw:
        raise InputError("binary file (contains NUL bytes); skipped", path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte {exc.start}); skipped", path, line) from None
    return text


def tf_files(directory: str) -> list[str]:
    try:
        names = fs.listdir(directory)
    except OSError:
        return []
    return [os.path.join(directory, n) for n in names if n.endswith(".tf") and not n.startswith(".")]


# Text without any of these cannot declare a cluster, subnet, node group or CNI carrier, nor call a
# module that might (any module call matches): such a directory is not parsed at all. In a
# monorepo most modules are S3/IAM/RDS, and parsing was most of the run (benchmarks/RESULTS.md).
# Plain substring tests, not one alternation regex: ``in`` scans at memory speed, the regex tried
# every alternative at every position and took twice as long as reading the files.
_CAPACITY_NEEDLES = (
    "eks", "aws_subnet", "aws_vpc", "aws_autoscaling_group", "aws_launch_", "helm_release",
    "kubernetes_", "kubectl_", "null_resource", "terraform_data",
)  # fmt: skip
_MODULE_BLOCK = re.compile(r"\bmodule\s")


def names_capacity_facts(text: str) -> bool:
    """Whether ``text`` names anything EKS-, VPC- or module-related (the prefilter's test)."""
    return any(n in text for n in _CAPACITY_NEEDLES) or (
        "module" in text and bool(_MODULE_BLOCK.search(text))
    )


def may_hold_capacity_facts(directory: str) -> bool:
    """False only when every .tf file of ``directory`` is readable text naming nothing EKS-, VPC-
    or module-related; then the module cannot change any finding and is not parsed."""
    for path in tf_files(directory):
        try:
            text = read_text(path)
        except InputError:
            return True  # let read_module report it
        if names_capacity_facts(text):
            return True
    return False


def read_module(directory: str) -> ModuleSource:
    src = ModuleSource(dir=directory)
    for path in tf_files(directory):
        try:
            parsed = cached_parse(path, read_text(path), hcl.parse_file)
        except InputError as exc:
            src.errors.append(exc)
            continue
        src.files.append(parsed)
        _index(src, parsed)
    return src


def _index(src: ModuleSource, f: ast.HclFile) -> None:
    for block in f.body.blocks:
        placed = PlacedBlock(f.path, block)
        labels = block.labels
        if block.type == "variable" and len(labels) == 1:
            src.variables[labels[0]] = placed
        elif block.type == "locals":
            for name, attr in block.body.attributes.items():
                src.locals[name] = (f.path, attr)
        elif block.type == "resource" and len(labels) == 2:
            src.resources[(labels[0], labels[1])] = placed
        elif block.type == "data" and len(labels) == 2:
            src.data[(labels[0], labels[1])] = placed
        elif block.type == "module" and len(labels) == 1:
            src.module_calls[labels[0]] = placed
        elif block.type == "output" and len(labels) == 1:
            src.outputs[labels[0]] = placed


@dataclass(frozen=True)
class ResourceInstance:
    """One expanded instance of a resource or data block, with evaluated values and their lines."""

    type: str
    name: str
    address: str  # aws_subnet.private[0], aws_eks_node_group.ng["a"]
    index_key: int | str | None  # count.index or each.key; None without count/for_each
    values: dict[str, Value]  # arguments; nested blocks are lists of dicts
    lines: dict[str, int]  # "scaling_config.max_size" -> line
    span: SourceSpan
    # For arguments written as jsonencode(x)/yamlencode(x): x itself, so a reader can see the
    # structure (and keyed Unknowns such as subnet IDs) that the encoded string hides.
    encoded: dict[str, Value] = field(default_factory=dict)
    # for_each over a map with symbolic keys (terraform/symbolic.py): index_key shows the key's identity.
    symbolic_key: bool = False
    # Synthesized from a registry module's inputs: attribute path -> the input key the user wrote
    # (max_size from asg_max_size in terraform-aws-modules v17), so a fix can name that key.
    spelled: dict[str, str] = field(default_factory=dict)

    def line_of(self, *paths: str) -> int:
        """Line of the first given attribute path that exists, else the block's first line."""
        for p in paths:
            if p in self.lines:
                return self.lines[p]
        return self.span.line

    def span_of(self, *paths: str) -> SourceSpan:
        return SourceSpan(self.span.path, self.line_of(*paths), self.span.end_line)


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
        self.evaluator = Evaluator(self)
        self._locals: dict[str, Value] = {}
        self._instances: dict[tuple[str, str, str], list[ResourceInstance] | Unknown] = {}
        self._in_progress: set[str] = set()
        self._calls: dict[str, CalledModule] = {}
        # Set by module_calls for a called module: path.cwd and .terraform/modules belong to the root.
        self.cwd = os.path.abspath(source.dir)
        self.root_dir = source.dir
        self.module_key = ""  # "eks.node_groups": the key of this module in modules.json

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
        if isinstance(value, Unknown) and value.span is None:
            value = Unknown(value.reason, value.key, SourceSpan(path, attr.line))
        self._locals[name] = value
        return value

    def _module_output(self, name: str) -> Resolved:
        if name not in self.source.module_calls:
            raise EvalError(f'reference to undeclared module "{name}"')
        return self.called_module(name).reference()

    def called_module(self, name: str) -> CalledModule:
        """The module call ``name`` loaded with its inputs (local, downloaded, registry or remote)."""
        if name in self._calls:
            return self._calls[name]
        guard = f"module.{name}"
        if guard in self._in_progress:
            raise EvalError(f"module.{name} refers to itself")
        self._in_progress.add(guard)
        try:
            from eks_ip_lint.terraform.module_calls import load_call  # noqa: PLC0415 -- cycle

            call = load_call(self, name)
        finally:
            self._in_progress.discard(guard)
        self._calls[name] = call
        return call

    def called_modules(self) -> list[CalledModule]:
        """Every module call of this module, in declaration order."""
        return [self.called_module(n) for n in self.source.module_calls]

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
                    f"the keys of {prefix}{type_}.{name} are known only at plan", f"{prefix}{type_}.{name}"
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
                )
            try:
                n = convert.to_number(count)
            except EvalError as exc:
                return Unknown(f"{base}: invalid count ({exc})", base, span)
            keyed = [(f"{base}[{i}]", i, {"count": {"index": i}}) for i in range(int(n))]
        elif "for_each" in attrs:
            each = self.evaluator.eval_or_unknown(attrs["for_each"].expr)
            items = _for_each_items(each)
            if isinstance(items, Unknown):
                return Unknown(
                    f"{base}: for_each is unknown ({items.reason})",
                    base,
                    SourceSpan(placed.path, attrs["for_each"].line),
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
                v = Unknown(v.reason, None, SourceSpan(path, attr.line))
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
                return Unknown(f"for_each set has unknown elements ({problem})")
        return [(v, v) for v in value]
    return Unknown(f"for_each must be a map or set, not {convert.type_name(value)}")


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

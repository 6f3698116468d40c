"""``module "x" { source = ... }`` calls: load the called module with the caller's inputs.

Where a call's source leads, in order:

1. ``./`` or ``../``: the directory next to the caller, evaluated like the root module with the
   call's arguments as its variables (addresses prefixed ``module.x.``);
2. a registry module we model (terraform-aws-modules vpc and eks, :mod:`registry`): the
   resources it would declare and its outputs, from our tables. This comes before step 3
   because the tables are exact for the inputs that matter and do not depend on
   ``terraform init`` having been run;
3. a module already downloaded by ``terraform init``: ``.terraform/modules/modules.json`` of
   the root module maps the call's key (``eks``, ``eks.node_groups``) to its directory;
4. anything else: its outputs are Unknown (keyed ``module.x.<output>``) and a note names the
   module, which becomes an EKSIP002 finding.

``count``/``for_each`` on a call give a list/map of module instances, as Terraform does: with
``count = 0`` or an empty ``for_each`` there is none, and ``module.x`` is an empty tuple or object.

This module never imports module evaluation (:mod:`eks_ip_lint.terraform.module`), which imports
it: the calling module is a :class:`Caller`, and evaluating a called directory is asked of it
(``Caller.child``), so the recursion is passed in rather than imported back.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import fs
from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.terraform import budgets, convert, registry
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.evaluator import Evaluator, Lazy, Resolved, ResourceObject
from eks_ip_lint.terraform.module_source import ModuleSource, PlacedBlock, read_module
from eks_ip_lint.terraform.registry.common import CallInputs, Note, Synthesized
from eks_ip_lint.terraform.variables import module_input_values
from eks_ip_lint.values import Cause, Unknown, Value, first_unknown

# Module nesting deeper than this is not followed (a module that calls itself must not recurse).
MAX_DEPTH = 8
# .terraform/modules/modules.json lists one entry per call; larger than this, it is not one.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
_CALL_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})

E = TypeVar("E", bound="Caller")


class Caller(Protocol):
    """What a module call needs of the module that makes it (a ModuleEvaluation)."""

    @property
    def source(self) -> ModuleSource: ...

    @property
    def evaluator(self) -> Evaluator: ...

    @property
    def address_prefix(self) -> str: ...

    @property
    def depth(self) -> int: ...

    @property
    def root_dir(self) -> str: ...

    @property
    def module_key(self) -> str: ...

    @property
    def budget(self) -> budgets.ModuleBudget: ...

    @property
    def chain(self) -> tuple[str, ...]: ...

    def child(
        self: E, source: ModuleSource, variables: Mapping[str, Value], *, address: str, shown: str, key: str
    ) -> E:
        """The called module ``source`` evaluated with ``variables`` as its inputs, at ``address``
        (``shown`` is its ``path.module``, ``key`` its key in .terraform/modules/modules.json)."""
        ...

    def called_modules(self: E) -> list[CalledModule[E]]:
        """Every module call of this module, in declaration order."""
        ...


@dataclass
class ModuleInstance(Generic[E]):
    """One instance of a module call: evaluated code, a registry model's result, or nothing."""

    address: str  # module.vpc, module.ng[0], module.outer.module.inner
    evaluation: E | None = None
    synthesized: Synthesized | None = None
    unknown: Unknown | None = None  # why outputs are unknown when there is neither of the above

    def output(self, name: str) -> Value:
        if self.evaluation is not None:
            placed = self.evaluation.source.outputs.get(name)
            if placed is None:
                raise EvalError(f'{self.address} has no output "{name}"')
            expr = placed.block.body.attributes.get("value")
            if expr is None:
                raise EvalError(f'output "{name}" of {self.address} has no value')
            value = self.evaluation.evaluator.eval_or_unknown(expr.expr)
            if isinstance(value, Unknown) and value.span is None:  # a SymbolicMap stays one
                value = dataclasses.replace(value, span=SourceSpan(placed.path, expr.line))
            return value
        if self.synthesized is not None and name in self.synthesized.outputs:
            return self.synthesized.outputs[name]
        if self.unknown is not None:
            return Unknown(self.unknown.reason, f"{self.address}.{name}", cause=self.unknown.cause)
        return Unknown(
            f"output {name} of {self.address} ({self.synthesized.description if self.synthesized else ''}) "
            "is not modelled",
            f"{self.address}.{name}",
            cause=Cause.UNSUPPORTED,
        )

    def as_object(self) -> ResourceObject:
        names: list[str] = []
        if self.evaluation is not None:
            names = list(self.evaluation.source.outputs)
        elif self.synthesized is not None:
            names = list(self.synthesized.outputs)
        values: dict[str, Value] = {}
        for n in names:
            try:
                values[n] = self.output(n)
            except EvalError as exc:
                values[n] = Unknown(str(exc), f"{self.address}.{n}", cause=exc.cause)
        missing = self.unknown or Unknown(
            f"{self.address} has no such output",
            # A registry model's outputs are those it models; evaluated code has no other.
            cause=Cause.UNSUPPORTED if self.synthesized is not None else Cause.INVALID,
        )
        return ResourceObject(self.address, values, missing)


@dataclass
class CalledModule(Generic[E]):
    name: str
    address: str
    kind: str  # "local", "registry", "downloaded", "remote", "unknown-count"
    source: str
    instances: list[ModuleInstance[E]]
    keyed: str  # "single", "count", "for_each"
    keys: list[Value] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    problem: Unknown | None = None  # why the instances are unknown (keyed "unknown")
    # What Terraform refuses about the call itself (a local source directory that does not exist).
    errors: list[InputError] = field(default_factory=list)

    def reference(self) -> Resolved:
        """What ``module.<name>`` evaluates to in the caller."""
        if self.keyed == "single":
            if not self.instances:  # not made by load_call: a call without count has one instance
                return Unknown(f"{self.address} has no instance", self.address, cause=Cause.UNSUPPORTED)
            return _Outputs(self.instances[0])
        if self.keyed in ("count", "for_each") and not self.instances:
            return _NoInstances(self.address, self.keyed)
        if self.keyed == "count":
            return [i.as_object() for i in self.instances]
        if self.keyed == "for_each":
            return {
                convert.to_string(k): i.as_object() for k, i in zip(self.keys, self.instances, strict=True)
            }
        cause = self.problem.cause if self.problem is not None else Cause.UNSUPPORTED
        return Unknown(f"the instances of {self.address} are unknown", self.address, cause=cause)


class _Outputs(Lazy, Generic[E]):
    """``module.x``: reading ``module.x.out`` evaluates that output only."""

    def __init__(self, instance: ModuleInstance[E]) -> None:
        self.instance = instance

    def attr(self, name: str, line: int) -> Resolved:
        return self.instance.output(name)

    def index(self, key: Value, line: int) -> Resolved:
        raise EvalError(f"{self.instance.address} does not use count or for_each and cannot be indexed")

    def materialize(self) -> Value:
        return self.instance.as_object()


class _NoInstances(Lazy):
    """``module.x`` of a call with ``count = 0`` or an empty ``for_each``: as a value an empty tuple
    or object (Terraform's; ``length(module.x)`` is 0), and any index into it names an instance
    that does not exist, which Terraform rejects ("Invalid index")."""

    def __init__(self, address: str, keyed: str) -> None:
        self.address = address
        self.keyed = keyed
        self.why = "its count is 0" if keyed == "count" else "its for_each is empty"

    def attr(self, name: str, line: int) -> Resolved:
        raise EvalError(f'{self.address} has no instances ({self.why}), so no attribute "{name}"')

    def index(self, key: Value, line: int) -> Resolved:
        shown = json.dumps(key) if isinstance(key, str) else str(key)
        raise EvalError(
            f"{self.address}[{shown}] does not exist: {self.address} has no instances ({self.why})"
        )

    def materialize(self) -> Value:
        return [] if self.keyed == "count" else {}


def load_call(caller: E, name: str) -> CalledModule[E]:
    placed = caller.source.module_calls[name]
    attrs = placed.block.body.attributes
    address = f"{caller.address_prefix}module.{name}"
    span = SourceSpan(placed.path, placed.block.line, placed.block.end_line)
    source = _literal(caller, attrs.get("source"))
    version = _literal(caller, attrs.get("version"))
    keyed, keys, envs, problem = _expansion(caller, placed, address)
    call: CalledModule[E] = CalledModule(name, address, "remote", source or "", [], keyed, keys)
    if problem is not None:
        call.kind = "unknown-count"
        call.keyed = "unknown"
        call.problem = problem
        call.notes.append(
            Note(
                f"the instances of {address}",
                problem.reason,
                problem.span or span,
                address,
                cause=problem.cause,
            )
        )
        return call
    # One address per instance: the call's own without count/for_each, else one per key (none
    # at all for count = 0 or an empty for_each: the module is switched off).
    addresses = [address] if keyed == "single" else [f"{address}[{json.dumps(k)}]" for k in keys]
    for inst_addr, env in zip(addresses, envs, strict=True):
        inputs = _inputs(caller, placed, inst_addr, env)
        call.instances.append(_instantiate(caller, call, inputs, version=version, span=span))
    return call


def _expansion(
    caller: Caller, placed: PlacedBlock, address: str
) -> tuple[str, list[Value], list[dict[str, Value]], Unknown | None]:
    attrs = placed.block.body.attributes
    if "count" in attrs:
        n = caller.evaluator.eval_or_unknown(attrs["count"].expr)
        if isinstance(n, Unknown):
            return (
                "count",
                [],
                [],
                Unknown(
                    f"count is unknown ({n.reason})",
                    address,
                    SourceSpan(placed.path, attrs["count"].line),
                    cause=n.cause,
                ),
            )
        try:
            count = budgets.instance_count(n)
        except EvalError as exc:
            return (
                "count",
                [],
                [],
                Unknown(
                    f"invalid count ({exc})",
                    address,
                    SourceSpan(placed.path, attrs["count"].line),
                    cause=exc.cause,
                ),
            )
        return "count", list(range(count)), [{"count": {"index": i}} for i in range(count)], None
    if "for_each" in attrs:
        each = caller.evaluator.eval_or_unknown(attrs["for_each"].expr)
        line = SourceSpan(placed.path, attrs["for_each"].line)
        if isinstance(each, dict):
            items: list[tuple[Value, Value]] = list(each.items())
        elif isinstance(each, list) and not any(isinstance(v, Unknown) for v in each):
            items = [(v, v) for v in each]
        else:
            reason = each.reason if isinstance(each, Unknown) else "for_each is not a map or set of strings"
            inner = first_unknown(each)  # a set with unknown elements is unknown for that reason
            cause = inner.cause if inner is not None else Cause.INVALID
            return "for_each", [], [], Unknown(f"for_each is unknown ({reason})", address, line, cause=cause)
        try:
            budgets.check_instances(len(items), "for_each")
        except EvalError as exc:
            return "for_each", [], [], Unknown(str(exc), address, line, cause=exc.cause)
        return "for_each", [k for k, _ in items], [{"each": {"key": k, "value": v}} for k, v in items], None
    return "single", [], [{}], None


def _literal(caller: Caller, attr: ast.Attribute | None) -> str | None:
    if attr is None:
        return None
    v = caller.evaluator.eval_or_unknown(attr.expr)
    return v if isinstance(v, str) else None


def _inputs(caller: Caller, placed: PlacedBlock, address: str, env: Mapping[str, Value]) -> CallInputs:
    values: dict[str, Value] = {}
    exprs: dict[str, ast.Expr] = {}
    lines: dict[str, int] = {}
    for arg, attr in placed.block.body.attributes.items():
        if arg in _CALL_META:
            continue
        v = caller.evaluator.eval_or_unknown(attr.expr, env)
        if isinstance(v, Unknown) and v.span is None and v.key is None:
            v = Unknown(v.reason, None, SourceSpan(placed.path, attr.line), cause=v.cause)
        values[arg] = v
        exprs[arg] = attr.expr
        lines[arg] = attr.line
    return CallInputs(
        address, values, exprs, lines, SourceSpan(placed.path, placed.block.line, placed.block.end_line)
    )


def _instantiate(
    caller: E, call: CalledModule[E], inputs: CallInputs, *, version: str | None, span: SourceSpan
) -> ModuleInstance[E]:
    source = call.source
    where = f"{call.address} ({source or 'no source'})"
    if caller.depth >= MAX_DEPTH:
        reason = f"{where} is nested more than {MAX_DEPTH} modules deep; not followed"
        return _unknown(call, inputs, Unknown(reason, cause=Cause.UNSUPPORTED), span)
    if not caller.budget.take_instance():
        reason = (
            f"{where}: the root module already has {budgets.MAX_MODULE_INSTANCES:,} module instances "
            "(count/for_each at every level); not followed"
        )
        return _unknown(call, inputs, Unknown(reason, cause=Cause.UNSUPPORTED), span)
    if source.startswith(("./", "../")):
        directory = os.path.normpath(os.path.join(caller.source.dir, source))
        if fs.outside(directory):
            # Not read, whatever is there (docs/security.md): said the same whether it exists.
            reason = f"{where}: the module directory {source} is {fs.OUTSIDE}"
            if not call.errors:
                placed = caller.source.module_calls[call.name]
                line = placed.block.body.attributes["source"].line
                call.errors.append(
                    InputError(
                        f"module {call.name}: {source} is {fs.OUTSIDE}",
                        placed.path,
                        line,
                        skipped=False,
                        consequence="what the module declares is not checked",
                    )
                )
            return ModuleInstance(inputs.address, unknown=Unknown(reason, cause=Cause.OUTSIDE_TREE))
        if not fs.isdir(directory):
            # terraform init refuses it ("Unreadable module directory"): an error at the source
            # line, once per call. A git submodule not checked out or a sparse checkout is the
            # usual cause; the module's outputs are unknown.
            reason = f"{where}: the directory {directory} does not exist"
            if not call.errors:
                placed = caller.source.module_calls[call.name]
                line = placed.block.body.attributes["source"].line
                call.errors.append(
                    InputError(
                        f"module {call.name}: the local module directory {directory} does not exist",
                        placed.path,
                        line,
                        skipped=False,
                    )
                )
            return ModuleInstance(inputs.address, unknown=Unknown(reason, cause=Cause.MODULE_NOT_ON_DISK))
        if fs.realpath(directory) in caller.chain:
            # Terraform would recurse for ever (source = "./" in the module itself, or two modules
            # calling each other): analysed once, as the module it is, and reported.
            reason = (
                f"{where} calls a module that is already being evaluated ({source}: a cycle); not followed"
            )
            if not call.errors:
                placed = caller.source.module_calls[call.name]
                line = placed.block.body.attributes["source"].line
                call.errors.append(
                    InputError(
                        f"module {call.name}: {source} is the module itself or one that calls it; "
                        "a module cycle, not followed",
                        placed.path,
                        line,
                        skipped=False,
                    )
                )
            return ModuleInstance(inputs.address, unknown=Unknown(reason, cause=Cause.INVALID))
        call.kind = "local"
        return _evaluate_dir(caller, call, inputs, directory, source)
    model = registry.match(source, version, inputs.values.keys())
    if model is not None:
        call.kind = "registry"
        result = model.run(inputs)
        result.description = model.description
        call.notes.extend(result.notes)
        return ModuleInstance(inputs.address, synthesized=result)
    downloaded = _downloaded_dir(caller, call.name)
    if downloaded is not None and fs.outside(downloaded):
        reason = f"{where}: .terraform/modules/modules.json puts it in a directory {fs.OUTSIDE}"
        return _unknown(call, inputs, Unknown(reason, cause=Cause.OUTSIDE_TREE), span)
    if downloaded is not None:
        call.kind = "downloaded"
        return _evaluate_dir(caller, call, inputs, downloaded, downloaded)
    reason = (
        f"{where} is not on disk (run terraform init to download it) and is not a registry module "
        "eks-ip-lint models, so its outputs are unknown"
    )
    return _unknown(call, inputs, Unknown(reason, cause=Cause.MODULE_NOT_ON_DISK), span)


def _unknown(call: CalledModule[E], inputs: CallInputs, why: Unknown, span: SourceSpan) -> ModuleInstance[E]:
    """An instance whose outputs are all unknown for the reason and cause of ``why``."""
    call.notes.append(Note(f"the module {inputs.address}", why.reason, span, inputs.address, cause=why.cause))
    return ModuleInstance(inputs.address, unknown=why)


def _evaluate_dir(
    caller: E, call: CalledModule[E], inputs: CallInputs, directory: str, shown: str
) -> ModuleInstance[E]:
    source = read_module(directory)
    variables = module_input_values(source, inputs.values, inputs.address)
    child = caller.child(
        source, variables, address=inputs.address, shown=shown, key=_manifest_key(caller, call.name)
    )
    return ModuleInstance(inputs.address, evaluation=child)


def _manifest_key(caller: Caller, name: str) -> str:
    """The call's key in .terraform/modules/modules.json: ``eks``, ``eks.node_groups``."""
    return f"{caller.module_key}.{name}" if caller.module_key else name


def _downloaded_dir(caller: Caller, name: str) -> str | None:
    """The directory ``terraform init`` recorded for this call in .terraform/modules/modules.json."""
    key = _manifest_key(caller, name)
    manifest = os.path.join(caller.root_dir, ".terraform", "modules", "modules.json")
    try:
        doc = json.loads(fs.read(manifest, MAX_MANIFEST_BYTES))
    except (OSError, ValueError):
        return None
    entries = doc.get("Modules") if isinstance(doc, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("Key") == key and isinstance(entry.get("Dir"), str):
            directory = os.path.normpath(os.path.join(caller.root_dir, entry["Dir"]))
            return directory if fs.outside(directory) or fs.isdir(directory) else None
    return None


def all_calls(module: E) -> list[CalledModule[E]]:
    """Every module call below ``module``, depth first (a call before the calls inside it)."""
    out: list[CalledModule[E]] = []
    for call in module.called_modules():
        out.append(call)
        for inst in call.instances:
            if inst.evaluation is not None:
                out.extend(all_calls(inst.evaluation))
    return out


__all__ = ["CalledModule", "Caller", "ModuleInstance", "all_calls", "load_call"]

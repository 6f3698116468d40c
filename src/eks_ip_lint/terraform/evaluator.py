"""Evaluate HCL expressions to Values, as ``terraform plan`` would, or to Unknown where it cannot.

The evaluator knows the expression language (operators, templates, for-expressions, splats,
conditionals, ``try``/``can``) and nothing about modules: root names (``var``, ``local``,
``aws_subnet``, ``data``...) are resolved by a :class:`Scope` the module loader supplies. A scope
may hand back a :class:`Lazy` namespace instead of a Value, so ``local.a`` evaluates only local
``a`` and ``aws_subnet.private[0].id`` does not evaluate every subnet.

Errors Terraform would raise become :class:`EvalError`; the caller turns them into Unknowns with
the message (or, inside ``try()``, falls back), so one odd expression never stops an analysis.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Mapping
from typing import Protocol, TypeAlias, Union

from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.terraform import budgets, convert, files, functions
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.symbolic import (
    SymbolicMap,
    Unordered,
    is_az_list,
    modulo_length,
    position_in,
    position_unknown,
    symbolic_map,
)
from eks_ip_lint.values import Cause, Unknown, Value, first_unknown

# Terraform itself has no depth limit, but a linter must not die of RecursionError on hostile input.
MAX_EVAL_DEPTH = 150
# Nested for-expressions can ask for 1000^3 values; far beyond any real configuration, this many
# iterations in one top-level evaluation is reported instead of hanging the pre-commit hook.
MAX_FOR_ITERATIONS = 1_000_000


class Lazy(abc.ABC):
    """A namespace or collection resolved piece by piece (``local``, ``aws_subnet.private``...)."""

    @abc.abstractmethod
    def attr(self, name: str, line: int) -> Resolved: ...

    @abc.abstractmethod
    def index(self, key: Value, line: int) -> Resolved: ...

    @abc.abstractmethod
    def materialize(self) -> Value: ...


Resolved: TypeAlias = Union[Value, "Lazy"]


class Scope(Protocol):
    def resolve(self, name: str, line: int) -> Resolved:
        """The value of a root name, or raise EvalError if the name means nothing here."""
        ...


def materialize(v: Resolved) -> Value:
    return v.materialize() if isinstance(v, Lazy) else v


class ResourceObject(dict[str, Value]):
    """A resource or data instance's known arguments. Any attribute it lacks is computed by the
    provider at apply time, so reading one yields an Unknown keyed by the attribute's address."""

    def __init__(self, address: str, values: Mapping[str, Value], missing: Unknown | None = None) -> None:
        super().__init__(values)
        self.address = address
        # Why an absent attribute is unknown (reason and cause); None: the provider computes it.
        self.missing = missing

    def unknown_attribute(self, name: str) -> Unknown:
        """What an attribute this object lacks reads as: an Unknown keyed by its address."""
        key = f"{self.address}.{name}"
        if self.missing is not None:
            return Unknown(self.missing.reason, key, cause=self.missing.cause)
        if self.address.startswith("data.") or ".data." in self.address:
            # Data sources are read at plan time, from the cloud account: unknown here because
            # eks-ip-lint runs without providers or credentials, not because of apply.
            return Unknown(
                f"{key} is read from the cloud account by the provider at plan time",
                key,
                cause=Cause.DATA_SOURCE,
            )
        return Unknown(f"{key} is computed by the provider at apply time", key, cause=Cause.APPLY_TIME)


def get_attr(obj: Resolved, name: str, line: int) -> Resolved:
    if isinstance(obj, Lazy):
        return obj.attr(name, line)
    if isinstance(obj, Unknown):
        return Unknown(obj.reason, f"{obj.key}.{name}" if obj.key else None, obj.span, cause=obj.cause)
    if isinstance(obj, ResourceObject) and name not in obj:
        return obj.unknown_attribute(name)
    if isinstance(obj, ResourceObject) and isinstance(inner := obj[name], Unknown) and inner.key is None:
        # An argument that is unknown ("${var.name}-cluster" with var.name unset) is still one
        # runtime value: every reference to aws_eks_cluster.c.name denotes it, so it gets that
        # address as its identity and a node group naming the cluster this way links to it.
        return Unknown(inner.reason, f"{obj.address}.{name}", inner.span, cause=inner.cause)
    if isinstance(obj, dict):
        if name in obj:
            return obj[name]
        raise EvalError(f'this object does not have an attribute named "{name}"')
    if obj is None:
        raise EvalError(f'attempt to get attribute "{name}" from a null value')
    raise EvalError(f'unsupported attribute "{name}" on a {convert.type_name(obj)} value')


def get_index(obj: Resolved, key: Value, line: int) -> Resolved:
    if isinstance(key, Unknown):
        position = position_in(obj, key) if isinstance(obj, Unknown) else None
        if position is None:
            return Unknown(f"index is unknown: {key.reason}", cause=key.cause)
        key = position  # x[i % length(x)] is x[i]: the list is taken to be longer than i
    if isinstance(obj, Lazy):
        return obj.index(key, line)
    if isinstance(obj, Unknown):
        shown = json.dumps(key) if isinstance(key, str) else str(key)
        return Unknown(obj.reason, f"{obj.key}[{shown}]" if obj.key else None, obj.span, cause=obj.cause)
    if isinstance(obj, list):
        unordered = position_unknown(obj, f"element [{key}]")
        if unordered is not None:
            return unordered
        i = convert.to_number(key)
        if not isinstance(i, int) or isinstance(i, bool):
            raise EvalError("list index must be a whole number")
        if not 0 <= i < len(obj):
            raise EvalError(f"invalid index {i}: the list has {len(obj)} elements")
        return obj[i]
    if isinstance(obj, dict):
        k = convert.to_string(key)
        if isinstance(obj, ResourceObject) and k not in obj:
            return get_attr(obj, k, line)
        if k not in obj:
            raise EvalError(f'the map does not have an element with the key "{k}"')
        return obj[k]
    raise EvalError(f"cannot index a {convert.type_name(obj)} value")


class Evaluator:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.depth = 0
        self.iterations = 0
        self.built = 0  # characters and elements built by calls and templates (budgets.py)
        # How many try()/can() calls the current expression is inside: there a missing file is
        # the error Terraform's try() catches, elsewhere an Unknown (see files.MissingFileError).
        self.guarded = 0

    def eval(self, expr: ast.Expr, env: Mapping[str, Value] | None = None) -> Value:
        """Evaluate fully; EvalError propagates to the caller."""
        if self.depth == 0:
            self.iterations = 0  # the budget is per top-level evaluation
        return materialize(self._eval(expr, env or {}))

    def eval_or_unknown(self, expr: ast.Expr, env: Mapping[str, Value] | None = None) -> Value:
        """Evaluate; a Terraform error becomes an Unknown carrying its message."""
        try:
            return self.eval(expr, env)
        except EvalError as exc:
            return Unknown(f"expression cannot be evaluated: {exc}", cause=exc.cause)

    # --- dispatch --------------------------------------------------------------------------

    def _eval(self, e: ast.Expr, env: Mapping[str, Value]) -> Resolved:
        self.depth += 1
        try:
            if self.depth > MAX_EVAL_DEPTH:
                raise EvalError(
                    f"expression or reference chain deeper than {MAX_EVAL_DEPTH} levels",
                    cause=Cause.UNSUPPORTED,
                )
            return self._dispatch(e, env)
        finally:
            self.depth -= 1

    def _dispatch(self, e: ast.Expr, env: Mapping[str, Value]) -> Resolved:
        if isinstance(e, ast.Lit):
            return e.value
        if isinstance(e, ast.Name):
            if e.name in env:
                return env[e.name]
            return self.scope.resolve(e.name, e.line)
        if isinstance(e, ast.GetAttr):
            return get_attr(self._eval(e.obj, env), e.name, e.line)
        if isinstance(e, ast.Index):
            obj = self._eval(e.obj, env)
            key = self.eval(e.key, env)
            self._note_position(obj, key)
            return get_index(obj, key, e.line)
        if isinstance(e, ast.Splat):
            return self._splat(e, env)
        if isinstance(e, ast.Template):
            return self._template(e, env)
        if isinstance(e, ast.TupleExpr):
            return [self.eval(i, env) for i in e.items]
        if isinstance(e, ast.ObjectExpr):
            return self._object(e, env)
        if isinstance(e, ast.Call):
            return self._call(e, env)
        if isinstance(e, ast.Conditional):
            return self._conditional(e, env)
        if isinstance(e, ast.BinOp):
            return self._binop(e, env)
        if isinstance(e, ast.Unary):
            return self._unary(e, env)
        if isinstance(e, ast.ForExpr):
            return self._for(e, env)
        if isinstance(e, ast.Unsupported):
            return Unknown(f"{e.what} is not evaluated statically", cause=Cause.UNSUPPORTED)
        raise EvalError(f"unknown expression node {type(e).__name__}", cause=Cause.UNSUPPORTED)

    # --- pieces ----------------------------------------------------------------------------

    def _splat(self, e: ast.Splat, env: Mapping[str, Value]) -> Value:
        base = self.eval(e.obj, env)
        if isinstance(base, Unknown):
            return Unknown(base.reason, f"{base.key}[*]" if base.key else None, cause=base.cause)
        if base is None:
            return []
        items = base if isinstance(base, list) else [base]  # a splat on one object makes a list of one
        out: list[Value] = []
        for item in items:
            cur: Resolved = item
            for op in e.ops:
                if isinstance(op, ast.SplatAttr):
                    cur = get_attr(cur, op.name, e.line)
                else:
                    cur = get_index(cur, self.eval(op.key, env), e.line)
            out.append(materialize(cur))
        return out

    def _template(self, e: ast.Template, env: Mapping[str, Value]) -> Value:
        pieces: list[str] = []
        for part in e.parts:
            if isinstance(part, str):
                pieces.append(part)
                continue
            v = self.eval(part, env)
            if isinstance(v, Unknown):
                return Unknown(f"string template uses an unknown value: {v.reason}", cause=v.cause)
            if isinstance(v, list | dict):
                raise EvalError("cannot include a list or object in a string template")
            if v is None:
                raise EvalError("cannot include a null value in a string template")
            pieces.append(convert.to_string(v))
        size = sum(len(p) for p in pieces)
        if size > budgets.MAX_VALUE_SIZE:
            raise budgets.too_large("A string template's result", size)
        self._built(size)
        return "".join(pieces)

    def _built(self, size: int) -> None:
        """Count what this evaluation built; past MAX_BUILT_TOTAL, 40 lines of doubling locals
        each under the per-value bound still cannot take the machine's memory."""
        self.built += size
        if self.built > budgets.MAX_BUILT_TOTAL:
            raise EvalError(
                f"this module's expressions built more than {budgets.MAX_BUILT_TOTAL:,} characters and "
                "elements in total; eks-ip-lint stops evaluating them",
                cause=Cause.UNSUPPORTED,
            )

    def _object(self, e: ast.ObjectExpr, env: Mapping[str, Value]) -> Value:
        out: dict[str, Value] = {}
        pending: Unknown | None = None
        for k_expr, v_expr in e.items:
            k = self.eval(k_expr, env)
            if isinstance(k, Unknown):
                pending = pending or Unknown(f"object key is unknown: {k.reason}", cause=k.cause)
                continue
            out[convert.to_string(k)] = self.eval(v_expr, env)
        return pending if pending is not None else out

    def _call(self, e: ast.Call, env: Mapping[str, Value]) -> Value:
        if e.name == "try":
            return self._try(e, env)
        if e.name == "can":
            if len(e.args) != 1:
                raise EvalError("can() takes exactly one argument")
            self.guarded += 1
            try:
                v = self.eval(e.args[0], env)
            except EvalError:
                return False
            finally:
                self.guarded -= 1
            if isinstance(v, Unknown):
                return Unknown(f"can() of an unknown value: {v.reason}", cause=v.cause)
            return True
        if e.name in ("file", "templatefile"):
            return self._read_file(e, env)
        if e.name == "fileset":
            return self._fileset(e, env)
        if e.name in ("fileexists", "filebase64"):
            return Unknown(f"{e.name}() is not evaluated statically", cause=Cause.FILE_NOT_READ)
        args = [self.eval(a, env) for a in e.args]
        if e.expand_last:
            if not args:
                raise EvalError("the ... expansion needs a last argument")
            last = args.pop()
            if isinstance(last, Unknown):
                return Unknown(f"{e.name}() of an unknown value: {last.reason}", cause=last.cause)
            if not isinstance(last, list):
                raise EvalError("the last argument before ... must be a list")
            args.extend(last)
        if e.name == "element" and len(args) == 2:
            self._note_position(args[0], args[1])
        result = functions.call_function(e.name, args)
        size = budgets.value_size(result)
        if size > budgets.MAX_VALUE_SIZE:
            raise budgets.too_large(f"The result of {e.name}()")
        self._built(size)
        return result

    def _note_position(self, seq: Resolved, index: Value) -> None:
        """Tell the scope that position ``index`` of an AZ list of unknown length is used (the
        AZ count is then assumed to be larger: symbolic.py), so the report can say so."""
        if not is_az_list(seq):
            return
        assert isinstance(seq, Unknown) and seq.key is not None
        if isinstance(index, Unknown):
            position = position_in(seq, index)
        elif convert.is_number(index) and not isinstance(index, bool):
            position = int(index) if float(index).is_integer() else None  # type: ignore[arg-type]
        else:
            position = None
        note = getattr(self.scope, "note_position", None)
        if position is not None and position >= 0 and note is not None:
            note(seq.key, position)

    def _fileset(self, e: ast.Call, env: Mapping[str, Value]) -> Value:
        """fileset(path, pattern) over the module's own files (files.fileset)."""
        if len(e.args) != 2:
            raise EvalError("fileset() takes 2 arguments")
        path, pattern = (self.eval(a, env) for a in e.args)
        for v in (path, pattern):
            if isinstance(v, Unknown):
                return Unknown(f"fileset() of an unknown value: {v.reason}", cause=v.cause)
        return files.fileset(
            getattr(self.scope, "file_roots", None), convert.to_string(path), convert.to_string(pattern)
        )

    def _read_file(self, e: ast.Call, env: Mapping[str, Value]) -> Value:
        """file(path) and templatefile(path, vars), reading only inside the module (files.py)."""
        if (
            not e.args
            or (e.name == "file" and len(e.args) != 1)
            or (e.name == "templatefile" and len(e.args) != 2)
        ):
            raise EvalError(f"{e.name}() takes {'1 argument' if e.name == 'file' else '2 arguments'}")
        path = self.eval(e.args[0], env)
        if isinstance(path, Unknown):
            return Unknown(f"{e.name}() of an unknown path: {path.reason}", cause=path.cause)
        try:
            text = files.read_module_file(getattr(self.scope, "file_roots", None), convert.to_string(path))
        except files.MissingFileError as exc:
            if self.guarded:
                raise
            return Unknown(
                f"{e.name}(): {exc} (Terraform fails here unless a step before plan writes the file)",
                cause=Cause.FILE_NOT_READ,
            )
        if isinstance(text, Unknown) or e.name == "file":
            return text
        variables = self.eval(e.args[1], env)
        unknown_var = first_unknown(variables)
        if unknown_var is not None and not isinstance(variables, dict):
            return Unknown("templatefile() vars are unknown", cause=unknown_var.cause)
        template = files.template_expression(text, convert.to_string(path))
        # A template sees only its vars (and functions): no var., local. or resources.
        return Evaluator(_TemplateScope()).eval(template, files.template_vars(variables))

    def _try(self, e: ast.Call, env: Mapping[str, Value]) -> Value:
        if not e.args:
            raise EvalError("try() needs at least one argument")
        errors: list[EvalError] = []
        for arg in e.args:
            self.guarded += 1
            try:
                return self.eval(arg, env)
            except EvalError as exc:
                errors.append(exc)
            finally:
                self.guarded -= 1
        # Where one argument failed only for want of support here, Terraform may have used it.
        unsupported = any(exc.cause is Cause.UNSUPPORTED for exc in errors)
        raise EvalError(
            "no argument of try() could be evaluated: " + "; ".join(str(exc) for exc in errors),
            cause=Cause.UNSUPPORTED if unsupported else Cause.INVALID,
        )

    def _conditional(self, e: ast.Conditional, env: Mapping[str, Value]) -> Value:
        cond = self.eval(e.cond, env)
        if isinstance(cond, Unknown):
            # Terraform's result is unknown too, unless both branches agree.
            a = self._maybe(e.then, env)
            b = self._maybe(e.other, env)
            if a is not None and a == b and first_unknown(a) is None:
                return a
            return Unknown(f"condition is unknown: {cond.reason}", cause=cond.cause)
        return self.eval(e.then if convert.to_bool(cond) else e.other, env)

    def _maybe(self, e: ast.Expr, env: Mapping[str, Value]) -> Value:
        try:
            return self.eval(e, env)
        except EvalError:
            return None

    def _binop(self, e: ast.BinOp, env: Mapping[str, Value]) -> Value:
        left = self.eval(e.left, env)
        # && and || short-circuit on a known left side, as Terraform 1.x does for bool literals.
        if e.op in ("&&", "||") and not isinstance(left, Unknown):
            lb = convert.to_bool(left)
            if e.op == "&&" and not lb:
                return False
            if e.op == "||" and lb:
                return True
            right = self.eval(e.right, env)
            return right if isinstance(right, Unknown) else convert.to_bool(right)
        right = self.eval(e.right, env)
        if e.op in ("==", "!="):
            if isinstance(left, Unknown) or isinstance(right, Unknown):
                unknown = left if isinstance(left, Unknown) else right
                assert isinstance(unknown, Unknown)
                return Unknown("comparison with an unknown value", cause=unknown.cause)
            same = _tf_equal(left, right)
            return same if e.op == "==" else not same
        if e.op == "%" and isinstance(right, Unknown) and convert.is_number(left):
            assert isinstance(left, (int, float))
            position = modulo_length(int(left), right) if float(left).is_integer() else None
            if position is not None:
                return position
        for side in (left, right):
            if isinstance(side, Unknown):
                return Unknown(f"arithmetic on an unknown value: {side.reason}", cause=side.cause)
        if e.op in ("&&", "||"):  # left was unknown
            assert isinstance(left, Unknown)
            return Unknown("logic on an unknown value", cause=left.cause)
        a = convert.to_number(left)
        b = convert.to_number(right)
        try:
            return _arithmetic(e.op, a, b)
        except (ArithmeticError, ValueError) as err:  # int too large for a float, fmod of Inf
            raise EvalError(f"arithmetic {e.op} failed: {err}") from err

    def _unary(self, e: ast.Unary, env: Mapping[str, Value]) -> Value:
        v = self.eval(e.operand, env)
        if isinstance(v, Unknown):
            return v
        if e.op == "!":
            return not convert.to_bool(v)
        return _norm(-convert.to_number(v))

    def _for(self, e: ast.ForExpr, env: Mapping[str, Value]) -> Value:
        coll = self.eval(e.collection, env)
        if isinstance(coll, SymbolicMap):
            pairs_sym: list[tuple[Value, Value]] = list(coll.entries)
            result = self._for_pairs(e, env, pairs_sym)
            # A map iterates in key order, which symbolic keys do not give: a tuple made from one
            # keeps its elements, not their order.
            return Unordered(result) if isinstance(result, list) else result
        if isinstance(coll, Unknown):
            return Unknown(f"for-expression over an unknown collection: {coll.reason}", cause=coll.cause)
        if isinstance(coll, dict):
            pairs: list[tuple[Value, Value]] = list(coll.items())
        elif isinstance(coll, list):
            pairs = list(enumerate(coll))
        else:
            raise EvalError(f"a for-expression needs a list, set or map, not {convert.type_name(coll)}")
        return self._for_pairs(e, env, pairs)

    def _for_pairs(self, e: ast.ForExpr, env: Mapping[str, Value], pairs: list[tuple[Value, Value]]) -> Value:
        tuple_out: list[Value] = []
        obj_out: dict[str, Value] = {}
        # Entries under symbolic keys (AZ names from a data source): a SymbolicMap, see symbolic.py.
        symbolic: list[tuple[Value, Value]] = []
        for k, v in pairs:
            self.iterations += 1
            if self.iterations > MAX_FOR_ITERATIONS:
                raise EvalError(
                    f"for-expressions iterate more than {MAX_FOR_ITERATIONS:,} times; not evaluated",
                    cause=Cause.UNSUPPORTED,
                )
            local = dict(env)
            local[e.value_var] = v
            if e.key_var is not None:
                local[e.key_var] = k
            if e.cond is not None:
                c = self.eval(e.cond, local)
                if isinstance(c, Unknown):
                    return Unknown(f"for-expression filter is unknown: {c.reason}", cause=c.cause)
                if not convert.to_bool(c):
                    continue
            if e.key is None:
                tuple_out.append(self.eval(e.value, local))
                continue
            key = self.eval(e.key, local)
            if isinstance(key, Unknown) and key.key is not None and not e.grouping:
                symbolic.append((key, self.eval(e.value, local)))
                continue
            if isinstance(key, Unknown):
                return Unknown(f"for-expression key is unknown: {key.reason}", cause=key.cause)
            ks = convert.to_string(key)
            value = self.eval(e.value, local)
            if e.grouping:
                group = obj_out.setdefault(ks, [])
                assert isinstance(group, list)
                group.append(value)
            elif ks in obj_out:
                raise EvalError(f'duplicate object key "{ks}" in for-expression (use ... to group)')
            else:
                obj_out[ks] = value
        if symbolic:
            first = symbolic[0][0]
            assert isinstance(first, Unknown)
            if obj_out:
                return Unknown(f"for-expression key is unknown: {first.reason}", cause=first.cause)
            return symbolic_map(symbolic, "for-expression with unknown keys")
        return tuple_out if e.key is None else obj_out


class _TemplateScope:
    def resolve(self, name: str, line: int) -> Resolved:
        raise EvalError(f'template refers to "{name}", which is not one of the vars templatefile() gave it')


def _arithmetic(op: str, a: int | float, b: int | float) -> Value:
    if op == "+":
        return _norm(a + b)
    if op == "-":
        return _norm(a - b)
    if op == "*":
        return _norm(a * b)
    if op == "/":
        if b == 0:
            raise EvalError("division by zero")
        return _norm(a / b)
    if op == "%":
        if b == 0:
            raise EvalError("modulo by zero")
        return _norm(_tf_mod(a, b))
    if op == "<":
        return a < b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == ">=":
        return a >= b
    raise EvalError(f"unsupported operator {op}", cause=Cause.UNSUPPORTED)


def _norm(n: int | float) -> int | float:
    # Inf - Inf and 0 * Inf are NaN, which Terraform refuses; huge products are refused too.
    convert.check_number(n)
    if isinstance(n, float) and n.is_integer() and abs(n) < 2**53:
        return int(n)
    return n


def _tf_mod(a: int | float, b: int | float) -> int | float:
    # Terraform's % truncates toward zero like Go, not floor like Python.
    import math  # noqa: PLC0415

    if isinstance(a, float) or isinstance(b, float):
        return math.fmod(a, b)
    remainder = abs(a) % abs(b)  # exact for ints of any size, unlike fmod through floats
    return remainder if a >= 0 else -remainder


def _tf_equal(a: Value, b: Value) -> bool:
    # Terraform compares type and value: 1 == "1" is false, 1 == 1.0 is true.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if type(a) is not type(b) and not (isinstance(a, dict) and isinstance(b, dict)):
        return False
    return a == b

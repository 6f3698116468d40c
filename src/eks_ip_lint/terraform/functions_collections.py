"""Terraform's collection functions, and the type conversions that build collections.

Our Value has no separate list, set and tuple types: a Python list stands for all three. Functions
whose Terraform parameter is a typed list or set (``distinct``, ``sort``, ``setunion``...) convert
the elements to one type as Terraform does (see :func:`~eks_ip_lint.terraform.convert.unify`);
the others take their argument as the tuple a literal would be.

A set is a list without duplicates, in Terraform's order: strings lexically, numbers numerically,
false before true, null last. Sets of collections keep first-seen order (Terraform orders those by
an internal hash we do not reproduce).

Several functions here are *structural* (see :class:`~.functions_common.Function`): a list of known
length keeps its length when some elements are unknown, because that is what lets the linter count
subnets before apply.
"""

from __future__ import annotations

from eks_ip_lint.terraform.convert import (
    Number,
    is_number,
    strict_equal,
    to_bool,
    to_string,
    type_name,
    unify,
)
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.functions_common import (
    Function,
    FunctionError,
    arg_int,
    arg_list,
    arg_map,
    arg_string,
    unknown_element,
    unknown_of,
)
from eks_ip_lint.terraform.functions_strings import graphemes
from eks_ip_lint.terraform.symbolic import (
    SymbolicMap,
    Unordered,
    is_single_value,
    length_of,
    position_in,
    position_unknown,
    symbolic_keys_problem,
    symbolic_map,
)
from eks_ip_lint.values import Unknown, Value, first_unknown

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
# slice() of an unknown list builds one Unknown per element; past this many, the slice itself is
# left unknown rather than built (no real configuration slices that much).
_MAX_UNKNOWN_ELEMENTS = 10_000


def _unified(values: list[Value], what: str, name: str) -> list[Value] | Unknown:
    """Elements converted to one type, or an Unknown when an unknown element's type decides it."""
    try:
        result = unify(values, what)
    except EvalError as err:
        raise FunctionError(str(err)) from err
    if result is None:
        u = first_unknown(values)
        assert u is not None
        return Unknown(
            f"{name}() element type depends on an unknown value: {u.reason}", span=u.span, cause=u.cause
        )
    return result


def _set_sort_key(v: Value) -> tuple[int, Number | str]:
    if v is None:
        return (3, 0)
    if isinstance(v, bool):
        return (2, int(v))
    if is_number(v):
        assert isinstance(v, (int, float))
        return (1, v)
    assert isinstance(v, str)
    return (0, v)


def set_of(values: list[Value]) -> list[Value]:
    """Known, unified elements as a Terraform set: duplicates removed, in Terraform's set order."""
    unique: list[Value] = []
    for v in values:
        if not any(strict_equal(v, seen) for seen in unique):
            unique.append(v)
    if any(isinstance(v, (list, dict)) for v in unique):
        return unique
    return sorted(unique, key=_set_sort_key)


def _length(args: list[Value]) -> Value:
    """length(value): a list of unknown elements still has a known length."""
    (v,) = args
    if isinstance(v, Unknown):
        return length_of(v)
    if isinstance(v, str):
        return len(graphemes(v))
    if isinstance(v, (list, dict)):
        return len(v)
    if v is None:
        raise FunctionError("argument must not be null", "value")
    raise FunctionError("argument must be a string, a collection type, or a structural type")


def _element(args: list[Value]) -> Value:
    """element(list, index): wraps around past the end, as Terraform does."""
    seq, index_value = args
    if isinstance(index_value, Unknown):
        position = position_in(seq, index_value) if isinstance(seq, Unknown) else None
        if position is None:
            return unknown_of("element", index_value)
        index_value = position  # element(x, i % length(x)) is element(x, i)
    index = arg_int(index_value, "index")
    if not _INT64_MIN <= index <= _INT64_MAX:
        raise FunctionError("invalid index: value must be a whole number within 64 bits")
    if index < 0:
        raise FunctionError("invalid index: must not be negative", "index")
    if isinstance(seq, Unknown):
        return unknown_element(seq, index)
    items = arg_list(seq, "list")
    if not items:
        raise FunctionError("cannot use element function with an empty list")
    unordered = position_unknown(items, f"element({index})")
    return unordered if unordered is not None else items[index % len(items)]


def _slice(args: list[Value]) -> Value:
    """slice(list, start, end): an unknown list of known bounds gives end-start unknown elements."""
    seq, start_value, end_value = args
    for bound in (start_value, end_value):
        if isinstance(bound, Unknown):
            return unknown_of("slice", bound)
    start = arg_int(start_value, "start_index")
    end = arg_int(end_value, "end_index")
    if start < 0:
        raise FunctionError("start index must not be less than zero", "start_index")
    if start > end:
        raise FunctionError("start index must not be greater than end index", "start_index")
    if isinstance(seq, Unknown):
        if end - start > _MAX_UNKNOWN_ELEMENTS:
            return unknown_of("slice", seq)
        return [unknown_element(seq, i) for i in range(start, end)]
    items = arg_list(seq, "list")
    if end > len(items):
        raise FunctionError("end index must not be greater than the length of the list", "end_index")
    if start > 0 or end < len(items):  # a part of an unordered list: which elements is unknown
        unordered = position_unknown(items, f"slice({start}, {end})")
        if unordered is not None:
            return unordered
    return _like(items, result=items[start:end])


def _concat(args: list[Value]) -> Value:
    """concat(seqs...)."""
    if not args:
        raise FunctionError("at least one argument is required")
    result: list[Value] = []
    for seq in args:
        if isinstance(seq, Unknown):
            return unknown_of("concat", seq)
        if not isinstance(seq, list):
            raise FunctionError(f"all arguments must be lists or tuples; got {type_name(seq)}", "seqs")
        result.extend(seq)
    return _like(*args, result=result)


def _like(*sources: Value, result: list[Value] | None = None) -> list[Value]:
    """``result`` (default: the one source), Unordered when any source is an Unordered list with
    unknown elements: their order is unknown, so the result's is too."""
    out = result if result is not None else list(sources[0]) if isinstance(sources[0], list) else []
    if any(isinstance(s, list) and position_unknown(s, "") is not None for s in sources):
        return Unordered(out)
    return out


def _flatten_into(items: list[Value], out: list[Value]) -> Unknown | None:
    for item in items:
        if is_single_value(item):  # aws_subnet.a[0].id: one string, kept as an element
            out.append(item)
        elif isinstance(item, Unknown):  # it may or may not be a list to flatten
            return unknown_of("flatten", item)
        elif isinstance(item, list):
            u = _flatten_into(item, out)
            if u is not None:
                return u
        else:
            out.append(item)
    return None


def _flatten(args: list[Value]) -> Value:
    """flatten(list)."""
    (seq,) = args
    if isinstance(seq, Unknown):
        return unknown_of("flatten", seq)
    if not isinstance(seq, list):
        raise FunctionError("can only flatten lists, sets and tuples")
    out: list[Value] = []
    u = _flatten_into(seq, out)
    return _like(seq, *[i for i in seq if isinstance(i, list)], result=out) if u is None else u


def _tolist(args: list[Value]) -> Value:
    """tolist(v)."""
    (v,) = args
    if v is None or isinstance(v, Unknown):
        return v if v is None else unknown_of("tolist", v)
    if not isinstance(v, list):
        raise FunctionError(f"cannot convert {type_name(v)} to list of any single type", "v")
    return _unified(v, "tuple to list", "tolist")


def _toset(args: list[Value]) -> Value:
    """toset(v).

    With unknown elements the size of the set is not known in general. The list is kept anyway when
    every unknown element carries its own distinct key (``aws_subnet.a[0].id``...): such values name
    distinct objects, so the set keeps one element per key. Known elements come first in set order,
    then the unknown ones in their given order (their real position is not known).
    """
    (v,) = args
    if v is None or isinstance(v, Unknown):
        return v if v is None else unknown_of("toset", v)
    if not isinstance(v, list):
        raise FunctionError(f"cannot convert {type_name(v)} to set of any single type", "v")
    items = _unified(v, "tuple to set", "toset")
    if isinstance(items, Unknown):
        return items
    unknowns = [e for e in items if isinstance(e, Unknown)]
    known: list[Value] = [e for e in items if not isinstance(e, Unknown)]
    u = first_unknown(known)
    if u is not None:
        return unknown_of("toset", u)
    keys = [e.key for e in unknowns]
    if None in keys or len(set(keys)) != len(keys):
        return unknown_of("toset", unknowns[0])
    return Unordered(set_of(known) + list(unknowns)) if unknowns else set_of(known)


def _tomap(args: list[Value]) -> Value:
    """tomap(v)."""
    (v,) = args
    if v is None or isinstance(v, Unknown):
        return v if v is None else unknown_of("tomap", v)
    if not isinstance(v, dict):
        raise FunctionError(f"cannot convert {type_name(v)} to map of any single type", "v")
    values = _unified(list(v.values()), "object to map", "tomap")
    if isinstance(values, Unknown):
        return values
    return dict(zip(v.keys(), values, strict=True))


def _reverse(args: list[Value]) -> Value:
    """reverse(list)."""
    (seq,) = args
    if isinstance(seq, Unknown):
        return unknown_of("reverse", seq)
    if not isinstance(seq, list):
        raise FunctionError(f"can only reverse list or tuple values, not {type_name(seq)}", "list")
    return seq[::-1]


def _zipmap(args: list[Value]) -> Value:
    """zipmap(keys, values): values may be unknown; keys must be known, or all be distinct symbolic
    data-source values (AZ names), which gives a :class:`SymbolicMap` that for_each can iterate."""
    keys_value, values_value = args
    if (
        isinstance(keys_value, list)
        and keys_value
        and (symbolic_keys_problem(keys_value) is None or all(is_single_value(k) for k in keys_value))
    ):
        if isinstance(values_value, Unknown):
            sym_values: list[Value] = [unknown_element(values_value, i) for i in range(len(keys_value))]
        else:
            sym_values = arg_list(values_value, "values")
        if len(keys_value) != len(sym_values):
            raise FunctionError(
                f"number of keys ({len(keys_value)}) does not match number of values ({len(sym_values)})"
            )
        return symbolic_map(list(zip(keys_value, sym_values, strict=True)), "zipmap() with unknown keys")
    if isinstance(keys_value, Unknown) or first_unknown(keys_value) is not None:
        u = first_unknown(keys_value)
        assert u is not None
        return unknown_of("zipmap", u)
    keys = [arg_string(k, "keys") for k in arg_list(keys_value, "keys")]
    if isinstance(values_value, Unknown):
        return {k: unknown_element(values_value, i) for i, k in enumerate(keys)}
    values = arg_list(values_value, "values")
    if len(keys) != len(values):
        raise FunctionError(f"number of keys ({len(keys)}) does not match number of values ({len(values)})")
    return dict(zip(keys, values, strict=True))


def _merge(args: list[Value]) -> Value:
    """merge(maps...): later arguments win; null arguments are skipped."""
    result: dict[str, Value] = {}
    for m in args:
        if isinstance(m, Unknown):
            return unknown_of("merge", m)
        if m is None:
            continue
        if not isinstance(m, dict):
            raise FunctionError(f'arguments must be maps or objects, got "{type_name(m)}"')
        result.update(m)
    return result


def _lookup(args: list[Value]) -> Value:
    """lookup(map, key, default?)."""
    if len(args) > 3:
        raise FunctionError(f"lookup() takes two or three arguments, got {len(args)}")
    mapping, key_value = args[0], args[1]
    for v in (mapping, key_value):
        if isinstance(v, Unknown):
            return unknown_of("lookup", v)
    if not isinstance(mapping, dict):
        if mapping is None:
            raise FunctionError("argument must not be null", "inputMap")
        raise FunctionError("lookup() requires a map as the first argument", "inputMap")
    key = arg_string(key_value, "key")
    if key in mapping:
        return mapping[key]
    if len(args) == 3:
        return args[2]
    raise FunctionError(f'the given object has no attribute "{key}"', "inputMap")


def _keys(args: list[Value]) -> Value:
    """keys(map): in lexical order."""
    (m,) = args
    if isinstance(m, SymbolicMap):  # keys in lexical order: not known for symbolic keys
        return Unordered([k for k, _ in m.entries])
    if isinstance(m, Unknown):
        return unknown_of("keys", m)
    if not isinstance(m, dict):
        raise FunctionError("must have map or object type", "inputMap")
    result: list[Value] = [*sorted(m)]
    return result


def _values(args: list[Value]) -> Value:
    """values(map): in the lexical order of the keys."""
    (m,) = args
    if isinstance(m, SymbolicMap):
        return Unordered([v for _, v in m.entries])
    if isinstance(m, Unknown):
        return unknown_of("values", m)
    if not isinstance(m, dict):
        raise FunctionError("must have map or object type", "values")
    return [m[k] for k in sorted(m)]


def _one(args: list[Value]) -> Value:
    """one(list): null for an empty list, the element for a single-element list."""
    (seq,) = args
    if isinstance(seq, Unknown):
        return unknown_of("one", seq)
    items = arg_list(seq, "list")
    if len(items) > 1:
        raise FunctionError("must be a list, set, or tuple value with either zero or one elements", "list")
    return items[0] if items else None


def _coalesce(args: list[Value]) -> Value:
    """coalesce(vals...): the first non-null, non-empty-string argument, converted to the common type."""
    kinds = {type_name(v) for v in args if v is not None and not isinstance(v, Unknown)}
    if not args or ({"tuple", "object"} & kinds and len(kinds) > 1):
        raise FunctionError("all arguments must have the same type")
    unknown = next((v for v in args if isinstance(v, Unknown)), None)
    for v in args:
        if isinstance(v, Unknown):  # it might be null or "": the answer may be a later argument
            return unknown_of("coalesce", v)
        if v is None or v == "":
            continue
        if isinstance(v, (list, dict)):
            return v
        # Mixed primitive types all convert to string, and a later unknown argument may be a string.
        if unknown is not None and not isinstance(v, str):
            return Unknown(
                f"coalesce() result type depends on an unknown value: {unknown.reason}",
                span=unknown.span,
                cause=unknown.cause,
            )
        return v if len(kinds) == 1 else to_string(v)
    raise FunctionError("no non-null, non-empty-string arguments")


def _coalescelist(args: list[Value]) -> Value:
    """coalescelist(lists...): the first non-empty list."""
    for v in args:
        if isinstance(v, Unknown):
            return unknown_of("coalescelist", v)
        if v is None:
            continue
        if not isinstance(v, list):
            raise FunctionError("coalescelist arguments must be lists or tuples")
        if v:
            return v
    raise FunctionError("no non-null arguments")


def _contains(args: list[Value]) -> Value:
    """contains(list, value): Terraform's equality, so 1 is not "1"."""
    seq, value = args
    if not isinstance(seq, list):
        raise FunctionError("argument must be list, tuple, or set")
    return any(strict_equal(e, value) for e in seq)


def _index(args: list[Value]) -> Value:
    """index(list, value)."""
    seq, value = args
    if not isinstance(seq, list):
        raise FunctionError("argument must be a list or tuple")
    for i, e in enumerate(seq):
        if strict_equal(e, value):
            return i
    raise FunctionError("item not found")


def _identities(name: str, values: list[Value]) -> Unknown | None:
    """Why ``name`` cannot keep these elements: None when each is known or a single symbolic
    value (:func:`~.symbolic.is_single_value`), whose equality is its key's."""
    for v in values:
        if isinstance(v, Unknown) and not is_single_value(v):
            return unknown_of(name, v)
        u = None if isinstance(v, Unknown) else first_unknown(v)
        if u is not None:
            return unknown_of(name, u)
    return None


def _same(a: Value, b: Value) -> bool:
    """Terraform's equality, with symbolic single values equal exactly when their keys are."""
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return isinstance(a, Unknown) and isinstance(b, Unknown) and a.key == b.key
    return strict_equal(a, b)


def _distinct(args: list[Value]) -> Value:
    """distinct(list): first occurrences, in order."""
    if isinstance(args[0], Unknown):
        return unknown_of("distinct", args[0])
    given = arg_list(args[0], "list")
    problem = _identities("distinct", given)
    if problem is not None:
        return problem
    items = _unified(given, "tuple to list", "distinct")
    if isinstance(items, Unknown):
        return items
    result: list[Value] = []
    for v in items:
        if not any(_same(v, seen) for seen in result):
            result.append(v)
    return _like(given, result=result)


def _compact(args: list[Value]) -> Value:
    """compact(list): drops null and empty-string elements (elements convert to string). A
    symbolic single value (an ID) is never null or empty: kept."""
    if isinstance(args[0], Unknown):
        return unknown_of("compact", args[0])
    given = arg_list(args[0], "list")
    problem = _identities("compact", given)
    if problem is not None:
        return problem
    result: list[Value] = []
    for v in given:
        if isinstance(v, Unknown):
            result.append(v)
        elif v is not None:
            s = arg_string(v, "list")
            if s:
                result.append(s)
    return _like(given, result=result)


def _sort(args: list[Value]) -> Value:
    """sort(list): lexical order; numbers convert to strings first, so 10 sorts before 9. With
    symbolic single values the elements are known but not their order: an Unordered list."""
    if isinstance(args[0], Unknown):
        return unknown_of("sort", args[0])
    items = arg_list(args[0], "list")
    problem = _identities("sort", items)
    if problem is not None:
        return problem
    for i, v in enumerate(items):
        if v is None:
            raise FunctionError(f"given list element {i} is null; a null string cannot be sorted", "list")
    unknowns: list[Value] = [v for v in items if isinstance(v, Unknown)]
    result: list[Value] = [*sorted(arg_string(v, "list") for v in items if not isinstance(v, Unknown))]
    return Unordered(result + unknowns) if unknowns and len(items) > 1 else result + unknowns


def _bool_list(args: list[Value]) -> list[bool]:
    result: list[bool] = []
    for i, v in enumerate(arg_list(args[0], "list")):
        try:
            result.append(to_bool(v))
        except EvalError as err:
            raise FunctionError(f"element {i}: bool required", "list") from err
    return result


def _chunklist(args: list[Value]) -> Value:
    """chunklist(list, size): size 0 means one chunk holding the whole (non-empty) list."""
    items = arg_list(args[0], "list")
    size = arg_int(args[1], "size")
    if size < 0:
        raise FunctionError("the size argument must be positive")
    if size == 0:
        return [items] if items else []
    return [items[i : i + size] for i in range(0, len(items), size)]


def _transpose(args: list[Value]) -> Value:
    """transpose(map of lists of strings)."""
    result: dict[str, list[Value]] = {}
    for key, group in sorted(arg_map(args[0], "values").items()):
        for v in arg_list(group, "values"):
            result.setdefault(arg_string(v, "values"), []).append(key)
    return dict(sorted(result.items()))


def _matchkeys(args: list[Value]) -> Value:
    """matchkeys(values, keys, searchset)."""
    values = arg_list(args[0], "values")
    keys = arg_list(args[1], "keys")
    search = arg_list(args[2], "searchset")
    if len(values) != len(keys):
        raise FunctionError("length of keys and values should be equal")
    both = _unified(keys + search, "keys and searchset to list", "matchkeys")
    assert isinstance(both, list)
    keys, search = both[: len(keys)], both[len(keys) :]
    return [v for v, k in zip(values, keys, strict=True) if any(strict_equal(k, s) for s in search)]


def _set_args(args: list[Value], name: str) -> list[list[Value]]:
    sets = [arg_list(a, "sets") for a in args]
    flat = _unified([v for s in sets for v in s], "sets to set", name)
    assert isinstance(flat, list)
    out: list[list[Value]] = []
    for s in sets:
        out.append(flat[: len(s)])
        flat = flat[len(s) :]
    return out


def _setunion(args: list[Value]) -> Value:
    """setunion(sets...). Symbolic single values (IDs) join as elements, one per key."""
    for a in args:
        if isinstance(a, Unknown):
            return unknown_of("setunion", a)
    every = [v for a in args for v in arg_list(a, "sets")]
    problem = _identities("setunion", every)
    if problem is not None:
        return problem
    unknowns: list[Value] = []
    for v in every:
        if isinstance(v, Unknown) and not any(_same(v, u) for u in unknowns):
            unknowns.append(v)
    if not unknowns:
        return set_of([v for s in _set_args(args, "setunion") for v in s])
    known = _unified([v for v in every if not isinstance(v, Unknown)], "sets to set", "setunion")
    if isinstance(known, Unknown):
        return known
    return Unordered(set_of(known) + unknowns)


def _setintersection(args: list[Value]) -> Value:
    """setintersection(sets...)."""
    first, *rest = _set_args(args, "setintersection")
    return set_of([v for v in first if all(any(strict_equal(v, o) for o in s) for s in rest)])


def _setsubtract(args: list[Value]) -> Value:
    """setsubtract(a, b)."""
    a, b = _set_args(args, "setsubtract")
    return set_of([v for v in a if not any(strict_equal(v, o) for o in b)])


FUNCTIONS: dict[str, Function] = {
    "length": Function(("value",), _length, structural=True),
    "element": Function(("list", "index"), _element, structural=True),
    "slice": Function(("list", "start_index", "end_index"), _slice, structural=True),
    "concat": Function((), _concat, variadic="seqs", structural=True),
    "flatten": Function(("list",), _flatten, structural=True),
    "tolist": Function(("v",), _tolist, structural=True),
    "toset": Function(("v",), _toset, structural=True),
    "tomap": Function(("v",), _tomap, structural=True),
    "reverse": Function(("list",), _reverse, structural=True),
    "zipmap": Function(("keys", "values"), _zipmap, structural=True),
    "merge": Function((), _merge, variadic="maps", structural=True),
    "lookup": Function(("inputMap", "key"), _lookup, variadic="default", structural=True),
    "keys": Function(("inputMap",), _keys, structural=True),
    "values": Function(("values",), _values, structural=True),
    "one": Function(("list",), _one, structural=True),
    "coalesce": Function((), _coalesce, variadic="vals", structural=True),
    "coalescelist": Function((), _coalescelist, variadic="vals", structural=True),
    "contains": Function(("list", "value"), _contains),
    "index": Function(("list", "value"), _index),
    "distinct": Function(("list",), _distinct, structural=True),
    "compact": Function(("list",), _compact, structural=True),
    "sort": Function(("list",), _sort, structural=True),
    "alltrue": Function(("list",), lambda args: all(_bool_list(args))),
    "anytrue": Function(("list",), lambda args: any(_bool_list(args))),
    "chunklist": Function(("list", "size"), _chunklist),
    "transpose": Function(("values",), _transpose),
    "matchkeys": Function(("values", "keys", "searchset"), _matchkeys),
    "setunion": Function(("first_set",), _setunion, variadic="other_sets", structural=True),
    "setintersection": Function(("first_set",), _setintersection, variadic="other_sets"),
    "setsubtract": Function(("a", "b"), _setsubtract),
}

"""The data-only encoding of cache entries: JSON whose objects are rebuilt through constructors.

Why not pickle: loading a pickle runs whatever callable the file names, so whoever could write a
cache entry ran code in the next run. This encoding can only produce JSON's values and, from
tagged JSON objects, tuples, sets, bytes, dicts with non-string keys, members of this package's
enums and instances of this package's dataclasses. A dataclass is rebuilt by calling its class
(its generated ``__init__`` and ``__post_init__``), and every field is checked against the
field's annotation before the call; a class is named by module and name and must be defined in
``eks_ip_lint`` (modules outside the package are never imported by a decode). Anything else
(an unknown tag, a class that is not a record of ours, a field of the wrong type) makes the whole
entry invalid: :class:`Invalid`, and the cache recomputes it.

Layout: two lines of JSON. The first is the table of the classes and enum members the value
uses (``"module:Class"``, ``"module:Class#MEMBER"``), each resolved once; the second is the value,
where a JSON object with exactly one of these keys is tagged:

``t`` tuple, ``s`` frozenset, ``S`` set, ``b`` bytes (hex), ``d`` dict as a list of pairs,
``e`` an enum member (its index in the table), ``c`` a dataclass ``[index, field, field, ...]`` in
field order. A JSON list is a list, a JSON string/number/bool/null itself (NaN and infinities as
Python's json module writes them; strings with lone surrogates escaped by ``ensure_ascii``).
The table keeps entries small: a unit's result names a few dozen classes thousands of times.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import json
import re
import sys
import types
import typing
from collections.abc import Callable
from typing import Any

PACKAGE = "eks_ip_lint"
_MODULE_NAME = re.compile(r"eks_ip_lint(\.[a-z_][a-z0-9_]*)*\Z")
_ATOMS = (str, int, float, bool, type(None))


class Invalid(ValueError):
    """The entry is not one this code wrote: treated as a miss."""


# --- encoding ----------------------------------------------------------------------------------


def dumps(value: object) -> bytes:
    """``value`` as bytes; TypeError for a value this encoding does not carry."""
    table: dict[str, int] = {}
    body = json.dumps(_plain(value, table), ensure_ascii=True, separators=(",", ":"))
    return (json.dumps(list(table)) + "\n" + body).encode("ascii")


def _index(table: dict[str, int], name: str) -> int:
    found = table.get(name)
    if found is None:
        found = table[name] = len(table)
    return found


def _plain(value: object, table: dict[str, int]) -> object:
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is list:
        return [_plain(v, table) for v in value]  # type: ignore[attr-defined]
    if kind is tuple:
        return {"t": [_plain(v, table) for v in value]}  # type: ignore[attr-defined]
    if kind is dict:
        return {"d": [[_plain(k, table), _plain(v, table)] for k, v in value.items()]}  # type: ignore[attr-defined]
    if isinstance(value, enum.Enum) and kind.__module__.startswith(PACKAGE):
        return {"e": _index(table, f"{kind.__module__}:{kind.__qualname__}#{value.name}")}
    if dataclasses.is_dataclass(value) and kind.__module__.startswith(PACKAGE):
        out: list[object] = [_index(table, f"{kind.__module__}:{kind.__qualname__}")]
        out.extend(_plain(getattr(value, f.name), table) for f in _init_fields(kind))
        return {"c": out}
    if kind is frozenset:
        return {"s": [_plain(v, table) for v in value]}  # type: ignore[attr-defined]
    if kind is set:
        return {"S": [_plain(v, table) for v in value]}  # type: ignore[attr-defined]
    if kind is bytes:
        return {"b": value.hex()}  # type: ignore[attr-defined]
    raise TypeError(f"not cacheable: {kind.__module__}.{kind.__qualname__}")


_fields_memo: dict[type, tuple[dataclasses.Field[Any], ...]] = {}


def _init_fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    if cls not in _fields_memo:
        fields = dataclasses.fields(cls)
        if any(not f.init for f in fields):
            raise TypeError(f"not cacheable: {cls.__qualname__} has fields its constructor does not take")
        _fields_memo[cls] = fields
    return _fields_memo[cls]


# --- decoding ----------------------------------------------------------------------------------


def loads(data: bytes) -> object:
    """The value :func:`dumps` encoded as ``data``; :class:`Invalid` for anything else."""
    try:
        head, _, body = data.partition(b"\n")
        names = json.loads(head)
        if not isinstance(names, list):
            raise Invalid("no table")
        table = [_resolve(name) for name in names]
        return json.loads(body, object_hook=lambda obj: _rebuild(obj, table))
    except Invalid:
        raise
    except (ValueError, TypeError, RecursionError, UnicodeDecodeError, KeyError, IndexError) as exc:
        raise Invalid(str(exc)) from exc


def _resolve(name: object) -> Plan | enum.Enum:
    """A table entry: the plan of a record class, or an enum member."""
    if not isinstance(name, str):
        raise Invalid("bad table entry")
    found = _plans.get(name)
    if found is not None:
        return found
    tag, sharp, member = name.partition("#")
    if sharp:
        cls = _class(tag)
        if not issubclass(cls, enum.Enum) or member not in cls.__members__:
            raise Invalid(f"not an enum member: {name!r}")
        return cls[member]
    return _plan(name)


def _rebuild(obj: dict[str, Any], table: list[Plan | enum.Enum]) -> object:
    if len(obj) != 1:
        raise Invalid("untagged object")
    ((tag, body),) = obj.items()
    if tag == "c":
        return _construct(body, table)
    if tag == "e":
        member = table[body] if type(body) is int else None
        if not isinstance(member, enum.Enum):
            raise Invalid(f"not an enum member: {body!r}")
        return member
    if not isinstance(body, list):
        if tag == "b" and isinstance(body, str):
            return bytes.fromhex(body)
        raise Invalid(f"bad {tag!r}")
    if tag == "t":
        return tuple(body)
    if tag == "d":
        return {_key(k): v for k, v in body}
    if tag == "s":
        return frozenset(body)
    if tag == "S":
        return set(body)
    raise Invalid(f"unknown tag {tag!r}")


def _key(k: object) -> object:
    hash(k)  # TypeError for an unhashable key: the entry is invalid
    return k


def _construct(body: object, table: list[Plan | enum.Enum]) -> object:
    if not isinstance(body, list) or not body or type(body[0]) is not int:
        raise Invalid("bad record")
    plan = table[body[0]]
    if type(plan) is not tuple:
        raise Invalid("not a record class")
    cls, checks, kw_only = plan
    if len(body) - 1 != len(checks):
        raise Invalid(f"{cls.__qualname__}: {len(body) - 1} fields, expected {len(checks)}")
    for (name, check), v in zip(checks, body[1:], strict=True):
        if check is not None and not (isinstance(v, check) if type(check) is tuple else check(v)):  # type: ignore[operator]
            raise Invalid(f"{cls.__qualname__}.{name}: unexpected {type(v).__name__}")
    try:
        if kw_only:
            return cls(**{name: v for (name, _), v in zip(checks, body[1:], strict=True)})
        return cls(*body[1:])
    except Exception as exc:  # the class's own validation refused it
        raise Invalid(f"{cls.__qualname__}: {exc}") from exc


# Per class tag: the class, each field's name and check, and whether it takes keywords only.
Plan = tuple[type, tuple[tuple[str, "Check | tuple[type, ...] | None"], ...], bool]
_plans: dict[str, Plan] = {}


def _plan(tag: str) -> Plan:
    cls = _class(tag)
    if not dataclasses.is_dataclass(cls):
        raise Invalid(f"not a record class: {tag!r}")
    try:
        fields = _init_fields(cls)
    except TypeError as exc:
        raise Invalid(str(exc)) from exc
    checks = _checks_of(cls)
    plan: Plan = (cls, tuple((f.name, checks.get(f.name)) for f in fields), any(f.kw_only for f in fields))
    _plans[tag] = plan
    return plan


_classes: dict[str, type] = {}


def _class(tag: object) -> type:
    """The class a tag names: a dataclass or enum defined in a module of this package."""
    if not isinstance(tag, str):
        raise Invalid("bad class tag")
    found = _classes.get(tag)
    if found is not None:
        return found
    module_name, _, name = tag.partition(":")
    if not _MODULE_NAME.match(module_name) or not name.isidentifier():
        raise Invalid(f"not a class of {PACKAGE}: {tag!r}")
    module = sys.modules.get(module_name)
    if module is None:
        try:  # our own module, by a name matched above: importing it runs only our code
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise Invalid(f"no module {module_name}") from exc
    cls = getattr(module, name, None)
    ok = (
        isinstance(cls, type)
        and cls.__module__ == module_name
        and (dataclasses.is_dataclass(cls) or issubclass(cls, enum.Enum))
    )
    if not ok:
        raise Invalid(f"not a record of {PACKAGE}: {tag!r}")
    assert isinstance(cls, type)
    _classes[tag] = cls
    return cls


# --- field checks --------------------------------------------------------------------------------

Check = Callable[[object], bool]
_checks_memo: dict[type, dict[str, Check | tuple[type, ...] | None]] = {}


def _checks_of(cls: type) -> dict[str, Check | tuple[type, ...] | None]:
    """A check per field from its annotation: the classes it may be an instance of (the outer
    type of a container: elements are records checked when they are built, or atoms), or a
    predicate; None for any value. A field whose annotation cannot be resolved here (a name
    imported only for type checkers) is checked by its class's constructor alone."""
    if cls not in _checks_memo:
        module = sys.modules.get(cls.__module__)
        namespace = dict(vars(module)) if module is not None else {}
        checks: dict[str, Check | tuple[type, ...] | None] = {}
        for f in _init_fields(cls):
            try:
                # The annotation is this package's own source text, never input.
                hint = eval(f.type, namespace) if isinstance(f.type, str) else f.type
                checks[f.name] = _check_for(hint)
            except Exception:  # unresolvable: left to the constructor
                checks[f.name] = None
        _checks_memo[cls] = checks
    return _checks_memo[cls]


def _check_for(hint: object) -> Check | tuple[type, ...] | None:
    if hint is Any or hint is object or isinstance(hint, typing.TypeVar):
        return None
    if hint is None or hint is type(None):
        return (type(None),)
    if hint is float:  # PEP 484: an int is a float
        return (float, int)
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        classes: list[type] = []
        preds: list[Check] = []
        for part in (_check_for(a) for a in typing.get_args(hint)):
            if part is None:
                return None
            if isinstance(part, tuple):
                classes.extend(part)
            else:
                preds.append(part)
        if not preds:
            return tuple(classes)
        kinds = tuple(classes)
        return lambda v: isinstance(v, kinds) or any(p(v) for p in preds)
    if origin is typing.Literal:
        allowed = typing.get_args(hint)
        return lambda v: v in allowed
    if origin is not None:
        hint = origin
    if not isinstance(hint, type) or hint.__module__ in ("typing", "collections.abc"):
        return None  # an abstract or special form: the constructor's business
    return (hint,)

"""Terraform's encoding functions: JSON, YAML, base64 and the common hashes.

jsonencode and yamlencode reproduce Terraform's exact text (sorted keys, Go's HTML-safe JSON
escapes, go-yaml's block layout and 80-column folding of long quoted strings), since that text can
end up in resource arguments. YAML decoding uses PyYAML (imported lazily so that the rest of the
library works without it) with its type resolution replaced by Terraform's: YAML 1.1 booleans
(``yes``, ``on``, ``y``), decimal numbers as Terraform parses them, ``0x``/``0o`` integers, and
timestamps turned into RFC 3339 strings. Not reproduced: keys longer than 128 characters in
yamlencode (go-yaml switches to ``? key`` syntax), and infinities in yamlencode.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import hashlib
import importlib
import json
import math
import re
from decimal import Decimal
from typing import Any

from eks_ip_lint.terraform.convert import (
    format_number,
    number_from_decimal,
    parse_decimal,
    quote,
    to_string,
)
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.functions_common import Function, FunctionError, arg_string, utf8
from eks_ip_lint.values import Value

# Go's encoding/json escapes these so that JSON is safe inside HTML and JavaScript.
_JSON_HTML_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def json_string(s: str) -> str:
    """A JSON string literal exactly as Go's encoding/json writes it."""
    text = json.dumps(s, ensure_ascii=False)
    return "".join(_JSON_HTML_ESCAPES.get(ch, ch) for ch in text)


def json_encode(v: Value) -> str:
    """jsonencode's text for a known value: compact, keys sorted, numbers in plain decimal."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        if isinstance(v, float) and math.isinf(v):
            raise FunctionError("cannot serialize infinity as JSON")
        return format_number(v)
    if isinstance(v, str):
        return json_string(v)
    if isinstance(v, list):
        return "[" + ",".join(json_encode(e) for e in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(json_string(k) + ":" + json_encode(v[k]) for k in sorted(v)) + "}"
    raise FunctionError("cannot serialize an unknown value as JSON")


def _reject_constant(name: str) -> Value:
    raise ValueError(f"invalid JSON value {name}")


def _from_json(v: Any) -> Value:
    if isinstance(v, Decimal):
        return number_from_decimal(v)
    if isinstance(v, list):
        return [_from_json(e) for e in v]
    if isinstance(v, dict):
        return {k: _from_json(e) for k, e in v.items()}
    assert v is None or isinstance(v, (bool, int, str))
    return v


def _jsondecode(args: list[Value]) -> Value:
    """jsondecode(str): numbers keep their exact decimal value, as in Terraform."""
    text = arg_string(args[0], "str")
    try:
        return _from_json(json.loads(text, parse_float=Decimal, parse_constant=_reject_constant))
    except (ValueError, RecursionError) as err:
        raise FunctionError(f"invalid JSON: {err}") from err


# --- YAML encoding: go-yaml's emitter, restricted to what Terraform values need ---------------

_YAML_WIDTH = 80  # go-yaml folds double-quoted scalars at spaces past this column
_YAML_INDENT = 2
_YAML_BREAKS = "\n\r\x85\u2028\u2029"
_YAML_ESCAPES = {
    "\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r",
    "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P",
}  # fmt: skip


def _yaml_printable(ch: str) -> bool:
    o = ord(ch)
    return ch == "\n" or 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or (0xE000 <= o <= 0xFFFD and o != 0xFEFF)


def _yaml_escape(ch: str) -> str:
    if ch in _YAML_ESCAPES:
        return "\\" + _YAML_ESCAPES[ch]
    o = ord(ch)
    return f"\\x{o:02X}" if o <= 0xFF else f"\\u{o:04X}" if o <= 0xFFFF else f"\\U{o:08X}"


def _yaml_quoted(s: str, column: int, indent: int) -> str:
    """A double-quoted scalar starting at ``column``; continuation lines start at ``indent``."""
    out = ['"']
    column += 1
    after_space = False
    for i, ch in enumerate(s):
        if not _yaml_printable(ch) or ch in _YAML_BREAKS or ch in '"\\':
            piece = _yaml_escape(ch)
            after_space = False
        elif ch == " ":
            if not after_space and column > _YAML_WIDTH and 0 < i < len(s) - 1:
                # fold: the space becomes a line break (a following space is kept by a "\\")
                continuation = " " * indent + ("\\" if s[i + 1] == " " else "")
                out.append("\n" + continuation)
                column = len(continuation)
                after_space = True
                continue
            piece = " "
            after_space = True
        else:
            piece = ch
            after_space = False
        out.append(piece)
        column += len(piece)
    out.append('"')
    return "".join(out)


def _yaml_literal_allowed(s: str) -> bool:
    """go-yaml writes multi-line strings in literal style unless they have awkward characters."""
    return "\n" in s and not s.endswith(" ") and " \n" not in s and all(_yaml_printable(ch) for ch in s)


def _yaml_literal(s: str, indent: int) -> list[str]:
    """A literal block scalar: its header, then its lines at ``indent``."""
    header = "|" + (str(_YAML_INDENT) if s[0] in " \n" else "")
    if not s.endswith("\n"):
        header += "-"
    elif s == "\n" or s.endswith("\n\n"):
        header += "+"
    lines = s.split("\n")
    if s.endswith("\n"):
        lines.pop()
    return [header] + [" " * indent + line if line else "" for line in lines]


def _yaml_scalar(v: Value, column: int, indent: int) -> list[str]:
    """A scalar at ``column``: one line, or a literal header and its content lines."""
    if isinstance(v, str):
        if _yaml_literal_allowed(v):
            return _yaml_literal(v, indent)
        return [_yaml_quoted(v, column, indent)]
    if isinstance(v, float) and math.isinf(v):
        raise FunctionError("eks-ip-lint cannot encode an infinite number as YAML")
    if v is None or isinstance(v, (bool, int, float)):
        return [json_encode(v)]
    raise FunctionError("cannot serialize an unknown value as YAML")


def _yaml_block(v: list[Value] | dict[str, Value], indent: int) -> list[str]:
    """The lines of a non-empty collection whose entries start at column ``indent``."""
    pad = " " * indent
    lines: list[str] = []
    entries: list[tuple[str, Value]]
    if isinstance(v, list):
        entries = [(pad + "- ", e) for e in v]
    else:
        entries = [(pad + _yaml_quoted(k, indent, indent + _YAML_INDENT) + ":", v[k]) for k in sorted(v)]
    for prefix, value in entries:
        if isinstance(value, (list, dict)) and value:
            if isinstance(v, list):  # "- - x" and "- key: x": the first entry shares the dash line
                nested = _yaml_block(value, indent + _YAML_INDENT)
                lines.append(prefix + nested[0].lstrip(" "))
                lines.extend(nested[1:])
            else:  # a list under a key is not indented further; a map is
                lines.append(prefix)
                lines.extend(_yaml_block(value, indent if isinstance(value, list) else indent + _YAML_INDENT))
            continue
        inline = prefix if isinstance(v, list) else prefix + " "
        if isinstance(value, (list, dict)):
            lines.append(inline + ("[]" if isinstance(value, list) else "{}"))
            continue
        scalar = _yaml_scalar(value, len(inline), indent + _YAML_INDENT)
        lines.append(inline + scalar[0])
        lines.extend(scalar[1:])
    return lines


def yaml_encode(v: Value) -> str:
    """yamlencode's text for a known value."""
    if isinstance(v, (list, dict)):
        if not v:
            return "[]\n" if isinstance(v, list) else "{}\n"
        return "\n".join(_yaml_block(v, 0)) + "\n"
    lines = _yaml_scalar(v, 0, _YAML_INDENT)
    # go-yaml ends a document whose root is a plain scalar with an explicit "..." marker.
    end = "...\n" if not isinstance(v, str) else ""
    return "\n".join(lines) + "\n" + end


# --- YAML decoding ----------------------------------------------------------------------------

_TAG = "tag:yaml.org,2002:"
_NUMBER_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)")
_RADIX_RE = re.compile(r"0x[0-9a-fA-F]+|0o[0-7]+")
_BOOLS = {
    **dict.fromkeys(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"], True),
    **dict.fromkeys(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"], False),
}
_BOOL_RE = re.compile("|".join(_BOOLS))
_NULL_RE = re.compile(r"~|null|Null|NULL|")
_NAN_RE = re.compile(r"\.(?:nan|NaN|NAN)")
# The timestamp layouts Terraform accepts (Go time.Parse layouts with one-digit month/day/time).
_TIMESTAMP_RE = re.compile(
    r"(\d{4})-(\d\d?)-(\d\d?)"
    r"(?:(?:([Tt])|( ))(\d\d?):(\d\d?):(\d\d?)(?:\.\d+)?(Z|[+-]\d\d:\d\d)?)?"
)


def _yaml_timestamp(text: str) -> str:
    """A YAML timestamp as the RFC 3339 string Terraform gives (seconds precision), or the text."""
    m = _TIMESTAMP_RE.fullmatch(text)
    if m is None:
        return text
    year, month, day, t_sep, space_sep, hour, minute, second, zone = m.groups()
    # "T" needs a zone and " " forbids one, as in Terraform's layouts.
    if (t_sep and not zone) or (space_sep and zone):
        return text
    try:
        date = datetime.date(int(year), int(month), int(day))
        clock = datetime.time(int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return text
    suffix = "Z" if zone in (None, "Z", "+00:00", "-00:00") else zone
    return f"{date.isoformat()}T{clock.isoformat()}{suffix}"


def _construct_number(loader: Any, node: Any) -> Value:
    n = parse_decimal(node.value.replace(".inf", "Inf").replace(".Inf", "Inf").replace(".INF", "Inf"))
    assert n is not None  # the resolver only sends what _NUMBER_RE accepts
    return n


def _construct_radix(loader: Any, node: Any) -> Value:
    return int(node.value, 0)


def _construct_nan(loader: Any, node: Any) -> Value:
    raise FunctionError("floating point NaN is not supported")


def _construct_bool(loader: Any, node: Any) -> Value:
    return _BOOLS[node.value]


def _construct_binary(loader: Any, node: Any) -> Value:
    # Terraform has no bytes: it keeps the base64 text, after checking it is base64.
    try:
        base64.b64decode(node.value, validate=True)
    except binascii.Error as err:
        raise FunctionError(f"cannot parse {quote(node.value)} as !!binary: not valid base64") from err
    return str(node.value)


def _construct_timestamp(loader: Any, node: Any) -> Value:
    return _yaml_timestamp(node.value)


def _construct_map(loader: Any, node: Any) -> Value:
    # Keys become strings while the map is built: PyYAML's own dict would merge 1 and true.
    loader.flatten_mapping(node)  # resolves "<<" merge keys
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            text = to_string(key)
        except EvalError as err:
            raise FunctionError("only strings are allowed as mapping keys") from err
        result[text] = loader.construct_object(value_node, deep=True)
    return result


@functools.cache
def _yaml_loader() -> Any:
    """A PyYAML SafeLoader class with Terraform's scalar resolution (typed Any: PyYAML is untyped)."""
    try:
        yaml = importlib.import_module("yaml")
    except ImportError as err:
        raise FunctionError("yamldecode needs the PyYAML package, which is not installed") from err
    from eks_ip_lint.sources import yaml_budget  # noqa: PLC0415 -- imports PyYAML, 10 ms

    loader: Any = type("TerraformYamlLoader", (yaml_budget.BoundedSafeLoader,), {})
    # Keep only the merge key ("<<") of PyYAML's implicit resolvers; ours replace the rest.
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in entries if tag == _TAG + "merge"]
        for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    numbers = list("-+0123456789.")
    implicit = [
        ("tag:eks-ip-lint:bool", _BOOL_RE, list("yYnNtTfFoO")),
        (_TAG + "null", _NULL_RE, [*"~nN", ""]),
        ("tag:eks-ip-lint:nan", _NAN_RE, ["."]),
        ("tag:eks-ip-lint:timestamp", _TIMESTAMP_RE, list("0123456789")),
        ("tag:eks-ip-lint:number", _NUMBER_RE, numbers),
        ("tag:eks-ip-lint:radix", _RADIX_RE, ["0"]),
    ]
    for tag, rx, first in implicit:
        # PyYAML tries resolvers with re.match: anchor the end so that only whole scalars match
        loader.add_implicit_resolver(tag, re.compile(rf"(?:{rx.pattern})\Z"), first)
    constructors = {
        "tag:eks-ip-lint:bool": _construct_bool,
        "tag:eks-ip-lint:nan": _construct_nan,
        "tag:eks-ip-lint:timestamp": _construct_timestamp,
        "tag:eks-ip-lint:number": _construct_number,
        "tag:eks-ip-lint:radix": _construct_radix,
        _TAG + "bool": _construct_bool,
        _TAG + "binary": _construct_binary,
        _TAG + "timestamp": _construct_timestamp,
        _TAG + "map": _construct_map,
    }
    for tag, constructor in constructors.items():
        loader.add_constructor(tag, constructor)
    return loader


def _from_yaml(v: Any) -> Value:
    if isinstance(v, float):
        if math.isnan(v):
            raise FunctionError("floating point NaN is not supported")
        return v if math.isinf(v) else number_from_decimal(Decimal(repr(v)))
    if isinstance(v, list):
        return [_from_yaml(e) for e in v]
    if isinstance(v, dict):
        return {k: _from_yaml(e) for k, e in v.items()}
    if v is None or isinstance(v, (bool, int, str)):
        return v
    raise FunctionError(f"unsupported YAML value of type {type(v).__name__}")


def _yamldecode(args: list[Value]) -> Value:
    """yamldecode(src): exactly one YAML document."""
    text = arg_string(args[0], "src")
    loader_class = _yaml_loader()
    from eks_ip_lint.sources import yaml_budget  # noqa: PLC0415 -- imported by _yaml_loader

    try:
        loader = loader_class(text)  # PyYAML's reader refuses control characters (NUL) here
    except Exception as err:  # yaml.YAMLError: PyYAML is imported lazily, so not nameable here
        raise FunctionError(f"invalid YAML: {err}") from err
    try:
        node = loader.get_single_node()
        if node is None:
            raise FunctionError("missing start of document")
        yaml_budget.check_expansion(node)  # an alias bomb would expand in _from_yaml below
        return _from_yaml(loader.construct_document(node))
    except FunctionError:
        raise
    except Exception as err:  # PyYAML's errors (YAMLError, and TypeError for unhashable keys)
        raise FunctionError(f"invalid YAML: {err}") from err
    finally:
        loader.dispose()


# --- base64 and hashes ------------------------------------------------------------------------


def _base64decode(args: list[Value]) -> Value:
    """base64decode(str): standard alphabet with padding; Go skips newlines, so do we."""
    text = arg_string(args[0], "str")
    try:
        data = base64.b64decode(text.replace("\r", "").replace("\n", ""), validate=True)
    except (binascii.Error, ValueError) as err:
        raise FunctionError(f"failed to decode base64 data {quote(text)}") from err
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise FunctionError("the result of decoding the provided string is not valid UTF-8") from err


def _digest(algorithm: str, encoding: str) -> Function:
    def digest(args: list[Value]) -> Value:
        h = hashlib.new(algorithm, utf8(arg_string(args[0], "str"), "str"))
        return h.hexdigest() if encoding == "hex" else base64.b64encode(h.digest()).decode("ascii")

    return Function(("str",), digest)


FUNCTIONS: dict[str, Function] = {
    "jsonencode": Function(("val",), lambda args: json_encode(args[0])),
    "jsondecode": Function(("str",), _jsondecode),
    "yamlencode": Function(("value",), lambda args: yaml_encode(args[0])),
    "yamldecode": Function(("src",), _yamldecode),
    "base64encode": Function(
        ("str",), lambda args: base64.b64encode(utf8(arg_string(args[0], "str"), "str")).decode("ascii")
    ),
    "base64decode": Function(("str",), _base64decode),
    "md5": _digest("md5", "hex"),
    "sha1": _digest("sha1", "hex"),
    "sha256": _digest("sha256", "hex"),
    "sha512": _digest("sha512", "hex"),
    "base64sha256": _digest("sha256", "base64"),
    "base64sha512": _digest("sha512", "base64"),
}

"""Cross-check call_function against the real ``terraform`` binary.

Every case is a function name and Python arguments; the HCL text of the call is generated from the
arguments, so the two cannot drift apart. All calls are evaluated in ONE ``terraform console`` run
(a console with no configuration needs no providers and no network), each wrapped as
``try({ok = <call>}, {err = true})`` so that expected errors are compared too, and the whole list
is returned as base64(jsonencode(...)) so the output needs no HCL string unescaping.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
from decimal import Decimal
from typing import Any

import pytest

from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.functions import call_function
from eks_ip_lint.values import Value

LONG_WORDS = " ".join(["aaaa", "bbbb", "cccc", "dddd", "eeee", "ffff", "gggg", "hhhh", "iiii"] * 3)

CASES: list[tuple[str, list[Value]]] = [
    # --- network ---
    ("cidrsubnet", ["10.0.0.0/16", 4, 2]),
    ("cidrsubnet", ["10.0.0.0/16", 8, 2]),
    ("cidrsubnet", ["172.16.0.0/12", 4, 2]),
    ("cidrsubnet", ["10.1.2.0/24", 4, 15]),
    ("cidrsubnet", ["fd00:fd12:3456:7890::/56", 16, 162]),
    ("cidrsubnet", ["fd00::/16", 40, 1]),
    ("cidrsubnet", ["10.0.0.0/8", 16, 65535]),
    ("cidrsubnet", ["010.0.0.0/16", 4, 1]),
    ("cidrsubnet", ["10.0.0.1/16", 4, 1]),
    ("cidrsubnet", ["10.0.0.0/16", 0, 0]),
    ("cidrsubnet", ["10.0.0.0/16", 17, 0]),
    ("cidrsubnet", ["10.0.0.0/16", 4, 16]),
    ("cidrsubnet", ["10.0.0.0/16", 4, 1.5]),
    ("cidrsubnet", ["10.0.0.0", 4, 1]),
    ("cidrsubnet", ["10.0.0.0/33", 1, 1]),
    ("cidrsubnet", ["not-a-cidr", 1, 1]),
    ("cidrsubnets", ["10.1.0.0/16", 4, 4, 8, 4]),
    ("cidrsubnets", ["fd00:fd12:3456:7890::/56", 16, 16, 16, 32]),
    ("cidrsubnets", ["10.0.0.0/8", 8, 4]),
    ("cidrsubnets", ["10.0.0.0/16", 8, 4, 8]),
    ("cidrsubnets", ["10.0.0.0/16", 2, 2, 2, 2]),
    ("cidrsubnets", ["10.0.0.0/16", 2, 2, 2, 2, 1]),
    ("cidrsubnets", ["10.0.0.0/30", 2, 1]),
    ("cidrsubnets", ["10.0.0.0/30", 1, 1, 1]),
    ("cidrsubnets", ["0.0.0.0/8", 8]),
    ("cidrsubnets", ["10.0.0.0/16"]),
    ("cidrsubnets", ["10.0.0.0/16", 0]),
    ("cidrsubnets", ["10.0.0.0/16", 17]),
    ("cidrsubnets", ["fd00::/16", 33]),
    ("cidrhost", ["10.12.112.0/20", 16]),
    ("cidrhost", ["10.12.112.0/20", 268]),
    ("cidrhost", ["fd00:fd12:3456:7890:00a2::/72", 34]),
    ("cidrhost", ["10.0.0.0/30", -1]),
    ("cidrhost", ["10.0.0.0/30", -4]),
    ("cidrhost", ["10.0.0.0/30", 4]),
    ("cidrhost", ["10.0.0.0/30", -5]),
    ("cidrnetmask", ["172.16.0.0/12"]),
    ("cidrnetmask", ["10.0.0.0/32"]),
    ("cidrnetmask", ["0.0.0.0/0"]),
    ("cidrnetmask", ["fd00::/16"]),
    # --- collections ---
    ("length", [["a", "b"]]),
    ("length", ["héllo"]),
    ("length", ["🇺🇸🤷🏽"]),
    ("length", [{"a": 1, "b": 2}]),
    ("length", [None]),
    ("length", [5]),
    ("element", [["a", "b", "c"], 1]),
    ("element", [["a", "b", "c"], 5]),
    ("element", [[], 0]),
    ("element", [["a"], 1.5]),
    ("slice", [["a", "b", "c", "d"], 1, 3]),
    ("slice", [[1, 2, 3], 1, 1]),
    ("slice", [[1, 2, 3], 2, 1]),
    ("slice", [[1, 2, 3], 0, 4]),
    ("concat", [["a", ""], ["b", "c"]]),
    ("concat", [[1], ["a"]]),
    ("concat", [[1], "a"]),
    ("flatten", [[["a", "b"], [], ["c"]]]),
    ("flatten", [[[1, [2, [3]]], 4, []]]),
    ("lookup", [{"a": "ay", "b": "bee"}, "a", "what?"]),
    ("lookup", [{"a": "ay"}, "c", "what?"]),
    ("lookup", [{"a": 1}, "b"]),
    ("lookup", [{"a": {"b": 1}}, "a"]),
    ("merge", [{"a": "b", "c": "d"}, {"e": "f", "c": "z"}]),
    ("merge", [{"a": 1}, None, {"b": 2}]),
    ("merge", [[1]]),
    ("keys", [{"b": 1, "a": 2, "B": 3}]),
    ("values", [{"a": 3, "c": 2, "d": 1}]),
    ("contains", [["a", "b", "c"], "a"]),
    ("contains", [["a", "b", "c"], "d"]),
    ("contains", [[1, 2], "1"]),
    ("distinct", [["a", "b", "a", "c", "d", "b"]]),
    ("distinct", [[1, "1"]]),
    ("compact", [["a", "", "b", None, "c"]]),
    ("compact", [[1, ""]]),
    ("coalesce", ["a", "b"]),
    ("coalesce", ["", "b"]),
    ("coalesce", [1, 2]),
    ("coalesce", [None, 1, "a"]),
    ("coalesce", [1, "a"]),
    ("coalesce", ["a", 1]),
    ("coalesce", [None, ""]),
    ("coalescelist", [["a", "b"], ["c", "d"]]),
    ("coalescelist", [[], ["c", "d"]]),
    ("coalescelist", [[], []]),
    ("zipmap", [["a", "b"], [1, 2]]),
    ("zipmap", [["a", "a"], [1, 2]]),
    ("zipmap", [["a"], [1, 2]]),
    ("index", [["a", "b", "c"], "b"]),
    ("index", [["a"], "z"]),
    ("index", [[1, 2], "2"]),
    ("reverse", [[1, 2, 3]]),
    ("reverse", ["abc"]),
    ("sort", [["e", "d", "a", "x"]]),
    ("sort", [[10, 9, 100]]),
    ("sum", [[10, 13, 6, 2]]),
    ("sum", [[1.5, 2.25]]),
    ("sum", [["1", 2]]),
    ("sum", [[]]),
    ("one", [[]]),
    ("one", [["a"]]),
    ("one", [["a", "b"]]),
    ("alltrue", [["true", True]]),
    ("alltrue", [[]]),
    ("alltrue", [[True, False]]),
    ("alltrue", [[1]]),
    ("anytrue", [[True, False]]),
    ("anytrue", [[]]),
    ("setunion", [["a", "b"], ["b", "c"], ["d"]]),
    ("setunion", [[1], ["a"]]),
    ("setintersection", [["a", "b"], ["b", "c"], ["b", "d"]]),
    ("setsubtract", [["a", "b", "c"], ["a", "c"]]),
    ("chunklist", [["a", "b", "c", "d", "e"], 2]),
    ("chunklist", [[], 0]),
    ("chunklist", [["a", "b"], 0]),
    ("chunklist", [["a"], -1]),
    ("transpose", [{"a": ["1", "2"], "b": ["2", "3"]}]),
    ("matchkeys", [["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"]]),
    ("matchkeys", [["a"], ["x", "y"], ["x"]]),
    ("tolist", [["a", "b", "c"]]),
    ("tolist", [["a", 1, True]]),
    ("tolist", [[1, [2]]]),
    ("toset", [["a", "b", "c", "b"]]),
    ("toset", [["B", "a", "A", "é", "z"]]),
    ("toset", [[10, 9, 1.5, -3]]),
    ("toset", [[True, False, True]]),
    ("toset", [["b", 1, True]]),
    ("tomap", [{"a": 1, "b": "x"}]),
    ("tomap", [{"a": 1, "b": [1]}]),
    ("range", [3]),
    ("range", [1, 4]),
    ("range", [1, 8, 2]),
    ("range", [1, 4, 0.5]),
    ("range", [4, 1]),
    ("range", [-3]),
    ("range", [0]),
    ("range", [1.5]),
    ("range", [0.5, 3]),
    ("range", [0, 1, 0.1]),
    ("range", [1, 4, -1]),
    ("range", [4, 1, 1]),
    ("range", [0, 1, 0]),
    ("range", [0, 2000]),
    # --- strings ---
    ("format", ["Hello, %s!", "Ander"]),
    ("format", ["There are %d lights", 4]),
    ("format", ["%5.2f|%-5d|%05d|%+d", 3.14159, 42, 42, 42]),
    ("format", ["%v|%v|%v|%v|%v", "s", 1, True, [1, "a"], {"a": 1}]),
    ("format", ["%#v|%q", "a", 'a"b<&>']),
    ("format", ["%t|%t", "true", False]),
    ("format", ["%x|%X|%o|%b|%#x|%#o|%#b|%+x", 255, 255, 8, 5, 255, 8, 5, -255]),
    ("format", ["%e|%.2e|%E|%08.3e", 31415.9, 1234.5678, 0.5, -1234.5]),
    ("format", ["%g|%g|%.3g|%G|%g", 0.000012345, 123456789, 1234, 1e-10, 100000000]),
    ("format", ["%[2]s %[1]s", "a", "b"]),
    ("format", ["%.0f|%.1f|%.f|%f", 2.5, 0.25, 2.5, 1]),
    ("format", ["%10s|%-10s|%.2s|%05s", "hi", "hi", "hello", "ab"]),
    ("format", ["%d|%s|%v|%s", 12345678901234567890, 0.1, 1e21, 1e-7]),
    ("format", ["%6.2v|%-8q|% d|%.3d", 3.14159, "x", 5, 5]),
    ("format", ["%v|%v|%v|%v|%v", 1234567, 1e6, 0.00001, 12345678901234567890, -2.5]),
    ("format", ["%s %s", "a"]),
    ("format", ["%s", "a", "b"]),
    ("format", ["%c", 65]),
    ("format", ["%d", 1.5]),
    ("format", ["%s", [1]]),
    ("format", ["%x", "hi"]),
    ("format", ["%*d", 5, 1]),
    ("format", ["%", 1]),
    ("formatlist", ["Hello, %s!", ["Valentina", "Ander", "Olivia", "Sam"]]),
    ("formatlist", ["%s, %s!", "Salutations", ["Valentina", "Ander"]]),
    ("formatlist", ["%s-%s", ["a", "b"], ["x"]]),
    ("formatlist", ["x"]),
    ("join", ["-", ["foo", "bar", "baz"]]),
    ("join", [",", ["a", 1, True]]),
    ("join", [",", ["a"], ["b", "c"]]),
    ("join", [",", [None]]),
    ("split", [",", "foo,bar,baz"]),
    ("split", [",", ""]),
    ("split", ["", "abc"]),
    ("split", [",", "a,,b"]),
    ("replace", ["1 + 2 + 3", "+", "-"]),
    ("replace", ["hello world", "/w.*d/", "everybody"]),
    ("replace", ["hello world", "/o(.)/", "0$1$1"]),
    ("replace", ["abxd", "/x*/", "-"]),
    ("replace", ["abc", "", "-"]),
    ("replace", ["abc", "/(b)/", "$1x"]),
    ("replace", ["abc", "/(?P<x>b)/", "[$x]"]),
    ("replace", ["abc", "/b/", "$$"]),
    ("replace", ["a.b", ".", "-"]),
    ("lower", ["HÉLLO"]),
    ("upper", ["héllo ß"]),
    ("title", ["hello wOrld-foo_bar 1a é ǆemal"]),
    ("trimspace", ["  hello\n\n"]),
    ("trimspace", ["\u001c x \u0085\u00a0"]),
    ("trim", ["?!hello?!", "!?"]),
    ("trimprefix", ["helloworld", "hello"]),
    ("trimprefix", ["helloworld", "cat"]),
    ("trimsuffix", ["helloworld", "world"]),
    ("substr", ["hello world", 1, 4]),
    ("substr", ["🤔🤷", 0, 1]),
    ("substr", ["hello world", -5, -1]),
    ("substr", ["hello world", 7, -1]),
    ("substr", ["hello", 10, 1]),
    ("substr", ["hello", -10, 2]),
    ("substr", ["héllo", 1, 2]),
    ("startswith", ["hello world", "hello"]),
    ("startswith", ["hello", ""]),
    ("endswith", ["hello world", "world"]),
    ("strcontains", ["hello world", "wor"]),
    ("strcontains", ["hello world", "cat"]),
    ("regex", ["[a-z]+", "53453453.345345aaabbbccc23454"]),
    ("regex", ["(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01"]),
    ("regex", ["^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/"]),
    ("regex", ["(a)|(b)", "b"]),
    ("regex", ["(?<a>x)", "xy"]),
    ("regex", ["\\w+", "héllo"]),
    ("regex", ["x", "abc"]),
    ("regex", ["(?P<a>x)(y)", "xy"]),
    ("regex", ["(?=x)", "xy"]),
    ("regex", ["(a)\\1", "aa"]),
    ("regexall", ["[a-z]+", "1234abcd5678efgh9"]),
    ("regexall", ["(\\d)(\\w)", "1a2b"]),
    ("regexall", ["(?P<n>\\d)", "1a2b"]),
    ("regexall", ["a*", "baaab"]),
    ("regexall", ["x", "abc"]),
    ("basename", ["foo/bar/baz.txt"]),
    ("basename", ["foo/bar/"]),
    ("basename", [""]),
    ("dirname", ["foo/bar/baz.txt"]),
    ("dirname", ["baz.txt"]),
    ("dirname", ["/foo"]),
    ("dirname", ["//a//b/"]),
    # --- numbers and conversions ---
    ("abs", [23]),
    ("abs", [-12.4]),
    ("ceil", [5.1]),
    ("ceil", [-0.5]),
    ("floor", [4.9]),
    ("floor", [-4.1]),
    ("pow", [3, 2]),
    ("pow", [4, 0.5]),
    ("pow", [2, -1]),
    ("signum", [-13]),
    ("signum", [0]),
    ("signum", [344]),
    ("signum", [-0.5]),
    ("parseint", ["100", 10]),
    ("parseint", ["FF", 16]),
    ("parseint", ["-10", 2]),
    ("parseint", ["zz", 36]),
    ("parseint", ["Zz", 62]),
    ("parseint", ["+7", 10]),
    ("parseint", ["FFFFFFFFFFFFFFFFFFFFFF", 16]),
    ("parseint", ["12", 2]),
    ("parseint", ["12", 1]),
    ("parseint", [12, 10]),
    ("parseint", ["1_000", 10]),
    ("min", [12, 54, 3]),
    ("max", [12, 54, 3]),
    ("max", [12, 54, "3"]),
    ("min", ["1", "10"]),
    ("max", [1.5, 2]),
    ("min", []),
    ("tonumber", ["1"]),
    ("tonumber", ["1.50"]),
    ("tonumber", [".5"]),
    ("tonumber", ["5."]),
    ("tonumber", ["1e3"]),
    ("tonumber", ["-7"]),
    ("tonumber", [" 3"]),
    ("tonumber", ["0x10"]),
    ("tonumber", [True]),
    ("tonumber", [None]),
    ("tostring", ["hello"]),
    ("tostring", [1]),
    ("tostring", [1.25]),
    ("tostring", [1e-7]),
    ("tostring", [True]),
    ("tostring", [None]),
    ("tostring", [[1]]),
    ("tobool", ["true"]),
    ("tobool", [False]),
    ("tobool", [None]),
    ("tobool", ["True"]),
    ("tobool", [0]),
    ("nonsensitive", ["x"]),
    ("nonsensitive", [{"a": [1, 2]}]),
    # --- encoding ---
    ("jsonencode", [{"hello": "world"}]),
    ("jsonencode", [{"b": 1, "a": [True, None, "x<>&\u2028\b\f\t\u0001é"]}]),
    ("jsonencode", [[1.5, 1e-7, 12345678901234567890, 0.1]]),
    ("jsondecode", ['{"hello": "world"}']),
    ("jsondecode", ["true"]),
    ("jsondecode", ['{"a": 1.0, "b": [1e2, 2.5]}']),
    ("jsondecode", ["12345678901234567890123"]),
    ("jsondecode", ['{"b":1,"a":2,"a":3}']),
    ("jsondecode", ["[1, 2"]),
    ("jsondecode", ["[1] x"]),
    ("jsondecode", ["NaN"]),
    ("yamlencode", [{"a": "b", "c": "d"}]),
    ("yamlencode", [{"a": [1, 2, 3], "b": {"c": "d"}}]),
    (
        "yamlencode",
        [[[1, 2], {"a": [], "b": {"c": "x"}}, "multi\nline", "with: colon", "", "yes", "1.5", "é"]],
    ),
    ("yamlencode", ["x"]),
    ("yamlencode", [True]),
    ("yamlencode", [None]),
    ("yamlencode", [1.5]),
    ("yamlencode", [[]]),
    ("yamlencode", [{}]),
    ("yamlencode", ["a\nb"]),
    ("yamlencode", [{"k": LONG_WORDS}]),
    ("yamlencode", [[LONG_WORDS.replace("iiii ", "iiii  ")]]),
    ("yamlencode", [{"deep": {"er": [LONG_WORDS + " " + LONG_WORDS]}}]),
    ("yamlencode", [["a\n", "a\n\n", " lead\nx", "trail \nx", "tab\there", "ctl\u0001", 'q"b\\s', "\u00a0"]]),
    ("yamlencode", [[{"x": ["a\nb"]}, "😀", "\u0085", "\u2028", "\ufeff"]]),
    ("yamlencode", [[1, [], {}, [[]], [{}], {"a": {}}]]),
    ("yamlencode", [{"a": [[1]], "b": [{"c": 1, "d": 2}]}]),
    ("yamldecode", ["hello: world"]),
    ("yamldecode", ["true"]),
    ("yamldecode", ['{a: &a ["b", "c"], b: *a}']),
    (
        "yamldecode",
        ["a: y\nb: n\nc: on\nd: off\ne: Yes\nf: 017\ng: 0o17\nh: 1_000\ni: 0b101\nj: +12\nk: -.5\nl: 1."],
    ),
    ("yamldecode", ["1: a\ntrue: b"]),
    (
        "yamldecode",
        ["- 2001-12-14t21:59:43.10-05:00\n- 2001-12-14 21:59:43.10 -5\n- 2002-12-14\n- 2001-13-45"],
    ),
    ("yamldecode", ["- 2001-12-14 21:59:43.10\n- 2001-12-14T21:59:43Z\n- 2001-12-14T21:59:43+00:00"]),
    ("yamldecode", ["- 0x10\n- 1e3\n- ~\n- -0x10\n- 0X10\n- 0o8\n- null\n- ''"]),
    ("yamldecode", ["!!binary aGk="]),
    ("yamldecode", ["x: !!str 1"]),
    ("yamldecode", ["<<: {a: 1}\nb: 2"]),
    ("yamldecode", ["a: 1\na: 2"]),
    ("yamldecode", ["---\na: 1\n---\nb: 2"]),
    ("yamldecode", [""]),
    ("yamldecode", ["x: .nan"]),
    ("yamldecode", ["[1, 2"]),
    ("yamldecode", ["? [1,2]\n: x"]),
    ("base64encode", ["Hello World"]),
    ("base64decode", ["SGVsbG8gV29ybGQ="]),
    ("base64decode", ["SGVsbG8gV29ybGQ"]),
    ("base64decode", ["/w=="]),
    ("md5", ["hello"]),
    ("sha1", ["hello"]),
    ("sha256", ["hello"]),
    ("sha512", ["hello"]),
    ("base64sha256", ["hello"]),
    ("base64sha512", ["hello"]),
]


def hcl_string(s: str) -> str:
    """A quoted HCL string literal for ``s`` (HCL has no \\b or \\f escapes, and ${ and %{ are templates)."""
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out).replace("${", "$${").replace("%{", "%%{") + '"'


def hcl(v: Value) -> str:
    """HCL literal syntax for a known value."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return hcl_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(hcl(e) for e in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{hcl_string(k)} = {hcl(e)}" for k, e in v.items()) + "}"
    raise TypeError(f"no HCL literal for {v!r}")


def call_text(name: str, args: list[Value]) -> str:
    return f"{name}({', '.join(hcl(a) for a in args)})"


@pytest.fixture(scope="module")
def terraform_results() -> list[dict[str, Any]]:
    exe = shutil.which("terraform")
    if exe is None:
        pytest.skip("terraform not on PATH: cross-check against terraform console skipped")
    wrapped = ", ".join(f"try({{ok = {call_text(n, a)}}}, {{err = true}})" for n, a in CASES)
    expression = f"base64encode(jsonencode([{wrapped}]))\n"
    # CHECKPOINT_DISABLE: no update check over the network.
    env = {**os.environ, "CHECKPOINT_DISABLE": "1"}
    with tempfile.TemporaryDirectory() as workdir:
        proc = subprocess.run(
            [exe, "console"],
            input=expression,
            capture_output=True,
            text=True,
            cwd=workdir,
            env=env,
            timeout=300,
            check=False,
        )
    assert proc.returncode == 0, f"terraform console failed:\n{proc.stderr}"
    # The console prints the result as a quoted HCL string; base64 text needs no unescaping.
    encoded = proc.stdout.strip()
    assert encoded.startswith('"') and encoded.endswith('"'), encoded[:200]
    results = json.loads(base64.b64decode(encoded[1:-1]), parse_float=Decimal)
    assert isinstance(results, list) and len(results) == len(CASES)
    return results


def same(ours: Value, theirs: Any) -> bool:
    """Our value equals Terraform's JSON-decoded one (floats compared at float64 precision)."""
    if isinstance(theirs, bool) or ours is None or isinstance(ours, bool):
        return ours is theirs or (isinstance(ours, bool) and isinstance(theirs, bool) and ours == theirs)
    if isinstance(theirs, (int, Decimal)):
        if isinstance(ours, float):
            return ours == float(theirs)
        return isinstance(ours, int) and Decimal(ours) == theirs
    if isinstance(theirs, str):
        return ours == theirs
    if isinstance(theirs, list):
        return isinstance(ours, list) and len(ours) == len(theirs) and all(map(same, ours, theirs))
    if isinstance(theirs, dict):
        return (
            isinstance(ours, dict)
            and ours.keys() == theirs.keys()
            and all(same(ours[k], theirs[k]) for k in ours)
        )
    return ours is None and theirs is None


@pytest.mark.parametrize("index", range(len(CASES)), ids=[call_text(n, a)[:100] for n, a in CASES])
def test_matches_terraform_console(terraform_results: list[dict[str, Any]], index: int) -> None:
    name, args = CASES[index]
    expected = terraform_results[index]
    try:
        actual = call_function(name, args)
    except EvalError as err:
        assert "err" in expected, f"we fail ({err}) where terraform returns {expected['ok']!r}"
        return
    assert "ok" in expected, f"terraform fails where we return {actual!r}"
    assert same(actual, expected["ok"]), f"we return {actual!r}, terraform {expected['ok']!r}"

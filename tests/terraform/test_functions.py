"""Terraform built-in functions: documented examples, errors, and unknown propagation.

Expected values come from Terraform's function documentation (and, where the documentation is
silent, from Terraform 1.11 itself: see test_functions_terraform.py, which re-checks many of these
against the real binary).
"""

from __future__ import annotations

import pytest

from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.functions import FUNCTIONS, call_function, has_function
from eks_ip_lint.values import Cause, Unknown, Value


def case(name: str, args: list[Value], expected: Value, note: str = "") -> object:
    return pytest.param(name, args, expected, id=f"{name}{'-' + note if note else ''}:{args!r}"[:90])


DOC_EXAMPLES = [
    # network (the EKS subnet math)
    case("cidrsubnet", ["10.0.0.0/16", 4, 2], "10.0.32.0/20"),
    case("cidrsubnet", ["172.16.0.0/12", 4, 2], "172.18.0.0/16"),
    case("cidrsubnet", ["10.1.2.0/24", 4, 15], "10.1.2.240/28"),
    case("cidrsubnet", ["fd00:fd12:3456:7890::/56", 16, 162], "fd00:fd12:3456:7800:a200::/72"),
    case("cidrsubnet", ["10.0.0.0/16", 8, 2.0], "10.0.2.0/24", "integral float"),
    case("cidrsubnet", ["10.0.0.0/16", "8", "2"], "10.0.2.0/24", "numeric strings"),
    case("cidrsubnet", ["010.0.0.0/16", 4, 1], "10.0.16.0/20", "leading zeros accepted"),
    case(
        "cidrsubnets",
        ["10.1.0.0/16", 4, 4, 8, 4],
        ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"],
    ),
    case(
        "cidrsubnets",
        ["fd00:fd12:3456:7890::/56", 16, 16, 16, 32],
        [
            "fd00:fd12:3456:7800::/72",
            "fd00:fd12:3456:7800:100::/72",
            "fd00:fd12:3456:7800:200::/72",
            "fd00:fd12:3456:7800:300::/88",
        ],
    ),
    case("cidrsubnets", ["10.0.0.0/16"], []),
    case("cidrhost", ["10.12.112.0/20", 16], "10.12.112.16"),
    case("cidrhost", ["10.12.112.0/20", 268], "10.12.113.12"),
    case("cidrhost", ["fd00:fd12:3456:7890:00a2::/72", 34], "fd00:fd12:3456:7890::22"),
    case("cidrhost", ["10.0.0.0/30", -1], "10.0.0.3", "negative counts from the end"),
    case("cidrnetmask", ["172.16.0.0/12"], "255.240.0.0"),
    # collections
    case("length", [[]], 0),
    case("length", [["a", "b"]], 2),
    case("length", [["a", None]], 2),
    case("length", [{"a": "b"}], 1),
    case("length", ["hello"], 5),
    case("length", ["héllo"], 5, "unicode"),
    case("length", ["🇺🇸"], 1, "grapheme cluster"),
    case("element", [["a", "b", "c"], 1], "b"),
    case("element", [["a", "b", "c"], 3], "a", "wraps"),
    case("slice", [["a", "b", "c", "d"], 1, 3], ["b", "c"]),
    case("concat", [["a", ""], ["b", "c"]], ["a", "", "b", "c"]),
    case("flatten", [[["a", "b"], [], ["c"]]], ["a", "b", "c"]),
    case("flatten", [[[["a", "b"], []], ["c"]]], ["a", "b", "c"]),
    case("lookup", [{"a": "ay", "b": "bee"}, "a", "what?"], "ay"),
    case("lookup", [{"a": "ay", "b": "bee"}, "c", "what?"], "what?"),
    case("merge", [{"a": "b", "c": "d"}, {"e": "f", "c": "z"}], {"a": "b", "c": "z", "e": "f"}),
    case("merge", [{"a": "b"}, {"a": [1, 2], "c": "z"}, {"d": 3}], {"a": [1, 2], "c": "z", "d": 3}),
    case("keys", [{"a": 1, "c": 2, "d": 3}], ["a", "c", "d"]),
    case("values", [{"a": 3, "c": 2, "d": 1}], [3, 2, 1]),
    case("contains", [["a", "b", "c"], "a"], True),
    case("contains", [["a", "b", "c"], "d"], False),
    case("contains", [[1, 2], "1"], False, "no conversion"),
    case("distinct", [["a", "b", "a", "c", "d", "b"]], ["a", "b", "c", "d"]),
    case("compact", [["a", "", "b", None, "c"]], ["a", "b", "c"]),
    case("coalesce", ["a", "b"], "a"),
    case("coalesce", ["", "b"], "b"),
    case("coalesce", [1, 2], 1),
    case("coalesce", [None, 1, "a"], "1", "mixed types convert to string"),
    case("coalescelist", [["a", "b"], ["c", "d"]], ["a", "b"]),
    case("coalescelist", [[], ["c", "d"]], ["c", "d"]),
    case("zipmap", [["a", "b"], [1, 2]], {"a": 1, "b": 2}),
    case("index", [["a", "b", "c"], "b"], 1),
    case("reverse", [[1, 2, 3]], [3, 2, 1]),
    case("sort", [["e", "d", "a", "x"]], ["a", "d", "e", "x"]),
    case("sort", [[10, 9, 100]], ["10", "100", "9"], "numbers sort as strings"),
    case("one", [[]], None),
    case("one", [["hello"]], "hello"),
    case("alltrue", [["true", True]], True),
    case("alltrue", [[True, False]], False),
    case("anytrue", [["true"]], True),
    case("anytrue", [[]], False),
    case("setunion", [["a", "b"], ["b", "c"], ["d"]], ["a", "b", "c", "d"]),
    case("setintersection", [["a", "b"], ["b", "c"], ["b", "d"]], ["b"]),
    case("setsubtract", [["a", "b", "c"], ["a", "c"]], ["b"]),
    case("chunklist", [["a", "b", "c", "d", "e"], 2], [["a", "b"], ["c", "d"], ["e"]]),
    case("transpose", [{"a": ["1", "2"], "b": ["2", "3"]}], {"1": ["a"], "2": ["a", "b"], "3": ["b"]}),
    case(
        "matchkeys",
        [["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"]],
        ["i-abc", "i-def"],
    ),
    case("tolist", [["a", "b", "c"]], ["a", "b", "c"]),
    case("tolist", [["a", 1, True]], ["a", "1", "true"], "unified to string"),
    case("toset", [["a", "b", "c", "b"]], ["a", "b", "c"]),
    case("toset", [["c", "b", "b"]], ["b", "c"], "lexical order"),
    case("toset", [[10, 9, 1.5, -3]], [-3, 1.5, 9, 10], "numeric order"),
    case("toset", [[True, False, True]], [False, True]),
    case("tomap", [{"a": 1, "b": "x"}], {"a": "1", "b": "x"}),
    case("range", [3], [0, 1, 2]),
    case("range", [1, 4], [1, 2, 3]),
    case("range", [1, 8, 2], [1, 3, 5, 7]),
    case("range", [1, 4, 0.5], [1, 1.5, 2, 2.5, 3, 3.5]),
    case("range", [4, 1], [4, 3, 2]),
    case("range", [10, 5, -2], [10, 8, 6]),
    case("range", [-3], [0, -1, -2]),
    case("range", [0, 1, 0.1], [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], "decimal steps"),
    # strings
    case("format", ["Hello, %s!", "Ander"], "Hello, Ander!"),
    case("format", ["There are %d lights", 4], "There are 4 lights"),
    case("format", ["%5.2f|%-5d|%05d|%+d", 3.14159, 42, 42, 42], " 3.14|42   |00042|+42"),
    case("format", ["%v|%v|%v", "s", True, [1, "a"]], 's|true|[1,"a"]'),
    case("format", ["%v|%v", 1234567, 1.5], "1.234567e+06|1.5", "%v numbers are %g"),
    case("format", ["%q|%#v", 'a"b', "a"], '"a\\"b"|"a"'),
    case("format", ["%x|%X|%o|%b|%#x", 255, 255, 8, 5, 255], "ff|FF|10|101|0xff"),
    case("format", ["%e|%g|%.3g", 31415.9, 0.000012345, 1234], "3.141590e+04|1.2345e-05|1.23e+03"),
    case("format", ["%[2]s %[1]s", "a", "b"], "b a"),
    case("format", ["%d%%", 50], "50%"),
    case("formatlist", ["Hello, %s!", ["Valentina", "Ander"]], ["Hello, Valentina!", "Hello, Ander!"]),
    case(
        "formatlist",
        ["%s, %s!", "Salutations", ["Valentina", "Ander"]],
        ["Salutations, Valentina!", "Salutations, Ander!"],
    ),
    case("join", ["-", ["foo", "bar", "baz"]], "foo-bar-baz"),
    case("join", [", ", ["foo"]], "foo"),
    case("split", [",", "foo,bar,baz"], ["foo", "bar", "baz"]),
    case("split", [",", ""], [""]),
    case("replace", ["1 + 2 + 3", "+", "-"], "1 - 2 - 3"),
    case("replace", ["hello world", "/w.*d/", "everybody"], "hello everybody"),
    case("replace", ["hello world", "/o(.)/", "0$1$1"], "hell0  w0rrld", "group references"),
    case("replace", ["abxd", "/x*/", "-"], "-a-b-d-", "Go's empty-match rule"),
    case("lower", ["HELLO"], "hello"),
    case("upper", ["hello"], "HELLO"),
    case("upper", ["ß"], "ß", "simple case mapping"),
    case("title", ["hello world"], "Hello World"),
    case("trimspace", ["  hello\n\n"], "hello"),
    case("trim", ["?!hello?!", "!?"], "hello"),
    case("trimprefix", ["helloworld", "hello"], "world"),
    case("trimsuffix", ["helloworld", "world"], "hello"),
    case("substr", ["hello world", 1, 4], "ello"),
    case("substr", ["🤔🤷", 0, 1], "🤔"),
    case("substr", ["hello world", -5, -1], "world"),
    case("startswith", ["hello world", "hello"], True),
    case("endswith", ["hello world", "world"], True),
    case("strcontains", ["hello world", "wor"], True),
    case("regex", ["[a-z]+", "53453453.345345aaabbbccc23454"], "aaabbbccc"),
    case("regex", ["(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01"], ["2019", "02", "01"]),
    case(
        "regex",
        ["^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/"],
        {"scheme": "https", "authority": "terraform.io"},
    ),
    case("regexall", ["[a-z]+", "1234abcd5678efgh9"], ["abcd", "efgh"]),
    case("basename", ["foo/bar/baz.txt"], "baz.txt"),
    case("dirname", ["foo/bar/baz.txt"], "foo/bar"),
    # numbers and conversions
    case("abs", [-12.4], 12.4),
    case("ceil", [5.1], 6),
    case("floor", [4.9], 4),
    case("pow", [3, 2], 9),
    case("pow", [4, 0.5], 2),
    case("signum", [-13], -1),
    case("parseint", ["100", 10], 100),
    case("parseint", ["FF", 16], 255),
    case("parseint", ["-10", 2], -2),
    case("parseint", ["zz", 36], 1295),
    case("min", [12, 54, 3], 3),
    case("max", [12, 54, 3], 54),
    case("sum", [[10, 13, 6, 2]], 31),
    case("sum", [[0.1, 0.2]], 0.3, "decimal arithmetic"),
    case("tonumber", ["1"], 1),
    case("tonumber", ["1.50"], 1.5),
    case("tonumber", [None], None),
    case("tostring", [1], "1"),
    case("tostring", [2.0], "2"),
    case("tostring", [True], "true"),
    case("tobool", ["true"], True),
    # encoding
    case("jsonencode", [{"hello": "world"}], '{"hello":"world"}'),
    case("jsonencode", [{"b": 1, "a": "<&>"}], '{"a":"\\u003c\\u0026\\u003e","b":1}', "sorted, HTML-safe"),
    case("jsondecode", ['{"hello": "world"}'], {"hello": "world"}),
    case("jsondecode", ["[1.0, 2.5]"], [1, 2.5]),
    case("yamlencode", [{"a": "b", "c": "d"}], '"a": "b"\n"c": "d"\n'),
    case("yamlencode", [{"a": [1, 2], "b": {"c": None}}], '"a":\n- 1\n- 2\n"b":\n  "c": null\n'),
    case("yamldecode", ["hello: world"], {"hello": "world"}),
    case("yamldecode", ["a: [1, 1.5, yes, ~, '2']"], {"a": [1, 1.5, True, None, "2"]}),
    case("base64encode", ["Hello World"], "SGVsbG8gV29ybGQ="),
    case("base64decode", ["SGVsbG8gV29ybGQ="], "Hello World"),
    case("sha256", ["hello"], "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
]


@pytest.mark.parametrize(("name", "args", "expected"), DOC_EXAMPLES)
def test_documented_example(name: str, args: list[Value], expected: Value) -> None:
    assert call_function(name, args) == expected


def test_integral_results_are_ints() -> None:
    assert type(call_function("pow", [3, 2])) is int
    assert type(call_function("tonumber", ["1e3"])) is int
    assert type(call_function("jsondecode", ["1.0"])) is int


def err(name: str, args: list[Value], fragment: str) -> object:
    return pytest.param(name, args, fragment, id=f"{name}:{args!r}"[:90])


ERRORS = [
    err("cidrsubnet", ["10.0.0.0/16", 17, 0], "insufficient address space to extend prefix of 16 by 17"),
    err("cidrsubnet", ["10.0.0.0/16", 4, 16], "does not accommodate a subnet numbered 16"),
    err("cidrsubnet", ["10.0.0.0/16", 4, 1.5], "whole number"),
    err("cidrsubnet", ["10.0.0.0", 4, 1], "invalid CIDR address"),
    err("cidrsubnet", [["10.0.0.0/16"], 4, 1], "string required"),
    err("cidrsubnet", [None, 4, 1], "must not be null"),
    err("cidrsubnet", ["10.0.0.0/16", -1, 0], "not supported by eks-ip-lint"),
    err("cidrsubnets", ["10.0.0.0/30", 1, 1, 1], "not enough remaining address space"),
    err("cidrsubnets", ["0.0.0.0/8", 8], "after 255.255.0.0/16"),
    err("cidrsubnets", ["10.0.0.0/16", 0], "at least one bit"),
    err("cidrsubnets", ["fd00::/16", 33], "more than 32 bits"),
    err("cidrsubnets", ["10.0.0.0/16", 17], "too long for an IPv4 address"),
    err("cidrhost", ["10.0.0.0/30", 4], "does not accommodate a host numbered 4"),
    err("cidrnetmask", ["fd00::/16"], "IPv6 addresses cannot have a netmask"),
    err("element", [[], 0], "empty list"),
    err("element", [["a"], -1], "negative"),
    err("slice", [[1, 2, 3], 0, 4], "greater than the length"),
    err("slice", [[1, 2, 3], 2, 1], "start index must not be greater"),
    err("length", [None], "must not be null"),
    err("length", [5], "must be a string, a collection"),
    err("concat", [[1], "a"], "must be lists or tuples"),
    err("concat", [], "at least one argument"),
    err("lookup", [{"a": 1}, "b"], 'no attribute "b"'),
    err("lookup", [{"a": 1}, "a", 1, 2], "two or three arguments"),
    err("merge", [[1]], "maps or objects"),
    err("coalesce", [None, ""], "no non-null"),
    err("coalescelist", [[], []], "no non-null"),
    err("zipmap", [["a"], [1, 2]], "does not match"),
    err("index", [["a"], "z"], "item not found"),
    err("one", [["a", "b"]], "zero or one"),
    err("tolist", [[1, [2]]], "any single type"),
    err("tomap", [[1]], "cannot convert tuple to map"),
    err("alltrue", [[1]], "element 0: bool required"),
    err("sum", [[]], "empty list"),
    err("chunklist", [["a"], -1], "must be positive"),
    err("range", [1, 4, -1], "end must be less than start"),
    err("range", [0, 1, 0], "step must not be zero"),
    err("range", [0, 2000], "more than 1024 values"),
    err("format", ["%s %s", "a"], "not enough arguments"),
    err("format", ["%s", "a", "b"], "too many arguments"),
    err("format", ["%c", 65], "unsupported format verb"),
    err("format", ["%d", 1.5], "an integer is required"),
    err("format", ["%s", [1]], "string required"),
    err("format", ["%", 1], "invalid format string"),
    err("formatlist", ["%s-%s", ["a", "b"], ["x"]], "inconsistent"),
    err("join", [",", [None]], "is null"),
    err("regex", ["x", "abc"], "did not match"),
    err("regex", ["(?=x)", "xy"], "unsupported Perl syntax"),
    err("regex", ["(a)\\1", "aa"], "invalid escape sequence"),
    err("regex", ["(?P<a>x)(y)", "xy"], "cannot mix both named and unnamed"),
    err("regex", ["(", "x"], "invalid regexp pattern"),
    err("signum", [-0.5], "whole number"),
    err("parseint", ["12", 2], "cannot parse"),
    err("parseint", ["12", 1], "between 2 and 62"),
    err("parseint", [12, 10], "must be a string"),
    err("min", [], "at least one number"),
    err("tonumber", [" 3"], "decimal representation"),
    err("tonumber", [True], "cannot convert bool to number"),
    err("tostring", [[1]], "cannot convert tuple to string"),
    err("tobool", ["True"], 'only the strings "true" or "false"'),
    err("jsonencode", [float("inf")], "infinity"),
    err("jsondecode", ["[1, 2"], "invalid JSON"),
    err("jsondecode", ["NaN"], "invalid JSON"),
    err("yamldecode", ["---\na: 1\n---\nb: 2"], "invalid YAML"),
    err("yamldecode", [""], "missing start of document"),
    err("yamldecode", ["x: .nan"], "NaN is not supported"),
    err("yamldecode", ["? [1,2]\n: x"], "only strings are allowed as mapping keys"),
    err("base64decode", ["SGVsbG8gV29ybGQ"], "failed to decode base64"),
    err("base64decode", ["/w=="], "not valid UTF-8"),
    err("nosuchfunction", [], 'no function named "nosuchfunction"'),
    err("cidrsubnet", ["10.0.0.0/16", 4], 'Missing value for "netnum"'),
    err("upper", ["a", "b"], "expects only 1 argument"),
    err("setunion", [], 'Missing value for "first_set"'),
]


@pytest.mark.parametrize(("name", "args", "fragment"), ERRORS)
def test_error(name: str, args: list[Value], fragment: str) -> None:
    with pytest.raises(EvalError, match=None) as info:
        call_function(name, args)
    assert fragment in str(info.value)
    assert name in str(info.value)


def test_arity_is_checked_before_unknowns() -> None:
    with pytest.raises(EvalError, match="Missing value"):
        call_function("cidrsubnet", [Unknown("vpc cidr", cause=Cause.UNSUPPORTED)])


def test_registry_lookup() -> None:
    assert has_function("cidrsubnet")
    assert not has_function("can")  # a special form of the evaluator
    assert not has_function("try")
    assert not has_function("nosuchfunction")
    assert all(isinstance(name, str) and name == name.lower() for name in FUNCTIONS)


# --- unknown values --------------------------------------------------------------------------

AZS = Unknown(
    "data source read at apply", key="data.aws_availability_zones.available.names", cause=Cause.DATA_SOURCE
)
SUBNET_0 = Unknown("resource attribute", key="aws_subnet.private[0].id", cause=Cause.UNSUPPORTED)
SUBNET_1 = Unknown("resource attribute", key="aws_subnet.private[1].id", cause=Cause.UNSUPPORTED)
# No identity: it may be null, "" or any string (symbolic single values are kept by distinct,
# compact, sort and flatten: tests/terraform/test_symbolic_lists.py).
NO_KEY = Unknown("no key", cause=Cause.UNSUPPORTED)


def test_default_rule_unknown_anywhere_gives_unknown_with_its_reason() -> None:
    result = call_function(
        "cidrsubnet", [Unknown("var.vpc_cidr has no default", cause=Cause.UNSUPPORTED), 4, 1]
    )
    assert isinstance(result, Unknown)
    assert result.key is None
    assert result.reason == "cidrsubnet() of an unknown value: var.vpc_cidr has no default"


@pytest.mark.parametrize(
    ("name", "args"),
    [
        pytest.param("join", [",", ["a", SUBNET_0]], id="join-element"),
        pytest.param("jsonencode", [{"a": [SUBNET_0]}], id="jsonencode-nested"),
        pytest.param("format", ["%s", SUBNET_0], id="format"),
        pytest.param("cidrsubnets", ["10.0.0.0/16", 4, SUBNET_0], id="cidrsubnets-newbits"),
        pytest.param("distinct", [["a", NO_KEY]], id="distinct"),
        pytest.param("compact", [["a", NO_KEY]], id="compact"),
        pytest.param("contains", [["a", SUBNET_0], "b"], id="contains"),
        pytest.param("index", [[SUBNET_0, "a"], "a"], id="index"),
        pytest.param("sort", [["b", NO_KEY]], id="sort"),
        pytest.param("concat", [["a"], AZS], id="concat-unknown-list"),
        pytest.param("flatten", [[["a"], AZS]], id="flatten-unknown-element"),
        pytest.param("keys", [SUBNET_0], id="keys"),
        pytest.param("merge", [{"a": 1}, SUBNET_0], id="merge"),
        pytest.param("lookup", [{"a": 1}, SUBNET_0], id="lookup-unknown-key"),
        pytest.param("coalesce", [SUBNET_0, "a"], id="coalesce-unknown-first"),
        pytest.param("coalesce", [None, 1, SUBNET_0], id="coalesce-type-depends-on-unknown"),
        pytest.param("coalescelist", [[], SUBNET_0, ["a"]], id="coalescelist-unknown-first"),
        pytest.param("element", [["a", "b"], SUBNET_0], id="element-unknown-index"),
        pytest.param("slice", [["a", "b"], 0, SUBNET_0], id="slice-unknown-bound"),
        pytest.param("tolist", [[1, SUBNET_0]], id="tolist-type-depends-on-unknown"),
        pytest.param(
            "toset", [["a", Unknown("no key", cause=Cause.UNSUPPORTED)]], id="toset-keyless-unknown"
        ),
        pytest.param("toset", [[SUBNET_0, SUBNET_0]], id="toset-same-key-twice"),
        pytest.param("zipmap", [["a", SUBNET_0], [1, 2]], id="zipmap-unknown-key"),
        pytest.param("formatlist", ["%s", AZS], id="formatlist-unknown-list"),
    ],
)
def test_unknown_result(name: str, args: list[Value]) -> None:
    result = call_function(name, args)
    assert isinstance(result, Unknown), result
    assert result.key is None


def test_length_of_an_unknown_list_is_unknown_but_names_it() -> None:
    """``length(azs)`` is unknown; its key lets ``i % length(azs)`` index ``azs`` (issue 13 item 8)."""
    result = call_function("length", [AZS])
    assert isinstance(result, Unknown) and result.key == f"length({AZS.key})"
    assert result.cause is Cause.DATA_SOURCE


def test_length_of_known_list_with_unknown_elements() -> None:
    assert call_function("length", [[SUBNET_0, SUBNET_1, "subnet-abc"]]) == 3
    assert call_function("length", [{"a": SUBNET_0}]) == 1


def test_slice_of_unknown_list_keeps_distinct_element_identities() -> None:
    azs = call_function("slice", [AZS, 0, 3])
    assert isinstance(azs, list)
    assert [u.key for u in azs if isinstance(u, Unknown)] == [
        "data.aws_availability_zones.available.names[0]",
        "data.aws_availability_zones.available.names[1]",
        "data.aws_availability_zones.available.names[2]",
    ]
    assert all(isinstance(u, Unknown) and AZS.reason in u.reason for u in azs)


def test_slice_of_keyless_unknown_list_has_keyless_elements() -> None:
    result = call_function("slice", [Unknown("no identity", cause=Cause.UNSUPPORTED), 1, 3])
    assert isinstance(result, list) and len(result) == 2
    assert all(isinstance(u, Unknown) and u.key is None for u in result)


def test_slice_of_known_list_keeps_unknown_elements() -> None:
    assert call_function("slice", [["a", SUBNET_0, SUBNET_1], 1, 3]) == [SUBNET_0, SUBNET_1]


def test_element_of_unknown_list() -> None:
    result = call_function("element", [AZS, 2])
    assert isinstance(result, Unknown)
    assert result.key == "data.aws_availability_zones.available.names[2]"
    assert call_function("element", [["a", SUBNET_1], 1]) is SUBNET_1


def test_structural_functions_keep_unknown_elements() -> None:
    assert call_function("concat", [[SUBNET_0], [SUBNET_1, "x"]]) == [SUBNET_0, SUBNET_1, "x"]
    # An ID is one string (never a list to flatten); an unknown without identity may be a list.
    assert call_function("flatten", [[["a"], [["b"]], SUBNET_0]]) == ["a", "b", SUBNET_0]
    assert isinstance(call_function("flatten", [[["a"], NO_KEY]]), Unknown)
    assert call_function("reverse", [[SUBNET_0, SUBNET_1]]) == [SUBNET_1, SUBNET_0]
    assert call_function("tolist", [[SUBNET_0, "a"]]) == [SUBNET_0, "a"]
    assert call_function("zipmap", [["a", "b"], [SUBNET_0, 2]]) == {"a": SUBNET_0, "b": 2}
    assert call_function("merge", [{"a": SUBNET_0}, {"b": 1}]) == {"a": SUBNET_0, "b": 1}
    assert call_function("lookup", [{"a": SUBNET_0}, "a"]) is SUBNET_0
    assert call_function("keys", [{"b": SUBNET_0, "a": 1}]) == ["a", "b"]
    assert call_function("values", [{"b": SUBNET_0, "a": 1}]) == [1, SUBNET_0]
    assert call_function("one", [[SUBNET_0]]) is SUBNET_0
    assert call_function("coalesce", ["a", SUBNET_0]) == "a"
    assert call_function("coalescelist", [[], [SUBNET_0]]) == [SUBNET_0]
    assert call_function("tomap", [{"a": "x", "b": SUBNET_0}]) == {"a": "x", "b": SUBNET_0}


def test_zipmap_with_unknown_value_list_gives_one_unknown_per_key() -> None:
    result = call_function("zipmap", [["a", "b"], AZS])
    assert isinstance(result, dict)
    assert [v.key for v in result.values() if isinstance(v, Unknown)] == [
        "data.aws_availability_zones.available.names[0]",
        "data.aws_availability_zones.available.names[1]",
    ]


def test_toset_keeps_unknowns_with_distinct_keys() -> None:
    assert call_function("toset", [["b", SUBNET_1, "a", SUBNET_0, "a"]]) == ["a", "b", SUBNET_1, SUBNET_0]


def test_formatlist_blanks_only_the_unknown_row() -> None:
    result = call_function("formatlist", ["subnet %s", ["a", SUBNET_0]])
    assert isinstance(result, list) and result[0] == "subnet a"
    assert isinstance(result[1], Unknown)


def test_format_of_null_is_unknown_as_in_terraform() -> None:
    assert isinstance(call_function("format", ["%s", None]), Unknown)

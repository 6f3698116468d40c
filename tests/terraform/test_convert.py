"""Terraform's type conversions (tonumber/tostring/tobool rules and set-element unification)."""

from __future__ import annotations

import math

import pytest

from eks_ip_lint.terraform.convert import (
    format_number,
    normalize_number,
    strict_equal,
    to_bool,
    to_number,
    to_string,
    type_name,
    unify,
)
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.values import Cause, Unknown, Value


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(5, 5, id="int"),
        pytest.param(2.0, 2, id="integral-float-is-int"),
        pytest.param(1.5, 1.5, id="float"),
        pytest.param("5", 5, id="string-int"),
        pytest.param("1.50", 1.5, id="string-decimal"),
        pytest.param("-7", -7, id="negative"),
        pytest.param("+5", 5, id="plus-sign"),
        pytest.param(".5", 0.5, id="leading-dot"),
        pytest.param("5.", 5, id="trailing-dot"),
        pytest.param("1e3", 1000, id="exponent"),
        pytest.param("2.5e30", 2_500_000_000_000_000_000_000_000_000_000, id="exact-large"),
        pytest.param("12345678901234567890123", 12345678901234567890123, id="beyond-float"),
        pytest.param("Inf", math.inf, id="infinity"),
        pytest.param("-inf", -math.inf, id="negative-infinity"),
    ],
)
def test_to_number(given: Value, expected: Value) -> None:
    result = to_number(given)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(" 3", id="space"),
        pytest.param("0x10", id="hex"),
        pytest.param("1_000", id="underscore"),
        pytest.param("", id="empty"),
        pytest.param("NaN", id="nan"),
        pytest.param("infinity", id="infinity-word"),
        pytest.param(True, id="bool"),
        pytest.param(None, id="null"),
        pytest.param([1], id="list"),
        pytest.param("1e99999", id="too-large"),
    ],
)
def test_to_number_rejects(given: Value) -> None:
    with pytest.raises(EvalError):
        to_number(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param("x", "x", id="string"),
        pytest.param(1, "1", id="int"),
        pytest.param(1.5, "1.5", id="float"),
        pytest.param(2.0, "2", id="integral-float"),
        pytest.param(1e-7, "0.0000001", id="no-exponent-small"),
        pytest.param(1e21, "1000000000000000000000", id="no-exponent-large"),
        pytest.param(True, "true", id="true"),
        pytest.param(False, "false", id="false"),
        pytest.param(math.inf, "+Inf", id="infinity"),
    ],
)
def test_to_string(given: Value, expected: str) -> None:
    assert to_string(given) == expected


@pytest.mark.parametrize(
    "given",
    [None, [1], {"a": 1}, Unknown("x", cause=Cause.UNSUPPORTED)],
    ids=["null", "list", "map", "unknown"],
)
def test_to_string_rejects(given: Value) -> None:
    with pytest.raises(EvalError):
        to_string(given)


def test_to_bool() -> None:
    assert to_bool(True) is True
    assert to_bool("false") is False
    for bad in ("True", "1", 1, 0, None, [True]):
        with pytest.raises(EvalError):
            to_bool(bad)


def test_numbers_are_normalized() -> None:
    assert type(normalize_number(3.0)) is int
    assert normalize_number(math.inf) == math.inf
    assert format_number(0.1) == "0.1"


def test_type_names_for_messages() -> None:
    names = [
        type_name(v) for v in (None, True, 1, 1.5, "s", [1], {"a": 1}, Unknown("u", cause=Cause.UNSUPPORTED))
    ]
    assert names == ["null", "bool", "number", "number", "string", "tuple", "object", "unknown value"]


def test_strict_equal_is_terraforms_equality() -> None:
    assert strict_equal(1, 1.0)
    assert not strict_equal(1, True)
    assert not strict_equal(1, "1")
    assert strict_equal([1, {"a": "x"}], [1, {"a": "x"}])
    assert not strict_equal([1], [True])
    assert not strict_equal(
        Unknown("a", key="k", cause=Cause.UNSUPPORTED), Unknown("a", key="k", cause=Cause.UNSUPPORTED)
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(["a", "b"], ["a", "b"], id="strings"),
        pytest.param([1, 2], [1, 2], id="numbers"),
        pytest.param(["a", 1, True], ["a", "1", "true"], id="mixed-to-string"),
        pytest.param([1, True], ["1", "true"], id="number-and-bool-to-string"),
        pytest.param([None, 1, "a"], [None, "1", "a"], id="null-stays"),
        pytest.param([[1], ["a"]], [[1], ["a"]], id="nested-kept"),
        pytest.param(
            ["a", Unknown("u", cause=Cause.UNSUPPORTED)],
            ["a", Unknown("u", cause=Cause.UNSUPPORTED)],
            id="strings-with-unknown",
        ),
        pytest.param([1, Unknown("u", cause=Cause.UNSUPPORTED)], None, id="number-with-unknown-is-undecided"),
    ],
)
def test_unify(given: list[Value], expected: list[Value] | None) -> None:
    assert unify(given, "tuple to list") == expected


@pytest.mark.parametrize(
    "given", [[1, [1]], [[1], {"a": 1}], ["a", {"a": 1}]], ids=["prim-list", "list-map", "str-map"]
)
def test_unify_rejects_mixed_structure(given: list[Value]) -> None:
    with pytest.raises(EvalError, match="of any single type"):
        unify(given, "tuple to list")

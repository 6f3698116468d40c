"""Issue 18 item 10: a bounded fuzzing pass over the Terraform function library and the
expression evaluator. Every function, called with any values (NaN, infinities, integers of
thousands of digits, lone surrogates, NUL, deep and wide collections), either returns a value or
raises EvalError: never another exception, which would end the run with exit 3.

Derandomized and bounded like test_robustness_properties.py (EKSIP_FUZZ_SCALE scales it).
"""

from __future__ import annotations

import contextlib
import math
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_ip_lint.sources import hcl
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.evaluator import Evaluator
from eks_ip_lint.terraform.functions import FUNCTIONS, call_function
from eks_ip_lint.values import Value

SCALE = int(os.environ.get("EKSIP_FUZZ_SCALE", "1"))
COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "derandomize": SCALE == 1,
}

# Strings that broke functions before, and the shapes arguments take in real configurations.
HOSTILE_STRINGS = [
    "\ud800", "a\udcffb", "\x00", "a: \x00", "%e", "%d", "%5000000000d", "%*d", "%[2]d", "%!", "${", "%{",
    "10.0.0.0/8", "10.0.0.0/33", "::/0", "fd00::/8", "1" * 5000, "-" + "9" * 400, "1e999", "NaN", "inf",
    "-Inf", "0x1F", "\u202e", "é", "(a|a)*$", "^(a+)+$", "(?<n>a)", "\\1", "[", "*", ".*", "", " ", "\n",
    "AAAA", "/w==", "2020-01-01T00:00:00Z", "YYYY-MM-DD", "true", "[1,2]", '{"a":[[[[1]]]]}', "a: &a [*a]",
]  # fmt: skip
HOSTILE_NUMBERS = [0, 1, -1, 2, 32, 33, 128, 2**63, -(2**63), 10**30, -(10**30), 10**400, 0.5, -0.0, 1e308,
                   math.inf, -math.inf, math.nan]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(HOSTILE_NUMBERS),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(HOSTILE_STRINGS),
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=20),
)
values: st.SearchStrategy[Value] = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.sampled_from(["a", "b", "env", "\ud800", ""]), inner, max_size=4),
    ),
    max_leaves=12,
)


def _call(name: str, args: list[Value]) -> None:
    with contextlib.suppress(EvalError):
        call_function(name, args)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@settings(max_examples=15 * SCALE, **COMMON)
@given(args=st.lists(values, max_size=4))
def test_every_function_returns_or_raises_eval_error(name: str, args: list[Value]) -> None:
    _call(name, args)


class _NoScope:
    def resolve(self, name: str, line: int) -> Any:
        raise EvalError(f"no {name} here")


operators = st.sampled_from(["+", "-", "*", "/", "%", "<", ">=", "==", "&&", "||"])
literals = st.sampled_from(
    [
        'tonumber("inf")',
        'tonumber("-inf")',
        "0",
        "1",
        "-1",
        "9" * 3000,
        "0.5",
        '"a"',
        "true",
        "null",
        "[1]",
        "{}",
    ]
)


@settings(max_examples=150 * SCALE, **COMMON)
@given(
    st.lists(st.tuples(literals, operators), min_size=1, max_size=6),
    literals,
    st.sampled_from(sorted(FUNCTIONS)),
)
def test_arithmetic_and_calls_on_extreme_numbers(terms: list[tuple[str, str]], last: str, name: str) -> None:
    expr = "".join(f"{lit} {op} " for lit, op in terms) + last
    for text in (expr, f"{name}({expr})", f"floor({expr})", f'format("%e", {expr})'):
        with contextlib.suppress(EvalError):
            Evaluator(_NoScope()).eval(hcl.parse_expression(text))  # type: ignore[arg-type]

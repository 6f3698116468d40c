"""The bounds an evaluation of untrusted Terraform stays within, and their checks.

The tool runs on pull requests before anyone reviews them, so a few lines of HCL must not buy
unbounded time or memory: ``count = 1e300``, a string doubled forty times, a module fanned out
at every level. Each bound is far above anything a real configuration reaches (AWS allows 200
subnets per VPC by default); past it the value is an EvalError with cause UNSUPPORTED, so the
rest of the unit is still analysed and EKSIP002 names what was not.
"""

from __future__ import annotations

from eks_ip_lint.terraform import convert
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.values import Cause, Value

# Instances one resource, data or module block may expand to (count or for_each).
MAX_BLOCK_INSTANCES = 10_000


def instance_count(count: Value) -> int:
    """A known ``count`` as Terraform reads it (a whole, non-negative number), within the budget."""
    n = convert.to_integer(count)
    if n < 0:
        raise EvalError(f"count must not be negative, got {n}")
    if n > MAX_BLOCK_INSTANCES:
        raise EvalError(
            f"count of {_shown(n)} is more than the {MAX_BLOCK_INSTANCES:,} instances eks-ip-lint "
            "expands per block",
            cause=Cause.UNSUPPORTED,
        )
    return n


def check_instances(n: int, what: str) -> None:
    """Refuse a for_each of more than the budget's instances."""
    if n > MAX_BLOCK_INSTANCES:
        raise EvalError(
            f"{what} of {n:,} elements is more than the {MAX_BLOCK_INSTANCES:,} instances eks-ip-lint "
            "expands per block",
            cause=Cause.UNSUPPORTED,
        )


def _shown(n: int) -> str:
    return f"{n:,}" if n.bit_length() < 64 else f"about 10^{len(str(n)) - 1}"


# The largest value (string characters plus collection elements, counted through nesting) one
# function argument, function result or string template may be: 4 Mi, far above any real policy
# document or user-data script, far below what forty doubling locals reach (16 x 2^40).
MAX_VALUE_SIZE = 1 << 22
# What one module evaluation may build in total through function calls and templates.
MAX_BUILT_TOTAL = 1 << 26


def value_size(v: Value, limit: int = MAX_VALUE_SIZE) -> int:
    """The size of ``v`` (string lengths plus one per element, shared references counted each
    time they occur, as an encoding would write them), or ``limit + 1`` as soon as it is larger:
    the walk costs at most ``limit`` steps."""
    total = 0
    stack: list[object] = [v]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 1
        elif isinstance(item, list):
            total += 1
            stack.extend(item)
        elif isinstance(item, dict):
            total += 1 + sum(len(k) for k in item)
            stack.extend(item.values())
        else:
            total += 1
        if total > limit:
            return limit + 1
    return total


def too_large(what: str, size: int | None = None) -> EvalError:
    """The error for a value past MAX_VALUE_SIZE."""
    shown = f" ({size:,})" if size is not None else ""
    return EvalError(
        f"{what} would be larger than the {MAX_VALUE_SIZE:,} characters and elements{shown} "
        "eks-ip-lint builds for one value",
        cause=Cause.UNSUPPORTED,
    )


# Module instances one root module's evaluation may create, through every level of calls:
# count = 15 at four levels is 50,625 of them.
MAX_MODULE_INSTANCES = 2_000


class ModuleBudget:
    """Shared by a root module's evaluation and every module it calls."""

    def __init__(self) -> None:
        self.instances = 0

    def take_instance(self) -> bool:
        """Count one more module instance; False once the budget is spent."""
        self.instances += 1
        return self.instances <= MAX_MODULE_INSTANCES

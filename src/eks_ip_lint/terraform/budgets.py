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

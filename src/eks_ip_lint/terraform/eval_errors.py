"""The error an HCL expression raises when Terraform itself would reject it."""

from __future__ import annotations

from eks_ip_lint.values import Cause


class EvalError(Exception):
    """An expression that Terraform would reject (wrong type, bad index, unknown function...).

    The evaluator turns it into an Unknown carrying the message, or, inside ``try()``/``can()``,
    into the fallback, exactly as Terraform's own ``try`` does. ``cause`` is that Unknown's:
    INVALID for what Terraform rejects, UNSUPPORTED for a limit of eks-ip-lint's own (nesting
    depth, iteration budget, a function it does not implement).
    """

    def __init__(self, message: str, *, cause: Cause = Cause.INVALID) -> None:
        super().__init__(message)
        self.cause = cause

"""The error an HCL expression raises when Terraform itself would reject it."""


class EvalError(Exception):
    """An expression that Terraform would reject (wrong type, bad index, unknown function...).

    The evaluator turns it into an Unknown carrying the message, or, inside ``try()``/``can()``,
    into the fallback, exactly as Terraform's own ``try`` does.
    """

"""Terraform's built-in functions over :data:`~eks_ip_lint.values.Value`: the registry.

The implementations live in one module per family (``functions_network`` for cidr*,
``functions_collections``, ``functions_strings``, ``functions_regex``, ``functions_format``,
``functions_encoding``, ``functions_numeric``); this module merges them and applies the rules every
call shares:

* arity is checked first, as Terraform checks it before evaluating anything;
* unknown arguments: unless a function is *structural*, any Unknown anywhere in its arguments
  makes the result Unknown, with the reason of the first Unknown found. Structural functions
  (``length``, ``slice``, ``element``, ``concat``...) keep what is known about the shape of their
  result, so a list of unknown subnet IDs still has a length;
* errors: every failure is an :class:`EvalError` naming the function, as Terraform's do; an
  exception an implementation did not foresee (overflow, encoding, recursion) is one too, with
  cause UNSUPPORTED, so no argument value can crash a run.

``can`` and ``try`` are not here: the evaluator handles them as special forms.
"""

from __future__ import annotations

from eks_ip_lint.terraform import (
    budgets,
    functions_collections,
    functions_encoding,
    functions_format,
    functions_network,
    functions_numeric,
    functions_regex,
    functions_strings,
)
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.terraform.functions_common import Function, FunctionError, unknown_of
from eks_ip_lint.values import Cause, Unknown, Value, first_unknown

FUNCTIONS: dict[str, Function] = {
    **functions_collections.FUNCTIONS,
    **functions_encoding.FUNCTIONS,
    **functions_format.FUNCTIONS,
    **functions_network.FUNCTIONS,
    **functions_numeric.FUNCTIONS,
    **functions_regex.FUNCTIONS,
    **functions_strings.FUNCTIONS,
}


def has_function(name: str) -> bool:
    """True when ``name`` is a Terraform function this library implements."""
    return name in FUNCTIONS


def _check_arity(name: str, function: Function, count: int) -> None:
    required = len(function.params)
    if count < required:
        at_least = "at least " if function.variadic else ""
        raise EvalError(
            f'Not enough function arguments: function "{name}" expects {at_least}{required} argument(s). '
            f'Missing value for "{function.params[count]}".'
        )
    if count > required and function.variadic is None:
        raise EvalError(
            f'Too many function arguments: function "{name}" expects only {required} argument(s).'
        )


# Terraform's and OpenTofu's built-in functions (the language documentation's function index). One
# of these that eks-ip-lint does not implement makes only its own call unknown: Terraform would
# evaluate it, so an error here would wrongly wipe out the whole attribute around it (a node group
# map with one chomp() in it). Any other name is a call Terraform itself refuses.
TERRAFORM_BUILTINS = frozenset(
    [
        "abs",
        "abspath",
        "alltrue",
        "anytrue",
        "base64decode",
        "base64encode",
        "base64gunzip",
        "base64gzip",
        "base64sha256",
        "base64sha512",
        "basename",
        "bcrypt",
        "can",
        "ceil",
        "chomp",
        "chunklist",
        "cidrcontains",
        "cidrhost",
        "cidrnetmask",
        "cidrsubnet",
        "cidrsubnets",
        "coalesce",
        "coalescelist",
        "compact",
        "concat",
        "contains",
        "csvdecode",
        "dirname",
        "distinct",
        "element",
        "endswith",
        "ephemeralasnull",
        "file",
        "filebase64",
        "filebase64sha256",
        "filebase64sha512",
        "fileexists",
        "filemd5",
        "fileset",
        "filesha1",
        "filesha256",
        "filesha512",
        "flatten",
        "floor",
        "format",
        "formatdate",
        "formatlist",
        "indent",
        "index",
        "issensitive",
        "join",
        "jsondecode",
        "jsonencode",
        "keys",
        "length",
        "log",
        "lookup",
        "lower",
        "matchkeys",
        "max",
        "md5",
        "merge",
        "min",
        "nonsensitive",
        "one",
        "parseint",
        "pathexpand",
        "plantimestamp",
        "pow",
        "range",
        "regex",
        "regexall",
        "replace",
        "reverse",
        "rsadecrypt",
        "sensitive",
        "setintersection",
        "setproduct",
        "setsubtract",
        "setunion",
        "sha1",
        "sha256",
        "sha512",
        "signum",
        "slice",
        "sort",
        "split",
        "startswith",
        "strcontains",
        "strrev",
        "substr",
        "sum",
        "templatefile",
        "templatestring",
        "textdecodebase64",
        "textencodebase64",
        "timeadd",
        "timecmp",
        "timestamp",
        "title",
        "tobool",
        "tolist",
        "tomap",
        "tonumber",
        "toset",
        "tostring",
        "transpose",
        "trim",
        "trimprefix",
        "trimspace",
        "trimsuffix",
        "try",
        "type",
        "upper",
        "urldecode",
        "urlencode",
        "uuid",
        "uuidv5",
        "values",
        "yamldecode",
        "yamlencode",
        "zipmap",
    ]
)


def call_function(name: str, args: list[Value]) -> Value:
    """Call Terraform function ``name``; raises EvalError where Terraform would fail."""
    function = FUNCTIONS.get(name)
    if function is None and name in TERRAFORM_BUILTINS:
        return Unknown(
            f"{name}() is a Terraform function eks-ip-lint does not evaluate", cause=Cause.UNSUPPORTED
        )
    if function is None:
        # Terraform has functions eks-ip-lint does not implement (provider functions, newer ones):
        # in a configuration that is applied, a missing name is more likely ours than a typo.
        raise EvalError(
            f'Call to unknown function: there is no function named "{name}".', cause=Cause.UNSUPPORTED
        )
    _check_arity(name, function, len(args))
    # Hostile input: most functions' results are bounded by their arguments' size (join, jsonencode,
    # flatten), so a bound on the arguments bounds them; replace() checks its own amplification.
    if budgets.value_size(args) > budgets.MAX_VALUE_SIZE:
        raise budgets.too_large(f'The arguments of function "{name}"')
    if not function.structural:
        for arg in args:
            u = first_unknown(arg)
            if u is not None:
                return unknown_of(name, u)
    try:
        return function.impl(args)
    except FunctionError as err:
        if err.param is not None:
            message = f'Invalid value for "{err.param}" parameter of function "{name}": {err.message}.'
        else:
            message = f'Call to function "{name}" failed: {err.message}.'
        raise EvalError(message) from err
    except (ArithmeticError, ValueError, LookupError, RecursionError) as err:
        # A corner of an implementation that no check above caught (a float overflow, a string
        # Python cannot encode): the input's fault or a limit of ours, never a crash of the run.
        raise EvalError(
            f'Call to function "{name}" failed: eks-ip-lint cannot evaluate it ({type(err).__name__}: {err}).',
            cause=Cause.UNSUPPORTED,
        ) from err

"""Values of the configuration language, and Unknown: "cannot tell statically" as a value.

A configuration value is what Terraform (or CloudFormation) would compute: None (null), bool, int,
float, str, list (Terraform tuple/list/set), dict (object/map), or :class:`Unknown`.

Unknown is never a guess. It says why the value cannot be known before apply, and may carry a
``key``: a symbolic identity. Two Unknowns with the same key stand for the same runtime value (for
example ``aws_subnet.private[0].id``), which lets the facts layer link a node group's
``subnet_ids`` to the subnet resources without knowing the real IDs, and keeps
``data.aws_availability_zones.available.names[0]`` and ``[1]`` distinct AZs.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from typing import TypeAlias

from eks_ip_lint.span import SourceSpan


class Cause(enum.Enum):
    """What made a value unknown, set where the Unknown is created (a wrapper keeps the cause of
    the Unknown it wraps). EKSIP002 chooses its advice by cause, never by the reason's words: the
    reason is for people, the cause for code. Every member has advice (tests/rules)."""

    # Terraform
    VARIABLE_UNSET = "variable-unset"  # a variable with no default and no value given
    APPLY_TIME = "apply-time"  # an attribute the provider computes when the resource is created
    DATA_SOURCE = "data-source"  # read from the cloud by a data source
    MODULE_NOT_ON_DISK = "module-not-on-disk"  # a called module that is neither local nor downloaded
    UNSUPPORTED = "unsupported"  # an expression, function or construct eks-ip-lint does not evaluate
    FILE_NOT_READ = "file-not-read"  # file()/templatefile() of a file that is not read
    # CloudFormation
    PARAMETER_UNSET = "parameter-unset"  # a parameter with no default and no value given
    PSEUDO_PARAMETER = "pseudo-parameter"  # AWS::Region, AWS::AccountId... not given with --parameter
    DEPLOY_TIME = "deploy-time"  # a resource's Ref or GetAtt, an SSM parameter: known at deploy
    IMPORT_VALUE = "import-value"  # Fn::ImportValue of another stack's export
    NESTED_TEMPLATE_NOT_GIVEN = "nested-template-not-given"  # a nested stack's template is remote
    NESTED_TEMPLATE_CYCLE = "nested-template-cycle"  # a template that nests itself
    NESTED_TEMPLATE_MISSING = "nested-template-missing"  # a local TemplateURL with no template file
    NESTED_TOO_DEEP = "nested-too-deep"  # nested stacks deeper than eks-ip-lint follows
    # eksctl
    EKSCTL_CREATE_TIME = "eksctl-create-time"  # eksctl decides it when it creates the cluster
    # Any format
    NOT_DECLARED = "not-declared"  # a subnet referenced but not declared in the analysed files
    LAUNCH_TEMPLATE_NOT_DECLARED = "launch-template-not-declared"  # a node group's, not in the files
    LAUNCH_CONFIGURATION_NOT_DECLARED = "launch-configuration-not-declared"  # an ASG's, not in the files
    ENICONFIG_MISSING = "eniconfig-missing"  # custom networking with no ENIConfig for an AZ
    INVALID = "invalid"  # a value the deployment would reject (wrong type, out of range)
    AWS_CHOOSES = "aws-chooses"  # an argument left out whose value AWS picks (an AZ, a name)
    CLUSTER_AMBIGUOUS = "cluster-ambiguous"  # which cluster a CNI carrier or node group belongs to
    MAX_PODS_UNDECIDED = "max-pods-undecided"  # EKS's max-pods cap rests on a vCPU count not known
    # Terragrunt
    OUTSIDE_TREE = "outside-tree"  # a link, module source or template outside the scanned tree
    DEPENDENCY_NOT_READ = "dependency-not-read"  # a dependency block whose outputs are not read


@dataclass(frozen=True)
class Unknown:
    reason: str
    key: str | None = None
    span: SourceSpan | None = None
    # Why it is unknown (see Cause), required where an Unknown is made. Not part of equality: two
    # Unknowns with the same key stand for the same runtime value whatever path found them.
    cause: Cause = field(kw_only=True, compare=False)

    def __str__(self) -> str:
        return f"<unknown: {self.key or self.reason}>"


Value: TypeAlias = bool | int | float | str | list["Value"] | dict[str, "Value"] | Unknown | None


def is_known(value: Value) -> bool:
    """True when the value and everything inside it is known."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    return True


def first_unknown(value: Value) -> Unknown | None:
    """The first Unknown found inside ``value`` (depth first), or None when it is fully known."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        for v in value:
            u = first_unknown(v)
            if u is not None:
                return u
    elif isinstance(value, dict):
        for v in value.values():
            u = first_unknown(v)
            if u is not None:
                return u
    return None


# Longest rendering of a value inside a message; the rest is elided.
_DESCRIBE_LIMIT = 120


def describe(value: object) -> str:
    """A value as a message shows it to a user: JSON-like (``"m5.large"``, ``[1, 2]``, ``{"a": 1}``,
    ``null``), an unknown part as ``<unknown: ...>``, never a Python repr; cut at 120 characters."""
    text = _describe(value)
    return text if len(text) <= _DESCRIBE_LIMIT else text[: _DESCRIBE_LIMIT - 1] + "…"


def _describe(value: object, depth: int = 0) -> str:
    if depth > 8:  # deep structures are elided, never walked to the recursion limit
        return "…"
    if isinstance(value, Unknown):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_describe(v, depth + 1) for v in list(value)[:20]) + "]"
    if isinstance(value, dict):
        items = list(value.items())[:20]
        return "{" + ", ".join(f"{_describe(str(k))}: {_describe(v, depth + 1)}" for k, v in items) + "}"
    return f"<{type(value).__name__}>"

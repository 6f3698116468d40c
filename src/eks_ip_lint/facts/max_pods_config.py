"""Kubelet max pods as node user data sets it, and as EKS applies it.

Recognised (../shared/docs/real-world-iac.md §1.1): ``--max-pods=N`` / ``--max-pods N`` in
``bootstrap_extra_args``, ``kubelet_extra_args``, ``KUBELET_EXTRA_ARGS`` exports and bootstrap.sh
lines; the AL2023 nodeadm ``NodeConfig`` fields ``maxPods: N`` and ``maxPodsExpression`` (YAML,
in cloud-init parts); and Bottlerocket's ``settings.kubernetes.max-pods`` in every TOML key form
(``[settings.kubernetes]`` + ``max-pods`` or ``"max-pods"``, ``settings.kubernetes."max-pods"``,
``[settings]`` + ``kubernetes.max-pods``), read with a TOML parser. When several flags appear, the
last one wins, as on kubelet's command line. Base64 user data (``base64encode(...)``) is decoded
first.

Which of them takes effect is EKS's rule (../shared/docs/capacity-beyond-node-groups.md §5,
"Max pods precedence"), :func:`as_eks_applies`:

* managed node group without a custom AMI (no ``image_id`` in its launch template), AL2/AL2023:
  EKS writes its own max pods into the user data and it overrides ``--max-pods``, ``maxPods`` and
  ``maxPodsExpression`` (UG "How maxPods is determined");
* managed node group without a custom AMI, Bottlerocket: EKS merges the user's TOML and the
  user's ``settings.kubernetes.max-pods`` wins (UG launch-templates; the two UG pages disagree,
  the launch-template page is followed);
* custom AMI or self-managed: the user data decides; nodeadm takes ``maxPods`` over
  ``maxPodsExpression`` over its default.
"""

from __future__ import annotations

import base64
import binascii
import re
import sys
from dataclasses import dataclass

from eks_ip_lint.values import Unknown, Value

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the same parser, as a backport, on Python 3.10
    import tomli as tomllib

_PATTERNS = (
    re.compile(r"--max-pods[= ]+[\"']?(\d+)"),
    re.compile(r"\bmaxPods\"?\s*:\s*[\"']?(\d+)"),
    # Bottlerocket settings in a text that is not TOML as a whole (a MIME part, a template).
    re.compile(r"^\s*(?:(?:settings\.)?kubernetes\.)?\"?max-pods\"?\s*=\s*(\d+)", re.MULTILINE),
)
_EXPRESSION = re.compile(r"\bmaxPodsExpression\"?\s*:\s*(?:\"((?:[^\"\\]|\\.)*)\"|'([^']*)'|([^\n#]+))")
_BASE64 = re.compile(r"^[A-Za-z0-9+/\r\n]+=*\s*$")


@dataclass(frozen=True)
class UserDataMaxPods:
    """What a user data text says about max pods."""

    value: int | Unknown | None = None  # an explicit max pods; None: none set
    expression: str | None = None  # nodeadm kubelet.maxPodsExpression
    bottlerocket: bool = False  # the value is Bottlerocket's settings.kubernetes.max-pods
    shown: str = ""  # how it is written, for messages: "--max-pods=40", "maxPods: 40"


def read_user_data(value: Value) -> UserDataMaxPods:
    """The max pods settings of a user data text (see the module docstring)."""
    if not isinstance(value, str):
        # None: no user data; an Unknown: cannot tell whether it sets max pods, and the node's
        # default is the documented assumption.
        return UserDataMaxPods()
    text = _maybe_base64(value)
    bottlerocket = _bottlerocket(text)
    if bottlerocket is not None:
        return bottlerocket
    found: list[tuple[int, int, str]] = []
    for pattern in _PATTERNS:
        found.extend((m.start(), int(m.group(1)), m.group(0).strip()) for m in pattern.finditer(text))
    m = _EXPRESSION.search(text)
    expression = next((g.strip() for g in m.groups() if g is not None), None) if m else None
    if not found:
        shown = f"maxPodsExpression {expression!r}" if expression else ""
        return UserDataMaxPods(None, expression, shown=shown)
    _, number, shown = max(found)
    return UserDataMaxPods(
        number,
        expression,
        bottlerocket=shown.lstrip('"').startswith(("max-pods", "kubernetes", "settings")),
        shown=shown,
    )


def max_pods_from_user_data(value: Value) -> int | Unknown | None:
    """The max pods a user data text sets; None when it sets none (the node default applies)."""
    return read_user_data(value).value


def _bottlerocket(text: str) -> UserDataMaxPods | None:
    """Bottlerocket user data is TOML as a whole; None when the text is not such TOML."""
    try:
        doc = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return None
    settings = doc.get("settings")
    if not isinstance(settings, dict):
        return None
    kubernetes = settings.get("kubernetes")
    number = kubernetes.get("max-pods") if isinstance(kubernetes, dict) else None
    if isinstance(number, int) and not isinstance(number, bool):
        return UserDataMaxPods(number, bottlerocket=True, shown=f"settings.kubernetes.max-pods = {number}")
    return UserDataMaxPods(bottlerocket=True)


@dataclass(frozen=True)
class AppliedMaxPods:
    """The max pods settings a node runs with, and the one EKS overrides (for the report)."""

    value: int | Unknown | None
    expression: str | None
    overridden: str = ""
    note: str = ""  # why a user value counts where the documentation is not of one mind


def as_eks_applies(
    user: UserDataMaxPods, *, managed: bool, custom_ami: bool, bottlerocket_ami: bool
) -> AppliedMaxPods:
    """The user data's max pods as EKS applies it (module docstring; capacity-beyond-node-groups.md §5)."""
    if managed and not custom_ami and not (bottlerocket_ami or user.bottlerocket):
        # EKS's own value wins; the user's setting is kept to say it is overridden.
        return AppliedMaxPods(None, None, user.shown)
    if managed and not custom_ami and user.value is not None:
        return AppliedMaxPods(
            user.value,
            user.expression,
            note=(
                "Bottlerocket on an EKS AMI: EKS merges the user's settings and their max-pods applies "
                "(user guide, launch templates; its max pods page says EKS's value takes precedence)"
            ),
        )
    return AppliedMaxPods(user.value, user.expression)


def is_custom_ami(ami_type: Value, image_id: Value) -> bool:
    """A managed node group runs a custom AMI when its ami_type/AmiType is CUSTOM or its launch
    template names an image (Terraform ``image_id``, CloudFormation ``ImageId``)."""
    return ami_type == "CUSTOM" or image_id is not None


def is_bottlerocket_ami_type(ami_type: Value) -> bool:
    """EKS's Bottlerocket AMI types: ``BOTTLEROCKET_x86_64``, ``BOTTLEROCKET_ARM_64_NVIDIA``, ..."""
    return isinstance(ami_type, str) and ami_type.upper().startswith("BOTTLEROCKET")


def managed_launch_template(user_data: Value, *, ami_type: Value, custom_ami: bool) -> AppliedMaxPods:
    """A managed node group's max pods from its launch template's user data, as EKS applies it:
    one rule for Terraform's aws_eks_node_group and CloudFormation's AWS::EKS::Nodegroup."""
    return as_eks_applies(
        read_user_data(user_data),
        managed=True,
        custom_ami=custom_ami,
        bottlerocket_ami=is_bottlerocket_ami_type(ami_type),
    )


def _maybe_base64(text: str) -> str:
    stripped = text.strip()
    if len(stripped) < 8 or not _BASE64.match(stripped):
        return text
    try:
        return base64.b64decode(stripped, validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return text

"""An explicit kubelet max pods, as real code sets it in node user data.

Recognised (../shared/docs/real-world-iac.md §1.1): ``--max-pods=N`` / ``--max-pods N`` in
``bootstrap_extra_args``, ``kubelet_extra_args``, ``KUBELET_EXTRA_ARGS`` exports and bootstrap.sh
lines; the AL2023 nodeadm ``NodeConfig`` field ``maxPods: N`` (YAML, in cloud-init parts); and
Bottlerocket's ``max-pods = N`` (TOML settings). When several appear, the last one wins, as the
last flag wins on kubelet's command line. Base64 user data (``base64encode(...)``) is decoded first.
"""

from __future__ import annotations

import base64
import binascii
import re

from eks_ip_lint.values import Unknown, Value

_PATTERNS = (
    re.compile(r"--max-pods[= ]+[\"']?(\d+)"),
    re.compile(r"\bmaxPods\"?\s*:\s*[\"']?(\d+)"),
    re.compile(r"^\s*max-pods\s*=\s*(\d+)", re.MULTILINE),
)
_BASE64 = re.compile(r"^[A-Za-z0-9+/\r\n]+=*\s*$")


def max_pods_from_user_data(value: Value) -> int | Unknown | None:
    """The max pods a user data text sets; None when it sets none (the node default applies)."""
    if value is None:
        return None
    if isinstance(value, Unknown):
        # Cannot tell whether it sets max pods; the default is the documented assumption.
        return None
    if not isinstance(value, str):
        return None
    text = _maybe_base64(value)
    found: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        found.extend((m.start(), int(m.group(1))) for m in pattern.finditer(text))
    if not found:
        return None
    return max(found)[1]


def _maybe_base64(text: str) -> str:
    stripped = text.strip()
    if len(stripped) < 8 or not _BASE64.match(stripped):
        return text
    try:
        return base64.b64decode(stripped, validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return text

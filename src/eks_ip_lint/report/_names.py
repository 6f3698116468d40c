"""Names as users write them: ``general`` for
``module.eks.module.eks_managed_node_group["general"].aws_eks_node_group.this[0]``.

Terraform addresses only; anything else (a CloudFormation logical ID, an eksctl name) is already
what its author wrote. A short name that two things of one table would share is not used: both
keep their full address. The JSON report and ``-v`` keep full addresses.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_INDEX = r"(?:\[[^\]]*\])?"
# module.a["k"].module.b.aws_x.name[0] / data.aws_x.name: the last resource's name and index.
_ADDRESS = re.compile(
    rf"^(?:(?:module|dependency)\.[\w-]+{_INDEX}\.)*(?:data\.)?[a-z][a-z0-9_]*\.(?P<name>[\w-]+{_INDEX})$"
)
_KEY = re.compile(r'\["([^"]+)"\]')


def short_name(address: str, *, by_key: bool) -> str:
    """The name a user calls it by. ``by_key``: a string key anywhere in the address (a for_each
    over node groups, ``eks_managed_node_groups = { general = {...} }``) is that name."""
    m = _ADDRESS.match(address)
    if m is None:
        return address
    if by_key:
        keys = _KEY.findall(address)
        if keys:
            return str(keys[-1])
    return str(m.group("name"))


def short_names(addresses: Iterable[str], *, by_key: bool, full: bool = False) -> dict[str, str]:
    """address -> its short name, or itself when ``full`` or when the short name is not unique."""
    addresses = list(dict.fromkeys(addresses))
    if full:
        return {a: a for a in addresses}
    short = {a: short_name(a, by_key=by_key) for a in addresses}
    counts = Counter(short.values())
    return {a: s if counts[s] == 1 else a for a, s in short.items()}

"""Where ``terraform { source = ... }`` leads, in this order:

1. no source: the unit's own folder (Terragrunt runs Terraform there);
2. a local path (``../../modules//eks``, ``${get_repo_root()}/modules/eks``): the folder, the
   part after ``//`` being the module's subfolder of the tree Terragrunt copies;
3. a registry module eks-ip-lint models: ``tfr:///terraform-aws-modules/eks/aws?version=20.8.4``
   (``tfr://registry.terraform.io/...`` too) and ``git::https://github.com/terraform-aws-modules/
   terraform-aws-eks.git?ref=v20.8.4`` map to the tables of :mod:`eks_ip_lint.terraform.registry`,
   exactly as a ``module`` block with that source and version would;
4. a module Terragrunt already downloaded: ``.terragrunt-cache/<hash>/<hash>/<subfolder>`` of the
   unit, holding ``.tf`` files;
5. anything else: unknown, and an EKSIP002 names the source.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

from eks_ip_lint.sources import fs
from eks_ip_lint.terraform import registry
from eks_ip_lint.terraform.module_source import tf_files
from eks_ip_lint.values import Cause, Unknown, Value

CACHE_DIR = ".terragrunt-cache"
_PUBLIC_REGISTRIES = ("", "registry.terraform.io", "registry.opentofu.org")


@dataclass(frozen=True)
class ModuleRef:
    kind: str  # "local", "registry", "downloaded", "unknown"
    written: str  # the source as evaluated ("" when the unit has none)
    directory: str = ""  # absolute, for local and downloaded
    registry_source: str = ""  # for registry: the module source a module block would name
    version: str | None = None
    reason: str = ""  # for unknown
    cause: Cause = Cause.MODULE_NOT_ON_DISK  # for unknown: what made it so


def split_subdir(source: str) -> tuple[str, str]:
    """``root//sub?query`` -> (``root?query``, ``sub``), as go-getter splits it (the ``//`` of a
    URL scheme is not a subfolder marker)."""
    scheme_end = source.find("://")
    start = scheme_end + 3 if scheme_end >= 0 else 1
    at = source.find("//", start)
    if at < 0:
        return source, ""
    rest = source[at + 2 :]
    sub, _, query = rest.partition("?")
    return source[:at] + (f"?{query}" if query else ""), sub


def resolve(source: Value, unit_dir: str, input_names: Iterable[str]) -> ModuleRef:
    """The module of a unit whose folder is ``unit_dir`` (absolute)."""
    if source is None:
        return ModuleRef("local", "", directory=unit_dir)
    if isinstance(source, Unknown):
        return ModuleRef(
            "unknown", "", reason=f"the terraform source is unknown: {source.reason}", cause=source.cause
        )
    if not isinstance(source, str):
        return ModuleRef(
            "unknown", str(source), reason="the terraform source is not a string", cause=Cause.INVALID
        )
    names = list(input_names)
    root, sub = split_subdir(source)
    if source.startswith((".", "/")) or (len(source) > 1 and source[1] == ":"):
        base = os.path.normpath(os.path.join(unit_dir, root.partition("?")[0]))
        directory = os.path.normpath(os.path.join(base, sub)) if sub else base
        if not fs.isdir(directory):
            return ModuleRef("unknown", source, reason=f'the local source "{source}" is not a directory')
        return ModuleRef("local", source, directory=directory)
    modelled = _registry(source, root, sub, names)
    if modelled is not None:
        return modelled
    downloaded = _downloaded(unit_dir, sub)
    if downloaded is not None:
        return ModuleRef("downloaded", source, directory=downloaded)
    return ModuleRef(
        "unknown",
        source,
        reason=(
            f'terraform source "{source}" is neither a local folder, a registry module eks-ip-lint '
            f"models, nor downloaded under {CACHE_DIR} (run terragrunt init in the unit to download it)"
        ),
    )


def _registry(source: str, root: str, sub: str, names: list[str]) -> ModuleRef | None:
    if root.startswith("tfr://"):
        parsed = urllib.parse.urlsplit(root)
        if parsed.netloc not in _PUBLIC_REGISTRIES:
            return None
        address = parsed.path.strip("/")
        if sub:
            address += f"//{sub}"
        version = urllib.parse.parse_qs(parsed.query).get("version", [None])[0]
        if registry.match(address, version, names) is None:
            return None
        return ModuleRef("registry", source, registry_source=address, version=version)
    if registry.match(source, None, names) is None:
        return None
    return ModuleRef("registry", source, registry_source=source)


def _downloaded(unit_dir: str, sub: str) -> str | None:
    """``.terragrunt-cache/<hash>/<hash>[/sub]`` with .tf files: the first in name order (one
    per unit in practice; several are the leftovers of earlier sources)."""
    cache = os.path.join(unit_dir, CACHE_DIR)
    if not fs.isdir(cache):
        return None
    for first in fs.listdir(cache):
        outer = os.path.join(cache, first)
        if not fs.isdir(outer):
            continue
        for second in fs.listdir(outer):
            candidate = os.path.join(outer, second, sub) if sub else os.path.join(outer, second)
            if fs.isdir(candidate) and tf_files(candidate):
                return os.path.normpath(candidate)
    return None

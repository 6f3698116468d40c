"""One Terraform module directory, read and indexed: its configuration files, their parse errors,
and its top-level blocks by kind (variables, locals, resources, data, module calls, outputs).

The configuration files are Terraform's and OpenTofu's: ``*.tf`` and ``*.tf.json`` (JSON syntax,
what CDK for Terraform writes), ``*.tofu`` and ``*.tofu.json``. Where ``x.tofu`` and ``x.tf`` are
both there, only ``x.tofu`` counts, as OpenTofu reads them (and ``x.tofu.json`` over ``x.tf.json``).

``read_module`` parses every such file of a directory (parse errors are collected, not raised);
``may_hold_capacity_facts`` is the prefilter that spares a directory naming nothing EKS-, VPC- or
module-related from being parsed at all. Evaluation is :mod:`eks_ip_lint.terraform.module`'s.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import fs, hcl, tf_json
from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.sources.parse_cache import cached_parse
from eks_ip_lint.terraform.local_cycles import local_cycles

# Files larger than this are not parsed (a generated blob is not an EKS module; see docs/limits).
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class PlacedBlock:
    """A top-level block and the file it came from."""

    path: str
    block: ast.Block


@dataclass
class ModuleSource:
    dir: str
    files: list[ast.HclFile] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    variables: dict[str, PlacedBlock] = field(default_factory=dict)
    locals: dict[str, tuple[str, ast.Attribute]] = field(default_factory=dict)
    resources: dict[tuple[str, str], PlacedBlock] = field(default_factory=dict)
    data: dict[tuple[str, str], PlacedBlock] = field(default_factory=dict)
    module_calls: dict[str, PlacedBlock] = field(default_factory=dict)
    outputs: dict[str, PlacedBlock] = field(default_factory=dict)

    def resources_of_type(self, type_: str) -> list[tuple[str, PlacedBlock]]:
        return [(name, pb) for (t, name), pb in self.resources.items() if t == type_]


def read_text(path: str) -> str:
    """Read a user file as UTF-8; InputError (file, line 1) when it is not readable text."""
    try:
        raw = fs.read(path, MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; skipped", path)
    if b"\x00" in raw:
        raise InputError("binary file (contains NUL bytes); skipped", path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (byte {exc.start}); skipped", path, line) from None
    return text


# A module's configuration files, native syntax then JSON syntax.
NATIVE_SUFFIXES = (".tf", ".tofu")
JSON_SUFFIXES = (".tf.json", ".tofu.json")
CONFIG_SUFFIXES = NATIVE_SUFFIXES + JSON_SUFFIXES
# OpenTofu: a ".tofu" file hides the ".tf" file of the same base name, ".tofu.json" hides ".tf.json"
# (https://opentofu.org/docs/language/files/, "Extension Precedence").
_SHADOWED_BY = {".tf": ".tofu", ".tf.json": ".tofu.json"}


def config_suffix(name: str) -> str | None:
    """The configuration suffix ``name`` ends with (``.tf.json`` before ``.json``), or None."""
    return next((s for s in JSON_SUFFIXES + NATIVE_SUFFIXES if name.endswith(s)), None)


def tf_files(directory: str) -> list[str]:
    """The configuration files of a module directory, in name order, OpenTofu's shadowing applied."""
    try:
        names = fs.listdir(directory)
    except OSError:
        return []
    present = set(names)
    out = []
    for n in names:
        suffix = config_suffix(n)
        if suffix is None or n.startswith("."):
            continue
        shadow = _SHADOWED_BY.get(suffix)
        if shadow is not None and n[: -len(suffix)] + shadow in present:
            continue
        out.append(os.path.join(directory, n))
    return out


def parse_config_file(path: str, text: str) -> ast.HclFile:
    """One configuration file parsed by the syntax its name says. JSON syntax is not put in the
    parse cache: the standard library decodes it faster than the cache would load it."""
    if path.endswith(JSON_SUFFIXES):
        return tf_json.parse_file(path, text)
    return cached_parse(path, text, hcl.parse_file)


# Text without any of these cannot declare a cluster, subnet, node group or CNI carrier, nor call a
# module that might (any module call matches): such a directory is not parsed at all. In a
# monorepo most modules are S3/IAM/RDS, and parsing was most of the run (benchmarks/RESULTS.md).
# Plain substring tests, not one alternation regex: ``in`` scans at memory speed, the regex tried
# every alternative at every position and took twice as long as reading the files.
_CAPACITY_NEEDLES = (
    "eks", "aws_subnet", "aws_vpc", "aws_autoscaling_group", "aws_launch_", "helm_release",
    "kubernetes_", "kubectl_", "null_resource", "terraform_data",
)  # fmt: skip
_MODULE_BLOCK = re.compile(r"\bmodule\s")


def names_capacity_facts(text: str) -> bool:
    """Whether ``text`` names anything EKS-, VPC- or module-related (the prefilter's test)."""
    return any(n in text for n in _CAPACITY_NEEDLES) or (
        "module" in text and (bool(_MODULE_BLOCK.search(text)) or '"module"' in text)
    )


def may_hold_capacity_facts(directory: str) -> bool:
    """False only when every .tf file of ``directory`` is readable text naming nothing EKS-, VPC-
    or module-related; then the module cannot change any finding and is not parsed."""
    for path in tf_files(directory):
        try:
            text = read_text(path)
        except InputError:
            return True  # let read_module report it
        if names_capacity_facts(text):
            return True
    return False


def read_module(directory: str) -> ModuleSource:
    src = ModuleSource(dir=directory)
    for path in tf_files(directory):
        try:
            parsed = parse_config_file(path, read_text(path))
        except InputError as exc:
            src.errors.append(exc)
            continue
        src.files.append(parsed)
        index_file(src, parsed)
    src.errors.extend(local_cycles(src.locals))
    return src


def _is_override(path: str) -> bool:
    """Terraform's override files (override.tf, *_override.tf) may redefine what others define."""
    name = os.path.basename(path)
    for suffix in (".tf", ".tf.json", ".tofu", ".tofu.json"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem == "override" or stem.endswith("_override")
    return False


def index_file(src: ModuleSource, f: ast.HclFile) -> None:
    """Add a parsed file's top-level blocks to the module's tables (the file list is the caller's)."""
    for block in f.body.blocks:
        placed = PlacedBlock(f.path, block)
        labels = block.labels
        if block.type == "variable" and len(labels) == 1:
            src.variables[labels[0]] = placed
        elif block.type == "locals":
            for name, attr in block.body.attributes.items():
                if name in src.locals and not _is_override(f.path):
                    # Terraform refuses it ("Duplicate local value definition"); which one wins
                    # is not defined, so the first is kept and the second reported.
                    first_path, first = src.locals[name]
                    src.errors.append(
                        InputError(
                            f'duplicate local value "{name}": already defined at {first_path}:{first.line}',
                            f.path,
                            attr.line,
                            skipped=False,
                        )
                    )
                    continue
                src.locals[name] = (f.path, attr)
        elif block.type == "resource" and len(labels) == 2:
            src.resources[(labels[0], labels[1])] = placed
        elif block.type == "data" and len(labels) == 2:
            src.data[(labels[0], labels[1])] = placed
        elif block.type == "module" and len(labels) == 1:
            src.module_calls[labels[0]] = placed
        elif block.type == "output" and len(labels) == 1:
            src.outputs[labels[0]] = placed

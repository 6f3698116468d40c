"""Inline suppressions: the user accepts a finding where it is declared (docs/configuration.md).

- Terraform: a comment ``# eks-ip-lint: ignore=EKSIP101 reason`` (or ``// ...``; several IDs
  separated by commas) anywhere inside the top-level block (``resource``, ``module``, ``data``...)
  that the finding's file and line point into, its opening line included. The block is found by
  parsing the file (the parser gives each top-level block its first and last line); the comment
  is looked for on the lines of that block. A comment outside the block (above it, say) applies
  to nothing, as with checkov's ``checkov:skip``.
- CloudFormation: the resource's ``Metadata``::

      Metadata:
        eks-ip-lint:
          ignore:
            - id: EKSIP101
              reason: capacity is raised by a separate change

A suppressed finding is kept and marked (``Finding.suppressed`` holds the reason), never dropped.

A suppression that names no rule (a mistyped ID), or that matched no finding of a rule that ran,
is reported by :func:`audit` as a note (the CLI prints notes on standard error, so JSON and SARIF
on standard output stay as they are): silently ignoring it would hide the typo.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
from collections.abc import Collection, Iterable

from eks_ip_lint.findings import Finding
from eks_ip_lint.sources import fs

# "# eks-ip-lint: ignore=EKSIP101,EKSIP102 the reason" ("//" also starts a comment in HCL). Any
# word is taken as an ID, so a mistyped one (EKSIP11, EKISP101) is reported by audit(), not lost.
_COMMENT = re.compile(
    r"(?:#|//)\s*eks-ip-lint:\s*ignore\s*=\s*(?P<ids>[\w-]+(?:\s*,\s*[\w-]+)*)(?P<reason>[^\n]*)"
)
NO_REASON = "suppressed in the source (no reason given)"
TERRAFORM_SUFFIXES = (".tf", ".tofu")  # native syntax: JSON syntax has no comments
# As the readers' own limit (terraform/module_source.MAX_FILE_BYTES): a larger file is not read.
_MAX_BYTES = 5 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class _Ignore:
    rule_id: str
    reason: str
    first_line: int
    last_line: int
    line: int = 0  # the comment's own line


def comment_ignores(text: str) -> list[tuple[int, str, str]]:
    """(line, rule ID, reason) for every suppression comment of a Terraform text."""
    out: list[tuple[int, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for m in _COMMENT.finditer(line):
            reason = m.group("reason").strip() or NO_REASON
            for rule_id in m.group("ids").split(","):
                out.append((number, rule_id.strip(), reason))
    return out


def _read_text(path: str) -> str | None:
    """The file's text, or None: through ``fs`` (a FIFO or device is refused, never waited on)."""
    try:
        return fs.read(path, _MAX_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _terraform_comments(path: str) -> list[tuple[int, str, str]]:
    text = _read_text(path)
    return comment_ignores(text) if text else []


def _terraform_ignores(path: str) -> list[_Ignore]:
    text = _read_text(path)
    comments = comment_ignores(text) if text else []
    if not comments or text is None:
        return []
    # Imported only for a file with suppression comments: the parser is not needed otherwise.
    from eks_ip_lint.errors import InputError  # noqa: PLC0415
    from eks_ip_lint.sources.hcl import parse_file  # noqa: PLC0415
    from eks_ip_lint.sources.parse_cache import cached_parse  # noqa: PLC0415

    try:
        blocks = cached_parse(path, text, parse_file).body.blocks
    except InputError:
        return []  # a file that does not parse has EKSIP000 findings, which cannot be suppressed
    out = []
    for b in blocks:
        for line, rule_id, reason in comments:
            if b.line <= line <= b.end_line:
                out.append(_Ignore(rule_id, reason, b.line, b.end_line, line))
    return out


def _cloudformation_ignores(path: str) -> dict[str, dict[str, str]]:
    """logical ID -> rule ID -> reason, from ``Metadata.eks-ip-lint.ignore``."""
    try:
        if b"eks-ip-lint" not in fs.read(path, _MAX_BYTES):
            return {}  # no suppression: the template need not be decoded
    except OSError:
        return {}
    from eks_ip_lint.sources import cloudformation as cfn_source  # noqa: PLC0415
    from eks_ip_lint.sources.lined import DecodeProblem  # noqa: PLC0415

    decoded = cfn_source.decode(path)
    if isinstance(decoded, DecodeProblem) or not isinstance(decoded.data, dict):
        return {}
    resources = decoded.data.get("Resources")
    if not isinstance(resources, dict):
        return {}
    out: dict[str, dict[str, str]] = {}
    for name, resource in resources.items():
        meta = resource.get("Metadata") if isinstance(resource, dict) else None
        ours = meta.get("eks-ip-lint") if isinstance(meta, dict) else None
        items = ours.get("ignore") if isinstance(ours, dict) else None
        if not isinstance(items, list):
            continue
        for item in items:
            if isinstance(item, str):
                out.setdefault(name, {})[item] = NO_REASON
            elif isinstance(item, dict) and isinstance(item.get("id"), str):
                reason = item.get("reason")
                text = str(reason).strip() if reason is not None else ""
                out.setdefault(name, {})[item["id"]] = text or NO_REASON
    return out


def apply_suppressions(findings: Iterable[Finding], kinds: dict[str, str]) -> list[Finding]:
    """The findings, with those the user suppressed in their files marked.

    ``kinds`` maps a finding's file to its unit kind ("terraform", "cloudformation", "eksctl"),
    so a template is read as a template whatever its name.
    """
    tf_cache: dict[str, list[_Ignore]] = {}
    cfn_cache: dict[str, dict[str, dict[str, str]]] = {}
    out = []
    for f in findings:
        reason: str | None = None
        path = f.span.path
        if f.suppressed is not None:
            out.append(f)
            continue
        if path.endswith(TERRAFORM_SUFFIXES):
            if path not in tf_cache:
                tf_cache[path] = _terraform_ignores(path)
            for ig in tf_cache[path]:
                if ig.rule_id == f.rule_id and ig.first_line <= f.span.line <= ig.last_line:
                    reason = ig.reason
                    break
        elif kinds.get(path) == "cloudformation" and f.address:
            if path not in cfn_cache:
                cfn_cache[path] = _cloudformation_ignores(path)
            # A nested stack's resource is Network/Subnet in the report, Subnet in its own file.
            reason = cfn_cache[path].get(f.address.rsplit("/", 1)[-1], {}).get(f.rule_id)
        out.append(
            f if reason is None else dataclasses.replace(f, suppressed=reason, suppression_kind="inSource")
        )
    return out


def _did_you_mean(rule_id: str, known: Collection[str]) -> str:
    close = difflib.get_close_matches(rule_id, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def audit(
    findings: Iterable[Finding],
    files: Iterable[tuple[str, str]],
    known: Collection[str],
    ran: Collection[str],
) -> list[str]:
    """Notes on the suppressions in ``files`` ((path, unit kind) pairs) that do nothing.

    ``known`` are the rule IDs that exist, ``ran`` those that ran (a suppression of a rule the
    configuration switched off is not unused). Given the findings after suppression, a
    suppression is used when a finding of its rule is suppressed in its block (Terraform) or
    resource (CloudFormation).
    """
    suppressed = [f for f in findings if f.suppression_kind == "inSource"]
    notes: list[str] = []
    for path, kind in sorted(set(files)):
        if path.endswith(TERRAFORM_SUFFIXES):
            ignores = {(ig.line, ig.rule_id): ig for ig in _terraform_ignores(path)}
            for line, rule_id, _reason in _terraform_comments(path):
                where = f"{path}:{line}"
                if rule_id not in known:
                    notes.append(
                        f"{where}: suppression names {rule_id}, no such rule{_did_you_mean(rule_id, known)}"
                    )
                    continue
                ig = ignores.get((line, rule_id))
                if ig is None:
                    notes.append(
                        f"{where}: suppression of {rule_id} is outside any block, so it applies to nothing "
                        "(put it inside the resource or module block the finding points at)"
                    )
                elif rule_id in ran and not any(
                    f.rule_id == rule_id
                    and f.span.path == path
                    and ig.first_line <= f.span.line <= ig.last_line
                    for f in suppressed
                ):
                    notes.append(
                        f"{where}: suppression of {rule_id} is unused (no such finding in this block)"
                    )
        elif kind == "cloudformation":
            for logical_id, rules in _cloudformation_ignores(path).items():
                for rule_id in rules:
                    where = f"{path}: resource {logical_id}"
                    if rule_id not in known:
                        notes.append(
                            f"{where}: suppression names {rule_id}, no such rule{_did_you_mean(rule_id, known)}"
                        )
                    elif rule_id in ran and not any(
                        f.rule_id == rule_id
                        and f.span.path == path
                        and (f.address or "").rsplit("/", 1)[-1] == logical_id
                        for f in suppressed
                    ):
                        notes.append(f"{where}: suppression of {rule_id} is unused (no such finding there)")
    return notes


def unit_files(kind: str, path: str) -> list[str]:
    """The files of a unit whose suppressions :func:`audit` checks: a Terraform module's ``.tf``
    files, a template itself."""
    if kind == "cloudformation":
        return [path]
    if kind != "terraform":
        return []
    directory = path if os.path.isdir(path) else os.path.dirname(path)
    try:
        names = sorted(os.listdir(directory or "."))
    except OSError:
        return []
    return [
        os.path.join(directory, n) for n in names if n.endswith(TERRAFORM_SUFFIXES) and not n.startswith(".")
    ]

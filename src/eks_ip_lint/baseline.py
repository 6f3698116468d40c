"""Baselines: accept the findings a project already has, fail only on new ones.

A baseline is a JSON report (``eks-ip-lint --format json -o baseline.json``, or
``--write-baseline baseline.json``). A finding whose identity is in it is reported as suppressed
with the reason ``in baseline`` (SARIF kind ``external``) and does not fail the run.

The identity is the one behind ``Finding.fingerprint`` (rule, file, address, cluster: not the line
or the numbers, so moving a block or changing its sizes keeps it baselined), with the file
compared as a path relative to the current directory, so ``eks-ip-lint infra`` and
``eks-ip-lint ./infra`` match each other's baselines. Run from the same directory (the
repository's root) when writing and using one.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable

from eks_ip_lint.errors import UsageError
from eks_ip_lint.findings import Finding
from eks_ip_lint.repo_paths import repo_path

REASON = "in baseline"
Key = tuple[str, str, str, str]


def _key(rule_id: str, file: str, address: str | None, cluster: str | None) -> Key:
    return (rule_id, repo_path(file), address or "", cluster or "")


def finding_key(f: Finding) -> Key:
    return _key(f.rule_id, f.span.path, f.address, f.cluster)


def load_baseline(path: str) -> set[Key]:
    """The finding identities of a JSON report; a usage error when it is not one."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as exc:
        raise UsageError(f"--baseline {path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(f"--baseline {path}: not JSON: {exc}") from None
    if (
        not isinstance(doc, dict)
        or doc.get("schema_version") != 1
        or not isinstance(doc.get("findings"), list)
    ):
        raise UsageError(
            f"--baseline {path}: not an eks-ip-lint JSON report (schema_version 1): write one with "
            "--write-baseline FILE or --format json --output FILE"
        )
    keys: set[Key] = set()
    for i, item in enumerate(doc["findings"]):
        try:
            keys.add(_key(str(item["rule_id"]), str(item["file"]), item.get("address"), item.get("cluster")))
        except (KeyError, TypeError):
            raise UsageError(f"--baseline {path}: findings[{i}] lacks rule_id or file") from None
    return keys


def apply_baseline(findings: Iterable[Finding], keys: set[Key]) -> list[Finding]:
    """Mark the findings the baseline holds (those already suppressed in the source stay so)."""
    out = []
    for f in findings:
        if f.suppressed is None and finding_key(f) in keys:
            out.append(dataclasses.replace(f, suppressed=REASON, suppression_kind="external"))
        else:
            out.append(f)
    return out

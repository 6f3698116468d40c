"""SARIF 2.1.0 for GitHub code scanning (``--format sarif``; docs/integrations/ci.md).

One run. ``tool.driver.rules`` is generated from the rule registry, so every rule is described
even when it reported nothing, and a result's ``ruleIndex`` is its rule's position in
``ALL_RULES``. Choices that follow GitHub's documented use of the format:

- ``properties.problem.severity`` (error / warning / recommendation), never ``security-severity``:
  running out of IP addresses is an availability problem, and a ``security-severity`` would file
  every finding as a security alert.
- ``partialFingerprints.primaryLocationLineHash`` is ``Finding.fingerprint`` (rule, file, Terraform
  address, cluster), not a hash of the line's text, so an alert keeps its identity when the
  block moves or its numbers change. The file enters it as the SARIF location names it (relative
  to the current directory), so ``eks-ip-lint .``, ``eks-ip-lint infra`` and an absolute path
  give the same fingerprint. A second finding with the same fingerprint gets ``:2``, and so on,
  as GitHub's own hashes count repeats.
- File URIs are relative to the current directory (the checkout's root in CI) when the file is
  inside it, percent-encoded; others are absolute ``file://`` URIs.
- Rules carry ``help.text`` / ``help.markdown``: their page (``docs/rules/<ID>.md``, shipped in
  the package, rules/pages.py) without its generated header, then a link to it; and a ``helpUri``, the page on the project's public address (eks_ip_lint.project, the one
  place that holds it): a URI there must be absolute.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
import urllib.parse
from typing import Any

from eks_ip_lint import __version__, project
from eks_ip_lint.capacity.records import Density
from eks_ip_lint.engine import LintResult
from eks_ip_lint.findings import Finding, RelatedLocation, Severity
from eks_ip_lint.report._common import coverage_json, message_with_fix, repo_path
from eks_ip_lint.rules import ALL_RULES, RuleMeta
from eks_ip_lint.rules.pages import page_body
from eks_ip_lint.values import Unknown

SARIF_VERSION = "2.1.0"
# The OASIS schema's own identifier for SARIF 2.1.0 (errata 01), as GitHub's examples use it.
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
TOOL_NAME = "eks-ip-lint"
# Absolute base URL of the published docs (…/docs/rules/EKSIP101.md is appended), from the
# project's one address constant. Only an absolute http(s) URL is used: GitHub rejects relative
# help URIs.
DOCS_BASE_URL: str | None = project.DOCS_BASE_URL
# Our own fingerprint, under a versioned key, for consumers other than GitHub (which reads only
# primaryLocationLineHash). Bump the suffix if Finding.fingerprint's recipe ever changes.
FINGERPRINT_KEY = "eksIpLint/v1"

LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub's problem.severity values.
PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}
# Rule ID hundreds -> tag (docs/architecture.md: 0xx input, 1xx subnet capacity, 2xx CNI configuration).
FAMILY_TAG = {"0": "input", "1": "subnet-capacity", "2": "cni-configuration"}


def docs_url(meta: RuleMeta, base: str | None = None) -> str | None:
    """The rule page's absolute URL, or None when there is no valid absolute base URL."""
    base = DOCS_BASE_URL if base is None else base
    if not base:
        return None
    parts = urllib.parse.urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return base.rstrip("/") + "/" + meta.docs_path


def _help(meta: RuleMeta, link: str) -> dict[str, str]:
    """The rule's page as shipped in the package (rules/pages.py), so code scanning shows the
    whole explanation; a pointer to the page when this installation has none."""
    body = page_body(meta.id)
    if body is None:
        why = "Why it matters, how it is computed and how to fix or suppress it"
        return {
            "text": f"{meta.id} {meta.name}: {meta.summary} The message says what to change. {why}: "
            f"{meta.docs_path} in the eks-ip-lint repository.",
            "markdown": f"**{meta.id} {meta.name}**\n\n{meta.summary}\n\nThe message says what to change. "
            f"{why}: {link} in the eks-ip-lint repository.",
        }
    return {
        "text": f"{meta.id} {meta.name}: {meta.summary}\n\n{body.strip()}\n\nPage: {meta.docs_path}",
        "markdown": f"{body.strip()}\n\nPage: {link}",
    }


def _rule(meta: RuleMeta) -> dict[str, Any]:
    url = docs_url(meta)
    page = f"[{meta.docs_path}]({url})" if url else f"`{meta.docs_path}`"
    family = FAMILY_TAG.get(meta.id[len("EKSIP")], "other")
    rule: dict[str, Any] = {
        "id": meta.id,
        "name": meta.name,
        "shortDescription": {"text": meta.summary},
        "fullDescription": {
            "text": f"{meta.summary} Default severity: {meta.severity.value}; inputs: {', '.join(meta.inputs)}."
        },
        "help": _help(meta, page),
        "defaultConfiguration": {"level": LEVEL[meta.severity]},
        "properties": {
            "tags": ["eks", "vpc-cni", "ip-capacity", family, *[i.lower() for i in meta.inputs]],
            "problem.severity": PROBLEM_SEVERITY[meta.severity],
        },
    }
    if url:
        rule["helpUri"] = url
    return rule


def artifact_uri(path: str, cwd: str | None = None) -> str:
    """A SARIF ``artifactLocation.uri``: relative and percent-encoded inside ``cwd``, else file://."""
    p = repo_path(path, cwd)
    if p.startswith("/") or (len(p) > 1 and p[1] == ":"):
        return pathlib.Path(p).as_uri()
    # A byte a file name cannot decode (surrogateescape's \udcff) is percent-encoded as that byte.
    return urllib.parse.quote(p, safe="/", errors="surrogateescape")


def _suppressions(f: Finding) -> list[dict[str, str]] | None:
    """SARIF ``suppressions`` for a finding the user accepted, or None.

    ``inSource`` for a comment or CloudFormation Metadata in the user's file, ``external`` for a
    baseline file, with the reason as ``justification``. A suppressed result is still in the
    log (code scanning shows it as closed/dismissed), never dropped.
    """
    if f.suppressed is None:
        return None
    return [{"kind": f.suppression_kind or "inSource", "status": "accepted", "justification": f.suppressed}]


def _result(f: Finding, index: dict[str, int], fp: str, nth: int, cwd: str | None) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(f.span.line, 1)}
    if f.span.end_line is not None and f.span.end_line >= region["startLine"]:
        region["endLine"] = f.span.end_line
    location: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": {"uri": artifact_uri(f.span.path, cwd)}, "region": region}
    }
    if f.address:
        location["logicalLocations"] = [{"fullyQualifiedName": f.address, "kind": "resource"}]
    result: dict[str, Any] = {"ruleId": f.rule_id}
    if f.rule_id in index:
        result["ruleIndex"] = index[f.rule_id]
    result["level"] = LEVEL[f.severity]
    result["message"] = {"text": message_with_fix(f)}
    result["locations"] = [location]
    if f.related:
        result["relatedLocations"] = [_related(i, r, cwd) for i, r in enumerate(f.related)]
    result["partialFingerprints"] = {"primaryLocationLineHash": f"{fp}:{nth}", FINGERPRINT_KEY: fp}
    suppressions = _suppressions(f)
    if suppressions is not None:
        result["suppressions"] = suppressions
    props = {k: v for k, v in (("address", f.address), ("cluster", f.cluster)) if v}
    if props:
        result["properties"] = props
    return result


def _related(i: int, r: RelatedLocation, cwd: str | None) -> dict[str, Any]:
    """A SARIF ``relatedLocations`` entry (a cluster finding's node group max-size lines)."""
    out: dict[str, Any] = {
        "id": i,
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(r.span.path, cwd)},
            "region": {"startLine": max(r.span.line, 1)},
        },
        "message": {"text": r.message},
    }
    if r.address:
        out["logicalLocations"] = [{"fullyQualifiedName": r.address, "kind": "resource"}]
    return out


def fingerprint(f: Finding, cwd: str | None = None) -> str:
    """``Finding.fingerprint`` with the file named as in the SARIF location, whatever spelling of
    the path the user gave (``./infra``, ``infra``, ``/abs/infra``)."""
    return dataclasses.replace(
        f, span=dataclasses.replace(f.span, path=repo_path(f.span.path, cwd))
    ).fingerprint


def sarif_log(result: LintResult, cwd: str | None = None) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict (``render_sarif`` serialises it)."""
    index = {rule.meta.id: i for i, rule in enumerate(ALL_RULES)}
    seen: dict[str, int] = {}
    results = []
    for f in result.findings:
        fp = fingerprint(f, cwd)
        seen[fp] = seen.get(fp, 0) + 1
        results.append(_result(f, index, fp, seen[fp], cwd))
    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [_rule(rule.meta) for rule in ALL_RULES],
    }
    if DOCS_BASE_URL and docs_url(ALL_RULES[0].meta) is not None:
        driver["informationUri"] = project.PROJECT_URL  # the tool's home page, not its docs folder
    run: dict[str, Any] = {"tool": {"driver": driver}, "columnKind": "utf16CodeUnits", "results": results}
    # The run's property bag: what was checked and what was not (docs/json-output.md#coverage, the
    # same shape), and what the run saw and did not analyse.
    run["properties"] = {"coverage": coverage_json(result)}
    pools = _node_pools(result, cwd)
    if pools:  # Karpenter and Auto Mode pools: what the numbers of EKSIP150/155 rest on
        run["properties"]["nodePools"] = pools
    if result.not_read:
        run["properties"]["notRead"] = [
            {"what": n.what, "count": len(n.paths), "paths": list(n.paths)} for n in result.not_read
        ]
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _node_pools(result: LintResult, cwd: str | None) -> list[dict[str, Any]]:
    out = []
    for unit in result.units:
        for c in unit.capacity.clusters:
            for p in c.node_pools:
                at = p.at[Density.CONFIGURED]

                def known(v: object) -> object:
                    return None if isinstance(v, Unknown) else v

                out.append(
                    {
                        "cluster": c.name,
                        "name": known(p.fact.name),
                        "address": p.fact.address,
                        "uri": artifact_uri(p.fact.span.path, cwd),
                        "line": p.fact.span.line,
                        "autoMode": p.auto_mode,
                        "unbounded": p.ceiling is None,
                        "maxNodes": known(p.ceiling),
                        "ipsAtMaxNodesConfigured": known(at.ips_at_ceiling),
                        "roomLeft": known(at.room_total),
                        "nodesSupportedConfigured": known(at.nodes_supported),
                        "worstZone": at.worst_zone,
                        "notChecked": p.problem.reason if p.problem is not None else None,
                    }
                )
    return out


def render_sarif(result: LintResult, cwd: str | None = None) -> str:
    return json.dumps(sarif_log(result, cwd), indent=2, ensure_ascii=False) + "\n"

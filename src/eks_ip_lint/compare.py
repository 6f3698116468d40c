"""``--compare-to REF``: analyse the tree at a git ref and the working tree, report what changed.

The working tree is analysed as without the option. The ref's tree is exported to a temporary
directory (git_tree.py: nothing in the checkout is touched) and analysed by the same request,
with the same policy (configuration, rule severities, baseline) and options, so the delta is
the change to the infrastructure code, judged by today's settings:

- each path is its counterpart in the exported tree; a path the ref does not have is left out
  (its clusters are "added");
- the analysis runs from the current directory's counterpart, so relative paths, report paths
  and fingerprints are spelled the same on both sides; an absolute path inside the repository is
  spelled back to the checkout's after the run, and its fingerprints are recomputed;
- ``--var-file`` and ``--nested-template`` files inside the repository are read as the ref has
  them, those outside it (or missing at the ref) as they are.

Both sides go through the JSON report (``FORMATTERS["json"]``, docs/json-output.md), and
delta.py compares the two documents.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from eks_ip_lint import delta as delta_mod
from eks_ip_lint.engine import LintRequest, LintResult, lint
from eks_ip_lint.errors import UsageError
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.git_tree import TreeAtRef, tree_at
from eks_ip_lint.policy import Policy
from eks_ip_lint.report import FORMATTERS, ReportContext
from eks_ip_lint.results import ProgressSink
from eks_ip_lint.span import SourceSpan

# The formats that show a delta; the others (sarif, github) describe one tree.
DELTA_FORMATS = ("text", "json", "markdown")


def check_format(fmt: str) -> None:
    if fmt not in DELTA_FORMATS:
        raise UsageError(
            f"--compare-to works with --format {', '.join(DELTA_FORMATS[:-1])} or {DELTA_FORMATS[-1]}; "
            f"--format {fmt} reports one tree: run it without --compare-to"
        )


@contextmanager
def _chdir(path: str) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _base_request(request: LintRequest, tree: TreeAtRef) -> LintRequest:
    paths = []
    for p in request.paths:
        mapped = tree.map_path(p)
        if mapped is not None:
            # A relative path stays relative: the ref's side runs from the current directory's counterpart.
            paths.append(p if not os.path.isabs(p) else mapped)
    variables = dataclasses.replace(
        request.variables, var_files=tuple(_ref_file(tree, f) for f in request.variables.var_files)
    )
    nested = {k: _ref_file(tree, v) for k, v in request.nested_templates.items()}
    return dataclasses.replace(request, paths=tuple(paths), variables=variables, nested_templates=nested)


def _ref_file(tree: TreeAtRef, path: str) -> str:
    """A file the ref's side reads, named so that it resolves from the counterpart directory: the
    ref's copy when the repository has it, else this checkout's (absolute)."""
    mapped = tree.map_path(path)
    if mapped is None or mapped == path:  # not at the ref, or outside the repository
        return os.path.abspath(path)
    return path if not os.path.isabs(path) else mapped


def base_report(
    tree: TreeAtRef, request: LintRequest, policy: Policy, ctx: ReportContext, progress: ProgressSink | None
) -> dict[str, Any]:
    """The JSON report of the tree at the ref, its paths spelled as in the checkout."""
    base = _base_request(request, tree)
    with _chdir(tree.map_cwd()):
        result = lint(base, policy, progress) if base.paths else LintResult(units=())
        doc: dict[str, Any] = json.loads(FORMATTERS["json"].render(result, ctx))
    return respell(doc, tree.root, tree.repo_root)


def respell(doc: dict[str, Any], export_root: str, repo_root: str) -> dict[str, Any]:
    """Paths under the exported tree as the checkout's, and the fingerprints of findings whose
    file changed spelling recomputed (Finding.fingerprint's recipe: rule, file, address, cluster,
    branch)."""

    def fix(value: Any) -> Any:
        if isinstance(value, str) and (value == export_root or value.startswith(export_root + "/")):
            return repo_root + value[len(export_root) :]
        return value

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("file", "path"):
                    node[key] = fix(value)
                else:
                    walk(value)
            if "fingerprint" in node and "rule_id" in node:
                node["fingerprint"] = _fingerprint(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    return doc


def _fingerprint(f: dict[str, Any]) -> str:
    return Finding(
        f["rule_id"],
        Severity(f["severity"]),
        "",
        SourceSpan(f["file"], 1),
        address=f.get("address"),
        cluster=f.get("cluster"),
        branch=f.get("branch"),
    ).fingerprint


def compare_report(
    ref: str,
    *,
    request: LintRequest,
    policy: Policy,
    head: LintResult,
    fmt: str,
    ctx: ReportContext,
    progress: ProgressSink | None = None,
) -> str:
    """The report of ``--format fmt --compare-to ref``: the delta first, then the working tree's
    report (JSON: the working tree's report with a ``delta`` section)."""
    check_format(fmt)
    after = json.loads(FORMATTERS["json"].render(head, ctx))
    with tree_at(ref) as tree:
        before = base_report(tree, request, policy, ctx, progress)
    delta = delta_mod.compare(before, after, ref=ref, commit=tree.commit)
    if fmt == "json":
        return json.dumps({**after, "delta": delta}, indent=2) + "\n"
    if fmt == "markdown":
        from eks_ip_lint.report.delta_markdown import render_delta_markdown  # noqa: PLC0415

        return render_delta_markdown(delta, FORMATTERS["markdown"].render(head, ctx), ctx)
    from eks_ip_lint.report.controls import escape_controls  # noqa: PLC0415
    from eks_ip_lint.report.delta_text import render_delta_text  # noqa: PLC0415

    return escape_controls(render_delta_text(delta, ctx)) + "\n" + FORMATTERS["text"].render(head, ctx)

"""GitLab Code Quality: a JSON array of issues (artifacts:reports:codequality).

GitLab's documented fields, all set: ``description``, ``check_name`` (the rule ID), ``fingerprint``
(unique per issue: GitLab drops repeats and uses it to tell new issues from old), ``severity``
(one of info, minor, major, critical, blocker), ``location.path`` (relative to the repository's
root: the current directory in CI) and ``location.lines.begin``. Suppressed and baselined findings
are left out: the user accepted them, and Code Quality has no place for that.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from eks_ip_lint.engine import LintResult
from eks_ip_lint.findings import Severity
from eks_ip_lint.report._common import message_with_fix, repo_path
from eks_ip_lint.report.sarif import fingerprint

# An error stops the cluster reaching max size (critical); a warning is a risk (major); info is advice.
SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def code_quality(result: LintResult, cwd: str | None = None) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for f in result.findings:
        if f.suppressed is not None:
            continue
        fp = fingerprint(f, cwd)
        seen[fp] = seen.get(fp, 0) + 1
        if seen[fp] > 1:  # the same rule, file and address twice: still two issues
            fp = hashlib.sha256(f"{fp}:{seen[fp]}".encode()).hexdigest()[:32]
        issues.append(
            {
                "description": f"{f.rule_id} {message_with_fix(f)}",
                "check_name": f.rule_id,
                "fingerprint": fp,
                "severity": SEVERITY[f.severity],
                "location": {"path": repo_path(f.span.path, cwd), "lines": {"begin": max(f.span.line, 1)}},
            }
        )
    return issues


def render_gitlab(result: LintResult, cwd: str | None = None) -> str:
    return json.dumps(code_quality(result, cwd), indent=2, ensure_ascii=False) + "\n"

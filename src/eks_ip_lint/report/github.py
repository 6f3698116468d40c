"""GitHub Actions workflow commands (``--format github``): one annotation per finding.

``::error file=infra/main.tf,line=51,title=EKSIP101::message Fix: ...`` (``::warning`` for
warnings, ``::notice`` for info) puts the finding on the pull request's diff, at its line. The
runner decodes ``%25``, ``%0D`` and ``%0A`` in the message and, in property values, also
``%3A`` and ``%2C``; anything else is taken literally, so escaping those five is both necessary
and sufficient, and a message cannot end its own command or start another one (a newline in a
Terraform string stays inside the annotation). Paths are relative to the current directory, the
checkout's root in CI, as the runner resolves them.
"""

from __future__ import annotations

from collections.abc import Sequence

from eks_ip_lint.engine import LintResult
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.report._common import (
    coverage,
    coverage_sentence,
    message_with_fix,
    repo_path,
    severity_counts,
)
from eks_ip_lint.report.controls import escape_controls

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow command's message (the part after ``::``): the runner's three escapes,
    then every other control character spelled out (:mod:`.controls`), so that nothing from the
    scanned files reaches the log as a terminal sequence."""
    return escape_controls(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (``file=``, ``title=``...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: Sequence[tuple[str, str]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(f: Finding, cwd: str | None = None) -> str:
    props = [("file", repo_path(f.span.path, cwd)), ("line", str(f.span.line))]
    if f.span.end_line is not None and f.span.end_line > f.span.line:
        props.append(("endLine", str(f.span.end_line)))
    props.append(("title", f.rule_id))
    return command(COMMAND[f.severity], props, message_with_fix(f))


def render_github(result: LintResult, cwd: str | None = None) -> str:
    # A suppressed or baselined finding was accepted by the user: no annotation, and it is counted
    # apart, as in the other reports.
    live = [f for f in result.findings if f.suppressed is None]
    lines = [annotation(f, cwd) for f in live]
    counts = severity_counts(live)
    suppressed = len(result.findings) - len(live)
    units = len(result.units)
    # What was checked, as a plain line: escaped like a command's data, so a reason quoting the
    # user's text (a newline, then "::") cannot start a workflow command.
    lines.append(f"eks-ip-lint: coverage: {escape_data(coverage_sentence(coverage(result)))}")
    # A plain line (not a command) for the log, in the words of the text report's last line.
    lines.append(
        f"eks-ip-lint: {units} module{'s' if units != 1 else ''} checked: {counts['error']} error(s), "
        f"{counts['warning']} warning(s), {counts['info']} info"
        + (f", {suppressed} suppressed" if suppressed else "")
    )
    return "\n".join(lines) + "\n"

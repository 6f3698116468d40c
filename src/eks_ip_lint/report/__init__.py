"""Reporters: findings and capacity tables -> text for people and programs.

The formatter registry: every output format is one module here and one entry in
:data:`FORMATTERS`, with one signature, ``(result, context) -> text``. The CLI's ``--format``
choices, its help and the docs' list come from this table. A formatter module is imported only
when its format is asked for (the CLI starts without any of them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eks_ip_lint.results import LintResult


@dataclass(frozen=True)
class ReportContext:
    """What a report says about the run besides its result."""

    fail_on: str = "error"  # the severity that fails the run (error, warning, info, never)
    pods_per_node: int | None = None  # the configured density asked for (None: full nodes)
    output: str | None = None  # the file the report goes to (None: standard output)
    # The text report's layout (report/text.py): wrap to this width (None: no wrapping), colour,
    # full addresses, findings only.
    width: int | None = None
    color: bool = False
    verbose: bool = False
    compact: bool = False
    unicode: bool = True  # bars with block characters (the output's encoding can write them)


@dataclass(frozen=True)
class Formatter:
    name: str
    help: str  # one line, for --help
    render: Callable[[LintResult, ReportContext], str]
    # Run after the report is written (the markdown report's job summary).
    after_write: Callable[[str, ReportContext], None] | None = None


def _text(result: LintResult, ctx: ReportContext) -> str:
    from eks_ip_lint.report._style import restore_sgr  # noqa: PLC0415
    from eks_ip_lint.report.controls import escape_controls  # noqa: PLC0415
    from eks_ip_lint.report.text import TextOptions, render_text  # noqa: PLC0415

    # Findings name groups and subnets as users write them too (full addresses with -v).
    options = TextOptions(ctx.width, ctx.color, ctx.verbose, ctx.compact, ctx.unicode, short_messages=True)
    # Every character from the scanned files reaches the terminal spelled out, never as a control;
    # then the report's own colour codes (and only colour codes) are made live again.
    text = escape_controls(render_text(result, options))
    return restore_sgr(text) if ctx.color else text


def _json(result: LintResult, ctx: ReportContext) -> str:
    from eks_ip_lint.report.json_report import render_json  # noqa: PLC0415

    return render_json(result, fail_on=ctx.fail_on, pods_per_node=ctx.pods_per_node)


def _sarif(result: LintResult, ctx: ReportContext) -> str:
    from eks_ip_lint.report.sarif import render_sarif  # noqa: PLC0415

    return render_sarif(result)


def _markdown(result: LintResult, ctx: ReportContext) -> str:
    from eks_ip_lint.report.markdown import render_markdown  # noqa: PLC0415

    return render_markdown(result)


def _step_summary(text: str, ctx: ReportContext) -> None:
    from eks_ip_lint.report.markdown import append_step_summary  # noqa: PLC0415

    append_step_summary(text, ctx.output)  # when $GITHUB_STEP_SUMMARY is set


def _github(result: LintResult, ctx: ReportContext) -> str:
    from eks_ip_lint.report.github import render_github  # noqa: PLC0415

    return render_github(result)


def _junit(result: LintResult, ctx: ReportContext) -> str:
    from eks_ip_lint.report.junit import render_junit  # noqa: PLC0415

    return render_junit(result, fail_on=ctx.fail_on)


def _gitlab(result: LintResult, ctx: ReportContext) -> str:
    from eks_ip_lint.report.gitlab import render_gitlab  # noqa: PLC0415

    return render_gitlab(result)


def _html(result: LintResult, ctx: ReportContext) -> str:
    from eks_ip_lint.report.html_report import render_html  # noqa: PLC0415

    return render_html(result)


FORMATTERS: dict[str, Formatter] = {
    f.name: f
    for f in (
        Formatter("text", "for people: cluster tables and findings", _text),
        Formatter("json", "machine-readable, docs/json-output.md (schema version 1)", _json),
        Formatter("sarif", "SARIF 2.1.0 for GitHub code scanning", _sarif),
        Formatter(
            "markdown",
            "a PR comment or job summary (also appended to $GITHUB_STEP_SUMMARY when that is set)",
            _markdown,
            _step_summary,
        ),
        Formatter("github", "GitHub workflow annotations (::error file=...::)", _github),
        Formatter("junit", "JUnit XML, a test per finding (Jenkins junit, GitLab test reports)", _junit),
        Formatter("gitlab", "GitLab Code Quality JSON (artifacts:reports:codequality)", _gitlab),
        Formatter("html", "one self-contained page with SVG charts of subnet use and IPs per node", _html),
    )
}

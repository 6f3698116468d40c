"""JUnit XML: findings as test results, for Jenkins (junit step) and GitLab (artifacts:reports:junit).

The shape is the one Jenkins' junit-10.xsd and GitLab's test report parser read: ``<testsuites>``
with totals, one ``<testsuite>`` per unit (a module, template or ClusterConfig), one ``<testcase>``
per finding. A finding at or above ``--fail-on`` is a ``<failure>`` (message: the rule and the
first sentence; body: the whole message, the fix and the location); a finding below it passes,
with its text as ``<system-out>``; a suppressed or baselined one is ``<skipped>`` with the reason.
A unit without findings has one passing test case, so every unit checked shows up as a test.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from eks_ip_lint.engine import LintResult
from eks_ip_lint.findings import Finding, Severity
from eks_ip_lint.report._common import findings_to_show, message_with_fix, repo_path, unit_title

SUITES_NAME = "eks-ip-lint"


def _fails(f: Finding, fail_on: str) -> bool:
    return f.suppressed is None and fail_on != "never" and f.severity.rank >= Severity(fail_on).rank


def _case(f: Finding, fail_on: str) -> tuple[ET.Element, str]:
    path = repo_path(f.span.path)
    case = ET.Element(
        "testcase",
        {"name": f"{f.rule_id} {f.address or path}", "classname": f"{SUITES_NAME}.{f.rule_id}", "time": "0"},
    )
    where = f"{path}:{f.span.line}"
    if f.suppressed is not None:
        ET.SubElement(case, "skipped", {"message": f"suppressed: {f.suppressed}"})
        return case, "skipped"
    if _fails(f, fail_on):
        failure = ET.SubElement(
            case,
            "failure",
            {"message": f"{f.rule_id} {f.message.split('. ', 1)[0]}", "type": f.severity.value},
        )
        failure.text = f"{where}: {f.severity.value} {message_with_fix(f)}"
        return case, "failure"
    ET.SubElement(case, "system-out").text = f"{where}: {f.severity.value} {message_with_fix(f)}"
    return case, "passed"


def render_junit(result: LintResult, fail_on: str = "error") -> str:
    root = ET.Element("testsuites", {"name": SUITES_NAME})
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    shown = findings_to_show([u.findings for u in result.units])
    for unit, findings in zip(result.units, shown, strict=True):
        title = unit_title(repo_path(unit.path), unit.capacity.facts.branch)
        suite = ET.SubElement(root, "testsuite", {"name": title})
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        cases = [_case(f, fail_on) for f in findings] or [
            (
                ET.Element(
                    "testcase", {"name": f"{title}: no findings", "classname": SUITES_NAME, "time": "0"}
                ),
                "passed",
            )
        ]
        for case, outcome in cases:
            suite.append(case)
            counts["tests"] += 1
            if outcome == "failure":
                counts["failures"] += 1
            elif outcome == "skipped":
                counts["skipped"] += 1
        suite.attrib.update(
            tests=str(counts["tests"]),
            failures=str(counts["failures"]),
            errors="0",
            skipped=str(counts["skipped"]),
            time="0",
        )
        for k in totals:
            totals[k] += counts[k]
    root.attrib.update(tests=str(totals["tests"]), failures=str(totals["failures"]), errors="0", time="0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

"""The GitHub Action's step (action.yml): lint what a pull request changed, or a given path.

Inputs arrive as INPUT_* environment variables (composite actions do not export them, so
action.yml passes them explicitly). On a pull_request event without an explicit path, the files
changed between the PR's base and head commits are linted; the CLI reduces them to their module
directories (Terraform) or lints them as documents (CloudFormation, eksctl). It writes workflow
annotations to the log, the markdown report to $GITHUB_STEP_SUMMARY and, when asked, a SARIF file
for github/codeql-action/upload-sarif. The exit code is the annotations run's: 1 when a finding
reaches fail-on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LINTED_SUFFIXES = (".tf", ".tfvars", ".tf.json", ".tfvars.json", ".yaml", ".yml", ".json", ".template")


def changed_files(event_path: str) -> list[str] | None:
    """Files the pull request changed that still exist, or None when this is not a PR event."""
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pr = event.get("pull_request") if isinstance(event, dict) else None
    if not isinstance(pr, dict):
        return None
    base, head = pr.get("base", {}).get("sha"), pr.get("head", {}).get("sha")
    if not base or not head:
        return None
    out = subprocess.run(
        ["git", "diff", "--name-only", "--diff-filter=ACMR", f"{base}...{head}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [f for f in out.splitlines() if f.endswith(LINTED_SUFFIXES) and os.path.exists(f)]


def main() -> int:
    path = os.environ.get("INPUT_PATH", "").strip()
    extra = os.environ.get("INPUT_ARGS", "").split()
    fail_on = os.environ.get("INPUT_FAIL_ON", "error").strip() or "error"
    sarif = os.environ.get("INPUT_SARIF_FILE", "").strip()
    targets = [path] if path else None
    if targets is None:
        changed = changed_files(os.environ.get("GITHUB_EVENT_PATH", ""))
        if changed is not None and not changed:
            print("eks-ip-lint: the pull request changes no Terraform, CloudFormation or eksctl file")
            return 0
        targets = changed if changed is not None else ["."]
    cli = [sys.executable, "-m", "eks_ip_lint", *targets, *extra]
    if sarif:
        subprocess.run([*cli, "--format", "sarif", "--output", sarif, "--fail-on", "never"], check=False)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        # The CLI appends to the step summary itself for --format markdown.
        subprocess.run(
            [*cli, "--format", "markdown", "--fail-on", "never"], check=False, stdout=subprocess.DEVNULL
        )
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    return subprocess.run([*cli, "--format", "github", "--fail-on", fail_on], check=False, env=env).returncode


if __name__ == "__main__":
    raise SystemExit(main())

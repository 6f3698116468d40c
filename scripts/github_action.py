"""The GitHub Action's step (action.yml; docs/integrations/ci.md#the-github-action).

Runs in the Action's own virtual environment (``sys.executable`` has eks-ip-lint installed) and
uses only the standard library. Inputs arrive as ``INPUT_*`` variables (composite actions do not
export them; action.yml passes them explicitly).

On a ``pull_request`` event without an explicit ``path``:

1. the base commit is made available: a shallow clone (``actions/checkout``'s default) lacks it,
   so it is fetched (``git fetch --depth=1 origin BASE``); when that fails, a notice says to set
   ``fetch-depth: 0`` and the run lints without a delta;
2. the files changed since the base are mapped to what to lint: every Terraform root module a
   changed file belongs to (a changed local child module stands for the root modules that call
   it; the Terragrunt units that read a changed ``.hcl`` or module file), a ``.tfvars`` file
   through the ``var-files`` input (``MODULE_DIR: FILE...`` lines, also
   passed as ``--var-file`` whenever that module is linted), and CloudFormation/eksctl files as
   themselves;
3. the markdown and JSON reports carry the delta (``--compare-to BASE``); the markdown is the
   job summary and one sticky pull-request comment, found again by its hidden marker and edited
   (REST API, ``GITHUB_TOKEN``), and the annotations and SARIF describe the working tree.

On a pull request from a fork the token is read-only: the comment and the SARIF upload are
skipped with a notice, and the summary and annotations still work. Step outputs are written to
``$GITHUB_OUTPUT``. The exit code is the annotations run's (1 when a finding reaches ``fail-on``).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MARKER = "<!-- eks-ip-lint -->"
TF_SUFFIXES = (".tf", ".tf.json")
TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")
DOC_SUFFIXES = (".yaml", ".yml", ".json", ".template")
# GitHub's limit for a comment body is 65,536 characters.
MAX_COMMENT = 65_000
SOURCE = re.compile(r"""^\s*source\s*=\s*"(\.{1,2}/[^"]*)"\s*$""", re.MULTILINE)
SKIP_DIRS = {".git", ".terraform", "node_modules"}


def notice(kind: str, message: str) -> None:
    """A workflow command (``notice``, ``warning``, ``error``), escaped as the runner requires."""
    text = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    print(f"::{kind}::{text}", flush=True)


def git(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=check)


# --- inputs -------------------------------------------------------------------------------


@dataclass
class Inputs:
    path: str = ""
    args: list[str] = field(default_factory=list)
    fail_on: str = "error"
    sarif_file: str = ""
    var_files: dict[str, list[str]] = field(default_factory=dict)
    comment: bool = True
    compare: bool = True
    token: str = ""
    report_dir: str = ""


def parse_var_files(text: str) -> dict[str, list[str]]:
    """``MODULE_DIR: FILE [FILE...]`` lines (``#`` comments) -> module directory -> var files."""
    out: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        module, sep, files = line.partition(":")
        if not sep or not module.strip() or not files.strip():
            raise SystemExit(f"eks-ip-lint action: var-files: expected 'MODULE_DIR: FILE...', got {raw!r}")
        out.setdefault(_norm(module.strip()), []).extend(_norm(f) for f in shlex.split(files))
    return out


def _norm(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def read_inputs(env: dict[str, str]) -> Inputs:
    def flag(name: str, default: bool) -> bool:
        value = env.get(name, "").strip().lower()
        return default if not value else value in ("true", "yes", "1", "on")

    return Inputs(
        path=env.get("INPUT_PATH", "").strip(),
        # One or more lines, split as a shell would (quotes keep spaces; # starts a comment).
        args=shlex.split(env.get("INPUT_ARGS", ""), comments=True),
        fail_on=env.get("INPUT_FAIL_ON", "").strip() or "error",
        sarif_file=env.get("INPUT_SARIF_FILE", "").strip(),
        var_files=parse_var_files(env.get("INPUT_VAR_FILES", "")),
        comment=flag("INPUT_COMMENT", True),
        compare=flag("INPUT_COMPARE", True),
        token=env.get("INPUT_GITHUB_TOKEN", "").strip() or env.get("GITHUB_TOKEN", ""),
        report_dir=env.get("INPUT_REPORT_DIR", "").strip(),
    )


# --- the pull request ------------------------------------------------------------------------


@dataclass(frozen=True)
class PullRequest:
    number: int
    base: str
    head: str
    fork: bool


def pull_request(env: dict[str, str]) -> PullRequest | None:
    if env.get("GITHUB_EVENT_NAME") not in ("pull_request", "pull_request_target"):
        return None
    try:
        event = json.loads(Path(env.get("GITHUB_EVENT_PATH", "")).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pr = event.get("pull_request") if isinstance(event, dict) else None
    if not isinstance(pr, dict):
        return None
    base, head = pr.get("base") or {}, pr.get("head") or {}
    if not base.get("sha") or not head.get("sha"):
        return None
    base_repo = (base.get("repo") or {}).get("full_name")
    head_repo = (head.get("repo") or {}).get("full_name")
    fork = bool(head_repo != base_repo or (head.get("repo") or {}).get("fork"))
    return PullRequest(int(pr.get("number") or event.get("number") or 0), base["sha"], head["sha"], fork)


def base_commit(pr: PullRequest) -> str | None:
    """The commit to compare with: the merge base of the PR's base and HEAD when the history has
    it, else the base commit itself (fetched when the clone lacks it); None when it cannot be had."""
    if git("cat-file", "-e", f"{pr.base}^{{commit}}").returncode != 0:
        fetched = git("fetch", "--no-tags", "--depth=1", "origin", pr.base)
        if fetched.returncode != 0 or git("cat-file", "-e", f"{pr.base}^{{commit}}").returncode != 0:
            notice(
                "notice",
                f"eks-ip-lint: the pull request's base commit {pr.base[:12]} is not in this clone and "
                f"could not be fetched ({fetched.stderr.strip() or 'git fetch failed'}). Give "
                "actions/checkout `fetch-depth: 0`, or run `git fetch origin "
                f"{pr.base}` before this step. Linting the whole path without a delta.",
            )
            return None
    merge_base = git("merge-base", pr.base, "HEAD")
    return merge_base.stdout.strip() if merge_base.returncode == 0 else pr.base


def changed_files(base: str) -> list[str]:
    """Files that differ between ``base`` and the working tree, deleted ones included."""
    out = git("diff", "--name-only", "--no-renames", "-z", base, check=True).stdout
    return [f for f in out.split("\0") if f]


# --- what to lint ----------------------------------------------------------------------------


def module_callers(root: str = ".") -> dict[str, set[str]]:
    """Local module directory -> the directories whose .tf files call it (``source = "./x"``)."""
    callers: dict[str, set[str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for name in filenames:
            if not name.endswith(".tf"):
                continue
            try:
                text = Path(dirpath, name).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            here = _norm(os.path.relpath(dirpath, root))
            for source in SOURCE.findall(text):
                child = _norm(os.path.join(here, source))
                callers.setdefault(child, set()).add(here)
    return callers


def root_modules(directory: str, callers: dict[str, set[str]]) -> set[str]:
    """The root modules ``directory`` belongs to: itself when nothing calls it, else the roots of
    its callers (a cycle stops the walk)."""
    out: set[str] = set()
    seen: set[str] = set()
    todo = [directory]
    while todo:
        d = todo.pop()
        if d in seen:
            continue
        seen.add(d)
        parents = callers.get(d)
        if parents:
            todo.extend(parents)
        else:
            out.add(d)
    return out


def _has_tf(directory: str) -> bool:
    return os.path.isdir(directory) and any(n.endswith(TF_SUFFIXES) for n in os.listdir(directory))


def targets(files: list[str], var_files: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(module directories, document files) the changed ``files`` call for."""
    callers = module_callers()
    modules: set[str] = set()
    documents: list[str] = []
    mapped = {f: m for m, fs in var_files.items() for f in fs}
    for name in files:
        f = _norm(name)
        directory = _norm(os.path.dirname(f) or ".")
        if f.endswith(TFVARS_SUFFIXES):
            if f in mapped:
                modules.add(mapped[f])
            elif _has_tf(directory):
                modules |= root_modules(directory, callers)
            else:
                notice(
                    "notice",
                    f"eks-ip-lint: {f} changed but no module uses it: map it with the var-files input",
                )
        elif f.endswith(TF_SUFFIXES):
            if _has_tf(directory):
                modules |= root_modules(directory, callers)
        elif f.endswith(DOC_SUFFIXES) and os.path.isfile(f):
            documents.append(f)
    units, used = terragrunt_units(files)
    # A module a Terragrunt unit points at is linted through the unit, with its inputs, not alone.
    return sorted((modules - used) | units), sorted(documents)


def terragrunt_units(files: list[str]) -> tuple[set[str], set[str]]:
    """The Terragrunt units (their folders, as repository paths) whose analysis reads a changed
    file (its terragrunt.hcl, an .hcl it includes or reads, a file of its module, or the
    terragrunt.hcl of a unit it depends on: docs/terragrunt.md), and the module folders they use."""
    if not any(f.endswith((".hcl", *TF_SUFFIXES, *TFVARS_SUFFIXES)) for f in files):
        return set(), set()
    from eks_ip_lint.terragrunt.changed import unit_reads, units_for_changed_files  # noqa: PLC0415

    units = units_for_changed_files(files)
    used = {_norm(os.path.relpath(folder)) for u in units for folder in unit_reads(u).folders}
    return {_norm(os.path.relpath(u)) for u in units}, used


@dataclass(frozen=True)
class Group:
    """One eks-ip-lint run: paths that share their --var-file arguments."""

    paths: tuple[str, ...]
    var_files: tuple[str, ...] = ()


def groups(modules: list[str], documents: list[str], var_files: dict[str, list[str]]) -> list[Group]:
    by_files: dict[tuple[str, ...], list[str]] = {}
    for m in modules:
        by_files.setdefault(tuple(var_files.get(m, ())), []).append(m)
    by_files.setdefault((), [])
    by_files[()].extend(documents)
    return [Group(tuple(paths), files) for files, paths in by_files.items() if paths]


# --- running and merging ---------------------------------------------------------------------


def run_cli(argv: list[str], *, capture: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}  # the script writes it
    return subprocess.run(
        [sys.executable, "-m", "eks_ip_lint", *argv],
        env=env,
        check=False,
        text=True,
        capture_output=capture,
    )


def _checked(proc: subprocess.CompletedProcess[str], what: str) -> None:
    if proc.returncode not in (0, 1):
        raise SystemExit(f"eks-ip-lint action: the {what} run failed (exit {proc.returncode})")


def merge_json(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """One JSON report from the reports of several runs (units, findings and counts added up;
    delta clusters and findings joined, verdicts one after the other)."""
    out: dict[str, Any] = json.loads(json.dumps(docs[0]))
    for doc in docs[1:]:
        out["units"] += doc["units"]
        out["findings"] += doc["findings"]
        for k, v in doc["summary"].items():
            out["summary"][k] = out["summary"].get(k, 0) + v
        if "delta" in out and "delta" in doc:
            d, e = out["delta"], doc["delta"]
            d["clusters"] += e["clusters"]
            d["verdict"] += " " + e["verdict"]
            for state in ("new", "fixed", "unchanged"):
                d["other_findings"][state] += e["other_findings"][state]
                for k, v in e["summary"][state].items():
                    d["summary"][state][k] += v
            for k, v in e["summary"]["clusters"].items():
                d["summary"]["clusters"][k] += v
    return out


def merge_sarif(logs: list[dict[str, Any]]) -> dict[str, Any]:
    """One SARIF run: the rules are the same registry in every run, so results move over as they are."""
    out: dict[str, Any] = json.loads(json.dumps(logs[0]))
    for log in logs[1:]:
        out["runs"][0]["results"] += log["runs"][0]["results"]
    return out


def merge_markdown(parts: list[tuple[Group, str]]) -> str:
    if len(parts) == 1:
        return parts[0][1]
    out = [MARKER]
    for group, text in parts:
        title = ", ".join(group.paths) + (
            f" with --var-file {' '.join(group.var_files)}" if group.var_files else ""
        )
        out += ["", f"**{title}**", "", text.removeprefix(MARKER).lstrip("\n")]
    return "\n".join(out)


def comment_body(markdown: str) -> str:
    if len(markdown) <= MAX_COMMENT:
        return markdown
    cut = markdown.rfind("\n<details><summary>Full report", 0, MAX_COMMENT)
    head = markdown[:cut] if cut > 0 else markdown[: MAX_COMMENT - 200]
    return head + "\n\n*The report does not fit a comment: the job summary has all of it.*\n"


# --- the sticky comment ----------------------------------------------------------------------


def _api(method: str, url: str, token: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept", "application/vnd.github+json")
    request.add_header("X-GitHub-Api-Version", "2022-11-28")
    request.add_header("User-Agent", "eks-ip-lint-action")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:  # the runner's API URL
        return json.loads(response.read() or b"null")


def upsert_comment(api: str, repository: str, number: int, token: str, body: str) -> str:
    """Edit the pull request's comment that starts with the marker, or add one; its URL."""
    base = f"{api.rstrip('/')}/repos/{repository}/issues"
    page = 1
    while True:
        comments = _api("GET", f"{base}/{number}/comments?per_page=100&page={page}", token)
        for c in comments:
            if str(c.get("body") or "").startswith(MARKER):
                updated = _api("PATCH", f"{base}/comments/{c['id']}", token, {"body": body})
                return str(updated.get("html_url", ""))
        if len(comments) < 100:
            break
        page += 1
    created = _api("POST", f"{base}/{number}/comments", token, {"body": body})
    return str(created.get("html_url", ""))


# --- main ------------------------------------------------------------------------------------


def write_outputs(env: dict[str, str], outputs: dict[str, str]) -> None:
    path = env.get("GITHUB_OUTPUT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        for k, v in outputs.items():
            fh.write(f"{k}={v}\n")


def main() -> int:
    env = dict(os.environ)
    inputs = read_inputs(env)
    pr = pull_request(env)
    base = base_commit(pr) if pr is not None and (inputs.compare or not inputs.path) else None
    if inputs.path:
        plan = [Group((inputs.path,), tuple(inputs.var_files.get(_norm(inputs.path), ())))]
    elif pr is not None and base is not None:
        modules, documents = targets(changed_files(base), inputs.var_files)
        plan = groups(modules, documents, inputs.var_files)
        if not plan:
            print("eks-ip-lint: the pull request changes no Terraform, CloudFormation or eksctl file")
            write_outputs(env, {"exit-code": "0", "errors": "0", "warnings": "0", "infos": "0"})
            return 0
    else:
        plan = [Group((".",))]
    compare = ["--compare-to", base] if base is not None and inputs.compare else []

    reports = Path(inputs.report_dir or tempfile.mkdtemp(prefix="eks-ip-lint-"))
    reports.mkdir(parents=True, exist_ok=True)
    docs, sarifs, markdown, status = [], [], [], 0
    for i, group in enumerate(plan):
        # The paths are names of files in the pull request: after "--", so that none is read as
        # an option (a file named --write-baseline=x.json would otherwise turn the gate green).
        cli = [*(f"--var-file={f}" for f in group.var_files), *inputs.args]
        paths = ["--", *group.paths]
        print(f"eks-ip-lint {shlex.join([*cli, *paths])}", flush=True)
        js, md = reports / f"report-{i}.json", reports / f"report-{i}.md"
        _checked(
            run_cli([*cli, *compare, "--format", "json", "--output", str(js), "--fail-on", "never", *paths]),
            "json",
        )
        docs.append(json.loads(js.read_text(encoding="utf-8")))
        _checked(
            run_cli(
                [*cli, *compare, "--format", "markdown", "--output", str(md), "--fail-on", "never", *paths]
            ),
            "markdown",
        )
        markdown.append((group, md.read_text(encoding="utf-8")))
        if inputs.sarif_file:
            sf = reports / f"report-{i}.sarif"
            _checked(
                run_cli([*cli, "--format", "sarif", "--output", str(sf), "--fail-on", "never", *paths]),
                "sarif",
            )
            sarifs.append(json.loads(sf.read_text(encoding="utf-8")))
        annotations = run_cli([*cli, "--format", "github", "--fail-on", inputs.fail_on, *paths])
        _checked(annotations, "annotations")
        status = max(status, annotations.returncode)

    report = merge_json(docs)
    json_file, md_file = reports / "eks-ip-lint.json", reports / "eks-ip-lint.md"
    json_file.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    body = merge_markdown(markdown)
    md_file.write_text(body, encoding="utf-8")
    if env.get("GITHUB_STEP_SUMMARY"):
        with open(env["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
            fh.write(body if body.endswith("\n") else body + "\n")
    upload = "false"
    if inputs.sarif_file:
        Path(inputs.sarif_file).write_text(json.dumps(merge_sarif(sarifs), indent=2) + "\n", encoding="utf-8")
        if pr is not None and pr.fork:
            notice("notice", "eks-ip-lint: pull request from a fork: its token cannot upload SARIF, skipped")
        else:
            upload = "true"
    comment_url = ""
    if pr is not None and inputs.comment:
        if pr.fork:
            notice(
                "notice",
                "eks-ip-lint: pull request from a fork: its token cannot comment; see the job summary",
            )
        elif not inputs.token or not env.get("GITHUB_REPOSITORY") or not pr.number:
            notice(
                "notice", "eks-ip-lint: no github-token or repository: the pull-request comment is skipped"
            )
        else:
            try:
                comment_url = upsert_comment(
                    env.get("GITHUB_API_URL", "https://api.github.com"),
                    env["GITHUB_REPOSITORY"],
                    pr.number,
                    inputs.token,
                    comment_body(body),
                )
            except (urllib.error.URLError, OSError, ValueError) as exc:
                notice("warning", f"eks-ip-lint: could not post the pull-request comment: {exc}")
    summary = report["summary"]
    write_outputs(
        env,
        {
            "exit-code": str(status),
            "errors": str(summary["error"]),
            "warnings": str(summary["warning"]),
            "infos": str(summary["info"]),
            "new-errors": str(report["delta"]["summary"]["new"]["error"]) if "delta" in report else "",
            "json-file": str(json_file),
            "markdown-file": str(md_file),
            "sarif-file": inputs.sarif_file,
            "upload-sarif": upload,
            "comment-url": comment_url,
        },
    )
    return status


if __name__ == "__main__":
    raise SystemExit(main())

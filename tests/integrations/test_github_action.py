"""The GitHub Action's script run as the runner would: real git repositories (an "origin" and a
full or shallow clone of it, as actions/checkout makes), a pull_request event payload, INPUT_*
variables, $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT, and GitHub's REST API played by a local HTTP
server on 127.0.0.1 that records the requests.

The seed example's numbers (tests/cli/test_compare_to.py has the arithmetic): its subnets hold 48
nodes at 1 pod per node, so max 40 passes and max 80 fails EKSIP101.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from testlib import REPO, SEED

SCRIPT = REPO / "scripts" / "github_action.py"
MARKER = "<!-- eks-ip-lint -->"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("github_action", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["github_action"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _set_max(module: Path, n: int) -> None:
    variables = module / "variables.tf"
    text = variables.read_text()
    start = text.index("default     = ", text.index('variable "max_nodes"'))
    variables.write_text(text[:start] + f"default     = {n}" + text[text.index("\n", start) :])


@dataclass
class Origin:
    path: Path
    base: str
    head: str


def _origin(tmp_path: Path, base_max: int = 40, head_max: int = 80) -> Origin:
    """The repository on "GitHub": main at max ``base_max``, branch pr at ``head_max``."""
    origin = tmp_path / "origin"
    shutil.copytree(SEED, origin / "infra")
    _set_max(origin / "infra", base_max)
    (origin / "README.md").write_text("# infra\n")
    _git(origin, "init", "-q", "-b", "main")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "base")
    base = _git(origin, "rev-parse", "HEAD")
    _git(origin, "checkout", "-q", "-b", "pr")
    _set_max(origin / "infra", head_max)
    _git(origin, "commit", "-q", "-am", "raise max")
    return Origin(origin, base, _git(origin, "rev-parse", "HEAD"))


def _clone(origin: Origin, path: Path, *, shallow: bool) -> Path:
    depth = ["--depth", "1"] if shallow else []
    subprocess.run(
        ["git", "clone", "-q", *depth, "--branch", "pr", f"file://{origin.path}", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def _event(tmp_path: Path, origin: Origin, *, fork: bool = False, number: int = 7) -> Path:
    head_repo = "someone/infra" if fork else "acme/infra"
    event = tmp_path / f"event-{number}-{fork}.json"
    payload = {
        "number": number,
        "pull_request": {
            "number": number,
            "base": {"sha": origin.base, "repo": {"full_name": "acme/infra", "fork": False}},
            "head": {"sha": origin.head, "repo": {"full_name": head_repo, "fork": fork}},
        },
    }
    event.write_text(json.dumps(payload))
    return event


@dataclass
class Api:
    """GitHub's issue-comment endpoints, in memory."""

    url: str
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # method, path, Authorization
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)


@pytest.fixture
def api() -> Iterator[Api]:
    state = Api("")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, code: int, payload: object) -> None:
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _record(self) -> dict[str, Any]:
            state.requests.append((self.command, self.path, self.headers.get("Authorization", "")))
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length)) if length else {}

        def do_GET(self) -> None:
            self._record()
            if self.path.startswith("/repos/acme/infra/issues/7/comments"):
                self._send(200, list(state.comments.values()))
            else:
                self._send(404, {"message": "Not Found"})

        def do_POST(self) -> None:
            body = self._record()
            if self.path == "/repos/acme/infra/issues/7/comments":
                cid = 100 + len(state.comments)
                state.comments[cid] = {
                    "id": cid,
                    "body": body["body"],
                    "html_url": f"https://github.invalid/acme/infra/pull/7#issuecomment-{cid}",
                }
                self._send(201, state.comments[cid])
            else:
                self._send(404, {"message": "Not Found"})

        def do_PATCH(self) -> None:
            body = self._record()
            cid = int(self.path.rsplit("/", 1)[1])
            if self.path.startswith("/repos/acme/infra/issues/comments/") and cid in state.comments:
                state.comments[cid]["body"] = body["body"]
                self._send(200, state.comments[cid])
            else:
                self._send(404, {"message": "Not Found"})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Run:
    code: int
    stdout: str
    summary: str
    outputs: dict[str, str]


def _run(checkout: Path, event: Path | None, tmp_path: Path, api: Api | None = None, **inputs: str) -> Run:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("INPUT_", "GITHUB_", "GIT_")) and k.lower() not in ("http_proxy", "https_proxy")
    }
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    summary.write_text("")
    outputs.write_text("")
    env.update(
        {
            "GITHUB_EVENT_NAME": "pull_request" if event else "push",
            "GITHUB_EVENT_PATH": str(event or ""),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(outputs),
            "GITHUB_REPOSITORY": "acme/infra",
            "GITHUB_API_URL": api.url if api else "http://127.0.0.1:9",
            "NO_PROXY": "127.0.0.1",
            "INPUT_GITHUB_TOKEN": "t0ken",
            "EKS_IP_LINT_NO_CACHE": "1",
        }
    )
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    proc = subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=checkout, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    pairs = [line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line]
    return Run(proc.returncode, proc.stdout + proc.stderr, summary.read_text(), dict(pairs))


def test_full_clone_pr_gets_the_delta_one_sticky_comment_outputs_and_sarif(tmp_path: Path, api: Api) -> None:
    origin = _origin(tmp_path)
    checkout = _clone(origin, tmp_path / "full", shallow=False)
    run = _run(checkout, _event(tmp_path, origin), tmp_path, api, sarif_file="eks.sarif")
    assert run.code == 1, run.stdout
    assert "::error file=infra/main.tf,line=51" in run.stdout
    verdict = "This change raises cluster seed's max size from 40 to 80; its subnets hold 48 nodes"
    assert verdict in run.summary and run.summary.startswith(MARKER)
    assert run.outputs["exit-code"] == "1"
    assert (run.outputs["errors"], run.outputs["warnings"], run.outputs["new-errors"]) == ("1", "0", "1")
    assert run.outputs["upload-sarif"] == "true"
    report = json.loads(Path(run.outputs["json-file"]).read_text())
    (cluster,) = report["delta"]["clusters"]
    assert cluster["total_max_nodes"] == {"before": 40, "after": 80}
    assert json.loads((checkout / "eks.sarif").read_text())["runs"][0]["results"][0]["ruleId"] == "EKSIP101"
    # The comment: looked for, then created, with the token.
    assert [(m, p) for m, p, _ in api.requests] == [
        ("GET", "/repos/acme/infra/issues/7/comments?per_page=100&page=1"),
        ("POST", "/repos/acme/infra/issues/7/comments"),
    ]
    assert {auth for _, _, auth in api.requests} == {"Bearer t0ken"}
    (comment,) = api.comments.values()
    assert comment["body"].startswith(MARKER) and verdict in comment["body"]
    assert run.outputs["comment-url"].endswith("#issuecomment-100")

    # A second push: the same comment is edited, not a second one added.
    _set_max(checkout / "infra", 60)
    _git(checkout, "commit", "-q", "-am", "max 60")
    api.requests.clear()
    second = _run(checkout, _event(tmp_path, origin), tmp_path, api)
    assert [m for m, _, _ in api.requests] == ["GET", "PATCH"]
    assert api.requests[1][1] == "/repos/acme/infra/issues/comments/100"
    (comment,) = api.comments.values()
    assert "max size from 40 to 60" in comment["body"]
    assert second.outputs["comment-url"].endswith("#issuecomment-100")


def test_shallow_clone_fetches_the_base_itself(tmp_path: Path, api: Api) -> None:
    origin = _origin(tmp_path)
    checkout = _clone(origin, tmp_path / "shallow", shallow=True)
    assert _git(checkout, "rev-parse", "--is-shallow-repository") == "true"
    run = _run(checkout, _event(tmp_path, origin), tmp_path, api)
    assert "max size from 40 to 80" in run.summary, run.stdout
    assert "fetch-depth" not in run.stdout
    assert run.code == 1
    assert len(api.comments) == 1


def test_shallow_clone_that_cannot_fetch_explains_and_still_lints(tmp_path: Path, api: Api) -> None:
    origin = _origin(tmp_path)
    checkout = _clone(origin, tmp_path / "shallow", shallow=True)
    _git(checkout, "remote", "remove", "origin")
    run = _run(checkout, _event(tmp_path, origin), tmp_path, api)
    assert "::notice::" in run.stdout and "fetch-depth: 0" in run.stdout
    assert run.code == 1 and "::error file=infra/main.tf" in run.stdout
    assert "compared with" not in run.summary and "EKSIP101" in run.summary


def test_fork_pull_request_skips_the_comment_and_the_sarif_upload(tmp_path: Path, api: Api) -> None:
    origin = _origin(tmp_path)
    checkout = _clone(origin, tmp_path / "full", shallow=False)
    run = _run(checkout, _event(tmp_path, origin, fork=True), tmp_path, api, sarif_file="eks.sarif")
    assert api.requests == []
    assert run.outputs["upload-sarif"] == "false"
    assert (
        "fork: its token cannot upload SARIF" in run.stdout and "fork: its token cannot comment" in run.stdout
    )
    assert (checkout / "eks.sarif").is_file()  # written for other uses; not uploaded
    assert "max size from 40 to 80" in run.summary
    assert run.code == 1


def test_a_tfvars_file_outside_its_module_is_linted_through_var_files(tmp_path: Path, api: Api) -> None:
    """Only envs/prod.tfvars changes (max 30 -> 90): var-files maps it to infra, which is linted
    with it (90 > 48 fails EKSIP101)."""
    origin = tmp_path / "origin"
    shutil.copytree(SEED, origin / "infra")
    (origin / "envs").mkdir()
    (origin / "envs" / "prod.tfvars").write_text("max_nodes = 30\n")
    _git(origin, "init", "-q", "-b", "main")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "base")
    base = _git(origin, "rev-parse", "HEAD")
    _git(origin, "checkout", "-q", "-b", "pr")
    (origin / "envs" / "prod.tfvars").write_text("max_nodes = 90\n")
    _git(origin, "commit", "-q", "-am", "prod to 90")
    o = Origin(origin, base, _git(origin, "rev-parse", "HEAD"))
    checkout = _clone(o, tmp_path / "full", shallow=False)
    run = _run(checkout, _event(tmp_path, o), tmp_path, api, var_files="infra: envs/prod.tfvars  # prod\n")
    assert "eks-ip-lint --var-file=envs/prod.tfvars -- infra" in run.stdout
    report = json.loads(Path(run.outputs["json-file"]).read_text())
    assert report["delta"]["clusters"][0]["total_max_nodes"] == {"before": 30, "after": 90}
    assert run.code == 1


def test_a_file_named_like_an_option_stays_a_file_name(tmp_path: Path, api: Api) -> None:
    """Issue 18: a pull request that raises max to 80 (EKSIP101) and adds an empty file named
    --write-baseline=x.json. Read as an option, it wrote a baseline and exited 0: the gate went
    green. After "--" it is a path, and the gate stays red."""
    origin = _origin(tmp_path)
    (origin.path / "--write-baseline=x.json").write_text("")
    (origin.path / "--output=README.md.json").write_text("")
    _git(origin.path, "add", "-A")
    _git(origin.path, "commit", "-q", "-m", "option-shaped names")
    o = Origin(origin.path, origin.base, _git(origin.path, "rev-parse", "HEAD"))
    checkout = _clone(o, tmp_path / "full", shallow=False)
    run = _run(checkout, _event(tmp_path, o), tmp_path, api)
    assert run.code == 1, run.stdout
    assert "::error file=infra/main.tf,line=51" in run.stdout
    assert not (checkout / "x.json").exists()
    assert not (checkout / "README.md.json").exists()
    assert (checkout / "README.md").read_text() == "# infra\n"
    (command,) = {
        line for line in run.stdout.splitlines() if line.startswith("eks-ip-lint ") and "x.json" in line
    }
    assert command.index(" -- ") < command.index("--write-baseline=x.json")


def test_changed_paths_with_quotes_and_non_ascii_are_linted(tmp_path: Path, api: Api) -> None:
    """git C-quotes such names without -z (\"infr\\303\\244 \\\"a\\\"\"): the Action reads them with
    -z, so the module is linted under its real name."""
    origin = tmp_path / "origin"
    name = 'infrä "a"'
    shutil.copytree(SEED, origin / name)
    _set_max(origin / name, 40)
    _git(origin, "init", "-q", "-b", "main")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "base")
    base = _git(origin, "rev-parse", "HEAD")
    _git(origin, "checkout", "-q", "-b", "pr")
    _set_max(origin / name, 80)
    _git(origin, "commit", "-q", "-am", "raise max")
    o = Origin(origin, base, _git(origin, "rev-parse", "HEAD"))
    checkout = _clone(o, tmp_path / "full", shallow=False)
    run = _run(checkout, _event(tmp_path, o), tmp_path, api)
    assert run.code == 1, run.stdout
    assert "EKSIP101" in run.summary


def test_pull_request_changing_nothing_lintable_passes(tmp_path: Path, api: Api) -> None:
    origin = _origin(tmp_path)
    _git(origin.path, "checkout", "-q", "-b", "docs", origin.base)
    (origin.path / "README.md").write_text("# changed\n")
    _git(origin.path, "commit", "-q", "-am", "docs only")
    docs = Origin(origin.path, origin.base, _git(origin.path, "rev-parse", "HEAD"))
    checkout = tmp_path / "docs"
    subprocess.run(
        ["git", "clone", "-q", "--branch", "docs", f"file://{origin.path}", str(checkout)],
        check=True,
        capture_output=True,
    )
    run = _run(checkout, _event(tmp_path, docs), tmp_path, api)
    assert run.code == 0, run.stdout
    assert "changes no Terraform" in run.stdout
    assert run.outputs["exit-code"] == "0"
    assert api.requests == []


def test_fail_on_never_and_explicit_path_outside_a_pull_request(tmp_path: Path) -> None:
    origin = _origin(tmp_path)
    checkout = _clone(origin, tmp_path / "full", shallow=False)
    run = _run(
        checkout, None, tmp_path, path="infra", fail_on="never", args="--pods-per-node 30\n# a comment\n"
    )
    assert run.code == 0
    assert "::error" in run.stdout  # annotated, but not failing
    assert "compared with" not in run.summary
    report = json.loads(Path(run.outputs["json-file"]).read_text())
    assert report["options"]["pods_per_node"] == 30


def test_args_are_split_as_a_shell_would_over_lines() -> None:
    gh = _script()
    inputs = gh.read_inputs(
        {"INPUT_ARGS": "--var 'name=a b'\n--fail-on warning  # strict\n\n--workspace prod"}
    )
    assert inputs.args == ["--var", "name=a b", "--fail-on", "warning", "--workspace", "prod"]
    assert gh.parse_var_files("infra/prod: envs/prod.tfvars envs/common.tfvars\n# x\n") == {
        "infra/prod": ["envs/prod.tfvars", "envs/common.tfvars"]
    }


def test_a_changed_child_module_stands_for_the_root_modules_that_call_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gh = _script()
    for d, text in {
        "modules/cluster": 'resource "aws_vpc" "v" {}\n',
        "modules/nodes": 'module "inner" {\n  source = "../cluster"\n}\n',
        "live/prod": 'module "c" {\n  source = "../../modules/nodes"\n}\n',
        "live/dev": 'module "c" {\n  source = "../../modules/cluster"\n}\n',
        "standalone": 'resource "aws_vpc" "v" {}\n',
    }.items():
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "main.tf").write_text(text)
    (tmp_path / "envs").mkdir()
    monkeypatch.chdir(tmp_path)
    modules, documents = gh.targets(
        ["modules/cluster/main.tf", "standalone/main.tf", "envs/x.tfvars", "gone/main.tf"], {}
    )
    assert modules == ["live/dev", "live/prod", "standalone"]
    assert documents == []


def test_action_manifest() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    lint = next(s for s in steps if s.get("id") == "lint")
    for name in action["inputs"]:
        if name != "python-version":
            assert f"inputs.{name}" in lint["env"][f"INPUT_{name.upper().replace('-', '_')}"], name
    # Its own environment: setup-python leaves the job's python alone, the venv is cached.
    setup = next(s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python@"))
    assert setup["with"]["update-environment"] is False
    assert any(str(s.get("uses", "")).startswith("actions/cache@") for s in steps)
    assert "pip install" not in json.dumps(lint)
    # Every output comes from the lint step, which the script writes.
    source = SCRIPT.read_text()
    for name, spec in action["outputs"].items():
        assert spec["value"] == f"${{{{ steps.lint.outputs.{name} }}}}"
        assert f'"{name}":' in source, name
    upload = next(s for s in steps if s.get("name") == "Upload SARIF")
    assert "steps.lint.outputs.upload-sarif == 'true'" in upload["if"]


def test_the_documented_workflow_uses_only_real_inputs() -> None:
    """docs/integrations/ci.md's Action example: every `with:` key is an input of action.yml."""
    from eks_ip_lint.project import ACTION_NAME

    doc = (REPO / "docs" / "integrations" / "ci.md").read_text()
    (block,) = re.findall(r"^```yml\n(.*?)^```", doc, re.MULTILINE | re.DOTALL)
    workflow = yaml.safe_load(block)
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["pull-requests"] == "write"
    (step,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith(ACTION_NAME + "@")]
    inputs = yaml.safe_load((REPO / "action.yml").read_text())["inputs"]
    assert set(step["with"]) <= set(inputs)
    for name in inputs:
        assert f"| `{name}` |" in doc, name
    for name in yaml.safe_load((REPO / "action.yml").read_text())["outputs"]:
        assert f"`{name}`" in doc, name


def test_changed_terragrunt_files_map_to_the_units_that_read_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The live/prod fixture (tests/terragrunt): env.hcl is read by both units through
    read_terragrunt_config, so changing it lints both; the vpc module is the vpc unit's module and,
    through the dependency whose outputs are the eks unit's subnets, the eks unit's too."""
    gh = _script()
    tree = tmp_path / "repo"
    shutil.copytree(REPO / "tests" / "fixtures" / "terragrunt" / "live-prod", tree)
    (tree / ".git").mkdir()  # the repository's root, as a clone has it
    monkeypatch.chdir(tree)
    modules, _ = gh.targets(["live/prod/env.hcl"], {})
    assert modules == ["live/prod/eks", "live/prod/vpc"]
    # The vpc module is linted through its unit, with the unit's inputs, not alone.
    modules, _ = gh.targets(["modules/vpc/main.tf"], {})
    assert modules == ["live/prod/eks", "live/prod/vpc"]

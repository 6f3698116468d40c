"""What the eks-ip-lint checkov checks share (docs/integrations/checkov.md).

This directory is loaded by checkov (``--external-checks-dir "$(eks-ip-lint checkov-dir)"``) in
checkov's own Python environment, where eks-ip-lint is *not* installed: eks-ip-lint needs
python-hcl2 and checkov needs bc-python-hcl2, and both install a top-level ``hcl2`` module, so
one environment cannot hold both. These files therefore import only the standard library and
checkov. The analysis runs in eks-ip-lint's own environment, as a subprocess
(``eks-ip-lint ROOT --format json``), once per scanned directory, and its findings are mapped
back to the resources checkov asks about by file and address. No capacity logic lives here.

The eks-ip-lint program is, in this order: ``$EKS_IP_LINT`` (a path), the ``eks-ip-lint`` of the
environment this directory is installed in (found from this file's location, so a pipx or venv
install needs no PATH set-up), or ``eks-ip-lint`` on PATH.

checkov executes every ``.py`` file of the directory; this one registers no check.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ENV_EXECUTABLE = "EKS_IP_LINT"
# The rule list of the eks-ip-lint this directory belongs to (scripts/gen_checkov_rules.py).
PACKAGED_RULES = "eksip_rules.json"
# How far above this file to look for the environment's bin/ (site-packages is 4-5 levels down).
_MAX_LEVELS = 7
# eks-ip-lint severity -> checkov severity name.
SEVERITY = {"error": "HIGH", "warning": "MEDIUM", "info": "LOW"}

_cache: dict[str, Any] = {}
# Why running eks-ip-lint on a target failed, by target (its real path).
_errors: dict[str, str] = {}


def executable() -> str:
    explicit = os.environ.get(ENV_EXECUTABLE)
    if explicit:
        return explicit
    here = Path(__file__).resolve()
    for parent in list(here.parents)[:_MAX_LEVELS]:
        for candidate in (parent / "bin" / "eks-ip-lint", parent / "Scripts" / "eks-ip-lint.exe"):
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    found = shutil.which("eks-ip-lint")
    if found:
        return found
    raise RuntimeError(
        "eks-ip-lint checkov checks: the eks-ip-lint program was not found; install it in its own "
        "environment (pipx install eks-ip-lint) or set EKS_IP_LINT to its path"
    )


def _run(args: list[str], cwd: str | None = None) -> str:
    proc = subprocess.run(
        [executable(), *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=600
    )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"eks-ip-lint {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}")
    return proc.stdout


def rules() -> list[dict[str, str]]:
    """The rule registry of the installed eks-ip-lint (id, name, severity, summary, docs).

    When the program cannot be run (not found, a broken install), the checks are registered
    from the list shipped beside this file (``eksip_rules.json``, the same registry when this
    directory was built) and every one of them FAILS with the reason: checkov logs and skips an
    external check file that raises, and swallows SystemExit, so raising would make every
    CKV_EKSIP check vanish from the results.
    """
    if "rules" not in _cache:
        try:
            _cache["rules"] = json.loads(_run(["--list-rules", "--format", "json"]))
        except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as exc:
            _cache["load_error"] = f"the eks-ip-lint program could not be run: {exc}"
            print(f"eks-ip-lint checkov checks: {_cache['load_error']}", file=sys.stderr)
            _cache["rules"] = json.loads(Path(__file__).with_name(PACKAGED_RULES).read_text(encoding="utf-8"))
    loaded: list[dict[str, str]] = _cache["rules"]
    return loaded


def check_id(rule_id: str) -> str:
    """EKSIP101 -> CKV_EKSIP_101."""
    return "CKV_EKSIP_" + rule_id[len("EKSIP") :]


def findings(target: str) -> list[dict[str, Any]]:
    """The findings of ``eks-ip-lint TARGET`` (a directory or a template), computed once.

    Run from ``target``'s directory, so the project's configuration file applies as it does on the
    command line; the paths in the findings are absolute.
    """
    key = os.path.realpath(target)
    if key not in _cache:
        cwd = key if os.path.isdir(key) else os.path.dirname(key)
        try:
            doc = json.loads(_run([key, "--format", "json", "--fail-on", "never"], cwd=cwd))
            _cache[key] = doc["findings"]
        except (RuntimeError, OSError, ValueError, KeyError, subprocess.TimeoutExpired) as exc:
            print(f"eks-ip-lint checkov checks: {exc}", file=sys.stderr)
            _cache[key] = None
            _errors[key] = str(exc) or type(exc).__name__
    result: list[dict[str, Any]] = _cache[key] if _cache[key] is not None else []
    return result


def error(target: str) -> str | None:
    """Why running eks-ip-lint on ``target`` failed, or None when it ran."""
    findings(target)
    return _errors.get(os.path.realpath(target))


def fail_for_error(check: Any, target: str | None) -> Any:
    """FAILED with the error as details when eks-ip-lint could not be run at all, or did not run
    on ``target``; else None.

    Never UNKNOWN: checkov hides UNKNOWN results, so a broken install or a crash would look like
    a clean pass."""
    from checkov.common.models.enums import CheckResult  # noqa: PLC0415

    reason = _cache.get("load_error") or (error(target) if target is not None else None)
    if reason is None:
        return None
    check.details.append(f"eks-ip-lint did not run: {reason}")
    check.name = f"{check.rule['id']} {check.rule['name']}: eks-ip-lint did not run: {reason}"
    return CheckResult.FAILED


def same_file(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def graph_vertices(graph: Any) -> list[dict[str, Any]]:
    """The attribute dicts of checkov's resource graph: networkx (``CHECKOV_GRAPH_FRAMEWORK=NETWORKX``)
    or rustworkx (the default), whose vertex payloads are ``(id, attributes)``."""
    if graph is None:
        return []
    out: list[dict[str, Any]] = []
    try:
        if hasattr(graph, "adj"):  # networkx.DiGraph
            out = [attrs for _, attrs in graph.nodes(data=True) if isinstance(attrs, dict)]
        else:  # rustworkx.PyDiGraph
            for payload in graph.nodes():
                if isinstance(payload, tuple) and len(payload) == 2 and isinstance(payload[1], dict):
                    out.append(payload[1])
                elif isinstance(payload, dict):
                    out.append(payload)
    except Exception:  # an internal API: degrade to "not found", never crash checkov
        return []
    return out


def entity_file(graph: Any, block_type: str, address: str, scanned_file: str) -> str | None:
    """The absolute file of the graph vertex ``address``, or the scanned file under a ``-d``
    directory of checkov's command line."""
    for attrs in graph_vertices(graph):
        if attrs.get("block_type_") != block_type:
            continue
        if attrs.get("__address__") == address or attrs.get("block_name_") == address:
            path = attrs.get("file_path_")
            if isinstance(path, str) and path.endswith(scanned_file):
                return path
    for i, arg in enumerate(sys.argv):
        if arg in ("-d", "--directory") and i + 1 < len(sys.argv):
            candidate = os.path.join(os.path.abspath(sys.argv[i + 1]), scanned_file.lstrip("/"))
            if os.path.isfile(candidate):
                return candidate
    return None


def scanned_file(entity_path: str, entity_type: str, block_type: str) -> str:
    """The scanned file of ``entity_path`` (``f"{scanned_file}:{entity_type}:{entity_name}"``,
    checkov's BaseCheck.run).

    checkov 3.x gives module checks an empty ``entity_type`` while their path still reads
    ``/main.tf:module:eks``, so the block type is the fallback separator; without either, the
    last two fields are cut.
    """
    for kind in (entity_type, block_type):
        if kind:
            at = entity_path.rfind(f":{kind}:")
            if at >= 0:
                return entity_path[:at]
    return entity_path.rsplit(":", 2)[0]


def scan_root(scanned: str, absolute_file: str) -> str:
    """The directory checkov was pointed at: the absolute file minus the entity's scanned file
    (relative to that directory, with a leading ``/``)."""
    if scanned and absolute_file.endswith(scanned):
        return absolute_file[: len(absolute_file) - len(scanned)] or "/"
    return os.path.dirname(absolute_file)


def describe(matches: list[dict[str, Any]]) -> list[str]:
    """checkov ``details`` lines: our message and fix, with the numbers."""
    out = []
    for f in matches:
        text = f"{f['rule_id']} {f['severity']} at line {f['line']}: {f['message']}"
        if f.get("fix"):
            text += f" Fix: {f['fix']}"
        out.append(text)
    return out


def init_check(check: Any, base_init: Any, rule: dict[str, str], **kwargs: Any) -> None:
    """What every CKV_EKSIP check's __init__ does, whatever checkov base class it has (Terraform
    resource, Terraform module, CloudFormation resource): ID, name, guideline and severity from
    the eks-ip-lint rule. ``kwargs`` are the base class's own extra arguments."""
    from checkov.common.bridgecrew.severities import Severities  # noqa: PLC0415 -- checkov's env only
    from checkov.common.models.enums import CheckCategories  # noqa: PLC0415

    check.rule = rule
    check.base_name = f"{rule['id']} {rule['name']}: {rule['summary']}"
    base_init(
        check,
        name=check.base_name,
        id=check_id(rule["id"]),
        categories=[CheckCategories.GENERAL_SECURITY],
        guideline=f"eks-ip-lint {rule['docs']}",
        **kwargs,
    )
    check.severity = Severities[SEVERITY[rule["severity"]]]


def answer(check: Any, live: list[dict[str, Any]]) -> Any:
    """PASSED with the rule's own name, or FAILED carrying the first finding's message (checkov
    shows the check name) and every finding's message and fix in ``details``."""
    from checkov.common.models.enums import CheckResult  # noqa: PLC0415

    if not live:
        check.name = check.base_name
        return CheckResult.PASSED
    check.details.extend(describe(live))
    check.name = f"{check.rule['id']} {check.rule['name']}: {live[0]['message']}"
    return CheckResult.FAILED

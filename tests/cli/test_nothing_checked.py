"""A run that checks nothing says what it saw (issue 13, item 14).

``eks-ip-lint`` on a directory of Kubernetes manifests, Helm templates and jsonnet used to print
"0 modules checked" and exit 0, which reads as a pass. The fixture holds, by hand:

- k8s/: web.yaml (a Deployment), service.yaml (a Service and a ConfigMap), namespace.json (a
  Namespace): 3 Kubernetes manifest files;
- chart/templates/configmap.yaml: 1 Helm template ({{ .Values... }});
- jsonnet/main.jsonnet and jsonnet/lib.libsonnet: 2 jsonnet files;
- catalog-info.yaml: 1 other YAML file.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from eks_ip_lint.cli import main

from testlib import FIXTURES, REPO, RunJson

TREE = FIXTURES / "repos" / "nothing-to-check"
SCHEMA = json.loads((REPO / "docs" / "schema" / "report-v1.schema.json").read_text())


def _names(paths: list[str]) -> list[str]:
    return [Path(p).relative_to(TREE).as_posix() for p in paths]


def test_json_lists_every_file_not_read_by_sort(run_json: RunJson) -> None:
    code, report = run_json(str(TREE))
    jsonschema.validate(report, SCHEMA)
    assert code == 0 and report["units"] == [] and report["findings"] == []
    by_what = {n["what"]: n for n in report["not_read"]}
    manifests = by_what["Kubernetes manifest(s) declaring nothing eks-ip-lint reads"]
    assert manifests["count"] == 3
    assert _names(manifests["paths"]) == ["k8s/namespace.json", "k8s/service.yaml", "k8s/web.yaml"]
    jsonnet = by_what["jsonnet file(s): a language eks-ip-lint does not read"]
    assert _names(jsonnet["paths"]) == ["jsonnet/lib.libsonnet", "jsonnet/main.jsonnet"]
    helm = by_what["YAML file(s) that are Helm or Go templates, not YAML until rendered"]
    assert _names(helm["paths"]) == ["chart/templates/configmap.yaml"]
    other = [n for n in report["not_read"] if "not CloudFormation templates" in n["what"]]
    assert [_names(n["paths"]) for n in other] == [["catalog-info.yaml"]]
    assert sum(n["count"] for n in report["not_read"]) == 7  # 3 + 2 + 1 + 1


def test_text_says_nothing_was_checked_and_what_was_seen(capsys: pytest.CaptureFixture[str]) -> None:
    code = main([str(TREE)])
    out = capsys.readouterr().out
    assert code == 0
    assert "nothing was checked" in out
    assert "not read: 3 Kubernetes manifest(s) declaring nothing eks-ip-lint reads" in out
    assert "not read: 2 jsonnet file(s)" in out
    # The three paths of the largest sort are named (at most three per sort).
    assert "k8s/namespace.json, " in out and "k8s/web.yaml)" in out


def test_sarif_run_properties_carry_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    main([str(TREE), "--format", "sarif"])
    (run,) = json.loads(capsys.readouterr().out)["runs"]
    assert sum(n["count"] for n in run["properties"]["notRead"]) == 7


def test_beside_a_checked_module_only_unread_languages_are_named(tmp_path: Path, run_json: RunJson) -> None:
    """Next to a module that is checked, other YAML/JSON (here the golden expected.json) is not
    listed: it is noise then. A file of a language not read (jsonnet) is always named."""
    _, report = run_json(str(FIXTURES / "terraform" / "json-syntax"))
    assert "not_read" not in report
    (tmp_path / "main.tf").write_text((REPO / "examples" / "seed-cluster" / "main.tf").read_text())
    (tmp_path / "variables.tf").write_text((REPO / "examples" / "seed-cluster" / "variables.tf").read_text())
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "cluster.jsonnet").write_text("{}")
    _, report = run_json(str(tmp_path))
    assert [(n["what"], n["count"]) for n in report["not_read"]] == [
        ("jsonnet file(s): a language eks-ip-lint does not read", 1)
    ]

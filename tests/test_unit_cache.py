"""The unit cache never changes a result: a run served from it reports exactly what a run
without any cache reports, and any change to what a unit read makes it computed again.

Each test runs the engine three ways where it matters: cold (fills the cache), warm (from the
cache) and with ``EKS_IP_LINT_NO_CACHE=1`` (the reference), and compares the JSON reports.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from eks_ip_lint import engine
from eks_ip_lint.capacity.analysis import Options
from eks_ip_lint.engine import LintRequest, lint, scanned_roots
from eks_ip_lint.report.json_report import render_json
from eks_ip_lint.unit_cache import UnitCache

from testlib import FIXTURES, SEED

Report = dict[str, Any]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("EKS_IP_LINT_CACHE_DIR", str(where))
    monkeypatch.delenv("EKS_IP_LINT_NO_CACHE", raising=False)
    return where


def report(*paths: Path, options: Options | None = None) -> Report:
    request = LintRequest(paths=tuple(str(p) for p in paths), options=options or Options())
    doc: Report = json.loads(render_json(lint(request), fail_on="error", pods_per_node=None))
    return doc


def uncached(*paths: Path, options: Options | None = None) -> Report:
    with pytest.MonkeyPatch.context() as m:
        m.setenv("EKS_IP_LINT_NO_CACHE", "1")
        return report(*paths, options=options)


def _refuse(*args: object, **kwargs: object) -> Any:
    raise AssertionError(f"computed, not served from the cache: {args[:1]}")


@contextlib.contextmanager
def served_only() -> Iterator[None]:
    """Inside, any unit computed rather than served from the cache fails the test."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(
            engine,
            "DIRECTORY_KINDS",
            tuple(dataclasses.replace(k, read=_refuse, facts=_refuse) for k in engine.DIRECTORY_KINDS),
        )
        m.setattr(
            engine,
            "DOCUMENT_KINDS",
            tuple(dataclasses.replace(k, read=_refuse) for k in engine.DOCUMENT_KINDS),
        )
        yield


def rule_ids(doc: Report) -> list[str]:
    return sorted(f["rule_id"] for f in doc["findings"])


def copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def test_a_warm_run_computes_nothing_and_reports_what_an_uncached_run_does(
    tmp_path: Path, cache: Path
) -> None:
    tree = tmp_path / "tree"
    copy(FIXTURES, tree / "fixtures")
    copy(SEED, tree / "seed-cluster")
    cold = report(tree)
    with served_only():
        warm = report(tree)
    assert warm == cold == uncached(tree)
    assert len(warm["findings"]) > 50  # every kind of unit, with findings of most rules
    assert any(p.suffix == ".entry" for p in cache.rglob("*"))


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def _add_caller(tree: Path) -> None:
    (tree / "caller").mkdir()
    (tree / "caller" / "main.tf").write_text('module "seed" {\n  source = "../"\n}\n')


# Each case: the fixture copied, an edit to something a unit read (never the file named by the
# unit's own finding, where that is the point), and what must change.
EDITS: dict[str, tuple[Path, Callable[[Path], None]]] = {
    "a variable default in the root module": (
        SEED,
        lambda t: _replace(t / "variables.tf", "default     = 80", "default     = 40"),
    ),
    "a terraform.tfvars that appears": (
        SEED,
        lambda t: (t / "terraform.tfvars").write_text("max_nodes = 40\n"),
    ),
    "a file of a local module": (
        FIXTURES / "terraform" / "local-module",
        lambda t: _replace(t / "modules" / "node-group" / "main.tf", '"m5.xlarge"', '"t3.small"'),
    ),
    "a local module's file deleted": (
        FIXTURES / "terraform" / "local-module",
        lambda t: (t / "modules" / "node-group" / "main.tf").unlink(),
    ),
    "a template read by templatefile()": (
        FIXTURES / "terraform" / "helm-values-templatefile",
        lambda t: _replace(t / "templates" / "values.yaml.tpl", '"${warm_ip_target}"', '"500"'),
    ),
    "a nested stack's template": (
        FIXTURES / "cloudformation" / "templates" / "nested-stacks",
        lambda t: _replace(t / "seed-network.yaml", "3, !Ref SubnetBits]]", "3, 8]]"),
    ),
    "the CNI add-on of another root module": (
        FIXTURES / "repos" / "multi-root",
        lambda t: _replace(t / "addons" / "main.tf", 'WARM_IP_TARGET    = "2"', 'WARM_IP_TARGET    = "60"'),
    ),
    "a module that starts calling a root module": (SEED, _add_caller),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_an_edit_to_anything_a_unit_read_is_seen(case: str, tmp_path: Path, cache: Path) -> None:
    src, edit = EDITS[case]
    tree = copy(src, tmp_path / "tree")
    before = report(tree)
    assert report(tree) == before  # served from the cache
    edit(tree)
    after = report(tree)
    assert after == uncached(tree)
    assert after != before, "the edit changes the report, so a stale entry would have been caught"


def test_the_add_on_root_module_changes_the_cluster_unit_whose_own_files_did_not(
    tmp_path: Path, cache: Path
) -> None:
    """Linking is redone every run: the eks/ unit's entry stays valid (its files are unchanged),
    but its result follows the add-on in addons/."""
    tree = copy(FIXTURES / "repos" / "multi-root", tmp_path / "tree")
    before = report(tree)
    _replace(tree / "addons" / "main.tf", 'WARM_IP_TARGET    = "2"', 'WARM_IP_TARGET    = "60"')
    after = report(tree)
    assert after == uncached(tree)

    def floor(doc: Report) -> list[int]:
        clusters = [c for u in doc["units"] for c in u["clusters"]]
        return [g["ips_per_node"]["floor"] for c in clusters for g in c["node_groups"]]

    assert floor(before) == [11]  # WARM_IP_TARGET=2, MINIMUM_IP_TARGET=10 from addons/
    assert floor(after) != floor(before)


def test_a_run_over_part_of_a_folder_keeps_the_entries_of_the_rest(tmp_path: Path, cache: Path) -> None:
    """Entries are packed per folder; a run over one module of it (pre-commit passes a few files)
    must not drop its neighbours' entries, and a deleted module's entry goes."""
    envs = tmp_path / "envs"
    copy(SEED, envs / "a")
    copy(SEED, envs / "b")
    a, b = report(envs / "a"), report(envs / "b")
    with served_only():
        assert report(envs / "a") == a
        assert report(envs / "b") == b
    shutil.rmtree(envs / "b")
    report(envs)
    request = LintRequest(paths=(str(envs),))
    pack = UnitCache(request, roots=scanned_roots(request))._pack(str(envs))
    assert sorted(pack) == [("terraform", str(envs / "a"))]


def test_other_options_are_other_entries(tmp_path: Path, cache: Path) -> None:
    tree = copy(SEED, tmp_path / "tree")
    full = report(tree)
    dense = report(tree, options=Options(pods_per_node=20))
    assert dense == uncached(tree, options=Options(pods_per_node=20)) != full
    assert report(tree) == full


def test_a_corrupt_cache_is_recomputed(tmp_path: Path, cache: Path) -> None:
    tree = copy(SEED, tmp_path / "tree")
    expected = report(tree)
    entries = list(cache.rglob("*.entry"))
    assert entries
    for p in entries:
        p.write_bytes(b"not an entry")
    assert report(tree) == expected


# A small repository whose units read each other: the cluster in eks/ (seed shape), its CNI
# add-on in addons/ (a separate root module). Random edits, then cached == uncached. The add-on
# file is written from a state, so that edits of its settings combine.
_ADDON_DEFAULT: dict[str, Any] = {"cluster": "seed", "warm_ip": 4, "custom": None, "broken": False}


def _write_addon(root: Path, state: dict[str, Any]) -> None:
    env = {"WARM_IP_TARGET": str(state["warm_ip"])}
    if state["custom"] is not None:  # custom networking without ENIConfigs: the analysis adds notes
        env["AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG"] = state["custom"]
    pairs = ", ".join(f'{k} = "{v}"' for k, v in env.items())
    text = (
        'resource "aws_eks_addon" "cni" {\n'
        f'  cluster_name = "{state["cluster"]}"\n'
        '  addon_name   = "vpc-cni"\n'
        f"  configuration_values = jsonencode({{ env = {{ {pairs} }} }})\n"
        "}\n"
    )
    (root / "addons" / "main.tf").write_text(text + ("resource {\n" if state["broken"] else ""))


def _small_repo(root: Path) -> dict[str, Any]:
    copy(SEED, root / "eks")
    (root / "addons").mkdir()
    state = dict(_ADDON_DEFAULT)
    _write_addon(root, state)
    return state


_EDITS = st.one_of(
    st.tuples(st.just("max_nodes"), st.integers(1, 200)),
    st.tuples(st.just("tfvars"), st.integers(1, 200)),
    st.tuples(st.just("drop_tfvars"), st.just(0)),
    st.tuples(st.just("warm_ip"), st.integers(0, 40)),
    st.tuples(st.just("custom"), st.sampled_from([None, "true", "false"])),
    st.tuples(st.just("broken"), st.booleans()),
    st.tuples(st.just("cluster"), st.sampled_from(["seed", "other"])),
    st.tuples(st.just("own_custom"), st.booleans()),
    st.tuples(st.just("partial_run"), st.just(0)),
)

# eks/'s own CNI add-on turning custom networking on, which the other root module's may turn off.
_OWN_ADDON = """resource "aws_eks_addon" "own" {
  cluster_name         = aws_eks_cluster.seed.name
  addon_name           = "vpc-cni"
  configuration_values = jsonencode({ env = { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG = "true" } })
}
"""


def _apply(root: Path, state: dict[str, Any], edit: tuple[str, Any]) -> None:
    kind, value = edit
    variables = root / "eks" / "variables.tf"
    if kind == "max_nodes":
        text = variables.read_text()
        start = text.index("default", text.index('variable "max_nodes"'))
        end = text.index("\n", start)
        variables.write_text(text[:start] + f"default     = {value}" + text[end:])
    elif kind == "tfvars":
        (root / "eks" / "terraform.tfvars").write_text(f"max_nodes = {value}\n")
    elif kind == "drop_tfvars":
        (root / "eks" / "terraform.tfvars").unlink(missing_ok=True)
    elif kind == "partial_run":  # not an edit: a run over eks/ alone (pre-commit), which links nothing
        assert report(root / "eks") == uncached(root / "eks")
    elif kind == "own_custom":
        own = root / "eks" / "cni.tf"
        if value:
            own.write_text(_OWN_ADDON)
        else:
            own.unlink(missing_ok=True)
    else:
        state[kind] = value
        _write_addon(root, state)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(_EDITS, min_size=1, max_size=6))
# Found in review (the search above does not reliably reach it): a result stored by a run over eks/
# alone carried the analysis' custom-networking notes into a later run that linked an add-on
# turning custom networking off.
@example(edits=[("own_custom", True), ("partial_run", 0), ("custom", "false")])
def test_random_edits_never_serve_a_stale_result(
    edits: list[tuple[str, Any]], tmp_path_factory: pytest.TempPathFactory, cache: Path
) -> None:
    root = tmp_path_factory.mktemp("repo")
    state = _small_repo(root)
    assert "another root module" in json.dumps(report(root))  # the add-on reaches the cluster
    for edit in edits:
        _apply(root, state, edit)
        assert report(root) == uncached(root), edit


@pytest.mark.parametrize("first", ["the cluster's module alone", "an add-on aimed at another cluster"])
def test_a_linked_add_on_is_applied_to_the_units_own_facts_not_to_its_analysed_ones(
    first: str, tmp_path: Path, cache: Path
) -> None:
    """The analysis adds notes to the facts it returns (custom networking without ENIConfigs); a
    stored result's facts are therefore not what the next run may link an add-on into. Found in
    review: an add-on in another root module turning custom networking off left the note."""
    tree = tmp_path / "tree"
    (tree / "eks").mkdir(parents=True)
    shutil.copy(FIXTURES / "terraform" / "custom-networking-plain" / "main.tf", tree / "eks" / "main.tf")
    (tree / "addons").mkdir()
    addon = tree / "addons" / "main.tf"
    text = (
        'resource "aws_eks_addon" "vpc_cni" {\n'
        '  cluster_name = "CLUSTER"\n'
        '  addon_name   = "vpc-cni"\n'
        '  configuration_values = jsonencode({ env = { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG = "false" } })\n'
        "}\n"
    )
    if first == "the cluster's module alone":
        addon.write_text(text.replace("CLUSTER", "plain-cn"))
        report(tree / "eks")  # as pre-commit would, over one module
    else:
        addon.write_text(text.replace("CLUSTER", "other"))
        report(tree)
        addon.write_text(text.replace("CLUSTER", "plain-cn"))
    expected = uncached(tree)
    assert report(tree) == expected
    assert report(tree) == expected  # and the run after it
    assert "EKSIP002" not in rule_ids(expected)  # custom networking is off: no ENIConfig needed

"""sources/parse_cache: a content-hash cache of parse results that never changes a result."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import cache_files, hcl, parse_cache
from eks_ip_lint.sources import hcl_ast as ast

TEXT = 'resource "aws_subnet" "a" {\n  cidr_block = "10.0.0.0/24"\n}\n'


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(parse_cache.ENV_DIR, raising=False)
    monkeypatch.delenv(parse_cache.ENV_DISABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "eks-ip-lint"


class CountingParser:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, path: str, text: str) -> ast.HclFile:
        self.calls += 1
        return hcl.parse_file(path, text)


def entries(root: Path) -> list[Path]:
    return sorted(root.rglob("*.entry")) if root.exists() else []


def test_second_parse_of_the_same_text_is_served_from_the_cache(cache_home: Path) -> None:
    parse = CountingParser()
    first = parse_cache.cached_parse("a/main.tf", TEXT, parse)
    second = parse_cache.cached_parse("a/main.tf", TEXT, parse)
    assert parse.calls == 1
    assert first == second == hcl.parse_file("a/main.tf", TEXT)
    assert len(entries(cache_home)) == 1


def test_the_same_text_at_another_path_is_relabelled(cache_home: Path) -> None:
    parse = CountingParser()
    parse_cache.cached_parse("a/main.tf", TEXT, parse)
    moved = parse_cache.cached_parse("b/other.tf", TEXT, parse)
    assert parse.calls == 1
    assert moved.path == "b/other.tf"
    assert moved == hcl.parse_file("b/other.tf", TEXT)


def test_a_changed_text_is_parsed_again() -> None:
    parse = CountingParser()
    parse_cache.cached_parse("main.tf", TEXT, parse)
    parse_cache.cached_parse("main.tf", TEXT.replace("24", "25"), parse)
    assert parse.calls == 2


def test_syntax_errors_are_cached_and_name_the_new_path() -> None:
    parse = CountingParser()
    for path in ("x/main.tf", "y/main.tf"):
        with pytest.raises(InputError) as err:
            parse_cache.cached_parse(path, 'locals {\n  a = "\n}\n', parse)
        assert err.value.path == path
        assert err.value.line >= 1
    assert parse.calls == 1


def test_xdg_cache_home_is_honoured(cache_home: Path) -> None:
    assert parse_cache.cache_dir() == cache_home


def test_cache_dir_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parse_cache.ENV_DIR, str(tmp_path / "mine"))
    parse_cache.cached_parse("main.tf", TEXT, CountingParser())
    assert entries(tmp_path / "mine")


def test_default_is_under_the_home_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert parse_cache.cache_dir().name == "eks-ip-lint"
    assert str(parse_cache.cache_dir()).startswith(str(Path.home()))


@pytest.mark.parametrize("value", ["1", "true", "yes"])
def test_opt_out_by_environment(cache_home: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(parse_cache.ENV_DISABLE, value)
    parse = CountingParser()
    parse_cache.cached_parse("main.tf", TEXT, parse)
    parse_cache.cached_parse("main.tf", TEXT, parse)
    assert parse.calls == 2
    assert entries(cache_home) == []


def test_opt_out_by_argument(cache_home: Path) -> None:
    parse = CountingParser()
    parse_cache.cached_parse("main.tf", TEXT, parse, use_cache=False)
    assert entries(cache_home) == []


def test_a_corrupt_entry_is_reparsed_and_overwritten(cache_home: Path) -> None:
    parse = CountingParser()
    parse_cache.cached_parse("main.tf", TEXT, parse)
    (entry,) = entries(cache_home)
    entry.write_bytes(b"not an entry")
    assert parse_cache.cached_parse("main.tf", TEXT, parse) == hcl.parse_file("main.tf", TEXT)
    assert parse.calls == 2
    assert isinstance(parse_cache.load(entry), ast.HclFile)


def test_an_unwritable_cache_is_bypassed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv(parse_cache.ENV_DIR, str(blocker))
    parse = CountingParser()
    assert parse_cache.cached_parse("main.tf", TEXT, parse) == hcl.parse_file("main.tf", TEXT)
    assert parse_cache.cached_parse("main.tf", TEXT, parse) == hcl.parse_file("main.tf", TEXT)
    assert parse.calls == 2


def test_key_depends_on_text_and_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    key = parse_cache.cache_key(TEXT)
    assert key == parse_cache.cache_key(TEXT)
    assert key != parse_cache.cache_key(TEXT + " ")
    monkeypatch.setitem(parse_cache._salts, "parse-cache", b"another parser version")
    assert key != parse_cache.cache_key(TEXT)


def test_the_installed_parser_code_is_part_of_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in package on sys.path: upgrading or editing it must change its stamp, so entries
    # made by other parser code are never served; an unchanged install gives the same stamp.
    package = tmp_path / "fakeparser"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("VERSION = 1\n")
    (package / "sub" / "grammar.lark").write_text("start: 'a'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = parse_cache.installed_stamp("fakeparser", "")
    assert before == parse_cache.installed_stamp("fakeparser", "")
    (package / "sub" / "grammar.lark").write_text("start: 'ab'\n")
    assert parse_cache.installed_stamp("fakeparser", "") != before
    assert parse_cache.installed_stamp("fakeparser", "__init__.py") != parse_cache.installed_stamp(
        "fakeparser", ""
    )
    assert parse_cache.installed_stamp("no_such_parser_pkg", "") == b"no_such_parser_pkg:not installed\0"


def test_clear_removes_entries(cache_home: Path) -> None:
    parse_cache.cached_parse("main.tf", TEXT, CountingParser())
    assert parse_cache.clear() == 1
    assert entries(cache_home) == []
    assert parse_cache.clear() == 0


def test_no_temporary_files_are_left_behind(cache_home: Path) -> None:
    parse_cache.cached_parse("main.tf", TEXT, CountingParser())
    leftovers = [p for p in cache_home.rglob("*") if p.is_file() and p.name.startswith(".tmp-")]
    assert leftovers == []
    assert os.listdir(cache_home)


# --- CloudFormation documents -------------------------------------------------------------------

SEED_TEMPLATE = Path(__file__).parents[1] / "fixtures" / "cloudformation" / "templates" / "seed-cluster.yaml"


def test_a_template_decodes_the_same_from_the_cache_and_at_another_path(
    tmp_path: Path, cache_home: Path
) -> None:
    from eks_ip_lint.sources import cloudformation

    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    first.write_bytes(SEED_TEMPLATE.read_bytes())
    second.write_bytes(SEED_TEMPLATE.read_bytes())
    fresh = cloudformation.decode(str(first))
    assert len(entries(cache_home)) == 1
    again = cloudformation.decode(str(first))
    moved = cloudformation.decode(str(second))
    assert again == fresh
    assert isinstance(moved, cloudformation.LinedDocument) and isinstance(fresh, cloudformation.LinedDocument)
    assert moved.path == str(second) and (moved.data, moved.lines) == (fresh.data, fresh.lines)
    assert len(entries(cache_home)) == 1


def test_a_warm_template_decode_does_not_import_cfn_lint(tmp_path: Path, cache_home: Path) -> None:
    import subprocess
    import sys

    probe = (
        "import sys; from eks_ip_lint.sources import cloudformation as c; "
        "d = c.decode(sys.argv[1]); print(type(d).__name__, 'cfnlint' in sys.modules)"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent)}
    env.pop(parse_cache.ENV_DIR, None)
    runs = [
        subprocess.run(
            [sys.executable, "-c", probe, str(SEED_TEMPLATE)],
            check=False,
            env=env,
            capture_output=True,
            text=True,
        )
        for _ in range(2)
    ]
    assert [r.stdout.split() for r in runs] == [["LinedDocument", "True"], ["LinedDocument", "False"]], runs


def test_a_decode_problem_is_cached_with_its_line(tmp_path: Path, cache_home: Path) -> None:
    from eks_ip_lint.sources import cloudformation

    broken = tmp_path / "t.yaml"
    broken.write_text("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n")
    first = cloudformation.decode(str(broken))
    assert isinstance(first, cloudformation.DecodeProblem)
    assert len(entries(cache_home)) == 1
    assert cloudformation.decode(str(broken)) == first


def test_a_corrupt_template_entry_is_decoded_again(tmp_path: Path, cache_home: Path) -> None:
    from eks_ip_lint.sources import cloudformation

    fresh = cloudformation.decode(str(SEED_TEMPLATE))
    (entry,) = entries(cache_home)
    parse_cache.store(entry, {"not": "a document"})  # authentic, but not a decode result
    assert cloudformation.decode(str(SEED_TEMPLATE)) == fresh
    assert isinstance(parse_cache.load(entry), cloudformation.LinedDocument)


SEED_CLUSTER_CONFIG = Path(__file__).parents[1] / "fixtures" / "eksctl" / "configs" / "seed-cluster.yaml"


def test_an_eksctl_config_is_cached_apart_from_templates_and_relabelled(
    tmp_path: Path, cache_home: Path
) -> None:
    from eks_ip_lint.sources import cloudformation, yaml_lines

    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for p in (first, second):
        p.write_bytes(SEED_CLUSTER_CONFIG.read_bytes())
    fresh = yaml_lines.load(str(first))
    assert isinstance(fresh, yaml_lines.LinedDocument) and isinstance(fresh.data, dict)
    assert fresh.data["kind"] == "ClusterConfig"
    assert len(entries(cache_home)) == 1
    moved = yaml_lines.load(str(second))
    assert isinstance(moved, yaml_lines.LinedDocument)
    assert moved.path == str(second) and (moved.data, moved.lines) == (fresh.data, fresh.lines)
    # The same bytes decoded as a template are another entry: a decoder never gets the other's tree.
    cloudformation.decode(str(first))
    assert len(entries(cache_home)) == 2
    assert yaml_lines.load(str(first)) == fresh


def test_an_eksctl_yaml_error_is_cached_with_its_line(tmp_path: Path, cache_home: Path) -> None:
    from eks_ip_lint.sources import yaml_lines

    broken = tmp_path / "cluster.yaml"
    broken.write_text("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: [\n")
    first = yaml_lines.load(str(broken))
    assert isinstance(first, yaml_lines.DecodeProblem) and first.line == 3
    assert len(entries(cache_home)) == 1
    assert yaml_lines.load(str(broken)) == first


def test_two_threads_storing_one_entry_write_their_own_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs may lint in threads (sources/fs keeps their state apart): two threads storing the same
    entry at once must not write into one temporary file, or the entry could be a mix of both."""
    import threading

    where = tmp_path / "v2" / "ab" / "abc.entry"
    cache_files.root_key(tmp_path)  # the directory and its key exist before the race
    both_written = threading.Barrier(2)
    renamed: list[str] = []
    real_replace = os.replace

    def replace(src: str, dst: object) -> None:
        renamed.append(str(src))
        both_written.wait(timeout=10)  # both temporary files exist before either is renamed
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    values = [list(range(1000)), list(range(1000, 3000))]
    threads = [threading.Thread(target=parse_cache.store, args=(where, v)) for v in values]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(renamed)) == 2
    assert parse_cache.load(where) in values

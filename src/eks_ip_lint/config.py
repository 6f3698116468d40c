"""Project configuration: ``.eks-ip-lint.yaml`` or ``[tool.eks-ip-lint]`` in pyproject.toml.

Found in the current directory or the nearest parent that has one (the search stops at a
directory holding ``.git``, the repository's root), or named with ``--config FILE``. In one
directory ``.eks-ip-lint.yaml`` (or ``.yml``) wins over pyproject.toml, and a pyproject.toml
without a ``[tool.eks-ip-lint]`` table does not count. Validated against the JSON schema shipped
in the package (``config_schema.json``); an invalid file is a usage error (exit 2) naming the
file, the key and, for YAML, the line. docs/configuration.md describes every key.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eks_ip_lint.errors import UsageError
from eks_ip_lint.findings import Severity

if TYPE_CHECKING:
    import yaml

YAML_NAMES = (".eks-ip-lint.yaml", ".eks-ip-lint.yml")
# A configuration file has tens of keys; a budget well above any real one stops an alias bomb.
_CONFIG_MAX_NODES = 100_000
PYPROJECT = "pyproject.toml"
TOOL_KEY = "eks-ip-lint"
# What discovery never enters anyway (sources/discover.py); not expanded when applying excludes.
_SKIP_DIRS = frozenset({".terraform", ".git", "node_modules", "__pycache__", ".terragrunt-cache"})
_SCANNED_SUFFIXES = (".tf", ".tofu", ".yaml", ".yml", ".json", ".template")
_NOT_SCANNED = (".tfvars.json", ".tfstate")


@dataclass(frozen=True)
class RuleConfig:
    enabled: bool = True
    severity: Severity | None = None


@dataclass(frozen=True)
class Config:
    # The file the configuration came from; None for the defaults (no file found).
    source: str | None = None
    pods_per_node: int | None = None
    reserved_ips_per_subnet: int = 0
    # Exit 1 when anything was not checked (--fail-on-unchecked; report "coverage").
    fail_on_unchecked: bool = False
    # Planned pods per Fargate profile (name or address -> pods).
    fargate_pods: Mapping[str, int] = field(default_factory=dict)
    rules: Mapping[str, RuleConfig] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()

    @property
    def base_dir(self) -> str:
        """Exclude globs are relative to the configuration file's directory."""
        return os.path.dirname(os.path.abspath(self.source)) if self.source else os.getcwd()


def schema() -> dict[str, Any]:
    from importlib import resources  # noqa: PLC0415 -- 6 ms; only a run with a config file validates

    text = resources.files("eks_ip_lint").joinpath("config_schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


# --- finding and reading ------------------------------------------------------------------------


def find_config(start: str | None = None) -> str | None:
    """The configuration file that applies in ``start`` (default: the current directory)."""
    d = os.path.abspath(start or os.getcwd())
    while True:
        for name in YAML_NAMES:
            candidate = os.path.join(d, name)
            if os.path.isfile(candidate):
                return candidate
        pyproject = os.path.join(d, PYPROJECT)
        if os.path.isfile(pyproject) and _has_tool_table(pyproject):
            return pyproject
        parent = os.path.dirname(d)
        if parent == d or os.path.exists(os.path.join(d, ".git")):
            return None
        d = parent


def _has_tool_table(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            if TOOL_KEY.encode() not in fh.read():
                return False  # no table can be ours without naming it; TOML not parsed (nor imported)
    except OSError:
        return True  # reported by _read_toml
    try:
        data = _read_toml(path)
    except UsageError:
        return True  # a broken pyproject.toml is reported, not skipped
    tool = data.get("tool")
    return isinstance(tool, dict) and TOOL_KEY in tool


def _read_toml(path: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415 -- only for a pyproject.toml that names eks-ip-lint
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib  # noqa: PLC0415

    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise UsageError(f"config {path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"config {path}: invalid TOML: {exc}") from None


def load_config(path: str | None) -> Config:
    """Read and validate ``path``; ``None`` gives the defaults."""
    if path is None:
        return Config()
    if not os.path.isfile(path):
        raise UsageError(f"config {path}: no such file")
    lines: dict[tuple[str | int, ...], int] = {}
    if path.endswith(".toml"):
        tool = _read_toml(path).get("tool", {})
        data = tool.get(TOOL_KEY) if isinstance(tool, dict) else None
        if data is None:
            raise UsageError(f"config {path}: no [tool.{TOOL_KEY}] table")
        prefix = f"tool.{TOOL_KEY}."
    else:
        data = _read_yaml(path, lines)
        prefix = ""
        if data is None:  # an empty file: the defaults
            data = {}
    _validate(path, data, prefix, lines)
    return _build(path, data, prefix)


def _read_yaml(path: str, lines: dict[tuple[str | int, ...], int]) -> Any:
    import yaml  # noqa: PLC0415 -- 10 ms, and most runs have no .eks-ip-lint.yaml

    from eks_ip_lint.sources import yaml_budget  # noqa: PLC0415 -- imports PyYAML

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        # The pull request controls this file: its aliases are expanded within a budget, once.
        node = yaml_budget.compose(text, max_nodes=_CONFIG_MAX_NODES)
        data = yaml_budget.safe_load(text, max_nodes=_CONFIG_MAX_NODES)
    except OSError as exc:
        raise UsageError(f"config {path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"config {path}: not UTF-8 text (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        raise UsageError(f"config {path}{where}: invalid YAML: {exc}") from None
    if node is not None:
        _record_lines(node, (), lines)
    return data


def _record_lines(
    node: yaml.Node, path: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]
) -> None:
    import yaml  # noqa: PLC0415 -- imported by _read_yaml already

    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            entry = (*path, str(key.value))
            _record_lines(value, entry, lines)
            lines[entry] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, (*path, i), lines)


def _validate(path: str, data: Any, prefix: str, lines: Mapping[tuple[str | int, ...], int]) -> None:
    """Every problem of the file at once, each with its line and, for a misspelt key or rule ID,
    the closest valid one: fixing a file one error per run is slow."""
    import jsonschema  # type: ignore[import-untyped]  # noqa: PLC0415 -- only when there is a file to validate

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    problems: list[tuple[int, str]] = []
    for e in errors:
        problems += _describe(path, e, data, prefix, lines)
    if isinstance(data, dict):
        problems += _rule_id_problems(path, data, prefix, lines)
    if problems:
        unique = sorted(set(problems))
        if len(unique) == 1:
            raise UsageError(unique[0][1])
        body = "\n".join(f"  {text}" for _line, text in unique)
        raise UsageError(f"config {path}: {len(unique)} problems:\n{body}")


def _describe(
    path: str, e: Any, data: Any, prefix: str, lines: Mapping[tuple[str | int, ...], int]
) -> list[tuple[int, str]]:
    key_path = tuple(e.absolute_path)
    if e.validator == "additionalProperties" and isinstance(e.instance, dict):
        allowed = sorted(e.schema.get("properties", {}))
        out = []
        for extra in sorted(k for k in e.instance if k not in allowed):
            kp = (*key_path, extra)
            hint = _did_you_mean(str(extra), allowed)
            out.append(
                _problem(
                    path, kp, lines, f"{_key(prefix, kp)}: unknown key{hint} (allowed: {', '.join(allowed)})"
                )
            )
        if out:
            return out
    elif isinstance(e.instance, str) and e.instance in _at(data, key_path, {}):
        if key_path == ("rules",):
            return []  # a bad rule ID: _rule_id_problems says so, with the closest ID
        key_path = (*key_path, e.instance)  # a bad key name (propertyNames)
    message = e.message
    if e.validator == "enum" and isinstance(e.instance, str):
        message += _did_you_mean(e.instance, [str(v) for v in e.validator_value])
    return [_problem(path, key_path, lines, f"{_key(prefix, key_path)}: {message}")]


def _problem(
    path: str, key_path: tuple[str | int, ...], lines: Mapping[tuple[str | int, ...], int], text: str
) -> tuple[int, str]:
    where = _where(path, key_path, lines)
    line = int(where.rsplit(":", 1)[1]) if where != path else 0
    return line, f"config {where}: {text}"


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    import difflib  # noqa: PLC0415

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _at(data: Any, key_path: Sequence[str | int], default: Any) -> Any:
    for k in key_path:
        try:
            data = data[k]
        except (KeyError, IndexError, TypeError):
            return default
    return data if isinstance(data, dict) else default


def _rule_id_problems(
    path: str, data: Mapping[str, Any], prefix: str, lines: Mapping[tuple[str | int, ...], int]
) -> list[tuple[int, str]]:
    from eks_ip_lint.rules import BY_ID  # noqa: PLC0415

    rules = data.get("rules", {})
    out = []
    for rule_id in rules if isinstance(rules, dict) else ():
        if rule_id not in BY_ID:
            key_path = ("rules", rule_id)
            hint = _did_you_mean(str(rule_id).upper(), sorted(BY_ID))
            out.append(
                _problem(
                    path,
                    key_path,
                    lines,
                    f"{_key(prefix, key_path)}: no such rule{hint or ' (eks-ip-lint --list-rules lists them)'}",
                )
            )
    return out


def _where(path: str, key_path: tuple[str | int, ...], lines: Mapping[tuple[str | int, ...], int]) -> str:
    for n in range(len(key_path), -1, -1):
        line = lines.get(tuple(str(k) if isinstance(k, str) else k for k in key_path[:n]))
        if line is not None:
            return f"{path}:{line}"
    return path


def _key(prefix: str, key_path: Sequence[str | int]) -> str:
    parts = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in key_path).lstrip(".")
    return f"{prefix}{parts}" if parts else (prefix.rstrip(".") or "(top level)")


def _build(path: str, data: Mapping[str, Any], prefix: str) -> Config:
    rules = {
        rule_id: RuleConfig(
            enabled=bool(entry.get("enabled", True)),
            severity=Severity(entry["severity"]) if "severity" in entry else None,
        )
        for rule_id, entry in data.get("rules", {}).items()
    }
    return Config(
        source=path,
        pods_per_node=data.get("pods_per_node"),
        reserved_ips_per_subnet=data.get("reserved_ips_per_subnet", 0),
        fail_on_unchecked=bool(data.get("fail_on_unchecked", False)),
        fargate_pods=dict(data.get("fargate_pods", {})),
        rules=rules,
        exclude=tuple(data.get("exclude", ())),
    )


# --- applying -----------------------------------------------------------------------------------


def is_excluded(path: str, patterns: Sequence[str], base_dir: str) -> bool:
    """Whether ``path`` (or a directory above it, up to ``base_dir``) matches an exclude glob.

    A glob without ``/`` matches any single file or directory name (``sandbox``, ``*.generated.yaml``);
    one with ``/`` matches the path relative to ``base_dir`` (``envs/dev``, ``legacy/*``).
    Paths outside ``base_dir`` are matched by name only.
    """
    if not patterns:
        return False
    full = os.path.abspath(path)
    rel = os.path.relpath(full, base_dir).replace(os.sep, "/")
    inside = rel != ".." and not rel.startswith("../")
    parts = rel.split("/") if inside else [os.path.basename(full)]
    for pattern in patterns:
        p = pattern.strip("/")
        if p.startswith("./"):
            p = p[2:]
        if "/" not in p:
            if any(fnmatch.fnmatchcase(part, p) for part in parts if part not in (".", "")):
                return True
        elif inside:
            for n in range(1, len(parts) + 1):
                if fnmatch.fnmatchcase("/".join(parts[:n]), p):
                    return True
    return False


def filter_paths(paths: Sequence[str], patterns: Sequence[str], base_dir: str) -> list[str]:
    """The paths to scan once excluded ones are left out.

    A directory with an excluded path somewhere below it is replaced by what it holds that
    discovery would read (its ``.tf`` files, candidate YAML/JSON documents and subdirectories),
    recursively, so discovery never sees the excluded ones. A directory of ``.tf`` files still
    stands for its module (a ``.tf`` file names its directory), so module identity is unchanged.
    """
    if not patterns:
        return list(paths)
    out: list[str] = []
    for p in paths:
        out.extend(_expand(p, patterns, base_dir))
    return out


def _expand(path: str, patterns: Sequence[str], base_dir: str) -> Iterator[str]:
    if is_excluded(path, patterns, base_dir):
        return
    if not os.path.isdir(path) or not _excluded_below(path, patterns, base_dir):
        yield path
        return
    for e in sorted(os.scandir(path), key=lambda e: e.name):
        if e.is_dir(follow_symlinks=False):
            if e.name not in _SKIP_DIRS and not e.name.startswith("."):
                yield from _expand(e.path, patterns, base_dir)
        elif (
            e.is_file()
            and e.name.endswith(_SCANNED_SUFFIXES)
            and not e.name.endswith(_NOT_SCANNED)
            and not is_excluded(e.path, patterns, base_dir)
        ):
            yield e.path


def _excluded_below(path: str, patterns: Sequence[str], base_dir: str) -> bool:
    for d, dirs, files in os.walk(path):
        dirs[:] = [x for x in dirs if x not in _SKIP_DIRS and not x.startswith(".")]
        if any(is_excluded(os.path.join(d, x), patterns, base_dir) for x in (*dirs, *files)):
            return True
    return False

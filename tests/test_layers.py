"""The layer contract: data flows one way, and the import graph says so.

Every import in src/ counts, at module level, inside functions (the lazy imports that keep a
cached run light) and under TYPE_CHECKING alike: an upward import hidden in a function is still a
dependency on the layer above. A module may import its own group or any lower layer, never a
sibling group of its layer nor anything above it; and no set of modules may import each other
in a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from testlib import REPO

SRC = REPO / "src"
PACKAGE = "eks_ip_lint"

# Lowest first. Each layer is a tuple of groups (a group: module name prefixes); a module belongs
# to the group with the longest matching prefix.
LAYERS: tuple[tuple[tuple[str, ...], ...], ...] = (
    # Leaf records any stage may use.
    (
        (PACKAGE,),
        ("eks_ip_lint.span",),
        ("eks_ip_lint.errors",),
        ("eks_ip_lint.repo_paths",),
        ("eks_ip_lint.project",),  # the project's public address
        ("eks_ip_lint.time_budget",),  # SIGALRM around one unit's analysis
    ),
    # --compare-to's parts that know no analysis: a git ref's tree, exported; two JSON reports ->
    # their delta
    (("eks_ip_lint.git_tree",), ("eks_ip_lint.delta",)),
    (("eks_ip_lint.values",),),
    (("eks_ip_lint.findings",),),
    # files -> parsed documents
    (("eks_ip_lint.sources",),),
    # parsed documents -> evaluated values (knows no EKS beyond the registry modules' outputs)
    (("eks_ip_lint.terraform",), ("eks_ip_lint.cloudformation",)),
    # values -> facts, each with its file and line
    (("eks_ip_lint.facts",),),
    # Terragrunt units: their configuration evaluated, their module's facts with their dependencies'
    (("eks_ip_lint.terragrunt",),),
    # facts -> capacity (the VPC CNI model)
    (("eks_ip_lint.capacity",),),
    # capacity -> findings
    (("eks_ip_lint.rules",),),
    # the types of a run's request and result
    (("eks_ip_lint.branches",),),
    (("eks_ip_lint.results",),),
    # what a run is made of: unit kinds, caches, the user's configuration and accepted findings
    (
        ("eks_ip_lint.kinds",),
        ("eks_ip_lint.unit_cache",),
        ("eks_ip_lint.prefetch",),
        ("eks_ip_lint.config",),
        ("eks_ip_lint.baseline",),
        ("eks_ip_lint.suppression",),
    ),
    (("eks_ip_lint.policy",),),
    # the single wiring point
    (("eks_ip_lint.engine",),),
    # result -> output, and the host linters' adapters
    (("eks_ip_lint.report",), ("eks_ip_lint.integrations",)),
    # --compare-to: two runs and their reports
    (("eks_ip_lint.compare",),),
    # the command line: the what-if calculator (renders with the report's tables), progress
    (("eks_ip_lint.simulate",), ("eks_ip_lint.progress",)),
    (("eks_ip_lint.cli",),),
    (("eks_ip_lint.__main__",),),
)


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """The package's modules that ``module`` imports, with the line, wherever the import is."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            for alias in node.names:
                full = f"{name}.{alias.name}"
                if full in MODULES:
                    yield full, node.lineno
                elif name in MODULES:
                    yield name, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    yield alias.name, node.lineno


GRAPH = {m: {(t, line) for t, line in _imports(m, p) if t != m} for m, p in MODULES.items()}


def _place(module: str) -> tuple[int, tuple[str, ...]]:
    """(layer index, group) of a module: the longest prefix that names it."""
    best: tuple[int, tuple[str, ...], int] | None = None
    for i, layer in enumerate(LAYERS):
        for group in layer:
            for prefix in group:
                if (module == prefix or module.startswith(prefix + ".")) and (
                    best is None or len(prefix) > best[2]
                ):
                    best = (i, group, len(prefix))
    assert best is not None, f"{module} is in no layer: add it to LAYERS in tests/test_layers.py"
    return best[0], best[1]


def test_every_module_has_a_layer() -> None:
    unplaced = []
    for m in MODULES:
        try:
            _place(m)
        except AssertionError:
            unplaced.append(m)
    assert unplaced == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != PACKAGE))
def test_no_upward_or_sideways_import(module: str) -> None:
    layer, group = _place(module)
    bad = []
    for target, line in sorted(GRAPH[module]):
        t_layer, t_group = _place(target)
        if t_layer > layer or (t_layer == layer and t_group != group):
            bad.append(f"{MODULES[module].relative_to(REPO)}:{line} imports {target}")
    assert bad == []


def test_no_import_cycle() -> None:
    """Tarjan's strongly connected components over every import of the package."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w, _ in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_cfn_lint_adapter_runs_the_pipeline_through_the_engine_only() -> None:
    """It names rules (to generate cfn-lint's rule classes) and asks the engine for findings; it
    never calls a stage of the pipeline itself."""
    stages = (
        "sources",
        "terraform",
        "cloudformation",
        "facts",
        "capacity",
        "kinds",
        "branches",
        "unit_cache",
    )
    used = {t for t, _ in GRAPH["eks_ip_lint.integrations.cfnlint"]}
    assert "eks_ip_lint.engine" in used
    assert sorted(t for t in used if t.split(".")[1] in stages) == []


def test_the_contract_catches_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: a capacity module importing the engine is an upward import."""
    layer, _ = _place("eks_ip_lint.capacity.analysis")
    engine_layer, _ = _place("eks_ip_lint.engine")
    assert engine_layer > layer
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from eks_ip_lint.engine import lint\n")
    found = list(_imports("eks_ip_lint.capacity.x", source))
    assert found == [("eks_ip_lint.engine", 2)]

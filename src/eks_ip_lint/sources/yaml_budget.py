"""PyYAML with a budget: every YAML document eks-ip-lint loads goes through here or through the
lined decoder (:mod:`eks_ip_lint.sources.yaml_decode`), which shares its loader.

PyYAML composes aliases as shared nodes, so a 340-byte "billion laughs" document is a small graph;
the blow-up happens later, in whatever walks the constructed value as a tree (a conversion, a
``json.dumps``). :func:`check_expansion` measures the tree the graph stands for (node count and
depth, each node visited once thanks to memoisation) before anything is constructed, and refuses
it past the budget with :class:`YamlTooLarge`, a ``yaml.YAMLError`` with a mark, so every caller's
existing error handling reports it with a line.
"""

from __future__ import annotations

from typing import Any

import yaml

from eks_ip_lint.sources.lined import MAX_DEPTH, MAX_NODES


class YamlTooLarge(yaml.YAMLError):
    """The document is deeper or, with its aliases expanded, larger than the budget."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark

    def __str__(self) -> str:
        where = f" (line {self.problem_mark.line + 1})" if self.problem_mark is not None else ""
        return f"{self.problem}{where}"


class BoundedSafeLoader(yaml.SafeLoader):
    """SafeLoader whose (recursive) composer refuses nesting deeper than MAX_DEPTH with a
    ComposerError at the offending node, instead of running into Python's recursion limit."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def check_expansion(node: yaml.Node, *, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> int:
    """The number of nodes of ``node``'s tree with its aliases expanded; raises YamlTooLarge when
    that is more than ``max_nodes``, deeper than ``max_depth`` or contains itself. Linear in the
    composed graph."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(n: yaml.Node, depth: int) -> int:
        known = sizes.get(id(n))
        if known is not None:
            return known
        if id(n) in open_nodes:
            raise YamlTooLarge("a YAML alias refers to itself (to a node that contains it)", n.start_mark)
        if depth > max_depth:
            raise YamlTooLarge(
                f"nested deeper than {max_depth} levels once aliases are expanded", n.start_mark
            )
        total = 1
        if isinstance(n, (yaml.SequenceNode, yaml.MappingNode)):
            open_nodes.add(id(n))
            children = n.value if isinstance(n, yaml.SequenceNode) else [c for pair in n.value for c in pair]
            for child in children:
                total += size(child, depth + 1)
                if total > max_nodes:
                    raise YamlTooLarge(
                        f"the document expands to more than {max_nodes:,} nodes (YAML aliases?)", n.start_mark
                    )
            open_nodes.discard(id(n))
        sizes[id(n)] = total
        return total

    return size(node, 1)


def _load_node(loader: BoundedSafeLoader, node: yaml.Node | None, max_nodes: int) -> Any:
    if node is None:
        return None
    check_expansion(node, max_nodes=max_nodes)
    return loader.construct_document(node)


def safe_load(text: str, *, max_nodes: int = MAX_NODES) -> Any:
    """``yaml.safe_load`` within the budget; raises yaml.YAMLError (YamlTooLarge included)."""
    loader = BoundedSafeLoader(text)
    try:
        return _load_node(loader, loader.get_single_node(), max_nodes)
    finally:
        loader.dispose()


def safe_load_all(text: str, *, max_nodes: int = MAX_NODES) -> list[Any]:
    """``yaml.safe_load_all`` within the budget, shared by all the documents of the stream."""
    loader = BoundedSafeLoader(text)
    out: list[Any] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                break
            max_nodes -= check_expansion(node, max_nodes=max_nodes)
            out.append(loader.construct_document(node))
        return out
    finally:
        loader.dispose()


def compose(text: str, *, max_nodes: int = MAX_NODES) -> yaml.Node | None:
    """The node graph of a single document, checked against the budget (for callers that want
    marks, such as the configuration file's line numbers)."""
    loader = BoundedSafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            check_expansion(node, max_nodes=max_nodes)
        return node
    finally:
        loader.dispose()

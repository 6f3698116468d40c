"""YAML with lines, for documents that are not CloudFormation (eksctl ClusterConfig).

PyYAML's composer keeps a mark on every node; scalars are constructed by the safe constructor so
``2`` is an int and ``true`` a bool, as eksctl's own YAML decoding sees them. Tags the safe
constructor does not know (``!Ref`` in a stray file) become their plain text.
"""

from __future__ import annotations

import yaml

from eks_ip_lint.sources.lined import Data, DecodeProblem, LinedDocument, Path


def load(path: str) -> LinedDocument | DecodeProblem:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        return DecodeProblem(f"cannot read: {exc}", 1)
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        lines: dict[Path, int] = {}
        data = _plain(loader, root, (), lines) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return DecodeProblem(f"invalid YAML: {problem}", mark.line + 1 if mark is not None else 1)
    finally:
        loader.dispose()
    return LinedDocument(path, data, lines)


def _plain(loader: yaml.SafeLoader, node: yaml.Node, path: Path, lines: dict[Path, int]) -> Data:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Data] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(loader, key_node))
            entry: Path = (*path, key)
            out[key] = _plain(loader, value_node, entry, lines)
            lines[entry] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(loader, v, (*path, i), lines) for i, v in enumerate(node.value)]
    return _scalar(loader, node)


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Data:
    if not isinstance(node, yaml.ScalarNode):
        return None
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        return str(node.value)

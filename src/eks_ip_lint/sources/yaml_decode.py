"""PyYAML -> :class:`LinedDocument`: the decoder behind :mod:`eks_ip_lint.sources.yaml_lines`.

PyYAML's composer keeps a mark on every node; scalars are constructed by the safe constructor so
``2`` is an int and ``true`` a bool, as eksctl's own YAML decoding sees them. Tags the safe
constructor does not know (``!Ref`` in a stray file) become their plain text. A module of its
own so that PyYAML (10 ms to import) is imported only when a document is not in the cache.
"""

from __future__ import annotations

import yaml

from eks_ip_lint.sources.lined import (
    MAX_DEPTH,
    MAX_NODES,
    Data,
    DecodeProblem,
    LinedDocument,
    Path,
    clamp_line,
)
from eks_ip_lint.sources.yaml_budget import BoundedSafeLoader, check_expansion


def decode(path: str, raw: bytes) -> LinedDocument | DecodeProblem:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return DecodeProblem(f"not UTF-8 text (byte {exc.start})", line)
    try:
        loader = BoundedSafeLoader(text)  # the reader rejects control characters here already
    except yaml.YAMLError as exc:
        return _problem(exc, text)
    try:
        root = loader.get_single_node()
        if root is not None:
            check_expansion(root)  # a bomb ends here, in time linear in the file, not in the walk
        lines: dict[Path, int] = {}
        data = _Converter(loader, lines).plain(root, ()) if root is not None else None
    except _TooLarge as exc:
        return DecodeProblem(str(exc), exc.line)
    except RecursionError:  # a last resort: anchors/aliases can still nest through construction
        return DecodeProblem(f"YAML nesting is too deep (more than {MAX_DEPTH} levels)", 1)
    except yaml.YAMLError as exc:
        return _problem(exc, text)
    finally:
        loader.dispose()
    return LinedDocument(path, data, lines)


def decode_all(path: str, raw: bytes) -> list[LinedDocument] | DecodeProblem:
    """Every document of a multi-document stream (``---`` separated: Kubernetes manifests), each
    with the lines of its nodes in the file. Empty documents are left out; the node budget is
    shared by the whole file."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return DecodeProblem(f"not UTF-8 text (byte {exc.start})", line)
    try:
        loader = BoundedSafeLoader(text)
    except yaml.YAMLError as exc:
        return _problem(exc, text)
    out: list[LinedDocument] = []
    try:
        converter = _Converter(loader, {})
        while loader.check_node():
            root = loader.get_node()
            if root is None:
                continue
            check_expansion(root)  # as decode(): a bomb ends before the walk
            lines: dict[Path, int] = {}
            converter.lines = lines
            out.append(LinedDocument(path, converter.plain(root, ()), lines))
    except _TooLarge as exc:
        return DecodeProblem(str(exc), exc.line)
    except RecursionError:
        return DecodeProblem(f"YAML nesting is too deep (more than {MAX_DEPTH} levels)", 1)
    except yaml.YAMLError as exc:
        return _problem(exc, text)
    finally:
        loader.dispose()
    return out


def _problem(exc: yaml.YAMLError, text: str) -> DecodeProblem:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc).splitlines()[0]
    if mark is None and isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
    else:
        line = mark.line + 1 if mark is not None else 1
    return DecodeProblem(f"invalid YAML: {problem}", clamp_line(line, text))


class _TooLarge(Exception):  # or otherwise not to be read: a DecodeProblem at ``line``
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _Converter:
    """Nodes -> plain data. Aliases are expanded, so a node budget stops a "billion laughs"
    document (each alias doubling the one before) and an alias that refers to its own ancestor."""

    def __init__(self, loader: yaml.SafeLoader, lines: dict[Path, int]) -> None:
        self.loader = loader
        self.lines = lines
        self.budget = MAX_NODES

    def plain(self, node: yaml.Node, path: Path) -> Data:
        self.budget -= 1
        line = node.start_mark.line + 1
        if self.budget < 0:
            raise _TooLarge(f"the document expands to more than {MAX_NODES:,} nodes (YAML aliases?)", line)
        if len(path) > MAX_DEPTH:
            raise _TooLarge(f"nested deeper than {MAX_DEPTH} levels (a YAML alias refers to itself?)", line)
        self.lines[path] = line
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Data] = {}
            for key_node, value_node in node.value:
                key = str(_scalar(self.loader, key_node))
                entry: Path = (*path, key)
                if key in out and key != "<<":
                    # YAML 1.2 requires unique keys; PyYAML keeps the last silently, and which one
                    # eksctl or Kubernetes would read is not to be guessed.
                    first = self.lines.get(entry, line)
                    raise _TooLarge(
                        f"duplicate key {key!r} (first on line {first})", key_node.start_mark.line + 1
                    )
                out[key] = self.plain(value_node, entry)
                self.lines[entry] = key_node.start_mark.line + 1
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.plain(v, (*path, i)) for i, v in enumerate(node.value)]
        return _scalar(self.loader, node)


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Data:
    if not isinstance(node, yaml.ScalarNode):
        return None
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        return str(node.value)

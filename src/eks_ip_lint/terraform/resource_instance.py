"""One expanded instance of a resource or data block: its evaluated arguments and their lines.

What module evaluation yields (:mod:`eks_ip_lint.terraform.module`), what a registry model
synthesizes (:mod:`eks_ip_lint.terraform.registry`), and what the facts layer reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Value


@dataclass(frozen=True)
class ResourceInstance:
    """One expanded instance of a resource or data block, with evaluated values and their lines."""

    type: str
    name: str
    address: str  # aws_subnet.private[0], aws_eks_node_group.ng["a"]
    index_key: int | str | None  # count.index or each.key; None without count/for_each
    values: dict[str, Value]  # arguments; nested blocks are lists of dicts
    lines: dict[str, int]  # "scaling_config.max_size" -> line
    span: SourceSpan
    # For arguments written as jsonencode(x)/yamlencode(x): x itself, so a reader can see the
    # structure (and keyed Unknowns such as subnet IDs) that the encoded string hides.
    encoded: dict[str, Value] = field(default_factory=dict)
    # for_each over a map with symbolic keys (terraform/symbolic.py): index_key shows the key's identity.
    symbolic_key: bool = False
    # Synthesized from a registry module's inputs: attribute path -> the input key the user wrote
    # (max_size from asg_max_size in terraform-aws-modules v17), so a fix can name that key.
    spelled: dict[str, str] = field(default_factory=dict)

    def line_of(self, *paths: str) -> int:
        """Line of the first given attribute path that exists, else the block's first line."""
        for p in paths:
            if p in self.lines:
                return self.lines[p]
        return self.span.line

    def span_of(self, *paths: str) -> SourceSpan:
        return SourceSpan(self.span.path, self.line_of(*paths), self.span.end_line)

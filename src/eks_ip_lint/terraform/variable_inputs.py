"""The Terraform variables given on the command line (``--var``, ``--var-file``).

Apart from ``variables`` (which resolves them against a module and needs the evaluator), so that
the CLI and the engine can carry them without importing the evaluator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eks_ip_lint.errors import UsageError


@dataclass(frozen=True)
class VariableInputs:
    """What the user gave on the command line, applied to every root module analysed."""

    var_files: tuple[str, ...] = ()
    vars: tuple[tuple[str, str], ...] = ()  # --var NAME=VALUE, in order


def parse_cli_vars(items: Sequence[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--var expects NAME=VALUE, got {item!r}")
        out.append((name.strip(), value))
    return tuple(out)

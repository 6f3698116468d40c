"""Shared test constants and types (importable as ``testlib``: pytest puts tests/ on sys.path)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = REPO / "examples" / "seed-cluster"

RunJson = Callable[..., tuple[int, dict[str, Any]]]

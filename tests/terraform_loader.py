"""The type of the ``load_module`` fixture (tests/terraform/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

from eks_ip_lint.terraform.module import ModuleEvaluation

Loader = Callable[..., ModuleEvaluation]

"""Terragrunt: ``terragrunt.hcl`` units read as Terragrunt runs them (docs/terragrunt.md).

``context`` (session, includes, dependencies) <- ``functions`` (Terragrunt's built-ins) <-
``config`` (one file evaluated for a unit) <- ``merge`` (includes merged into a unit) <-
``module_source`` / ``unit`` (the module evaluated with the unit's inputs, dependencies followed)
<- ``changed`` (which units a changed file concerns: :func:`changed.units_for_changed_files`).
"""

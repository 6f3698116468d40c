"""The VPC CNI env carried by add-on ``configuration_values`` (a JSON or YAML document).

The EKS add-on API accepts either JSON or YAML for ``configurationValues``; the env values are
strings in the add-on schema, but users write ``true`` or ``2`` too, which EKS renders as the
strings ``"true"``/``"2"`` in the aws-node DaemonSet. We normalise to those strings here so the
model parses every carrier the same way.
"""

from __future__ import annotations

import json

from eks_ip_lint.values import Cause, Unknown, Value, first_unknown


def parse_configuration_values(raw: Value) -> dict[str, str] | Unknown:
    """The ``env`` map of a vpc-cni configuration document; {} when it sets no env."""
    if isinstance(raw, Unknown):
        return Unknown(f"configuration_values is unknown: {raw.reason}", raw.key, raw.span, cause=raw.cause)
    doc: object
    if isinstance(raw, dict):
        doc = raw
    elif isinstance(raw, str):
        if not raw.strip():
            return {}
        try:
            doc = json.loads(raw)
        except RecursionError:
            return Unknown("configuration_values is nested too deeply to read", cause=Cause.INVALID)
        except json.JSONDecodeError:
            doc = _yaml(raw)
            if isinstance(doc, Unknown):
                return doc
    else:
        return Unknown(
            f"configuration_values must be a JSON or YAML string, found {type(raw).__name__}",
            cause=Cause.INVALID,
        )
    if not isinstance(doc, dict):
        return Unknown("configuration_values is not a JSON/YAML object", cause=Cause.INVALID)
    env = doc.get("env", {})
    if env is None:
        return {}
    if not isinstance(env, dict):
        cause = env.cause if isinstance(env, Unknown) else Cause.INVALID
        return Unknown("configuration_values.env is not a map", cause=cause)
    out: dict[str, str] = {}
    for key, value in env.items():
        inner = first_unknown(value)
        if inner is not None:
            return Unknown(f"configuration_values.env.{key} is unknown", cause=inner.cause)
        out[str(key)] = _as_env_string(value)
    return out


def _as_env_string(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _yaml(text: str) -> object:
    import yaml  # noqa: PLC0415 -- only YAML-valued configuration needs it

    from eks_ip_lint.sources import yaml_budget  # noqa: PLC0415 -- imports PyYAML

    try:
        return yaml_budget.safe_load(text)
    except yaml_budget.YamlTooLarge as exc:
        return Unknown(f"configuration_values cannot be read: {exc}", cause=Cause.INVALID)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1} of the document)" if mark is not None else ""
        return Unknown(
            f"configuration_values is neither valid JSON nor valid YAML{where}", cause=Cause.INVALID
        )

"""Parameter values from the command line and parameter files, as CloudFormation takes them."""

from __future__ import annotations

import json
from collections.abc import Iterable

from eks_ip_lint.errors import UsageError


def parse_assignments(
    items: Iterable[str], flag: str = "--parameter", form: str = "KEY=VALUE"
) -> dict[str, str]:
    """``--parameter KEY=VALUE`` items (the value may contain '=' and commas for list parameters);
    ``flag`` and ``form`` name another option of that shape in its errors."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{flag} {item!r}: expected {form}")
        out[key.strip()] = value
    return out


def read_parameter_file(path: str) -> dict[str, str]:
    """A parameters file in one of the formats the AWS tooling writes.

    * ``aws cloudformation create-stack --parameters file://p.json``:
      ``[{"ParameterKey": "K", "ParameterValue": "V"}, ...]``
    * CodePipeline template configuration / ``rain``/``sam``-style: ``{"Parameters": {"K": "V"}}``
    * a plain ``{"K": "V"}`` object.

    List values (``["a", "b"]``) are joined with commas, as CloudFormation expects for
    ``CommaDelimitedList`` and ``List<...>`` parameters.
    """
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as exc:
        raise UsageError(f"--parameters-file {path}: cannot read it ({exc.strerror or exc})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"--parameters-file {path}: not valid JSON ({exc})") from exc
    if isinstance(doc, list):
        out: dict[str, str] = {}
        for i, entry in enumerate(doc):
            if not (isinstance(entry, dict) and "ParameterKey" in entry):
                raise UsageError(
                    f"--parameters-file {path}: entry {i} is not "
                    '{"ParameterKey": ..., "ParameterValue": ...}'
                )
            if entry.get("UsePreviousValue") and "ParameterValue" not in entry:
                continue  # the deployed stack's value: unknown here, so the Default applies
            out[str(entry["ParameterKey"])] = _text(entry.get("ParameterValue", ""), path)
        return out
    if isinstance(doc, dict):
        params = doc.get("Parameters", doc) if set(doc) <= {"Parameters", "Tags", "StackPolicy"} else doc
        if isinstance(params, dict):
            return {str(k): _text(v, path) for k, v in params.items()}
    raise UsageError(
        f"--parameters-file {path}: expected a list of ParameterKey/ParameterValue objects "
        'or an object {"Parameters": {...}}'
    )


def _text(value: object, path: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ",".join(str(v) for v in value)
    raise UsageError(f"--parameters-file {path}: parameter value {value!r} is not a string")

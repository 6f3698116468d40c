"""VPC CNI settings carried by Kubernetes-side resources, not by the EKS add-on API.

* ``helm_release`` of the ``aws-vpc-cni`` chart: ``values`` YAML documents (their ``env:`` map),
  then ``set`` entries named ``env.KEY`` (Helm applies ``--set`` after values files);
* ``kubectl set env daemonset aws-node ... KEY=VALUE`` in a ``local-exec`` provisioner of a
  ``null_resource``/``terraform_data`` (the Blueprints v4 custom-networking example): recovered
  by pattern, since it is shell;
* ``kubectl_manifest``/``kubernetes_manifest``: an ``ENIConfig`` (custom networking: the subnet
  paying for pod IPs in the AZ it is named after) or the ``aws-node`` DaemonSet's container env;
* ``kubernetes_daemonset``/``kubernetes_daemon_set_v1`` named ``aws-node``: the same env, written
  as the Kubernetes provider's nested blocks.

None of these names its cluster (the provider configuration does), so a carrier is linked to
the unit's only cluster; with several clusters it is reported as unresolved rather than guessed.
"""

from __future__ import annotations

import re
import shlex

from eks_ip_lint.facts.cni_config import parse_configuration_values
from eks_ip_lint.facts.model import CniSource, EniConfigFact, Facts, Unresolved
from eks_ip_lint.facts.tf_values import as_str
from eks_ip_lint.terraform.resource_instance import ResourceInstance
from eks_ip_lint.values import Cause, Unknown, Value, first_unknown

CHART = "aws-vpc-cni"
_SET_ENV = re.compile(
    r"kubectl\s+(?:-n\s+\S+\s+|--namespace[= ]\S+\s+)?set\s+env\s+(?:daemonset|ds|daemonsets)(?:/|\s+)aws-node\b(.*)"
)
_ENV_ARG = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.DOTALL)


def _link(inst: ResourceInstance, cluster_ref: Value, facts: Facts, what: str) -> bool:
    if cluster_ref is not None:
        return True
    facts.unresolved.append(
        Unresolved(
            f"the cluster that {inst.address} configures",
            f"{what} does not name its cluster and this unit declares {len(facts.clusters)} clusters",
            inst.span,
            inst.address,
            cause=Cause.CLUSTER_AMBIGUOUS,
        )
    )
    return False


def helm_release(inst: ResourceInstance, cluster_ref: Value, facts: Facts) -> None:
    chart = inst.values.get("chart")
    if not (isinstance(chart, str) and chart.rstrip("/").split("/")[-1] == CHART):
        return
    if not _link(inst, cluster_ref, facts, "a helm_release"):
        return
    env: dict[str, str] | Unknown = {}
    values = inst.values.get("values")
    docs = values if isinstance(values, list) else ([] if values is None else [values])
    merged: dict[str, str] = {}
    for doc in docs:
        parsed = parse_configuration_values(doc)
        if isinstance(parsed, Unknown):
            reason = f"a values document of {inst.address} is unknown: {parsed.reason}"
            env = Unknown(reason, parsed.key, inst.span_of("values"), cause=parsed.cause)
            break
        merged.update(parsed)
    else:
        env = merged
    sets = inst.values.get("set")
    for entry in sets if isinstance(sets, list) and not isinstance(env, Unknown) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        name = str(entry["name"])
        if not name.startswith("env."):
            continue
        value = entry.get("value")
        if isinstance(value, Unknown) or value is None:
            # A set entry needs a value: Helm refuses one without.
            cause = value.cause if isinstance(value, Unknown) else Cause.INVALID
            env = Unknown(f"{inst.address} set {name} is unknown", None, inst.span_of("set"), cause=cause)
            break
        assert isinstance(env, dict)
        env[name[4:]] = _env_string(value)
    facts.cni_sources.append(
        CniSource(
            inst.address, cluster_ref, env, inst.span_of("set", "values"), f"{inst.address} (chart {CHART})"
        )
    )


def local_exec(inst: ResourceInstance, cluster_ref: Value, facts: Facts) -> None:
    blocks = inst.values.get("provisioner.local-exec")
    for block in blocks if isinstance(blocks, list) else []:
        command = block.get("command") if isinstance(block, dict) else None
        if not isinstance(command, str):
            continue  # an unknown command cannot be read; it only matters if it sets CNI env
        text = command.replace("\\\n", " ")
        for m in _SET_ENV.finditer(text):
            if not _link(inst, cluster_ref, facts, "a kubectl command"):
                return
            env = _env_args(m.group(1))
            span = inst.span_of("provisioner.local-exec.command")
            facts.cni_sources.append(
                CniSource(inst.address, cluster_ref, env, span, f"{inst.address} kubectl set env")
            )


def _env_args(rest: str) -> dict[str, str]:
    try:
        words = shlex.split(rest.split("\n", 1)[0], comments=True)
    except ValueError:
        words = rest.split()
    out: dict[str, str] = {}
    for w in words:
        if w in ("&&", "||", ";", "|"):
            break
        m = _ENV_ARG.match(w)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def manifest(inst: ResourceInstance, cluster_ref: Value, facts: Facts) -> None:
    for doc in manifest_documents(inst):
        if not isinstance(doc, dict):
            continue
        kind = doc.get("kind")
        meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
        assert isinstance(meta, dict)
        if kind == "ENIConfig":
            if not _link(inst, cluster_ref, facts, "an ENIConfig manifest"):
                return
            spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
            assert isinstance(spec, dict)
            facts.eniconfigs.append(
                EniConfigFact(
                    inst.address, as_str(meta.get("name")), spec.get("subnet"), cluster_ref, inst.span
                )
            )
        elif kind == "DaemonSet" and meta.get("name") == "aws-node":
            if not _link(inst, cluster_ref, facts, "an aws-node DaemonSet manifest"):
                return
            facts.cni_sources.append(
                CniSource(
                    inst.address,
                    cluster_ref,
                    _daemonset_env(doc),
                    inst.span,
                    f"{inst.address} aws-node DaemonSet",
                )
            )


def daemonset_resource(inst: ResourceInstance, cluster_ref: Value, facts: Facts) -> None:
    """The Kubernetes provider's DaemonSet resource: metadata/spec/template/spec/container/env
    blocks (each a list of one or more objects), read as the manifest form."""
    meta = _first(inst.values.get("metadata"))
    if meta.get("name") != "aws-node" or not _link(inst, cluster_ref, facts, "the aws-node DaemonSet"):
        return
    pod_spec = _first(_first(_first(inst.values.get("spec")).get("template")).get("spec"))
    containers = pod_spec.get("container")
    doc: dict[str, Value] = {
        "spec": {"template": {"spec": {"containers": containers if isinstance(containers, list) else []}}}
    }
    facts.cni_sources.append(
        CniSource(
            inst.address, cluster_ref, _daemonset_env(doc), inst.span, f"{inst.address} aws-node DaemonSet"
        )
    )


def _first(blocks: Value) -> dict[str, Value]:
    if isinstance(blocks, list) and blocks and isinstance(blocks[0], dict):
        return blocks[0]
    return blocks if isinstance(blocks, dict) else {}


def manifest_documents(inst: ResourceInstance) -> list[Value]:
    if "manifest" in inst.values:  # kubernetes_manifest: an HCL object
        return [inst.values["manifest"]]
    if "yaml_body" in inst.encoded:  # yaml_body = yamlencode({...}): the structure itself
        return [inst.encoded["yaml_body"]]
    body = inst.values.get("yaml_body")
    if not isinstance(body, str):
        return []
    import yaml  # noqa: PLC0415 -- only manifests need it

    from eks_ip_lint.sources import yaml_budget  # noqa: PLC0415 -- imports PyYAML

    try:
        return [d for d in yaml_budget.safe_load_all(body) if d is not None]
    except yaml.YAMLError:
        return []


def _daemonset_env(doc: dict[str, Value]) -> dict[str, str] | Unknown:
    containers: Value = doc
    for key in ("spec", "template", "spec", "containers"):
        containers = containers.get(key) if isinstance(containers, dict) else None
    out: dict[str, str] = {}
    for c in containers if isinstance(containers, list) else []:
        if not isinstance(c, dict) or c.get("name") != "aws-node":
            continue
        env = c.get("env")
        for item in env if isinstance(env, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str) and "value" in item:
                value = item["value"]
                inner = first_unknown(value)
                if inner is not None:
                    return Unknown(f"aws-node env {item['name']} is unknown", cause=inner.cause)
                out[str(item["name"])] = _env_string(value)
    return out


def _env_string(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

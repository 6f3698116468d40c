"""The VPC CNI settings a cluster's nodes run with: chart defaults, then every carrier, then overrides.

env = CHART_DEFAULTS, updated by each carrier's env in the order the facts list them (an add-on's
configuration values, an aws-node DaemonSet, a Helm release: a later one wins, and a note says
which value replaced which), then by the what-if overrides; an IPv6 cluster forces
ENABLE_IPv6=true and ENABLE_PREFIX_DELEGATION=true. ipamd then parses the env as
``cni_settings.parse_env`` does. Sources: vpc-cni-model.md §6 (chart/manifest/add-on defaults),
§3 (what EKS sets for IPv6), §1.10 (settings that change consumption).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from eks_ip_lint.capacity.cni import minimum_only_stop
from eks_ip_lint.capacity.cni_settings import parse_env
from eks_ip_lint.capacity.records import EffectiveCni, MinimumOnlyStop
from eks_ip_lint.facts.model import CniSource
from eks_ip_lint.span import SourceSpan
from eks_ip_lint.values import Unknown

# Settings shipped by the aws-vpc-cni chart / manifest / add-on (vpc-cni-model.md §6).
CHART_DEFAULTS: Mapping[str, str] = {
    "WARM_ENI_TARGET": "1",
    "WARM_PREFIX_TARGET": "1",
    "ENABLE_PREFIX_DELEGATION": "false",
    "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "false",
    "ENABLE_POD_ENI": "false",
}
DEFAULT_ORIGIN = "aws-vpc-cni default"


def effective_cni(
    sources: Sequence[CniSource],
    ip_family: str | Unknown,
    override: Mapping[str, str],
    settings_where: str = "",
) -> EffectiveCni:
    """Chart defaults, then each carrier in order (later ones win), then ``override``.
    ``settings_where`` is where the cluster's IaC sets CNI env when no carrier does."""
    env = dict(CHART_DEFAULTS)
    origins = dict.fromkeys(env, DEFAULT_ORIGIN)
    notes: list[str] = []
    span: SourceSpan | None = None
    unknown: Unknown | None = None
    for src in sources:
        span = src.span
        if isinstance(src.env, Unknown):
            unknown = Unknown(
                f"{src.description}: {src.env.reason}", src.env.key, src.span, cause=src.env.cause
            )
            continue
        for key, value in src.env.items():
            if key in env and origins[key] != DEFAULT_ORIGIN and env[key] != value:
                notes.append(
                    f"{key}={value} from {src.description} overrides {key}={env[key]} from {origins[key]}"
                )
            env[key] = value
            origins[key] = f"{src.description} ({src.span})"
    for key, value in override.items():
        env[key] = value
        origins[key] = "suggested fix"
    if ip_family == "ipv6":
        # EKS sets ENABLE_IPv6 (and PD) on aws-node for IPv6 clusters (vpc-cni-model.md §3).
        env["ENABLE_IPv6"] = "true"
        env["ENABLE_PREFIX_DELEGATION"] = "true"
        origins["ENABLE_IPv6"] = "cluster ip_family ipv6"
    settings, parse_notes = parse_env(env)
    stop = minimum_only_stop(settings)
    return EffectiveCni(
        settings,
        env,
        origins,
        tuple(notes + list(parse_notes)),
        span,
        unknown,
        None if stop is None else MinimumOnlyStop(stop, stop + 1),
        f"the env of {sources[-1].description}" if sources else settings_where,
    )

"""Where node pools and Auto Mode are declared: each carrier read into facts (real parsers)."""

from __future__ import annotations

from pathlib import Path

from eks_ip_lint.engine import lint_paths
from eks_ip_lint.facts.model import Facts


def _facts(tmp_path: Path, name: str, text: str) -> list[Facts]:
    (tmp_path / name).write_text(text)
    return [u.capacity.facts for u in lint_paths([str(tmp_path)], use_cache=False).units]


def test_cloudformation_compute_config(tmp_path: Path) -> None:
    (facts,) = _facts(
        tmp_path,
        "template.yaml",
        """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: auto
      RoleArn: arn:aws:iam::111122223333:role/eks
      ComputeConfig:
        Enabled: true
        NodePools: [system]
      ResourcesVpcConfig:
        SubnetIds: [subnet-1]
""",
    )
    auto = facts.clusters[0].auto_mode
    assert auto is not None and (auto.enabled, auto.node_pools, auto.source) == (
        True,
        ("system",),
        "ComputeConfig",
    )


def test_eksctl_auto_mode_defaults_to_both_built_in_pools(tmp_path: Path) -> None:
    (facts,) = _facts(
        tmp_path,
        "cluster.yaml",
        """apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: auto
  region: us-west-2
autoModeConfig:
  enabled: true
""",
    )
    auto = facts.clusters[0].auto_mode
    # eksctl defaults nodePools to [general-purpose, system] (auto_mode.go:18-27, defaults.go:66-67).
    assert auto is not None and auto.node_pools == ("general-purpose", "system")


def test_helm_release_values_carry_a_node_pool(tmp_path: Path) -> None:
    (facts,) = _facts(
        tmp_path,
        "main.tf",
        """resource "helm_release" "pools" {
  name  = "karpenter-resources"
  chart = "raw"
  values = [<<-YAML
    resources:
      - apiVersion: karpenter.sh/v1beta1
        kind: NodePool
        metadata:
          name: batch
        spec:
          template:
            spec:
              nodeClassRef:
                name: default
              kubelet:
                maxPods: 110
          limits:
            cpu: 1k
  YAML
  ]
}
""",
    )
    (pool,) = facts.node_pools
    # v1beta1: maxPods on the NodePool's template; a quantity kept as written ("1k" = 1,000).
    assert (pool.name, pool.api_version, pool.max_pods, pool.limits) == (
        "batch",
        "karpenter.sh/v1beta1",
        110,
        (("cpu", "1k"),),
    )
    assert pool.address == "NodePool batch (helm_release.pools values resources.0)"


def test_other_kubernetes_yaml_is_not_a_unit(tmp_path: Path) -> None:
    units = _facts(tmp_path, "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n")
    assert units == []

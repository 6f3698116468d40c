"""eksctl ``efaEnabled`` node groups charge their EFA interfaces' addresses (issue 13, item 12).

eksctl gives an EFA-enabled node one EFA interface per network card of its instance type (the
primary on card 0, one more on each further card), each with a primary IPv4 address of the node's
subnet. AWS's table: p4d.24xlarge has 4 network cards, 15 ENIs of 50 IPv4 addresses on card 0.

By hand, at the warm pool floor (WARM_ENI_TARGET=1, one pod): 2 ENIs x 50 = 100 addresses, plus
the EFA interfaces on cards 1, 2 and 3: 100 + 3 = 103. A /23 has 512 - 5 = 507 usable addresses:
507 // 100 = 5 nodes per subnet without EFA, 507 // 103 = 4 with it; over three subnets 15 and 12.
A max size of 14 fits without EFA and not with it.
"""

from __future__ import annotations

from pathlib import Path

from testlib import RunJson

CONFIG = """\
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: training
  region: us-west-2
vpc:
  cidr: 10.0.0.0/16
  subnets:
    private:
      us-west-2a: {{ cidr: 10.0.0.0/23 }}
      us-west-2b: {{ cidr: 10.0.2.0/23 }}
      us-west-2c: {{ cidr: 10.0.4.0/23 }}
managedNodeGroups:
  - name: gpu
    instanceType: p4d.24xlarge
    minSize: 1
    maxSize: 14
    privateNetworking: true
    efaEnabled: {efa}
"""


def _run(tmp_path: Path, run_json: RunJson, efa: bool) -> tuple[int, dict[str, object]]:
    path = tmp_path / f"efa-{efa}.yaml"
    path.write_text(CONFIG.format(efa="true" if efa else "false"))
    code, report = run_json(str(path))
    (unit,) = report["units"]
    (cluster,) = unit["clusters"]
    (group,) = cluster["node_groups"]
    return code, group


def test_efa_interfaces_add_one_address_per_extra_network_card(tmp_path: Path, run_json: RunJson) -> None:
    plain_code, plain = _run(tmp_path, run_json, efa=False)
    efa_code, efa = _run(tmp_path, run_json, efa=True)
    assert plain["ips_per_node"]["floor"] == 100  # 2 ENIs x 50
    assert efa["ips_per_node"]["floor"] == 103  # + 3 EFA interfaces (cards 1-3)
    assert efa["ips_per_node"]["configured"] == plain["ips_per_node"]["configured"] + 3
    assert plain["max_nodes_supported"]["floor"] == 15  # 3 x (507 // 100)
    assert efa["max_nodes_supported"]["floor"] == 12  # 3 x (507 // 103)
    assert any("EFA" in note for note in efa["node"]["floor"]["notes"])
    # Max 14: the plain group's floor fits (15), the EFA group's does not (12).
    assert plain_code in (0, 1) and efa_code == 1

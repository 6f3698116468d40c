"""Explicit max pods in user data texts."""

from __future__ import annotations

import base64

from eks_ip_lint.facts.max_pods_config import max_pods_from_user_data


def test_forms_real_code_uses() -> None:
    assert max_pods_from_user_data("--kubelet-extra-args '--max-pods=110'") == 110
    assert max_pods_from_user_data('export KUBELET_EXTRA_ARGS="--max-pods 50"') == 50
    assert max_pods_from_user_data("spec:\n  kubelet:\n    config:\n      maxPods: 58\n") == 58
    assert max_pods_from_user_data("[settings.kubernetes]\nmax-pods = 17\n") == 17
    encoded = base64.b64encode(b"/etc/eks/bootstrap.sh c --kubelet-extra-args --max-pods=20").decode()
    assert max_pods_from_user_data(encoded) == 20
    # The last flag wins, as on kubelet's command line.
    assert max_pods_from_user_data("--max-pods=10 --max-pods=30") == 30
    assert max_pods_from_user_data("echo hello") is None
    assert max_pods_from_user_data(None) is None

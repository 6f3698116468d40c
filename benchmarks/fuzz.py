#!/usr/bin/env python3
"""A long fuzzing campaign over the robustness properties (not run in CI).

    python benchmarks/fuzz.py --seconds 600            # every target, time split evenly
    python benchmarks/fuzz.py --seconds 300 --target terraform

Runs the hypothesis properties of ``tests/robustness`` (mutated real fixtures, random bytes,
random intrinsic-function trees, the CLI on mutated trees) with random seeds until the time is up,
and stops at the first failure with hypothesis' shrunk reproduction. The CI run of the same
properties is bounded and derandomized (``pytest tests/robustness``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests" / "robustness"), str(REPO / "tests")]

import fuzzlib  # noqa: E402
import test_robustness_properties as props  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# Each target: the strategy and the property, as in the test module.
TARGETS: dict[str, tuple[st.SearchStrategy[object], Callable[[object], None]]] = {
    "terraform": (fuzzlib.mutated(fuzzlib.TERRAFORM_SEEDS), lambda d: fuzzlib.lint_files({"main.tf": d})),  # type: ignore[arg-type,dict-item]
    "terraform-random": (
        fuzzlib.random_bytes | fuzzlib.token_soup,
        lambda d: fuzzlib.lint_files({"main.tf": d}),
    ),  # type: ignore[arg-type,dict-item]
    "cloudformation": (
        st.tuples(fuzzlib.mutated(fuzzlib.CLOUDFORMATION_SEEDS), st.sampled_from((".yaml", ".json"))),
        lambda t: props._load_cfn(*t),  # type: ignore[misc]
    ),
    "intrinsics": (
        st.tuples(props.intrinsic_trees, props.intrinsic_trees),
        lambda t: props.Evaluator(props._template(t[0])).value(t[1]),  # type: ignore[index]
    ),
    "eksctl": (fuzzlib.mutated(fuzzlib.EKSCTL_SEEDS), props._load_eksctl),  # type: ignore[dict-item]
    "cli": (
        st.tuples(
            fuzzlib.mutated(fuzzlib.TERRAFORM_SEEDS),
            fuzzlib.mutated(fuzzlib.CLOUDFORMATION_SEEDS),
            fuzzlib.mutated(fuzzlib.EKSCTL_SEEDS),
        ),
        lambda t: fuzzlib.run_cli(  # type: ignore[misc]
            {"infra/main.tf": t[0], "stacks/template.yaml": t[1], "eksctl/cluster.yaml": t[2]},  # type: ignore[index]
            "--format",
            "json",
        ),
    ),
}


def campaign(name: str, seconds: float) -> int:
    strategy, prop = TARGETS[name]
    deadline = time.monotonic() + seconds
    examples = 0
    while time.monotonic() < deadline:

        @settings(
            max_examples=200,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def run(x: object) -> None:
            prop(x)

        run()
        examples += 200
    return examples


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=600)
    p.add_argument("--target", choices=sorted(TARGETS), action="append")
    ns = p.parse_args(argv)
    targets = ns.target or list(TARGETS)
    share = ns.seconds / len(targets)
    for name in targets:
        t0 = time.monotonic()
        n = campaign(name, share)
        print(f"{name}: {n} examples in {time.monotonic() - t0:.0f} s, no failure", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

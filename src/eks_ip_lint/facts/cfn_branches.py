"""Every branch of the undecidable conditions a template's capacity depends on.

A condition on ``AWS::Region`` or on a parameter without a value cannot be decided before
deploy. Instead of one Unknown, the template is analysed once per branch: the undecidable
``Fn::Equals`` (atoms, :class:`eks_ip_lint.cloudformation.intrinsics.Atom`) met while deciding the
conditions that capacity resources use are assigned true/false in every combination, impossible
ones dropped (a value equal to two different literals), and combinations that give the same
truth values to those conditions merged. Each branch is labelled by its conditions
(``InUsEast1=true``), and its findings say which branch fails.

Only conditions of the top-level template are branched; an undecidable condition inside a
nested stack's template stays an Unknown naming it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

from eks_ip_lint.cloudformation.intrinsics import Atom, Evaluator
from eks_ip_lint.values import Value

# Five atoms are 32 combinations, each a full analysis of the template; more than that and the
# conditions stay Unknowns (EKSIP002 names them) instead.
MAX_ATOMS = 5

CAPACITY_TYPES = frozenset(
    {
        "AWS::EC2::VPC",
        "AWS::EC2::VPCCidrBlock",
        "AWS::EC2::Subnet",
        "AWS::EKS::Cluster",
        "AWS::EKS::Nodegroup",
        "AWS::EKS::Addon",
        "AWS::EC2::LaunchTemplate",
        "AWS::AutoScaling::AutoScalingGroup",
        "AWS::AutoScaling::LaunchConfiguration",
        "AWS::CloudFormation::Stack",
    }
)


def used_conditions(template: Mapping[str, object]) -> list[str]:
    """Conditions named by capacity resources: their ``Condition`` and every ``Fn::If`` inside."""
    out: list[str] = []
    resources = template.get("Resources")
    for res in resources.values() if isinstance(resources, dict) else []:
        if not isinstance(res, dict) or res.get("Type") not in CAPACITY_TYPES:
            continue
        names = [res.get("Condition"), *_if_conditions(res.get("Properties"), 0)]
        out.extend(n for n in names if isinstance(n, str) and n not in out)
    return out


def _if_conditions(node: object, depth: int) -> Iterator[object]:
    if depth > 100:  # the decoder bounds depth already; this only keeps the walk total
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Fn::If" and isinstance(value, list) and value:
                yield value[0]
            yield from _if_conditions(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from _if_conditions(item, depth + 1)


def branches(
    template: Mapping[str, object], parameters: Mapping[str, Value]
) -> list[tuple[str, dict[str, bool]]]:
    """``(label, assumptions)`` per distinct branch; empty when there is nothing to branch on
    (every used condition decidable) or too much (more than :data:`MAX_ATOMS` atoms)."""
    base = Evaluator(template, parameters)
    undecided = [n for n in used_conditions(template) if base.condition(n) is None]
    atoms = dict(base.atoms)
    if not undecided or not atoms or len(atoms) > MAX_ATOMS:
        return []
    seen: dict[tuple[bool | None, ...], dict[str, bool]] = {}
    for bits in itertools.product((True, False), repeat=len(atoms)):
        assume = dict(zip(atoms, bits, strict=True))
        if _impossible(assume, atoms):
            continue
        ev = Evaluator(template, parameters, assume=assume)
        vector = tuple(ev.condition(n) for n in undecided)
        seen.setdefault(vector, assume)
    return [(_label(undecided, vector), assume) for vector, assume in seen.items()]


def _impossible(assume: Mapping[str, bool], atoms: Mapping[str, Atom]) -> bool:
    """A symbolic value cannot equal two different literals at once."""
    equal_to: dict[str, str] = {}
    for ident, truth in assume.items():
        atom = atoms[ident]
        if not truth or atom.key is None or atom.literal is None:
            continue
        if equal_to.setdefault(atom.key, atom.literal) != atom.literal:
            return True
    return False


def _label(names: list[str], vector: tuple[bool | None, ...]) -> str:
    shown = {True: "true", False: "false", None: "undecided"}
    return ", ".join(f"{n}={shown[v]}" for n, v in zip(names, vector, strict=True))

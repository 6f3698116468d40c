"""CloudFormation intrinsic functions -> our Values, known or Unknown with a symbolic key.

We evaluate templates ourselves instead of through cfn-lint's resolver: its resolver yields sets
of candidate values and gives up on ``Fn::Cidr`` and ``Fn::GetAtt``, which is exactly how real
templates compute subnet CIDRs (``!Select [0, !Cidr [!GetAtt VPC.CidrBlock, 3, 10]]``). Here every
expression has one value, and what only exists at deploy time is an :class:`Unknown` whose key
names it the same way everywhere:

* ``Ref`` to a resource: key ``LogicalId``; ``Fn::GetAtt`` to an attribute: ``LogicalId.Attr``
  (so a node group's ``!Ref PrivateSubnet1`` links to the subnet fact ``PrivateSubnet1``);
* pseudo parameters not supplied: key ``AWS::Region``, ``AWS::StackName``...;
* ``Fn::GetAZs``: key ``Fn::GetAZs(<region>)``, and ``Fn::Select`` on it ``...[i]``, so the AZs a
  template picks stay distinct without knowing their names.

A nested stack's template is evaluated by its own Evaluator with a key ``prefix`` (its logical
ID path, ``Network/``), given the values its parent passes as Parameters (Unknowns included, so a
parent's ``!Ref VPC`` keeps its key); the parent reads ``!GetAtt Network.Outputs.X`` from it.

Conditions that cannot be decided are made of *atoms*: the ``Fn::Equals`` whose sides are not
both known. Each one met is recorded in :attr:`Evaluator.atoms`; an Evaluator built with
``assume`` (atom -> truth value) decides them, which is how every branch of an undecidable
``Fn::If`` is checked (:mod:`eks_ip_lint.facts.cfn_branches`).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from eks_ip_lint.values import Cause, Unknown, Value, describe, first_unknown


class _NoValue:
    """``Ref AWS::NoValue``: removes the property or list item that holds it."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()
Result = Value | _NoValue

PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")
# Deepest intrinsic-function nesting evaluated, Mappings/GetAtt indirections included: a
# FindInMap whose Mappings entry is itself a FindInMap of the same entry must end as an Unknown,
# never a RecursionError. Real templates nest a handful of levels.
MAX_EVAL_DEPTH = 100


def parameter_value(decl: object, given: str | None) -> Value:
    """What ``Ref`` to a parameter returns: the given value, else its Default; lists split on ','."""
    spec = decl if isinstance(decl, dict) else {}
    type_ = str(spec.get("Type", "String"))
    if type_.startswith("AWS::SSM::Parameter::Value"):
        return Unknown(
            f"parameter type {type_} is read from SSM Parameter Store at deploy time", cause=Cause.DEPLOY_TIME
        )
    raw: object = given if given is not None else spec.get("Default")
    if raw is None:
        return None
    if type_.startswith("List<") or type_ == "CommaDelimitedList":
        if isinstance(raw, list):
            return [str(v) for v in raw]
        return [part.strip() for part in str(raw).split(",")] if str(raw) else []
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return raw if isinstance(raw, (str, int, float)) else str(raw)


@dataclass(frozen=True)
class Atom:
    """An ``Fn::Equals`` that cannot be decided: ``text`` says what it compares; ``key`` and
    ``literal`` are set when one side is a symbolic value and the other a known scalar (two atoms
    with the same key and different literals cannot both be true)."""

    text: str
    key: str | None = None
    literal: str | None = None


@dataclass(frozen=True)
class JoinedUnknown(Unknown):
    """``Fn::Join`` over items some of which are unknown: unknown as a string, but an
    ``Fn::Split`` on the same delimiter gives the items back. Templates pass subnet lists that way
    (``!Join [",", [!Ref A, !Ref B]]`` as a nested stack's output or a parameter, split again by
    the reader), and the subnets must stay linked by their keys through it."""

    parts: tuple[Value, ...] = ()
    delimiter: str = ","


class Evaluator:
    """Evaluates the intrinsic functions of one template, given its parameter values."""

    def __init__(
        self,
        template: Mapping[str, object],
        given: Mapping[str, Value] | None = None,
        *,
        prefix: str = "",
        assume: Mapping[str, bool] | None = None,
    ) -> None:
        self._given = dict(given or {})
        self.prefix = prefix
        self._assume = dict(assume or {})
        # Undecidable Fn::Equals met so far, by identity (see Atom); filled as conditions are read.
        self.atoms: dict[str, Atom] = {}
        # Nested stacks followed: logical ID -> the Evaluator of their template (set by the caller).
        self.nested: dict[str, Evaluator] = {}
        self._outputs = _section(template, "Outputs")
        self._parameters = _section(template, "Parameters")
        self._mappings = _section(template, "Mappings")
        self._conditions = _section(template, "Conditions")
        self._resources = _section(template, "Resources")
        self._condition_cache: dict[str, bool | None] = {}
        self._active: set[str] = set()  # GetAtt/Condition evaluation in progress (cycle guard)
        self._depth = 0

    # --- public ---------------------------------------------------------------------------------

    def value(self, node: object) -> Value:
        """The value of a template node; ``AWS::NoValue`` at top level reads as None (not set)."""
        out = self._eval(node)
        return None if isinstance(out, _NoValue) else out

    def text(self, node: object) -> str | Unknown:
        """A string for scanning (UserData): unknown ``Fn::Sub`` variables stay as ``${Name}``."""
        out = self._eval(node, lenient=True)
        if isinstance(out, str):
            return out
        if isinstance(out, Unknown):
            return out
        return Unknown(f"expected text, found {describe(out)}", cause=Cause.INVALID)

    def give(self, parameters: Mapping[str, Value]) -> None:
        """Parameter values passed by a parent stack (before anything is evaluated)."""
        self._given.update(parameters)
        self._condition_cache.clear()

    def output(self, name: str) -> Value:
        """The value of ``Outputs.<name>`` (what a parent's ``GetAtt Stack.Outputs.<name>`` reads)."""
        out = _section(self._outputs, name) if name in self._outputs else None
        if out is None or "Value" not in out:
            return Unknown(f"the nested template has no output {name}", cause=Cause.INVALID)
        condition = out.get("Condition")
        if isinstance(condition, str) and self.condition(condition) is False:
            return Unknown(
                f"output {name} is not created (its condition {condition} is false)", cause=Cause.INVALID
            )
        return self.value(out["Value"])

    def condition(self, name: str) -> bool | None:
        """A named condition: True/False when decidable from the inputs, None when it is not."""
        if name in self._condition_cache:
            return self._condition_cache[name]
        if name not in self._conditions or name in self._active:
            return None
        self._active.add(name)
        try:
            result = self._cond(self._conditions[name])
        finally:
            self._active.discard(name)
        self._condition_cache[name] = result
        return result

    # --- evaluation -----------------------------------------------------------------------------

    def _eval(self, node: object, lenient: bool = False) -> Result:
        self._depth += 1
        try:
            if self._depth > MAX_EVAL_DEPTH:
                return Unknown(
                    f"intrinsic functions nested deeper than {MAX_EVAL_DEPTH} levels", cause=Cause.UNSUPPORTED
                )
            return self._eval_node(node, lenient)
        finally:
            self._depth -= 1

    def _eval_node(self, node: object, lenient: bool) -> Result:
        if isinstance(node, dict):
            if len(node) == 1:
                ((key, arg),) = node.items()
                if key == "Ref":
                    return self._ref(arg)
                if isinstance(key, str) and key.startswith("Fn::"):
                    return self._fn(key, arg, lenient)
            out: dict[str, Value] = {}
            for k, v in node.items():
                ev = self._eval(v, lenient)
                if not isinstance(ev, _NoValue):
                    out[str(k)] = ev
            return out
        if isinstance(node, list):
            return [ev for ev in (self._eval(v, lenient) for v in node) if not isinstance(ev, _NoValue)]
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        return Unknown(f"unexpected template node {describe(node)}", cause=Cause.UNSUPPORTED)

    def _ref(self, arg: object) -> Result:
        if not isinstance(arg, str):
            return Unknown(f"Ref takes a name, found {describe(arg)}", cause=Cause.INVALID)
        if arg == "AWS::NoValue":
            return NO_VALUE
        if arg in self._given and (arg in PSEUDO_PARAMETERS or arg in self._parameters):
            given = self._given[arg]
            if (
                isinstance(given, JoinedUnknown)
                and given.delimiter == ","
                and _is_list_parameter(self._parameters.get(arg))
            ):
                return list(given.parts)  # a parent's !Join [",", [...]] into a List<...> parameter
            if isinstance(given, (Unknown, list)):
                return given  # from a parent stack: a symbolic value keeps its key
            return parameter_value(self._parameters.get(arg), None if given is None else _scalar_text(given))
        if arg in PSEUDO_PARAMETERS:
            return Unknown(
                f"{arg} is only known at deploy time (pass it as a parameter to fix it)",
                arg,
                cause=Cause.PSEUDO_PARAMETER,
            )
        if arg in self._parameters:
            value = parameter_value(self._parameters[arg], None)
            if value is None:
                return Unknown(
                    f"parameter {arg} has no Default and no value was given (--parameter {arg}=VALUE)",
                    f"{self.prefix}Parameters.{arg}",
                    cause=Cause.PARAMETER_UNSET,
                )
            return value
        if arg in self._resources:
            return Unknown(
                f"{self.prefix}{arg} ({_type_of(self._resources[arg])}) gets its identifier at deploy time",
                f"{self.prefix}{arg}",
                cause=Cause.DEPLOY_TIME,
            )
        return Unknown(f"Ref {arg}: no such parameter or resource in this template", cause=Cause.INVALID)

    def _fn(self, name: str, arg: object, lenient: bool) -> Result:
        handler = {
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::GetAZs": self._get_azs,
            "Fn::Cidr": self._cidr,
            "Fn::FindInMap": self._find_in_map,
            "Fn::If": self._if,
            "Fn::Base64": self._base64,
            "Fn::ToJsonString": self._to_json_string,
            "Fn::Length": self._length,
            "Fn::ImportValue": self._import_value,
        }.get(name)
        if handler is None:
            return Unknown(f"{name} is not evaluated by eks-ip-lint", cause=Cause.UNSUPPORTED)
        return handler(arg, lenient)

    def _get_att(self, arg: object, lenient: bool) -> Result:
        if isinstance(arg, str) and "." in arg:
            logical_id, attr = arg.split(".", 1)
        elif isinstance(arg, list) and len(arg) == 2:
            logical_id = str(arg[0])
            attr_value = self._eval(arg[1], lenient)
            if not isinstance(attr_value, str):
                return Unknown(
                    f"Fn::GetAtt {logical_id}: the attribute name is not known",
                    cause=_cause_or_invalid(attr_value),
                )
            attr = attr_value
        else:
            return Unknown(
                f"Fn::GetAtt takes [LogicalId, Attribute], found {describe(arg)}", cause=Cause.INVALID
            )
        resource = self._resources.get(logical_id)
        if resource is None:
            return Unknown(
                f"Fn::GetAtt {logical_id}.{attr}: no such resource in this template", cause=Cause.INVALID
            )
        type_ = _type_of(resource)
        key = f"{self.prefix}{logical_id}.{attr}"
        if type_ == "AWS::CloudFormation::Stack" and attr.startswith("Outputs."):
            child = self.nested.get(logical_id)
            if child is not None:
                return child.output(attr[len("Outputs.") :])
            return Unknown(
                f"{logical_id}.{attr} is an output of a nested stack whose template is not on disk "
                "(give it with --nested-template, or pass the value as a parameter)",
                key,
                cause=Cause.NESTED_TEMPLATE_NOT_GIVEN,
            )
        if type_ == "AWS::EC2::VPC" and attr == "CidrBlock":
            return self._property(logical_id, "CidrBlock", key)
        return Unknown(
            f"{self.prefix}{logical_id}.{attr} is only known at deploy time", key, cause=Cause.DEPLOY_TIME
        )

    def _property(self, logical_id: str, prop: str, key: str) -> Result:
        """A resource property read through GetAtt (the VPC's CidrBlock), with a cycle guard."""
        if logical_id in self._active:
            return Unknown(f"{key} refers to itself", key, cause=Cause.INVALID)
        props = _section(self._resources[logical_id], "Properties")
        if prop not in props:
            return Unknown(
                f"{key} is not set in the template (assigned at deploy time)", key, cause=Cause.DEPLOY_TIME
            )
        self._active.add(logical_id)
        try:
            return self._eval(props[prop])
        finally:
            self._active.discard(logical_id)

    def _sub(self, arg: object, lenient: bool) -> Result:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            template, variables = arg[0], {str(k): self._eval(v, lenient) for k, v in arg[1].items()}
        else:
            template, variables = arg, {}
        if not isinstance(template, str):
            return Unknown(f"Fn::Sub takes a string, found {describe(template)}", cause=Cause.INVALID)
        unknown: list[Unknown] = []

        def replace(m: re.Match[str]) -> str:
            name = m.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"  # ${!Literal} is written out as ${Literal}
            name = name.strip()
            if name in variables:
                value: Result = variables[name]
            elif "." in name and "::" not in name:
                value = self._get_att(name, lenient)
            else:
                value = self._ref(name)
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                return str(value)
            unknown.append(
                value
                if isinstance(value, Unknown)
                else Unknown(f"${{{name}}} is not a string", cause=Cause.INVALID)
            )
            return m.group(0)

        text = _SUB_VAR.sub(replace, template)
        if unknown and not lenient:
            return Unknown(f"Fn::Sub: {unknown[0].reason}", cause=unknown[0].cause)
        return text

    def _join(self, arg: object, lenient: bool) -> Result:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str)):
            return Unknown(f"Fn::Join takes [delimiter, list], found {describe(arg)}", cause=Cause.INVALID)
        items = self._eval(arg[1], lenient)
        if isinstance(items, Unknown):
            return Unknown(f"Fn::Join: {items.reason}", cause=items.cause)
        if not isinstance(items, list):
            return Unknown("Fn::Join needs a list", cause=Cause.INVALID)
        parts: list[str] = []
        unknown: Unknown | None = None
        for item in items:
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                parts.append(str(item))
            elif lenient and isinstance(item, Unknown):
                parts.append("${" + (item.key or "unknown") + "}")
            elif isinstance(item, Unknown):
                unknown = unknown or item
            else:
                return Unknown(f"Fn::Join: {describe(item)} is not a string", cause=Cause.INVALID)
        if unknown is not None:
            scalars = tuple(i if isinstance(i, Unknown) else str(i) for i in items)
            return JoinedUnknown(
                f"Fn::Join: {unknown.reason}", None, None, scalars, arg[0], cause=unknown.cause
            )
        return arg[0].join(parts)

    def _select(self, arg: object, lenient: bool) -> Result:
        if not (isinstance(arg, list) and len(arg) == 2):
            return Unknown(f"Fn::Select takes [index, list], found {describe(arg)}", cause=Cause.INVALID)
        index = _as_int(self._eval(arg[0], lenient))
        items = self._eval(arg[1], lenient)
        if isinstance(index, Unknown):
            return Unknown(f"Fn::Select index: {index.reason}", cause=index.cause)
        if isinstance(items, Unknown):
            key = f"{items.key}[{index}]" if items.key else None
            return Unknown(items.reason, key, cause=items.cause)
        if not isinstance(items, list):
            return Unknown(f"Fn::Select needs a list, found {describe(items)}", cause=Cause.INVALID)
        if not 0 <= index < len(items):
            return Unknown(
                f"Fn::Select index {index} is out of range for a list of {len(items)}", cause=Cause.INVALID
            )
        return items[index]

    def _split(self, arg: object, lenient: bool) -> Result:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and arg[0]):
            return Unknown(f"Fn::Split takes [delimiter, string], found {describe(arg)}", cause=Cause.INVALID)
        source = self._eval(arg[1], lenient)
        if (
            isinstance(source, JoinedUnknown)
            and source.delimiter == arg[0]
            and not any(isinstance(p, str) and arg[0] in p for p in source.parts)
        ):
            return list(source.parts)  # split(join(items)) is the items when none holds the delimiter
        if isinstance(source, Unknown):
            return Unknown(f"Fn::Split: {source.reason}", cause=source.cause)
        if not isinstance(source, str):
            return Unknown(f"Fn::Split needs a string, found {describe(source)}", cause=Cause.INVALID)
        return list(source.split(arg[0]))

    def _get_azs(self, arg: object, lenient: bool) -> Result:
        region = self._eval(arg, lenient) if arg not in ("", None) else self._ref("AWS::Region")
        if region == "":
            region = self._ref("AWS::Region")
        if isinstance(region, Unknown):
            label = region.key or "unknown region"
        elif isinstance(region, str):
            label = region
        else:
            return Unknown(f"Fn::GetAZs takes a region name, found {describe(region)}", cause=Cause.INVALID)
        # The AZ list is read at deploy time; the key keeps each selected AZ distinct.
        return Unknown(
            f"Fn::GetAZs({label}) lists the region's AZs at deploy time",
            f"Fn::GetAZs({label})",
            cause=Cause.DEPLOY_TIME,
        )

    def _cidr(self, arg: object, lenient: bool) -> Result:
        if not (isinstance(arg, list) and len(arg) == 3):
            return Unknown(
                f"Fn::Cidr takes [ipBlock, count, cidrBits], found {describe(arg)}", cause=Cause.INVALID
            )
        block, count, bits = (self._eval(a, lenient) for a in arg)
        if isinstance(block, Unknown):
            return Unknown(f"Fn::Cidr ipBlock: {block.reason}", cause=block.cause)
        count_i, bits_i = _as_int(count), _as_int(bits)
        for label, v in (("count", count_i), ("cidrBits", bits_i)):
            if isinstance(v, Unknown):
                return Unknown(f"Fn::Cidr {label}: {v.reason}", cause=v.cause)
        assert isinstance(count_i, int) and isinstance(bits_i, int)
        return cidr(str(block), count_i, bits_i)

    def _find_in_map(self, arg: object, lenient: bool) -> Result:
        if not (isinstance(arg, list) and len(arg) in (3, 4)):
            return Unknown(f"Fn::FindInMap takes [map, key, key], found {describe(arg)}", cause=Cause.INVALID)
        names = [self._eval(a, lenient) for a in arg[:3]]
        default = self._eval(arg[3], lenient) if len(arg) == 4 else None
        for n in names:
            if isinstance(n, Unknown):
                return Unknown(f"Fn::FindInMap key: {n.reason}", cause=n.cause)
        node: object = self._mappings
        for n in names:
            if not isinstance(node, dict) or str(n) not in node:
                if isinstance(default, dict) and "DefaultValue" in default:
                    return default["DefaultValue"]
                return Unknown(
                    f"Fn::FindInMap: {'.'.join(str(x) for x in names)} is not in Mappings",
                    cause=Cause.INVALID,
                )
            node = node[str(n)]
        return self._eval(node, lenient)

    def _if(self, arg: object, lenient: bool) -> Result:
        if not (isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)):
            return Unknown(
                f"Fn::If takes [condition, then, else], found {describe(arg)}", cause=Cause.INVALID
            )
        decided = self.condition(arg[0])
        if decided is not None:
            return self._eval(arg[1] if decided else arg[2], lenient)
        then, other = self._eval(arg[1], lenient), self._eval(arg[2], lenient)
        if then == other and first_unknown(then if not isinstance(then, _NoValue) else None) is None:
            return then  # both branches agree: the condition does not matter here
        # A condition is undecidable when what it compares has no value: parameters (pseudo
        # parameters too), which --parameter gives.
        return Unknown(
            f"Fn::If on condition {arg[0]}, which cannot be decided before deploy "
            f"(one branch gives {_show(then)}, the other {_show(other)})",
            cause=Cause.PARAMETER_UNSET,
        )

    def _base64(self, arg: object, lenient: bool) -> Result:
        # Only UserData uses it, and we read UserData's text: keep it decoded.
        return self._eval(arg, lenient)

    def _to_json_string(self, arg: object, lenient: bool) -> Result:
        value = self._eval(arg, lenient)
        u = first_unknown(value if not isinstance(value, _NoValue) else None)
        if u is not None:
            return Unknown(f"Fn::ToJsonString: {u.reason}", cause=u.cause)
        if isinstance(value, _NoValue):
            return Unknown("Fn::ToJsonString of AWS::NoValue", cause=Cause.INVALID)
        return json.dumps(value, separators=(",", ":"), default=str)

    def _length(self, arg: object, lenient: bool) -> Result:
        value = self._eval(arg, lenient)
        if isinstance(value, list):
            return len(value)
        return Unknown(
            f"Fn::Length: {value.reason if isinstance(value, Unknown) else 'not a list'}",
            cause=_cause_or_invalid(value),
        )

    def _import_value(self, arg: object, lenient: bool) -> Result:
        name = self._eval(arg, lenient)
        label = name if isinstance(name, str) else "an export whose name is unknown"
        return Unknown(
            f"Fn::ImportValue reads another stack's export ({label}) at deploy time; "
            "pass the value as a parameter instead",
            f"Fn::ImportValue({label})" if isinstance(name, str) else None,
            cause=Cause.IMPORT_VALUE,
        )

    # --- conditions -----------------------------------------------------------------------------

    def _cond(self, node: object) -> bool | None:
        self._depth += 1
        try:
            return None if self._depth > MAX_EVAL_DEPTH else self._cond_node(node)
        finally:
            self._depth -= 1

    def _cond_node(self, node: object) -> bool | None:
        if not (isinstance(node, dict) and len(node) == 1):
            return None
        ((key, arg),) = node.items()
        if key == "Condition" and isinstance(arg, str):
            return self.condition(arg)
        if not isinstance(arg, list):
            return None
        if key == "Fn::Equals" and len(arg) == 2:
            a, b = (self._eval(x) for x in arg)
            if isinstance(a, Unknown) or isinstance(b, Unknown):
                same = isinstance(a, Unknown) and isinstance(b, Unknown) and a.key is not None
                if same and a == b:
                    return True
                # A resource's Ref (its physical ID) is never empty: `!Equals [!Ref Vpc, ""]`,
                # the "was it created" test of optional resources, is false, not a branch.
                if (self._is_resource_ref(arg[0]) and b == "") or (self._is_resource_ref(arg[1]) and a == ""):
                    return False
                return self._atom(arg, a, b)
            return _cmp(a) == _cmp(b)
        parts = [self._cond(x) for x in arg]
        if key == "Fn::Not" and len(parts) == 1:
            return None if parts[0] is None else not parts[0]
        if key == "Fn::And":
            return False if False in parts else (None if None in parts else True)
        if key == "Fn::Or":
            return True if True in parts else (None if None in parts else False)
        return None

    def _is_resource_ref(self, node: object) -> bool:
        """``{"Ref": X}`` where X is a resource of this template (not a parameter or pseudo one)."""
        if not (isinstance(node, dict) and list(node) == ["Ref"]):
            return False
        name = node["Ref"]
        return isinstance(name, str) and name in self._resources and name not in self._parameters

    def _atom(self, arg: list[object], a: Result, b: Result) -> bool | None:
        """An undecidable ``Fn::Equals``: the assumed truth value, else None (and record it)."""
        ident = self.prefix + json.dumps(arg, sort_keys=True, default=str)
        if ident in self._assume:
            return self._assume[ident]
        if ident not in self.atoms:
            sym, lit = (a, b) if isinstance(a, Unknown) else (b, a)
            known = isinstance(sym, Unknown) and sym.key is not None and isinstance(lit, (str, int, float))
            self.atoms[ident] = Atom(
                f"{_label(a)} = {_label(b)}",
                sym.key if known and isinstance(sym, Unknown) else None,
                str(lit) if known else None,
            )
        return None


def cidr(block: str, count: int, bits: int) -> list[Value] | Unknown:
    """``Fn::Cidr``: the first ``count`` subnets of ``block`` with ``bits`` host bits each.

    CloudFormation's ``cidrBits`` is the size of each subnet (8 -> a /24 in IPv4, a /120 in
    IPv6), not the number of bits added to the prefix; subnets are taken from the start of the
    block. Invalid arguments fail the deploy, so they are Unknown here with the reason.
    """
    try:
        net = ipaddress.ip_network(block, strict=False)
    except ValueError:
        return Unknown(f"Fn::Cidr: {describe(block)} is not a CIDR block", cause=Cause.INVALID)
    new_prefix = net.max_prefixlen - bits
    if not 1 <= count <= 256:
        return Unknown(f"Fn::Cidr: count must be 1..256, found {count}", cause=Cause.INVALID)
    if bits < 0 or new_prefix < net.prefixlen:
        return Unknown(
            f"Fn::Cidr: {bits} cidrBits makes /{new_prefix} subnets, larger than {block}", cause=Cause.INVALID
        )
    available = 1 << (new_prefix - net.prefixlen)
    if count > available:
        return Unknown(
            f"Fn::Cidr: {block} holds only {available} /{new_prefix} subnets, {count} asked",
            cause=Cause.INVALID,
        )
    subnets = net.subnets(new_prefix=new_prefix)
    return [str(next(subnets)) for _ in range(count)]


def _section(node: object, name: str) -> dict[str, object]:
    value = node.get(name) if isinstance(node, dict) else None
    return value if isinstance(value, dict) else {}


def _type_of(resource: object) -> str:
    return str(resource.get("Type", "")) if isinstance(resource, dict) else ""


def _as_int(v: Result) -> int | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().isdigit():
        try:
            return int(v)
        except ValueError:  # "²".isdigit() is true, but it is not a number
            pass
    return Unknown(f"expected a whole number, found {describe(v)}", cause=Cause.INVALID)


def _cause_or_invalid(v: Result) -> Cause:
    """The cause of an unknown operand; an operand of the wrong kind is one the deploy rejects."""
    return v.cause if isinstance(v, Unknown) else Cause.INVALID


def _cmp(v: Result) -> object:
    """CloudFormation compares condition operands as strings ("3" equals 3)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return v


def _label(v: Result) -> str:
    """A side of an Fn::Equals, for a branch label: a symbolic value by its key."""
    if isinstance(v, Unknown):
        return v.key.removeprefix("Parameters.") if v.key else "(unknown)"
    return json.dumps(v, default=str) if not isinstance(v, str) else v


def _is_list_parameter(decl: object) -> bool:
    type_ = str(decl.get("Type", "")) if isinstance(decl, dict) else ""
    return type_.startswith("List<") or type_ == "CommaDelimitedList"


def _scalar_text(v: Value) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return v if isinstance(v, str) else json.dumps(v, default=str)


def _show(v: Result) -> str:
    if isinstance(v, Unknown):
        return f"an unknown value ({v.reason})"
    return repr(v)

"""Intrinsic functions on small templates, with the values CloudFormation itself would compute."""

from __future__ import annotations

import pytest

from eks_ip_lint.cloudformation.intrinsics import Evaluator, cidr
from eks_ip_lint.values import Unknown

TEMPLATE: dict[str, object] = {
    "Parameters": {
        "Env": {"Type": "String", "Default": "dev"},
        "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"},
        "Cidrs": {"Type": "CommaDelimitedList", "Default": "10.0.0.0/24, 10.0.1.0/24"},
        "Ami": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/aws/service/eks"},
    },
    "Mappings": {"Sizes": {"dev": {"Max": 6}, "prod": {"Max": 60}}},
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "InUsEast1": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
        "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "InUsEast1"}]},
        "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "InUsEast1"}]},
        "VpcCreated": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Vpc"}, ""]}]},
        "NoVpc": {"Fn::Equals": ["", {"Ref": "Vpc"}]},
        "NoSubnetParameter": {"Fn::Equals": [{"Fn::Join": [",", {"Ref": "Subnets"}]}, ""]},
    },
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {}},
        "Net": {"Type": "AWS::CloudFormation::Stack", "Properties": {}},
    },
}


def ev(node: object, **given: str) -> object:
    return Evaluator(TEMPLATE, given).value(node)


@pytest.mark.parametrize(
    ("block", "count", "bits", "expected"),
    [
        # cidrBits is the host bits of each subnet: 8 -> /24, 10 -> /22, taken from the start.
        ("10.0.0.0/16", 3, 8, ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]),
        ("10.0.0.0/16", 3, 10, ["10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"]),
        ("192.168.0.0/24", 2, 6, ["192.168.0.0/26", "192.168.0.64/26"]),
        # IPv6: 64 host bits -> /64s
        ("2001:db8::/56", 2, 64, ["2001:db8::/64", "2001:db8:0:1::/64"]),
    ],
)
def test_cidr(block: str, count: int, bits: int, expected: list[str]) -> None:
    assert cidr(block, count, bits) == expected


@pytest.mark.parametrize(
    ("block", "count", "bits"),
    [("10.0.0.0/24", 1, 9), ("10.0.0.0/24", 5, 6), ("10.0.0.0/16", 0, 8), ("not-a-cidr", 1, 8)],
)
def test_cidr_errors_are_unknown(block: str, count: int, bits: int) -> None:
    assert isinstance(cidr(block, count, bits), Unknown)


def test_select_cidr_getatt_with_string_numbers() -> None:
    node = {"Fn::Select": ["1", {"Fn::Cidr": [{"Fn::GetAtt": "Vpc.CidrBlock"}, "3", "10"]}]}
    assert ev(node) == "10.0.4.0/22"


def test_getazs_select_keeps_azs_distinct_and_region_forms_equal() -> None:
    a = ev({"Fn::Select": [0, {"Fn::GetAZs": ""}]})
    b = ev({"Fn::Select": [1, {"Fn::GetAZs": {"Ref": "AWS::Region"}}]})
    assert isinstance(a, Unknown) and isinstance(b, Unknown)
    assert (a.key, b.key) == ("Fn::GetAZs(AWS::Region)[0]", "Fn::GetAZs(AWS::Region)[1]")
    given = ev({"Fn::Select": [2, {"Fn::GetAZs": ""}]}, **{"AWS::Region": "eu-west-1"})
    assert isinstance(given, Unknown) and given.key == "Fn::GetAZs(eu-west-1)[2]"


def test_refs_parameters_pseudo_and_resources() -> None:
    assert ev({"Ref": "Env"}) == "dev"
    assert ev({"Ref": "Env"}, Env="prod") == "prod"
    assert ev({"Ref": "Cidrs"}) == ["10.0.0.0/24", "10.0.1.0/24"]
    assert ev({"Ref": "Subnets"}, Subnets="subnet-1,subnet-2") == ["subnet-1", "subnet-2"]
    missing = ev({"Ref": "Subnets"})
    assert isinstance(missing, Unknown) and "no Default" in missing.reason
    ssm = ev({"Ref": "Ami"})
    assert isinstance(ssm, Unknown) and "SSM" in ssm.reason
    stack = ev({"Ref": "AWS::StackName"})
    assert isinstance(stack, Unknown) and stack.key == "AWS::StackName"
    subnet = ev({"Ref": "Subnet"})
    assert isinstance(subnet, Unknown) and subnet.key == "Subnet"
    attr = ev({"Fn::GetAtt": ["Subnet", "AvailabilityZone"]})
    assert isinstance(attr, Unknown) and attr.key == "Subnet.AvailabilityZone"


def test_sub_join_split_findinmap() -> None:
    assert ev({"Fn::Sub": "${Env}-${!Literal}-${Vpc.CidrBlock}"}) == "dev-${Literal}-10.0.0.0/16"
    assert ev({"Fn::Sub": ["${A}/${Env}", {"A": "x"}]}) == "x/dev"
    assert isinstance(ev({"Fn::Sub": "${AWS::StackName}-c"}), Unknown)
    assert ev({"Fn::Join": ["-", ["a", {"Ref": "Env"}, 3]]}) == "a-dev-3"
    assert ev({"Fn::Split": [",", "a,b"]}) == ["a", "b"]
    assert ev({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Max"]}) == 6
    assert ev({"Fn::FindInMap": ["Sizes", "qa", "Max", {"DefaultValue": 1}]}) == 1
    assert ev({"Fn::ToJsonString": {"env": {"A": "1"}}}) == '{"env":{"A":"1"}}'


def test_if_and_conditions() -> None:
    assert ev({"Fn::If": ["IsProd", 60, 6]}) == 6
    assert ev({"Fn::If": ["IsProd", 60, 6]}, Env="prod") == 60
    # Or with a true operand is decided even though the region is unknown; And with a false one too.
    assert ev({"Fn::If": ["Either", "a", "b"]}, Env="prod") == "a"
    assert ev({"Fn::If": ["Both", "a", "b"]}) == "b"
    undecided = ev({"Fn::If": ["InUsEast1", 10, 20]})
    assert isinstance(undecided, Unknown) and "InUsEast1" in undecided.reason
    assert ev({"Fn::If": ["InUsEast1", 5, 5]}) == 5  # both branches agree
    assert ev({"Fn::If": ["InUsEast1", 10, 20]}, **{"AWS::Region": "us-east-1"}) == 10


def test_a_resource_ref_is_never_empty() -> None:
    """``!Equals [!Ref Vpc, ""]`` (issue 13 item 12): a resource's Ref is its physical ID, which
    CloudFormation never leaves empty, so the condition is decided; a parameter without a value
    compared to "" is not."""
    assert ev({"Fn::If": ["VpcCreated", "yes", "no"]}) == "yes"
    assert ev({"Fn::If": ["NoVpc", "yes", "no"]}) == "no"
    undecided = ev({"Fn::If": ["NoSubnetParameter", "yes", "no"]})
    assert isinstance(undecided, Unknown) and "NoSubnetParameter" in undecided.reason


def test_novalue_removes_items_and_keys() -> None:
    node = {"A": {"Ref": "AWS::NoValue"}, "B": [1, {"Fn::If": ["IsProd", 2, {"Ref": "AWS::NoValue"}]}]}
    assert ev(node) == {"B": [1]}


def test_import_value_and_nested_stack_outputs_are_unknown_with_reasons() -> None:
    imported = ev({"Fn::ImportValue": {"Fn::Sub": "${Env}-subnet"}})
    assert isinstance(imported, Unknown) and imported.key == "Fn::ImportValue(dev-subnet)"
    nested = ev({"Fn::GetAtt": ["Net", "Outputs.SubnetIds"]})
    assert isinstance(nested, Unknown) and "nested stack" in nested.reason

"""Terraform's IP network functions: cidrhost, cidrnetmask, cidrsubnet, cidrsubnets.

Addresses are plain ints here, so the arithmetic mirrors Terraform's (go-cidr) bit for bit,
including cidrsubnets' alignment rule. The stdlib ``ipaddress`` module parses and prints IPv6
(its compressed form is the RFC 5952 form Go prints); IPv4 is parsed by hand because Terraform
deliberately keeps accepting leading zeros ("010.0.0.0" is 10.0.0.0), which ``ipaddress`` rejects.
"""

from __future__ import annotations

import ipaddress

from eks_ip_lint.terraform.functions_common import Function, FunctionError, arg_int, arg_string
from eks_ip_lint.values import Value

_V4_BITS = 32
_V6_BITS = 128
_V4_MAPPED_PREFIX = 0xFFFF  # ::ffff:0:0/96, IPv4-mapped IPv6 addresses
# cidrsubnets refuses to add more than this many bits in one step (a Terraform portability rule).
_MAX_NEWBITS = 32


class _Network:
    """A parsed prefix: network address (host bits cleared), prefix length, address width."""

    def __init__(self, address: int, length: int, bits: int) -> None:
        self.address = address
        self.length = length
        self.bits = bits

    def host_mask(self, length: int) -> int:
        return (1 << (self.bits - length)) - 1

    def net_mask(self, length: int) -> int:
        return ((1 << self.bits) - 1) ^ self.host_mask(length)

    def contains(self, address: int) -> bool:
        return address & self.net_mask(self.length) == self.address

    def show(self, address: int, length: int | None = None) -> str:
        """An address (with ``/length`` when given) as Terraform prints it."""
        if self.bits == _V4_BITS:
            text = ".".join(str((address >> shift) & 0xFF) for shift in (24, 16, 8, 0))
        else:
            if address >> 32 == _V4_MAPPED_PREFIX:
                # Go prints these as dotted IPv4 and shortens their prefix length; rather than
                # mimic that corner, refuse it (it cannot occur in a real VPC plan).
                raise FunctionError("IPv4-mapped IPv6 addresses are not supported by eks-ip-lint")
            text = ipaddress.IPv6Address(address).compressed
        return text if length is None else f"{text}/{length}"


def _parse_ipv4(text: str) -> int | None:
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    octets = [int(p) for p in parts]
    if any(o > 0xFF for o in octets):
        return None
    return (octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]


def _parse_ipv6(text: str) -> int | None:
    if "%" in text:  # Python accepts a zone suffix; Go's CIDR parser does not
        return None
    try:
        address = int(ipaddress.IPv6Address(text))
    except ValueError:
        return None
    if address >> 32 == _V4_MAPPED_PREFIX:
        raise FunctionError("IPv4-mapped IPv6 prefixes are not supported by eks-ip-lint", "prefix")
    return address


def _parse_cidr(prefix: str) -> _Network:
    text, slash, length_text = prefix.partition("/")
    bits = _V4_BITS
    address: int | None = None
    for ch in text:  # Go decides by whichever of '.' and ':' comes first
        if ch == ".":
            address = _parse_ipv4(text)
            break
        if ch == ":":
            bits = _V6_BITS
            address = _parse_ipv6(text)
            break
    if address is None or not slash or not (length_text.isascii() and length_text.isdigit()):
        raise FunctionError(f"invalid CIDR expression: invalid CIDR address: {prefix}", "prefix")
    length = int(length_text)
    if length > bits:
        raise FunctionError(f"invalid CIDR expression: invalid CIDR address: {prefix}", "prefix")
    network = _Network(0, length, bits)
    network.address = address & network.net_mask(length)
    return network


def _cidrhost(args: list[Value]) -> Value:
    """cidrhost(prefix, hostnum)."""
    network = _parse_cidr(arg_string(args[0], "prefix"))
    hostnum = arg_int(args[1], "hostnum")
    max_host = network.host_mask(network.length)
    offset = hostnum
    if hostnum < 0:  # counts back from the last address; the error shows the translated number
        offset = -hostnum - 1
        hostnum = max_host - offset
    if offset > max_host:
        raise FunctionError(f"prefix of {network.length} does not accommodate a host numbered {hostnum}")
    return network.show(network.address | hostnum)


def _cidrnetmask(args: list[Value]) -> Value:
    """cidrnetmask(prefix)."""
    prefix = arg_string(args[0], "prefix")
    network = _parse_cidr(prefix)
    if network.bits != _V4_BITS:
        raise FunctionError(f"IPv6 addresses cannot have a netmask: {prefix}")
    return network.show(network.net_mask(network.length))


def _cidrsubnet(args: list[Value]) -> Value:
    """cidrsubnet(prefix, newbits, netnum)."""
    network = _parse_cidr(arg_string(args[0], "prefix"))
    newbits = arg_int(args[1], "newbits")
    netnum = arg_int(args[2], "netnum")
    if newbits < 0 or netnum < 0:
        # Terraform returns malformed prefixes for these (Go two's-complement arithmetic);
        # reproducing that would be a guess at undocumented behaviour, so refuse instead.
        raise FunctionError("negative newbits or netnum are not supported by eks-ip-lint")
    new_length = network.length + newbits
    if new_length > network.bits:
        raise FunctionError(f"insufficient address space to extend prefix of {network.length} by {newbits}")
    if netnum.bit_length() > newbits:  # netnum >= 1 << newbits, without building the shift
        raise FunctionError(f"prefix extension of {newbits} does not accommodate a subnet numbered {netnum}")
    address = network.address | (netnum << (network.bits - new_length))
    return network.show(address, new_length)


def _cidrsubnets(args: list[Value]) -> Value:
    """cidrsubnets(prefix, newbits...): consecutive subnets, each aligned to its own size."""
    network = _parse_cidr(arg_string(args[0], "prefix"))
    newbits = [arg_int(v, "newbits") for v in args[1:]]
    if not newbits:
        return []
    # Every step is checked before any arithmetic: a huge first step would make the shifts below
    # build astronomically large ints.
    for bits in newbits:
        if bits < 1:
            raise FunctionError("must extend prefix by at least one bit", "newbits")
        if bits > _MAX_NEWBITS:
            raise FunctionError(f"may not extend prefix by more than {_MAX_NEWBITS} bits", "newbits")
    size = 1 << network.bits
    # Start from the block of the first size just below the base, as go-cidr's PreviousSubnet does
    # (wrapping below address zero, which is why a base at 0.0.0.0 always fails, as in Terraform).
    current_length = network.length + newbits[0]
    current = ((network.address - 1) % size) & network.net_mask(min(current_length, network.bits))
    result: list[Value] = []
    for bits in newbits:
        length = network.length + bits
        if length > network.bits:
            family = "IPv4" if network.bits == _V4_BITS else "IPv6"
            raise FunctionError(
                f"would extend prefix to {length} bits, which is too long for an {family} address",
                "newbits",
            )
        # go-cidr's NextSubnet: the block of the new size holding the current block's last
        # address, then the block right after it.
        last = current | network.host_mask(current_length)
        following = ((last | network.host_mask(length)) + 1) % size
        if following == 0 or not network.contains(following):
            raise FunctionError(
                f"not enough remaining address space for a subnet with a prefix of {length} bits "
                f"after {network.show(current, current_length)}",
                "newbits",
            )
        current, current_length = following, length
        result.append(network.show(current, current_length))
    return result


FUNCTIONS: dict[str, Function] = {
    "cidrhost": Function(("prefix", "hostnum"), _cidrhost),
    "cidrnetmask": Function(("prefix",), _cidrnetmask),
    "cidrsubnet": Function(("prefix", "newbits", "netnum"), _cidrsubnet),
    "cidrsubnets": Function(("prefix",), _cidrsubnets, variadic="newbits"),
}

#!/usr/bin/env python3
"""Generate src/eks_ip_lint/capacity/_data/instance_types.csv from the shared instance_limits.csv
and instance_specs.csv.

Usage (from the repository root)::

    python scripts/gen_instance_data.py [SOURCE_CSV] [--specs SPECS_CSV] [--output PATH] [--check]

SOURCE_CSV defaults to ``../shared/data/instance_limits.csv`` relative to the repository root,
SPECS_CSV to ``instance_specs.csv`` next to it (see that directory's SOURCES.md for the provenance
and column meanings). The specs give each type's EC2 DefaultVCpus and memory (MiB), which bound a
Karpenter NodePool's node count by its ``limits``; a type they do not list keeps blank columns. The
output keeps only the columns the capacity model reads, one instance type per line sorted by name,
after a ``#`` provenance stamp (source file names and sha256, row count, generator). There is no
timestamp, so the same input always gives the same bytes and ``--check`` can diff-check the
committed file in CI.

Exit codes: 0 written (or up to date with --check), 1 refused (bad or too small input) or out of
date with --check, 2 usage error (argparse).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "instance_limits.csv"
DEFAULT_OUTPUT = REPO_ROOT / "src" / "eks_ip_lint" / "capacity" / "_data" / "instance_types.csv"
GENERATOR = "scripts/gen_instance_data.py"

# The shared table has 1,420 types (1,391 from the VPC CNI's own limits table). A table far below
# that means a truncated or wrong input; writing it would make most instance types "unknown".
MIN_ROWS = 1000

OUTPUT_COLUMNS = (
    "instance_type",
    "max_enis",
    "ipv4_per_eni",
    "hypervisor",
    "bare_metal",
    "is_trunking_compatible",
    "branch_interfaces",
    "network_cards",
    "vcpus",
    "memory_mib",
    "source",
)
# The columns that come from instance_limits.csv (vcpus and memory_mib come from the specs).
LIMIT_COLUMNS = tuple(c for c in OUTPUT_COLUMNS if c not in ("vcpus", "memory_mib"))
HYPERVISORS = frozenset({"nitro", "xen", "unknown"})
BOOLS = frozenset({"true", "false"})


class SourceError(Exception):
    """The source table is unusable: the generator refuses to write."""


def _check_row(line: int, row: dict[str, str]) -> list[str]:
    name = row["instance_type"].strip()
    if not name or name != name.lower() or "." not in name:
        raise SourceError(f"line {line}: bad instance_type {name!r}")
    for col in ("max_enis", "ipv4_per_eni", "network_cards"):
        if not row[col].isdigit() or int(row[col]) < 1:
            raise SourceError(f"line {line} ({name}): {col}={row[col]!r} is not a positive integer")
    if row["hypervisor"] not in HYPERVISORS:
        raise SourceError(f"line {line} ({name}): hypervisor={row['hypervisor']!r}")
    if row["bare_metal"] not in BOOLS:
        raise SourceError(f"line {line} ({name}): bare_metal={row['bare_metal']!r}")
    # Blank = not listed in the trunking table (ipamd then defaults IsTrunkingCompatible to true).
    if row["is_trunking_compatible"] not in BOOLS | {""}:
        raise SourceError(f"line {line} ({name}): is_trunking_compatible={row['is_trunking_compatible']!r}")
    if row["branch_interfaces"] and not row["branch_interfaces"].isdigit():
        raise SourceError(f"line {line} ({name}): branch_interfaces={row['branch_interfaces']!r}")
    if not row["source"]:
        raise SourceError(f"line {line} ({name}): empty source")
    return [name, *(row[c] for c in LIMIT_COLUMNS[1:])]


def read_specs(specs: Path) -> tuple[bytes, dict[str, tuple[str, str]]]:
    """(raw bytes, instance type -> (vCPUs, memory MiB)) of instance_specs.csv."""
    raw = specs.read_bytes()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    missing = [c for c in ("instance_type", "vcpus", "memory_mib") if c not in (reader.fieldnames or ())]
    if missing:
        raise SourceError(f"{specs.name}: missing column(s) {', '.join(missing)}")
    out: dict[str, tuple[str, str]] = {}
    for line, row in enumerate(reader, start=2):
        name = row["instance_type"].strip()
        for col in ("vcpus", "memory_mib"):
            if not row[col].isdigit() or int(row[col]) < 1:
                raise SourceError(
                    f"{specs.name} line {line} ({name}): {col}={row[col]!r} is not a positive integer"
                )
        if name in out:
            raise SourceError(f"{specs.name} line {line}: duplicate instance type {name}")
        out[name] = (row["vcpus"], row["memory_mib"])
    return raw, out


def render(source: Path, specs: Path | None = None) -> str:
    """The exact text of the generated table for ``source`` and its ``specs`` (default: the
    instance_specs.csv next to it); raises SourceError if unusable."""
    specs = specs if specs is not None else source.parent / "instance_specs.csv"
    raw = source.read_bytes()
    specs_raw, spec_rows = read_specs(specs)
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8")))
    missing = [c for c in LIMIT_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise SourceError(f"{source.name}: missing column(s) {', '.join(missing)}")
    rows: dict[str, list[str]] = {}
    for line, row in enumerate(reader, start=2):
        out = _check_row(line, row)
        if out[0] in rows:
            raise SourceError(f"line {line}: duplicate instance type {out[0]}")
        vcpus, memory = spec_rows.get(out[0], ("", ""))
        rows[out[0]] = [*out[:-1], vcpus, memory, out[-1]]
    if len(rows) < MIN_ROWS:
        raise SourceError(
            f"{source.name} has {len(rows)} instance types, fewer than the floor of {MIN_ROWS}: "
            "refusing to write"
        )
    buf = io.StringIO()
    buf.write(f"# GENERATED by {GENERATOR}: do not edit by hand; rerun the generator.\n")
    buf.write(f"# source: {source.name} sha256={hashlib.sha256(raw).hexdigest()}\n")
    buf.write(f"# rows: {len(rows)}\n")
    buf.write("# blank is_trunking_compatible / branch_interfaces = type not listed in the trunking table\n")
    buf.write(f"# specs: {specs.name} sha256={hashlib.sha256(specs_raw).hexdigest()}\n")
    buf.write("# blank vcpus / memory_mib = type not listed in the specs\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS)
    for name in sorted(rows):
        writer.writerow(rows[name])
    return buf.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE, help="instance_limits.csv")
    parser.add_argument(
        "--specs", type=Path, default=None, help="instance_specs.csv (default: next to SOURCE_CSV)"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="table to write or check")
    parser.add_argument("--check", action="store_true", help="exit 1 if the output file is not up to date")
    args = parser.parse_args(argv)
    source: Path = args.source
    output: Path = args.output
    try:
        text = render(source, args.specs)
    except (OSError, UnicodeDecodeError, SourceError) as exc:
        print(f"gen_instance_data: {exc}", file=sys.stderr)
        return 1
    if args.check:
        current = output.read_text(encoding="utf-8") if output.exists() else None
        if current != text:
            print(f"gen_instance_data: {output} is out of date; run {GENERATOR}", file=sys.stderr)
            return 1
        print(f"gen_instance_data: {output} is up to date")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8", newline="\n")
    rows = sum(1 for line in text.splitlines() if not line.startswith("#")) - 1  # minus the header
    print(f"gen_instance_data: wrote {rows} instance types to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Write (or --check) src/eks_ip_lint/sources/_data/hcl2_lalr.json: python-hcl2's LALR parse tables
built from the installed python-hcl2's grammar, stamped with its sha256 and lark's version
(src/eks_ip_lint/sources/hcl_tables.py says why and how they are used).

    python scripts/gen_hcl_tables.py          # after upgrading python-hcl2 or lark
    python scripts/gen_hcl_tables.py --check  # CI: the shipped tables match the installed grammar

lark numbers the LALR states in an order that varies between processes, so --check compares the
stamp (the grammar's sha256, lark's version), not the bytes; tests/sources/test_hcl_tables.py
parses every fixture with the shipped and the freshly built tables and compares the trees.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from eks_ip_lint.sources import hcl_tables

OUT = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "eks_ip_lint"
    / "sources"
    / "_data"
    / hcl_tables.DATA_FILE
)


def render() -> str:
    return json.dumps(hcl_tables.serialize(hcl_tables.build()), separators=(",", ":"), sort_keys=True) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="fail if the file is not what would be written")
    args = ap.parse_args()
    if args.check:
        current = json.loads(OUT.read_text(encoding="utf-8")) if OUT.exists() else {}
        if current.get("stamp") != hcl_tables.stamp():
            print(f"{OUT} is stale: run python scripts/gen_hcl_tables.py", file=sys.stderr)
            return 1
        return 0
    text = render()
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({len(text):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

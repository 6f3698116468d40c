"""Write rules/checkov/eksip_rules.json, the rule list the checkov checks register when the
eks-ip-lint program cannot be run (so every check FAILS with the reason instead of vanishing;
rules/checkov/eksip_checkov_support.py). It is ``eks-ip-lint --list-rules --format json``.

    python scripts/gen_checkov_rules.py          # write
    python scripts/gen_checkov_rules.py --check  # exit 1 when it is out of date (CI)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from eks_ip_lint.rules import ALL_RULES  # noqa: E402

TARGET = REPO / "rules" / "checkov" / "eksip_rules.json"


def text() -> str:
    rules = [
        {
            "id": r.meta.id,
            "name": r.meta.name,
            "severity": r.meta.severity.value,
            "summary": r.meta.summary,
            "docs": r.meta.docs_path,
        }
        for r in ALL_RULES
    ]
    return json.dumps(rules, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    ns = parser.parse_args(argv)
    want = text()
    if ns.check:
        if not TARGET.is_file() or TARGET.read_text(encoding="utf-8") != want:
            print(
                f"{TARGET.relative_to(REPO)} is out of date: run python scripts/gen_checkov_rules.py",
                file=sys.stderr,
            )
            return 1
        return 0
    TARGET.write_text(want, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

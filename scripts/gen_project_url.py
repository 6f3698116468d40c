"""Rewrite the project's public address in the repository's docs and files from the one constant,
``eks_ip_lint.project.PROJECT_URL``.

    python scripts/gen_project_url.py          # rewrite
    python scripts/gen_project_url.py --check  # exit 1 when a file names another address (CI)

An address is ``https://github.com/OWNER/eks-ip-lint`` (any owner), with ``.git`` or a path
after it, the Action's ``uses: OWNER/eks-ip-lint@`` and the image ``ghcr.io/OWNER/eks-ip-lint``. The files are the tracked text files of
the repository (git ls-files), tests/fixtures excepted.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from eks_ip_lint.project import ACTION_NAME, IMAGE, PROJECT_URL  # noqa: E402

SUFFIXES = (".md", ".yml", ".yaml", ".toml", ".py", ".txt", ".cfg")
NAMES = ("Dockerfile", ".pre-commit-hooks.yaml")
SKIP = ("tests/fixtures/", "src/eks_ip_lint/project.py", "scripts/gen_project_url.py")
URL = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/eks-ip-lint(?![A-Za-z0-9_-])")
USES = re.compile(r"(uses:\s*)[A-Za-z0-9_.-]+/eks-ip-lint@")
GHCR = re.compile(r"ghcr\.io/[A-Za-z0-9_.-]+/eks-ip-lint(?![A-Za-z0-9_-])")
# Spelled in two parts so this file does not hold the placeholder it looks for.
PLACEHOLDERS = ("YOUR" + "-ORG", "OWNER" + "/eks-ip-lint")


def files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    out = []
    for name in filter(None, listed.split("\0")):
        path = REPO / name
        if name.startswith(SKIP) or not path.is_file():
            continue
        if name.endswith(SUFFIXES) or path.name in NAMES:
            out.append(path)
    return out


def rewrite(text: str) -> str:
    text = URL.sub(PROJECT_URL, text)
    text = GHCR.sub(IMAGE, text)
    return USES.sub(lambda m: f"{m.group(1)}{ACTION_NAME}@", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="report files that differ, change nothing")
    ns = parser.parse_args(argv)
    stale = []
    for path in files():
        text = path.read_text(encoding="utf-8")
        new = rewrite(text)
        placeholder = [p for p in PLACEHOLDERS if p in new]
        if placeholder:
            stale.append(f"{path.relative_to(REPO)}: placeholder {placeholder[0]}")
        if new != text:
            stale.append(f"{path.relative_to(REPO)}: names another address than {PROJECT_URL}")
            if not ns.check:
                path.write_text(new, encoding="utf-8")
    if ns.check and stale:
        print("\n".join(stale), file=sys.stderr)
        print("run: python scripts/gen_project_url.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

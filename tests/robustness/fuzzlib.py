"""Shared pieces of the robustness suite and of ``benchmarks/fuzz.py``: seed corpora, mutation
strategies and the properties every input must satisfy.

The properties: no exception escapes a loader, the engine or the CLI; the CLI exits 0, 1 or 2
(3 would be an internal error); every EKSIP000 finding names a file that was scanned and a line
inside it.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import strategies as st

from eks_ip_lint.cli import main
from eks_ip_lint.engine import LintRequest, LintResult, lint

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


def _corpus(*globs: str) -> list[bytes]:
    out: list[bytes] = []
    for pattern in globs:
        for p in sorted(REPO.glob(pattern)):
            if p.is_file() and p.stat().st_size < 200_000:
                out.append(p.read_bytes())
    return out


TERRAFORM_SEEDS = _corpus(
    "tests/fixtures/terraform/**/*.tf", "examples/**/*.tf", "tests/fixtures/terraform/**/*.tfvars"
)
CLOUDFORMATION_SEEDS = _corpus(
    "tests/fixtures/cloudformation/templates/**/*.yaml",
    "tests/fixtures/cloudformation/templates/**/*.json",
    "tests/fixtures/cloudformation/templates/**/*.template",
)
EKSCTL_SEEDS = _corpus("tests/fixtures/eksctl/configs/*.yaml")

# Fragments that break (or half-break) HCL, YAML and JSON in interesting ways.
TOKENS: tuple[bytes, ...] = (
    b"{", b"}", b"[", b"]", b"(", b")", b'"', b"'", b"${", b"%{", b"$${", b"}}", b"\\", b"\\u12",
    b"<<EOT\n", b"<<-EOT\n", b"EOT\n", b"  EOT\n", b"\x00", b"\xff", b"\xc3", b"\xe2\x82", b"\xef\xbb\xbf",
    b"\n", b"\r\n", b"\t", b"#", b"//", b"/*", b"*/", b"=", b"==", b",", b"...", b"=>", b"?", b":", b"!",
    b"for x in", b"if", b"null", b"true", b"-1", b"1e309", b"0x", b"99999999999999999999999", b"count = ",
    b"for_each = ", b"[*]", b".*", b"!Ref ", b"!GetAtt ", b"!Sub ", b"!Select ", b"&a ", b"*a", b"- ",
    b"Fn::If", b"Fn::Cidr", b"Ref", b"? ", b"---\n", b"...\n", b"%YAML 1.1\n", b"!!python/object ",
    b'"Fn::Select"', b"\xf0\x9f\x98\x80", "\u2028".encode(), b"\x1b[",
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed file with 1-8 random edits: byte and line deletions, duplications, swaps, and
    insertions of tokens that open or close constructs (braces, quotes, ``${``, heredoc
    markers), NUL bytes and invalid UTF-8."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 8))):
        n = len(data)
        op = draw(
            st.sampled_from(("del", "dup", "swap", "ins", "del_line", "dup_line", "swap_lines", "trunc"))
        )
        if n == 0:
            op = "ins"
        if op == "ins":
            at = draw(st.integers(0, n))
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op in ("del", "dup"):
            a = draw(st.integers(0, n - 1))
            b = min(n, a + draw(st.integers(1, 40)))
            if op == "del":
                del data[a:b]
            else:
                data[b:b] = data[a:b]
        elif op == "swap":
            a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
            data[a], data[b] = data[b], data[a]
        elif op == "trunc":
            del data[draw(st.integers(0, n - 1)) :]
        else:
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if op == "del_line":
                del lines[i]
            elif op == "dup_line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


# Random text that is not derived from any seed: anything at all, and token soup.
random_bytes = st.binary(max_size=400)
token_soup = st.lists(st.sampled_from(TOKENS) | st.binary(max_size=4), max_size=60).map(b"".join)


@contextmanager
def scratch_dir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="eksip-fuzz-"))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def line_count(data: bytes) -> int:
    """Lines as a reader of the file counts them; an empty file still has line 1."""
    return max(1, data.count(b"\n") + (0 if data.endswith(b"\n") else 1))


def check_input_problems(result: LintResult, files: dict[str, bytes]) -> None:
    """Every EKSIP000 finding names one of ``files`` and a line inside it."""
    for f in result.findings:
        assert "internal error" not in f.message, f.message
        if f.rule_id != "EKSIP000":
            continue
        assert f.span.path in files, f"EKSIP000 for a file that was not written: {f.span.path} ({f.message})"
        assert 1 <= f.span.line <= line_count(files[f.span.path]), (
            f"EKSIP000 line {f.span.line} outside {f.span.path} "
            f"({line_count(files[f.span.path])} lines): {f.message}"
        )


def lint_files(files: dict[str, bytes]) -> LintResult:
    """Write ``files`` (relative name -> bytes) to a fresh directory and lint it in-process.

    Paths in the result are as the engine reports them (under the temp dir); the returned
    findings are checked against the files with :func:`check_input_problems`.
    """
    with scratch_dir() as d:
        for name, data in files.items():
            (d / name).parent.mkdir(parents=True, exist_ok=True)
            (d / name).write_bytes(data)
        result = lint(LintRequest(paths=(str(d),)))
        check_input_problems(result, {str(d / name): data for name, data in files.items()})
        return result


def run_cli(files: dict[str, bytes], *extra: str) -> tuple[int, str, str]:
    """Run ``eks-ip-lint`` in-process on ``files``; asserts the exit code is 0, 1 or 2 and that
    stderr carries no internal error or traceback."""
    with scratch_dir() as d:
        for name, data in files.items():
            (d / name).parent.mkdir(parents=True, exist_ok=True)
            (d / name).write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        cwd = os.getcwd()
        try:
            os.chdir(d)
            with redirect_stdout(out), redirect_stderr(err):
                code = main([".", *extra])
        finally:
            os.chdir(cwd)
    assert code in (0, 1, 2), f"exit code {code}; stderr: {err.getvalue()}"
    assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue(), err.getvalue()
    assert "internal error" not in out.getvalue(), out.getvalue()
    return code, out.getvalue(), err.getvalue()

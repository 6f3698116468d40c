"""file() and templatefile(): reading files of the user's module, and only those.

A path is read only when it resolves (symlinks followed) to a regular file inside the calling
module's own directory tree: a configuration must not make the linter read ``/etc/passwd`` or a
secret beside the repository. Anything else is an Unknown that says why, which EKSIP002 reports.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import fs, hcl
from eks_ip_lint.sources import hcl_ast as ast
from eks_ip_lint.terraform.eval_errors import EvalError
from eks_ip_lint.values import Cause, Unknown, Value

# Same ceiling as for .tf files: a template larger than this is not configuration.
MAX_TEMPLATE_BYTES = 1024 * 1024


class MissingFileError(EvalError):
    """file()/templatefile() of a path where no file exists. Terraform fails there; the evaluator
    makes it an Unknown outside ``try()``/``can()`` (the file is often written by a step before
    plan, or ignored by git), so that one attribute is unknown, not the object around it."""


def read_module_file(roots: tuple[str, tuple[str, ...]] | None, path: str) -> str | Unknown:
    """The text of ``path``, or an Unknown with the reason. ``roots`` is (the directory relative
    paths start from: Terraform's working directory, the root module; the directory trees that
    may be read); ``path.module`` in the expression already makes paths module-relative."""
    if roots is None:
        return Unknown(f"file {path!r} is not read here", cause=Cause.FILE_NOT_READ)
    base, allowed = roots
    full = fs.realpath(path if os.path.isabs(path) else os.path.join(base, path))
    if not any(os.path.commonpath([fs.realpath(a), full]) == fs.realpath(a) for a in allowed):
        return Unknown(
            f"file {path!r} is outside the module's directory, so eks-ip-lint does not read it",
            cause=Cause.FILE_NOT_READ,
        )
    if not fs.isfile(full):
        raise MissingFileError(f'no file exists at "{path}"')
    try:
        raw = fs.read(full, MAX_TEMPLATE_BYTES + 1)
        if len(raw) > MAX_TEMPLATE_BYTES:
            return Unknown(f"file {path!r} is larger than 1 MiB and is not read", cause=Cause.FILE_NOT_READ)
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise EvalError(f'contents of "{path}" are not valid UTF-8') from None
    except OSError as exc:
        return Unknown(f"file {path!r} cannot be read: {exc.strerror or exc}", cause=Cause.FILE_NOT_READ)


def template_expression(text: str, path: str) -> ast.Expr:
    """Parse a template file; InputError becomes EvalError (Terraform rejects a bad template too)."""
    try:
        return hcl.parse_template(text, path)
    except InputError as exc:
        raise EvalError(f"invalid template {path!r}: {exc.message}") from None


def template_vars(value: Value) -> Mapping[str, Value]:
    if not isinstance(value, dict):
        raise EvalError("templatefile() vars must be an object")
    return value


# fileset() walks at most this many directory entries: a module is not a file system.
MAX_FILESET_ENTRIES = 10_000


def fileset(roots: tuple[str, tuple[str, ...]] | None, path: str, pattern: str) -> list[Value] | Unknown:
    """fileset(path, pattern): the files below ``path`` whose path relative to it matches the
    glob, sorted (a set of strings), as Terraform lists them. ``*`` and ``?`` stay within one
    directory, ``**`` spans any number, ``[...]`` and ``{a,b}`` as in Terraform's doublestar globs.
    Only inside the module's trees (as file()); anything else is an Unknown saying why."""
    if roots is None:
        return Unknown(f"fileset({path!r}) is not read here", cause=Cause.FILE_NOT_READ)
    base, allowed = roots
    full = fs.realpath(path if os.path.isabs(path) else os.path.join(base, path))
    if not any(os.path.commonpath([fs.realpath(a), full]) == fs.realpath(a) for a in allowed):
        return Unknown(
            f"fileset({path!r}) is outside the module's directory, so eks-ip-lint does not list it",
            cause=Cause.FILE_NOT_READ,
        )
    matcher = re.compile(_glob_regex(pattern))
    found: list[str] = []
    pending = [""]
    seen = 0
    while pending:
        relative = pending.pop()
        directory = os.path.join(full, relative) if relative else full
        if not fs.isdir(directory):
            continue
        for name in fs.listdir(directory):
            seen += 1
            if seen > MAX_FILESET_ENTRIES:
                return Unknown(
                    f"fileset({path!r}) has more than {MAX_FILESET_ENTRIES:,} entries; not listed",
                    cause=Cause.FILE_NOT_READ,
                )
            child = f"{relative}/{name}" if relative else name
            if fs.isdir(os.path.join(full, child)):
                pending.append(child)
            elif matcher.fullmatch(child):
                found.append(child)
    return [*sorted(found)]


def _glob_regex(pattern: str) -> str:
    """A doublestar glob as a regular expression over '/'-separated relative paths."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[" and "]" in pattern[i + 2 :]:
            end = pattern.index("]", i + 2)
            body = pattern[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append(f"[{'^' if negate else ''}{body.replace(chr(92), chr(92) * 2)}]")
            i = end + 1
            continue
        elif c == "{" and "}" in pattern[i:]:
            end = pattern.index("}", i)
            out.append("(?:" + "|".join(_glob_regex(p) for p in pattern[i + 1 : end].split(",")) + ")")
            i = end + 1
            continue
        elif c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)

"""A content-addressed cache of parsed files (HCL, CloudFormation), in the user's cache directory.

python-hcl2's parser is the slowest stage of a run (about 100-200 kB/s of ``.tf`` text, see
``benchmarks/RESULTS.md``), and in a monorepo almost every file is unchanged between two runs.
:func:`cached_parse` keys a file's parse result, or its syntax error, by the sha256 of its text
plus everything that shapes the result (this package's version, a stamp of the installed
python-hcl2 and lark, and the source of the two modules that build the AST), so a stale entry
can never be served: any change makes a different key. Where the file lives is not part of the
key; the stored tree is re-labelled with the path being parsed.

Location: ``$XDG_CACHE_HOME/eks-ip-lint`` (else ``~/.cache/eks-ip-lint``; ``~/Library/Caches``
on macOS, ``%LOCALAPPDATA%`` on Windows), overridden by ``EKS_IP_LINT_CACHE_DIR``. Opt out with
``EKS_IP_LINT_NO_CACHE=1``, or for one run with :func:`scope` (the engine's, from the
request's ``use_cache``: ``--no-cache``). A cache that cannot be
read or written (read-only home, full disk, a corrupt entry) is silently bypassed: the cache only
ever saves time, it never changes a result or fails a run.

CloudFormation templates are cached the same way (:func:`cached_decode`): decoding them needs
cfn-lint, whose import alone takes about half a second, so a warm run with unchanged templates
never imports it. Their key stamps cfn-lint's decoder and version file instead, plus the source
of the modules that turn its tree into a :class:`~eks_ip_lint.sources.lined.LinedDocument`.
Other YAML documents read with lines (eksctl ClusterConfigs) are cached the same way: PyYAML's
pure-Python composer takes a couple of milliseconds per file.

Entries are data, never code: this package's own records encoded by :mod:`cache_codec` (JSON,
rebuilt through the records' constructors and checked against their annotations), sealed with an
HMAC under a key kept in the directory, read only from the user's own regular files
(:mod:`cache_files`). A directory another user owns or can write is not used. What a forger can
and cannot do is in ``docs/security.md``.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import hashlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from eks_ip_lint import __version__
from eks_ip_lint.errors import InputError
from eks_ip_lint.sources import cache_codec, cache_files, fs

if TYPE_CHECKING:
    from eks_ip_lint.sources import hcl_ast as ast

# Bump when the stored layout changes in a way the source hash below would not catch. 1 was
# pickles (never read since: see cache_codec), 2 is cache_codec's JSON, sealed by cache_files.
FORMAT = 2
SUFFIX = ".entry"
MAX_ENTRY_BYTES = cache_files.MAX_ENTRY_BYTES
ENV_DISABLE = "EKS_IP_LINT_NO_CACHE"
ENV_DIR = "EKS_IP_LINT_CACHE_DIR"

Parse = Callable[[str, str], "ast.HclFile"]
T = TypeVar("T")

# Files above the readers' size limit are refused by them, never parsed ahead.
_MAX_AHEAD_BYTES = 5 * 1024 * 1024
# _salt_of's per-process memo, by kind of entry (tests replace an entry).
_salts: dict[str, bytes] = {}


# Whether the run in this context may use the cache (scope); the environment can only turn it off.
_in_scope: contextvars.ContextVar[bool] = contextvars.ContextVar("eks_ip_lint_cache", default=True)


def enabled() -> bool:
    """Whether this run uses the cache: in scope, not switched off, and the cache directory is
    the user's own (:func:`cache_files.root_key`; another user's is not used, and the run says so)."""
    if not _in_scope.get():
        return False
    if os.environ.get(ENV_DISABLE, "").strip().lower() in ("1", "true", "yes", "on"):
        return False
    return cache_files.root_key(cache_dir()) is not None


@contextlib.contextmanager
def scope(use: bool) -> Iterator[None]:
    """Within it, the caches are used only if ``use`` (and the environment does not turn them
    off): a request's setting, without a process-wide variable another run would see."""
    token = _in_scope.set(use)
    try:
        yield
    finally:
        _in_scope.reset(token)


def cache_dir() -> Path:
    """Where entries live (the directory need not exist yet)."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        base = Path(xdg)
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    elif sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        base = Path.home() / ".cache"
    return base / "eks-ip-lint"


# What shapes each kind of entry besides its input: the installed third-party code that produces
# it (an import name and the part of its directory that matters: cfn-lint's decoder is its
# ``decode`` package, and ``version.py`` catches everything else an upgrade changes) and our
# modules (in this directory) that turn that code's output into our records.
PRODUCERS: dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    "parse-cache": ((("hcl2", ""), ("lark", "")), ("hcl.py", "hcl_ast.py", "hcl_tables.py")),
    "cfn-decode": ((("cfnlint", "decode"), ("cfnlint", "version.py")), ("cloudformation.py", "lined.py")),
    "yaml-lines": ((("yaml", ""),), ("yaml_decode.py", "lined.py")),
    "yaml-lines-all": ((("yaml", ""),), ("yaml_decode.py", "lined.py")),
}


def _salt_of(kind: str) -> bytes:
    """What decides a ``kind`` of entry besides its input (:data:`PRODUCERS`): this package's
    version, a stamp of the producing third-party code and the source of our modules; computed
    once per process."""
    if kind not in _salts:
        packages, modules = PRODUCERS[kind]
        h = hashlib.sha256(f"eks-ip-lint-{kind}\0{FORMAT}\0{__version__}\0".encode())
        for package, part in packages:
            h.update(installed_stamp(package, part))
        here = Path(__file__).resolve().parent
        for name in modules:
            try:
                h.update((here / name).read_bytes())
            except OSError:
                h.update(name.encode())
        _salts[kind] = h.digest()
    return _salts[kind]


# The distribution each stamped import package comes from, for its RECORD (see installed_stamp).
DISTRIBUTIONS = {
    "eks_ip_lint": "eks_ip_lint",
    "hcl2": "python_hcl2",
    "lark": "lark",
    "cfnlint": "cfn_lint",
    "yaml": "pyyaml",
}
# Files a package writes next to itself at run time: never part of what it is.
_RUNTIME_FILES = frozenset({".lark_cache.bin"})


def installed_stamp(package: str, part: str) -> bytes:
    """What identifies the installed code under ``part`` of ``package``, found without importing it.

    By content where the installer recorded it: the sha256 of every file under ``part`` as listed
    in the distribution's ``RECORD`` (written by pip at install). A reinstall of the same version
    into a fresh virtual environment, and so a CI cache restored into one, has the same stamp; an
    upgrade has another. Without a RECORD that lists the files (an editable install, a source
    checkout on ``PYTHONPATH``), the name, size and mtime of every file, so an edit misses.

    Not importlib.metadata: importing it (email, zipfile, csv...) and searching sys.path for the
    distribution took 20-30 ms of every run, more than the rest of a warm run's cache lookups.
    """
    import importlib.util  # noqa: PLC0415

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    roots = list(spec.submodule_search_locations or []) if spec is not None else []
    if not roots:
        return f"{package}:not installed\0".encode()
    recorded = _recorded_hashes(roots[0], package, part)
    if recorded is not None:
        return f"{package}/{part}:record\0".encode() + recorded
    top = os.path.join(roots[0], part) if part else roots[0]
    out = [f"{package}/{part}".encode()]
    for path in [top] if os.path.isfile(top) else _files_under(top):
        if os.path.basename(path) in _RUNTIME_FILES:
            continue
        try:
            st = os.stat(path)
        except OSError:
            continue
        out.append(f"{os.path.relpath(path, roots[0])}:{st.st_size}:{st.st_mtime_ns}".encode())
    return b"\0".join(out) + b"\0"


def _recorded_hashes(root: str, package: str, part: str) -> bytes | None:
    """The RECORD lines (path and hash) of the files under ``package/part``, sorted; None when
    no RECORD of the package's distribution lists any (or its files are not where it says)."""
    distribution = DISTRIBUTIONS.get(package)
    site = os.path.dirname(root)
    if distribution is None or os.path.basename(root) != package:
        return None
    record = _dist_infos(site).get(distribution)
    if record is None:
        return None
    prefix = f"{package}/{part}" if part else f"{package}/"
    lines = [
        line.strip()
        for line in _record_lines(record)
        if line.startswith(prefix) and ",sha256=" in line and "/__pycache__/" not in line
    ]
    return "\n".join(sorted(lines)).encode() + b"\0" if lines else None


@functools.cache
def _dist_infos(site: str) -> dict[str, str]:
    """Normalised distribution name -> its RECORD's path, for one site-packages directory."""
    try:
        names = os.listdir(site)
    except OSError:
        return {}
    return {
        n.split("-", 1)[0].lower().replace(".", "_").replace("-", "_"): os.path.join(site, n, "RECORD")
        for n in names
        if n.endswith(".dist-info")
    }


@functools.cache
def _record_lines(path: str) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8") as fh:
            return tuple(fh)
    except (OSError, UnicodeDecodeError):
        return ()


def _files_under(top: str) -> list[str]:
    found: list[str] = []
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found.extend(os.path.join(root, f) for f in sorted(files))
    return found


def cached_decode(
    decoder: str, raw: bytes, decode: Callable[[], T], accept: Callable[[object], T | None]
) -> T:
    """``decode()`` of a document whose bytes are ``raw`` by ``decoder`` (a kind of
    :data:`PRODUCERS`), or its stored result.

    ``accept`` turns a stored value back into a result (re-labelled with the path being read), or
    None when the entry is not one (then the document is decoded again and the entry overwritten).
    """
    if not enabled():
        return decode()
    where = entry(_document_key(decoder, raw))
    stored = accept(load(where))
    if stored is not None:
        return stored
    result = decode()
    store(where, result)
    return result


def _document_key(decoder: str, raw: bytes) -> str:
    return hashlib.sha256(_salt_of(decoder) + raw).hexdigest()


def _read_ahead(path: str) -> bytes | None:
    """A file's bytes for a parse ahead; None when it is unreadable or above the readers' limit."""
    try:
        raw = fs.read(path, _MAX_AHEAD_BYTES + 1)  # the length the readers ask for: one read each
    except OSError:
        return None
    return None if len(raw) > _MAX_AHEAD_BYTES else raw


def hcl_is_cached(path: str) -> bool:
    """Whether :func:`cached_parse` would find ``path``'s text; True as well for a file that
    cannot be read as text (nothing to parse ahead: the engine reports it)."""
    raw = _read_ahead(path)
    try:
        return raw is None or entry(cache_key(raw.decode("utf-8-sig"))).is_file()
    except UnicodeDecodeError:
        return True


def document_is_cached(path: str) -> bool:
    """Whether :func:`cached_decode` would find ``path``'s bytes decoded as a CloudFormation
    template (True when unreadable)."""
    raw = _read_ahead(path)
    return raw is None or entry(_document_key("cfn-decode", raw)).is_file()


def cache_key(text: str) -> str:
    return hashlib.sha256(_salt_of("parse-cache") + text.encode("utf-8", "surrogatepass")).hexdigest()


def entry(key: str, root: Path | None = None, area: str = "") -> Path:
    """Where the entry of ``key`` lives: parse results in 256 folders by the key's first two
    digits (their number grows with every file content ever parsed); other kinds (``area``: the
    unit cache's "units", one entry per path) in one flat folder of their own, so that a cold run
    does not create a few hundred folders for them."""
    # One join of strings: a warm run looks up hundreds of entries, and each pathlib "/" parses.
    base = root or cache_dir()
    if area:
        return Path(os.path.join(base, f"v{FORMAT}", area, f"{key}{SUFFIX}"))
    return Path(os.path.join(base, f"v{FORMAT}", key[:2], f"{key}{SUFFIX}"))


def cached_parse(path: str, text: str, parse: Parse, *, use_cache: bool | None = None) -> ast.HclFile:
    """``parse(path, text)``, or the stored result of parsing the same text before.

    A syntax error is cached too and raised again as an :class:`InputError` naming ``path``.
    ``use_cache=False`` (or ``EKS_IP_LINT_NO_CACHE=1`` when ``use_cache`` is None) parses directly.
    """
    if not (enabled() if use_cache is None else use_cache):
        return parse(path, text)
    # Imported here: the AST's ~40 record classes are not needed by a run the unit cache serves.
    from eks_ip_lint.sources import hcl_ast as ast  # noqa: PLC0415

    where = entry(cache_key(text))
    stored = load(where)
    if isinstance(stored, ast.HclFile):
        return dataclasses.replace(stored, path=path) if stored.path != path else stored
    if isinstance(stored, tuple) and len(stored) == 2:
        message, line = stored
        raise InputError(str(message), path, int(line))
    try:
        result = parse(path, text)
    except InputError as exc:
        store(where, (exc.message, exc.line))
        raise
    store(where, result)
    return result


def load(where: Path) -> object:
    """The value stored at ``where``; None when there is none, it cannot be read, or it is not an
    authentic entry of this cache (:mod:`cache_files`): then the caller computes it again."""
    root = where.parents[2]
    key = cache_files.root_key(root)
    if key is None or not cache_files.folder_ok(root, where.parent, create=False):
        return None
    try:
        payload = cache_files.unseal(key, where.name, cache_files.read_regular(where, MAX_ENTRY_BYTES))
        return None if payload is None else cache_codec.loads(payload)
    except cache_files.Untrusted as exc:
        cache_files.say_once(f"{exc}: not used")
        return None
    except (OSError, cache_codec.Invalid):  # none yet, or not one this code wrote: computed again
        return None


def store(where: Path, value: object) -> None:
    """Store ``value`` at ``where`` (see :func:`cache_files.write_exclusive`); a cache that cannot
    be written, or a value the data-only encoding does not carry, is skipped."""
    root = where.parents[2]
    key = cache_files.root_key(root)
    if key is None:
        return
    try:
        payload = cache_codec.dumps(value)
        if len(payload) > MAX_ENTRY_BYTES or not cache_files.folder_ok(root, where.parent, create=True):
            return
        cache_files.write_exclusive(where, cache_files.seal(key, where.name, payload))
    except (OSError, TypeError, ValueError, RecursionError):
        pass  # read-only or full cache directory, or a value of no record type: run uncached


def clear() -> int:
    """Delete every entry of this format; returns how many files were removed."""
    removed = 0
    root = cache_dir() / f"v{FORMAT}"
    if not root.is_dir():
        return 0
    for p in [*root.rglob(f"*{SUFFIX}"), *cache_dir().glob("v1/**/*.pickle")]:  # and format 1's pickles
        try:
            p.unlink()
            removed += 1
        except OSError:
            pass
    return removed

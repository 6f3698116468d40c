"""Every question the analysis of a unit asks the file system, asked here and remembered.

Two jobs, both for speed without changing a result:

1. In a :func:`session` (one run of the engine) each question is put to the OS once: the
   prefilter, the parse-ahead and the readers share one read of each file.
2. While a :func:`recording` is open, each question is logged with a digest of its answer. The
   facts of a unit are a function of those answers (besides the request and the code), so
   :mod:`eks_ip_lint.unit_cache` may serve a stored result when every logged question still gets
   the same answer (:func:`check`): the dynamic-dependency check of build systems such as
   Shake, here with the dependencies found by running the analysis itself, so a file that a
   ``file()`` call, a local module or a nested stack adds is a dependency without anyone listing it.

The rule that makes this sound: while a unit is computed (``terraform/``, ``facts/`` and the
readers in ``sources/``), the file system is touched only through this module.
``tests/test_fs_discipline.py`` holds the package to it with an audit hook over every fixture.

Errors are answers too: a file that cannot be read raises the same ``OSError`` (errno and message)
from the memo, and a log entry records it, so a file that becomes readable invalidates the result.

A read is logged with the digest (sha256) of what was read and, when the file had not changed for
:data:`SETTLED_NS` before it was read, with its stat stamp (device, inode, size, mtime, ctime).
:func:`check` trusts an equal stamp without reading the file again, as mypy's incremental
cache and git's index do; a different stamp (a fresh checkout, ``touch``) falls back to the
digest. Why the stamp is safe: any write sets the file's ctime to the current time, which no
tool can set back, so a file written after it was read has a newer ctime, unless the write fell
in the same timestamp tick as the stamp's ctime. Taking stamps only of files that had been left
alone for seconds rules that out (git calls the other case "racily clean"). On Windows, where
st_ctime is the creation time, no stamps are taken: files are always checked by content. Like
git's and make's, the shortcut trusts what stat reports: on a network file system that caches
attributes (NFS ``acregmax``), another client's edit shows once the cached attributes expire.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import NoReturn

# A file's stat stamp: device, inode, size, mtime and ctime (ns).
Stamp = tuple[int, int, int, int, int]
# One logged question: (operation, path, argument), a digest of the answer and, for a read of a
# settled file, its stamp.
Question = tuple[str, str, int]
Op = tuple[Question, bytes, Stamp | None]

# A file's stamp is logged only if it had not changed for this long when it was read.
SETTLED_NS = 3_000_000_000
# Not on Windows, whose st_ctime is the creation time: a same-size rewrite with its mtime put back
# (rsync -t --inplace) would keep the stamp. Files there are always checked by content.
STAMPS = os.name != "nt"


@dataclass
class _Read:
    """One read of a file: its first ``limit`` bytes (all of it when shorter), the stamp of the
    file as it was opened, and the digests of the prefixes asked for, each made from these very
    bytes (a digest kept apart from its bytes could be paired with a later read's stamp)."""

    data: bytes
    limit: int
    stamp: Stamp | None  # None when the file had changed just before it was read
    digests: dict[int, bytes] = field(default_factory=dict)  # by prefix length

    def complete_for(self, limit: int) -> bool:
        return limit <= self.limit or len(self.data) < self.limit

    def digest(self, limit: int) -> bytes:
        size = min(limit, len(self.data))
        if size not in self.digests:
            self.digests[size] = hashlib.sha256(self.data[:size]).digest()
        return self.digests[size]


class _Failure:
    """An OSError as an answer: raised again, the same, on every later question. Answers a read
    as a :class:`_Read` does (a digest, no stamp), so callers need not tell them apart."""

    __slots__ = ("errno", "outside", "strerror")
    stamp: Stamp | None = None

    def __init__(self, exc: OSError) -> None:
        self.errno = exc.errno
        self.strerror = exc.strerror or str(exc)
        self.outside = isinstance(exc, OutsideTree)

    def raise_for(self, path: str) -> NoReturn:
        raise (OutsideTree if self.outside else OSError)(self.errno, self.strerror, path)

    def digest(self, limit: int = 0) -> bytes:
        return f"error:{self.errno}:{self.strerror}".encode()


class _Session:
    def __init__(self) -> None:
        self.reads: dict[str, _Read | _Failure] = {}
        self.answers: dict[Question, object] = {}
        self.stamps: dict[str, Stamp | None] = {}
        self.real: dict[str, str] = {}


# What a read or listing outside the scanned tree answers (docs/security.md): the same whether or
# not anything is there, and naming nothing but the path the reader asked for.
OUTSIDE = "outside the scanned tree, not read (eks-ip-lint reads only below the paths it is given; see --allow-outside)"


class OutsideTree(PermissionError):
    """A path that resolves (symlinks followed) outside every root of :func:`confine`."""


# Context variables, not module globals: runs in two threads (a library caller, a plugin host)
# must neither share a memo nor log into each other's recordings.
_session_var: ContextVar[_Session | None] = ContextVar("eks_ip_lint_fs_session", default=None)
_recordings_var: ContextVar[tuple[list[Op], ...]] = ContextVar("eks_ip_lint_fs_recordings", default=())
# The real paths of the trees a run may read (confine); None: anywhere (a library caller's parse).
_roots_var: ContextVar[tuple[str, ...] | None] = ContextVar("eks_ip_lint_fs_roots", default=None)


@contextlib.contextmanager
def confine(roots: Iterable[str]) -> Iterator[None]:
    """Within it, a file or directory whose real path (symlinks resolved) is not at or below one
    of ``roots`` is never read or listed: a read or a listing fails with :class:`OutsideTree`
    and ``isdir``/``isfile`` answer False, whether or not it exists. Every reader asks through
    this module, so none can be pointed outside by a link, ``../``, an absolute path or a
    manifest. Part of what a unit's result depends on: the unit cache keys entries by the roots."""
    token = _roots_var.set(tuple(sorted({os.path.realpath(r) for r in roots})))
    try:
        yield
    finally:
        _roots_var.reset(token)


def roots() -> tuple[str, ...] | None:
    """The roots of the current :func:`confine`, or None."""
    return _roots_var.get()


def outside(path: str) -> bool:
    """Whether ``path`` resolves outside the confined roots (False when not confined); asked
    like any other question, so a unit's entry checks it again."""
    return bool(_answer("outside", path))


def _outside(path: str) -> bool:
    allowed = _roots_var.get()
    if allowed is None:
        return False
    real = _realpath(path)
    return not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in allowed)


def _realpath(path: str) -> str:
    """``os.path.realpath``, from the session's memo: a directory's once per run, then one
    ``lstat`` per file (most files are not links)."""
    memo = _session_var.get()
    if memo is None:
        return os.path.realpath(path)
    known = memo.real.get(path)
    if known is None:
        parent, name = os.path.split(os.path.abspath(path))
        if not name or name in (".", "..") or parent == path:
            known = os.path.realpath(path)
        else:
            real_parent = memo.real.get(parent) or _realpath(parent)
            joined = os.path.join(real_parent, name)
            known = os.path.realpath(joined) if os.path.islink(joined) else joined
        memo.real[path] = known
    return known


@contextlib.contextmanager
def session() -> Iterator[None]:
    """One run: answers are remembered until it ends (a file edited afterwards is read again).
    Inside another session, that one goes on."""
    token = _session_var.set(_session_var.get() or _Session())
    try:
        yield
    finally:
        _session_var.reset(token)


@contextlib.contextmanager
def recording(log: list[Op]) -> Iterator[list[Op]]:
    """Log every question asked inside the block (and inside nested recordings) to ``log``."""
    token = _recordings_var.set((*_recordings_var.get(), log))
    try:
        yield log
    finally:
        _recordings_var.reset(token)


def recording_now() -> bool:
    """Whether a recording is open (in this thread or task)."""
    return bool(_recordings_var.get())


def _log(question: Question, digest: bytes, stamp: Stamp | None = None) -> None:
    for log in _recordings_var.get():
        log.append((question, digest, stamp))


def _digest(value: object) -> bytes:
    """The digest of a metadata answer (a listing, a bool, a path, an error)."""
    if isinstance(value, _Failure):
        return value.digest()
    return repr(value).encode()


def read(path: str, limit: int) -> bytes:
    """The first ``limit`` bytes of ``path`` (all of it when shorter); OSError as ``open`` raises it."""
    got = _read(path, limit)
    if _recordings_var.get():
        _log(("read", path, limit), got.digest(limit), got.stamp)
    if isinstance(got, _Failure):
        got.raise_for(path)
    return got.data[:limit]


def _read(path: str, limit: int) -> _Read | _Failure:
    """The session's read of ``path`` when it covers ``limit``, else a new one (remembered)."""
    memo = _session_var.get()
    known = memo.reads.get(path) if memo is not None else None
    if isinstance(known, _Failure) or (known is not None and known.complete_for(limit)):
        return known
    got = _read_file(path, limit)
    if memo is not None:
        memo.reads[path] = got
    return got


def _read_file(path: str, limit: int) -> _Read | _Failure:
    if _outside(path):
        return _Failure(OutsideTree(errno.EACCES, OUTSIDE, path))
    try:
        # O_NONBLOCK: opening a FIFO named like a source file must not wait for a writer forever;
        # anything but a regular file is refused below, before a byte is read.
        with open(path, "rb", opener=_nonblocking) as fh:
            st = os.fstat(fh.fileno())
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))  # as open() says it
            if not stat.S_ISREG(st.st_mode):
                raise OSError(errno.EINVAL, f"not a regular file ({_file_kind(st.st_mode)})")
            # read(limit) would allocate ``limit`` bytes (5 MiB) for every small file, and freeing
            # those mappings cost more than the reads: ask for a bounded read only when needed.
            data = fh.read(min(limit, st.st_size + 1) if st.st_size else limit)
    except OSError as exc:
        return _Failure(exc)
    settled = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) >= SETTLED_NS
    return _Read(data, limit, _stamp(st) if settled and STAMPS else None)


def _nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device")):
        if test(mode):
            return name
    return "a special file"


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _current_stamp(path: str) -> Stamp | None:
    """The file's stamp now, once per run."""
    memo = _session_var.get()
    assert memo is not None
    if path not in memo.stamps:
        try:
            memo.stamps[path] = _stamp(os.stat(path))
        except OSError:
            memo.stamps[path] = None
    return memo.stamps[path]


def _ask(op: str, path: str) -> object:
    """The answer to a metadata question, from the session's memo or the OS."""
    question = (op, path, 0)
    memo = _session_var.get()
    if memo is not None and question in memo.answers:
        return memo.answers[question]
    answer: object
    try:
        if op == "outside":
            answer = _outside(path)
        elif op in ("listdir", "isdir", "isfile") and _outside(path):
            if op == "listdir":
                raise OutsideTree(errno.EACCES, OUTSIDE, path)
            answer = False  # nothing outside is there, as far as the run is concerned
        elif op == "listdir":
            answer = tuple(sorted(os.listdir(path)))
        elif op == "isdir":
            answer = os.path.isdir(path)
        elif op == "isfile":
            answer = os.path.isfile(path)
        elif op == "realpath":
            answer = os.path.realpath(path)
        else:  # pragma: no cover - a programming error
            raise ValueError(op)
    except OSError as exc:
        answer = _Failure(exc)
    if memo is not None:
        memo.answers[question] = answer
    return answer


def _answer(op: str, path: str) -> object:
    answer = _ask(op, path)
    if _recordings_var.get():
        _log((op, path, 0), _digest(answer))
    if isinstance(answer, _Failure):
        answer.raise_for(path)
    return answer


def listdir(path: str) -> list[str]:
    """``os.listdir``, sorted by name."""
    answer = _answer("listdir", path)
    assert isinstance(answer, tuple)
    return list(answer)


def isdir(path: str) -> bool:
    return bool(_answer("isdir", path))


def isfile(path: str) -> bool:
    return bool(_answer("isfile", path))


def realpath(path: str) -> str:
    return str(_answer("realpath", path))


def check(log: list[Op]) -> tuple[bool, list[Op] | None]:
    """Whether every question in ``log`` gets the same answer now; and, when it does and a read
    could only be checked by its content (no stamp, or another one: a checkout touched the file)
    but the file has settled since, the log with the new stamps, so that the next check of it
    does not read the file again."""
    refreshed: list[Op] = []
    better = False
    with session():  # the stamps and reads of one check are remembered for the next
        for question, digest, stamp in log:
            op, path, arg = question
            now = stamp
            if op != "read":
                if _digest(_ask(op, path)) != digest:
                    return False, None
            elif stamp is None or _current_stamp(path) != stamp:  # else untouched since read
                got = _read(path, arg)
                if got.digest(arg) != digest:
                    return False, None
                now = got.stamp or stamp
            better = better or now != stamp
            refreshed.append((question, digest, now))
    return True, refreshed if better else None

"""Every question the analysis of a unit asks the file system, asked here and remembered.

Two jobs, both for speed without changing a result:

1. In a :func:`session` (one run of the engine) each question is put to the OS once: the
   prefilter, the parse-ahead and the readers share one read of each file.
2. While a :func:`recording` is open, each question is logged with a digest of its answer. The
   facts of a unit are a function of those answers (besides the request and the code), so
   :mod:`eks_ip_lint.unit_cache` may serve a stored result when every logged question still gets
   the same answer (:func:`unchanged`): the dynamic-dependency check of build systems such as
   Shake, here with the dependencies found by running the analysis itself, so a file that a
   ``file()`` call, a local module or a nested stack adds is a dependency without anyone listing it.

The rule that makes this sound: while a unit is computed (``terraform/``, ``facts/`` and the
readers in ``sources/``), the file system is touched only through this module.
``tests/test_fs_discipline.py`` holds the package to it with an audit hook over every fixture.

Errors are answers too: a file that cannot be read raises the same ``OSError`` (errno and message)
from the memo, and a log entry records it, so a file that becomes readable invalidates the result.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

# One logged question: (operation, path, argument) and a digest of the answer.
Question = tuple[str, str, int]
Op = tuple[Question, bytes]


@dataclass
class _Read:
    data: bytes
    limit: int  # data is the first ``limit`` bytes, or the whole file when shorter


class _Failure:
    """An OSError as an answer: raised again, the same, on every later question."""

    __slots__ = ("errno", "strerror")

    def __init__(self, exc: OSError) -> None:
        self.errno = exc.errno
        self.strerror = exc.strerror or str(exc)

    def raise_for(self, path: str) -> None:
        raise OSError(self.errno, self.strerror, path)

    def digest(self) -> bytes:
        return f"error:{self.errno}:{self.strerror}".encode()


class _Session:
    def __init__(self) -> None:
        self.reads: dict[str, _Read | _Failure] = {}
        self.answers: dict[Question, object] = {}
        self.digests: dict[tuple[str, int], bytes] = {}


_session: _Session | None = None
_recordings: list[list[Op]] = []


@contextlib.contextmanager
def session() -> Iterator[None]:
    """One run: answers are remembered until it ends (a file edited afterwards is read again)."""
    global _session  # noqa: PLW0603 -- one run at a time per process; the engine is not re-entrant
    outer = _session
    _session = _Session() if outer is None else outer
    try:
        yield
    finally:
        _session = outer


@contextlib.contextmanager
def recording(log: list[Op]) -> Iterator[list[Op]]:
    """Log every question asked inside the block (and inside nested recordings) to ``log``."""
    _recordings.append(log)
    try:
        yield log
    finally:
        _recordings.pop()


def _log(question: Question, digest: bytes) -> None:
    for log in _recordings:
        log.append((question, digest))


def _digest(value: object) -> bytes:
    if isinstance(value, _Failure):
        return value.digest()
    if isinstance(value, bytes):
        return hashlib.sha256(value).digest()
    return repr(value).encode()


def read(path: str, limit: int) -> bytes:
    """The first ``limit`` bytes of ``path`` (all of it when shorter); OSError as ``open`` raises it."""
    got = _read(path, limit)
    _log(("read", path, limit), _read_digest(path, limit, got))
    if isinstance(got, _Failure):
        got.raise_for(path)
    assert isinstance(got, bytes)
    return got


def _read_digest(path: str, limit: int, got: bytes | _Failure) -> bytes:
    """The digest of a read's answer, hashed once per run (several entries log the same read)."""
    if _session is None:
        return _digest(got)
    key = (path, limit)
    digest = _session.digests.get(key)
    if digest is None:
        digest = _session.digests[key] = _digest(got)
    return digest


def _read(path: str, limit: int) -> bytes | _Failure:
    known = _session.reads.get(path) if _session is not None else None
    if isinstance(known, _Failure):
        return known
    if known is not None and (limit <= known.limit or len(known.data) < known.limit):
        return known.data[:limit]
    try:
        with open(path, "rb") as fh:
            # read(limit) would allocate ``limit`` bytes (5 MiB) for every small file, and freeing
            # those mappings cost more than the reads: ask for a bounded read only when needed.
            known_size = os.fstat(fh.fileno()).st_size
            data = fh.read(min(limit, known_size + 1) if known_size else limit)
    except OSError as exc:
        failure = _Failure(exc)
        if _session is not None:
            _session.reads[path] = failure
        return failure
    if _session is not None:
        _session.reads[path] = _Read(data, limit)
    return data


def _ask(op: str, path: str) -> object:
    """The answer to a metadata question, from the session's memo or the OS."""
    question = (op, path, 0)
    if _session is not None and question in _session.answers:
        return _session.answers[question]
    answer: object
    try:
        if op == "listdir":
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
    if _session is not None:
        _session.answers[question] = answer
    return answer


def _answer(op: str, path: str) -> object:
    answer = _ask(op, path)
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


def unchanged(log: list[Op]) -> bool:
    """Whether every question in ``log`` gets the same answer now (asked in the current session)."""
    for (op, path, arg), digest in log:
        if op == "read":
            if _read_digest(path, arg, _read(path, arg)) != digest:
                return False
        elif _digest(_ask(op, path)) != digest:
            return False
    return True

"""The files of the cache directory: who may have written them, and reading and writing them safely.

The threat (docs/security.md): the linter runs on pull requests before review, often on runners
that keep ``~/.cache`` between jobs or restore it from a CI cache. An entry decides what a later
run believes a file says, so whoever can write entries could hide findings. What this module
guarantees:

- **Only the user's own files are used.** The cache directory, each folder below it and each
  entry must be owned by the effective user and not writable by group or others; otherwise it is
  not used (the run says so once on stderr and goes on without that directory or entry). New
  directories are made 0700, entries 0600.
- **Entries are authenticated.** Each entry carries an HMAC-SHA256 of its name and content under a
  random key kept in the directory (``key``, 0600, owner only; a key others could read, such as one
  a checkout or an archive put there with 0644, is replaced). An entry that does not verify is a
  miss: the value is computed again and the entry overwritten. The name is under the MAC, so an
  authentic entry copied to another name (another file's content hash) does not verify either.
- **Reading cannot be made to hang or to exhaust memory.** Entries are opened with ``O_NOFOLLOW``
  and ``O_NONBLOCK`` (a symlink is refused, a FIFO does not block), must be regular files, and are
  refused above :data:`MAX_ENTRY_BYTES`.
- **Writing cannot be redirected.** Temporary files are created exclusively (``O_EXCL``,
  ``O_NOFOLLOW``) in the entry's own folder and renamed over the entry.

What remains: whoever can read the key can forge entries; that is the user (and root), who can
run code as the user anyway. A CI cache restored into the directory is trusted as much as the
job that saved it.

On systems without POSIX owners (Windows) the ownership and mode checks are skipped; the MAC,
the regular-file check and the size cap still apply.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
import sys
import threading
from pathlib import Path

# Entries larger than this are neither written nor read (the largest parse entry of a 5 MiB
# file, the readers' limit, is well under it).
MAX_ENTRY_BYTES = 256 * 1024 * 1024
MAGIC = b"eks-ip-lint cache entry\n"
KEY_NAME = "key"
_KEY_BYTES = 32
_MAC_BYTES = hashlib.sha256().digest_size
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_POSIX_OWNERS = hasattr(os, "geteuid")

# Per process: the key of each cache root (None when the root is not used), the verdict on each
# folder below a root, and what was already said on stderr.
_keys: dict[str, bytes | None] = {}
_folders: dict[str, bool] = {}
_said: set[str] = set()
_keys_lock = threading.Lock()


class Untrusted(Exception):
    """A file or directory another user could have written."""


def say_once(message: str) -> None:
    """Tell the user, once per process, that part of the cache is not used."""
    if message not in _said:
        _said.add(message)
        print(f"eks-ip-lint: {message}", file=sys.stderr)


def _owned_by_us(st: os.stat_result, what: str, path: str) -> None:
    if not _POSIX_OWNERS:
        return
    if st.st_uid != os.geteuid():
        raise Untrusted(f"{what} {path} is not owned by you")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise Untrusted(f"{what} {path} is writable by group or others")


def root_key(root: Path) -> bytes | None:
    """The HMAC key of the cache directory ``root``, making both when missing; None when the
    directory is not to be used (another user's, writable by others) or cannot be made."""
    name = str(root)
    if name not in _keys:
        with _keys_lock:  # threads of one run agree on one key
            if name not in _keys:
                try:
                    _keys[name] = _open_root(root)
                except Untrusted as exc:
                    say_once(f"{exc}: running without the cache")
                    _keys[name] = None
                except OSError:  # read-only home, a file in the way: run uncached, as always
                    _keys[name] = None
    return _keys[name]


def _open_root(root: Path) -> bytes:
    if not root.exists():
        root.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(root, 0o700)
    st = os.stat(root)  # the root may be reached through a symlink of the user's (~/.cache)
    if not stat.S_ISDIR(st.st_mode):
        raise NotADirectoryError(str(root))
    _owned_by_us(st, "cache directory", str(root))
    return _key(root / KEY_NAME)


def _key(path: Path) -> bytes:
    """The directory's key; a new one when there is none (made complete, then linked in place,
    so a concurrent run either wins or reads the winner's) or it cannot be trusted (another's,
    readable by others, damaged: replaced, and the entries sealed with it miss)."""
    try:
        data = read_regular(path, _KEY_BYTES, secret=True)
        if len(data) == _KEY_BYTES:
            return data
        replace = True
    except FileNotFoundError:
        replace = False
    except (Untrusted, OSError):
        replace = True
    key = secrets.token_bytes(_KEY_BYTES)
    if replace:
        write_exclusive(path, key)
    else:
        made = f"{path}.{os.getpid()}.new"
        write_exclusive(made, key)
        try:
            os.link(made, path)
        except FileExistsError:
            pass  # another run made it first: theirs is read below
        finally:
            os.unlink(made)
    return read_regular(path, _KEY_BYTES, secret=True)


def read_regular(path: Path | str, limit: int, *, secret: bool = False) -> bytes:
    """The bytes of a regular file of ours, opened without following a symlink or waiting on a
    FIFO; :class:`Untrusted` for anything else or above ``limit`` bytes. ``secret``: group and
    others must not be able to read it either."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Untrusted(f"cache entry {path} is not a regular file")
        _owned_by_us(st, "cache entry", str(path))
        if secret and _POSIX_OWNERS and st.st_mode & 0o077:
            raise Untrusted(f"cache key {path} is readable by others")
        if st.st_size > limit:
            raise Untrusted(f"cache entry {path} is larger than {limit} bytes")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise Untrusted(f"cache entry {path} is larger than {limit} bytes")
        return data
    finally:
        os.close(fd)


def write_exclusive(where: Path | str, data: bytes) -> None:
    """Write ``data`` to ``where`` through a temporary file created exclusively (0600) beside it,
    renamed over it: a concurrent run never sees half a file, and a link planted at the temporary
    name is not followed. Named after the process and thread: a thread writes one file at a time."""
    import _thread  # noqa: PLC0415 -- get_ident: a builtin module, no import cost

    tmp = f"{where}.{os.getpid()}.{_thread.get_ident()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
    try:
        fd = os.open(tmp, flags, 0o600)
    except FileExistsError:  # left by a run of ours that died: it is ours to remove
        os.unlink(tmp)
        fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, where)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def folder_ok(root: Path, folder: Path, *, create: bool) -> bool:
    """Whether every folder from ``root`` (excluded) down to ``folder`` is a real directory of
    ours not writable by others; with ``create``, missing ones are made 0700."""
    rel = folder.relative_to(root).parts
    here = root
    for part in rel:
        here = here / part
        name = str(here)
        if _folders.get(name):
            continue
        try:
            st = os.lstat(here)
        except FileNotFoundError:
            if not create:
                return False
            try:
                os.mkdir(here, 0o700)
            except FileExistsError:
                pass
            except OSError:
                return False
            st = os.lstat(here)
        except OSError:
            return False
        if not stat.S_ISDIR(st.st_mode):
            say_once(f"cache folder {here} is not a directory: not used")
            return False
        try:
            _owned_by_us(st, "cache folder", name)
        except Untrusted as exc:
            say_once(f"{exc}: not used")
            return False
        _folders[name] = True
    return True


def seal(key: bytes, name: str, payload: bytes) -> bytes:
    """An entry's bytes: the magic line, the MAC of its name and payload, the payload."""
    return MAGIC + _mac(key, name, payload) + payload


def unseal(key: bytes, name: str, data: bytes) -> bytes | None:
    """The payload of an entry named ``name``, or None when it was not sealed with ``key`` under
    that name."""
    head = len(MAGIC) + _MAC_BYTES
    if len(data) < head or not data.startswith(MAGIC):
        return None
    payload = data[head:]
    if not hmac.compare_digest(data[len(MAGIC) : head], _mac(key, name, payload)):
        return None
    return payload


def _mac(key: bytes, name: str, payload: bytes) -> bytes:
    return hmac.new(key, name.encode("utf-8", "surrogatepass") + b"\0" + payload, hashlib.sha256).digest()


def forget() -> None:
    """Drop the per-process verdicts (tests that change a directory's owner or mode)."""
    _keys.clear()
    _folders.clear()
    _said.clear()

"""Parse the files of a cold run in parallel, by warming the parse cache from worker processes.

Parsing is the costly part of a first run (python-hcl2's lark parser, cfn-lint's import and
decoder: benchmarks/RESULTS.md). The engine stays sequential and simple: before it reads any
module it hands the files it is about to parse to :func:`warm`, whose worker processes run the
very same cached parse functions and leave their results in the content-addressed cache
(:mod:`eks_ip_lint.sources.parse_cache`); the engine's own pass then finds every entry there.
Results never travel between processes except through the cache, so a worker that fails, a pool
that cannot start or a cache that cannot be written only costs time: the engine parses what it
does not find, exactly as it would have.

Nothing is started when the cache is off (there would be nowhere to put the results), when
``jobs`` is 1, or when fewer than :data:`MIN_FILES` files are not cached yet (a pool costs about
a tenth of a second to start and fill with imports).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence

from eks_ip_lint.sources import parse_cache

MIN_FILES = 24


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def wanted(jobs: int) -> bool:
    """Whether :func:`warm` can do anything: callers skip gathering its file lists otherwise."""
    return jobs > 1 and parse_cache.enabled()


def warm(hcl_files: Sequence[str], documents: Sequence[str], jobs: int) -> int:
    """Parse what is not cached yet in up to ``jobs`` processes; returns how many files that was."""
    if not wanted(jobs):
        return 0
    todo_hcl = [p for p in hcl_files if not parse_cache.hcl_is_cached(p)]
    todo_docs = [p for p in documents if not parse_cache.document_is_cached(p)]
    if len(todo_hcl) + len(todo_docs) < MIN_FILES:
        return 0
    chunks = _chunks(todo_hcl, todo_docs, jobs)
    # Imported here: concurrent.futures.process pulls in multiprocessing, logging and socket
    # (about 20 ms), which a warm run, with nothing left to parse, never needs.
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    if todo_hcl:
        # Loaded once here: forked workers inherit the parser instead of each loading its tables.
        from eks_ip_lint.sources import hcl_tables  # noqa: PLC0415

        hcl_tables.parser()
    # Forked workers share the parent's pages until they are written; a collection touching every
    # object's header would copy them all. Frozen objects are never collected (nor copied so).
    import gc  # noqa: PLC0415

    gc.freeze()
    # No pool here (no /dev/shm, a sandbox...) or a worker killed: the engine parses inline.
    with contextlib.suppress(Exception), ProcessPoolExecutor(max_workers=min(jobs, len(chunks))) as pool:
        list(pool.map(_parse_chunk, chunks))
    return len(todo_hcl) + len(todo_docs)


def _chunks(hcl_files: list[str], documents: list[str], jobs: int) -> list[tuple[str, list[str]]]:
    """All templates in one chunk, submitted first: importing cfn-lint is most of their cost and
    is paid once, by one worker, while the others parse HCL. The HCL files go in about
    ``2 x jobs`` chunks balanced by size, so no worker is left idle behind a slow one."""
    out: list[tuple[str, list[str]]] = [("cfn", documents)] if documents else []
    sizes = {p: _size(p) for p in hcl_files}  # one stat per file
    target = max(sum(sizes.values()) // (2 * jobs), 1)
    chunk: list[str] = []
    size = 0
    for p in sorted(hcl_files, key=sizes.__getitem__, reverse=True):
        chunk.append(p)
        size += sizes[p]
        if size >= target:
            out.append(("hcl", chunk))
            chunk, size = [], 0
    if chunk:
        out.append(("hcl", chunk))
    return out


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _parse_chunk(chunk: tuple[str, list[str]]) -> None:
    kind, paths = chunk
    for path in paths:
        # Errors are the engine's to report, from the cache or from its own parse: here they
        # only mean that nothing (or a cached syntax error) was stored.
        with contextlib.suppress(Exception):
            if kind == "hcl":
                from eks_ip_lint.sources import hcl  # noqa: PLC0415
                from eks_ip_lint.terraform.module_source import read_text  # noqa: PLC0415

                parse_cache.cached_parse(path, read_text(path), hcl.parse_file)
            else:
                from eks_ip_lint.facts.cloudformation import text_may_declare_capacity  # noqa: PLC0415
                from eks_ip_lint.sources import cloudformation, yaml_lines  # noqa: PLC0415

                # the decoder load_cloudformation will ask for: cfn-lint's only where it matters
                if text_may_declare_capacity(path):
                    cloudformation.decode(path)
                else:
                    yaml_lines.load(path)

"""The work for each spec (validate, render, round-trip check what is not verified yet) and the processes that run
it. Imported only when a spec must be rendered: it brings the validator (jsonschema)."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from dyngen import reuse
from dyngen.cache import Cache, code_fingerprint, content_key
from dyngen.meaning import expectations
from dyngen.outcome import SpecOutcome, SpecWork
from dyngen.render import Rendered, render
from dyngen.tablefacts import spec_facts
from dyngen.validate import validate_bytes, validate_file

# Forking a worker costs milliseconds and a spec a second: two specs are worth two processes (measured on 2 cores:
# 4 specs took half the wall clock time in two processes, for the same CPU time).
PARALLEL_MINIMUM = 2
CHUNKS_PER_WORKER = 8  # small enough for a smooth progress count and balanced workers, few enough to cost nothing
PR_SET_PDEATHSIG = 1  # linux/prctl.h
YOUNG_COLLECTION_THRESHOLD = 10_000  # parse trees are many small objects freed by reference counting


@dataclass(frozen=True)
class RunSettings:
    cache_folder: Path | None  # None: --no-cache
    compare_with: Path | None = None  # --check: files equal to the ones in this folder are not parsed


def process_spec(work: SpecWork, settings: RunSettings) -> SpecOutcome:
    """All the work for one spec, a pure function of its file: validate, render, round-trip check."""
    raw = _read(work.path)
    result = validate_file(work.path, work.display) if raw is None else validate_bytes(raw, work.display)
    if result.spec is None:
        return SpecOutcome(work.display, None, result.name_position, tuple(result.problems), {})
    spec = replace(result.spec, source=work.source)
    rendered = render(spec)
    store = Cache(settings.cache_folder)
    complete = verify(rendered, store, settings.compare_with)
    outcome = SpecOutcome(work.display, spec.name, result.name_position, (), rendered.files, result.claims,
                          spec_facts(rendered.layout, result.document))
    if raw is not None and complete:  # reused files may be written later: only ones this dyngen has verified
        reuse.record(store, work, raw, outcome)
    return outcome


def verify(rendered: Rendered, store: Cache, compare_with: Path | None = None) -> bool:
    """Round-trip check every file whose (bytes, meaning) pair is not verified yet, in this spec or in the cache.
    When checking, such a file whose text is already on disk is not parsed (nothing is written); then the result is
    False: not every file is verified."""
    verified: set[str] = set()
    complete = True
    for path, expectation in expectations(rendered).items():
        text = rendered.files[path]
        key = content_key("verified", text, expectation.digest())
        if key in verified or store.read("verified", key) is True:
            continue
        if compare_with is not None and _text_on_disk(compare_with / path) == text:
            complete = False
            continue
        # Imported here: python-hcl2 and lark take a third of a second to load, and a run whose files are all
        # verified already never needs them.
        from dyngen import roundtrip

        roundtrip.check_file(path, text, expectation)
        verified.add(key)
        store.write("verified", key, True)
    return complete


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None  # validate_file reports why


def _text_on_disk(path: Path) -> str | None:
    try:
        return None if path.is_symlink() else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def process_all(
    work: list[SpecWork], settings: RunSettings, jobs: int | None, on_done: Callable[[], None]
) -> list[SpecOutcome]:
    """Every spec's outcome, in the order of the work; `on_done` is called once per spec as it completes."""
    run = partial(process_spec, settings=settings)
    workers = min(jobs or os.cpu_count() or 1, len(work))
    with _collector_for_parsing():
        if workers < 2 or len(work) < PARALLEL_MINIMUM:
            return [_done(run(w), on_done) for w in work]
        _prepare_before_fork(parses=settings.compare_with is None)
        chunk = max(1, len(work) // (workers * CHUNKS_PER_WORKER))
        # fork: workers start at once with the parent's imports, and the order of results is the order of the work.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_die_with, initargs=(os.getpid(),)) as pool:
            return [_done(outcome, on_done) for outcome in pool.map(run, work, chunksize=chunk)]


def _prepare_before_fork(parses: bool) -> None:
    """What every worker needs is done once, in the parent, and shared by the fork: dyngen's fingerprint and, unless
    checking (which parses only what differs), the python-hcl2 parser (a third of a second of CPU each)."""
    code_fingerprint()
    if parses:
        from dyngen import (
            roundtrip,  # many specs to render and write: almost always files to parse
        )

        roundtrip.build_parser()


def _die_with(parent: int) -> None:
    """A worker whose parent is killed (SIGKILL gives it no chance to stop the pool) would wait for work forever,
    holding its memory: on Linux it is ended with its parent. Workers write nothing but whole cache entries."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


@contextmanager
def _collector_for_parsing() -> Iterator[None]:
    """The garbage collector spends a fifth of python-hcl2's parse time scanning: the objects already loaded (the
    imported modules) are frozen out of its scans, and young collections run less often."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _done(outcome: SpecOutcome, on_done: Callable[[], None]) -> SpecOutcome:
    on_done()
    return outcome

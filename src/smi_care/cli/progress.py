"""Progress on a terminal for long runs (tqdm); silent when stderr is not a terminal.

Two shapes: :func:`progress` wraps an iterable of known length (patients, files), and
:func:`stages` shows a bar over the named stages of a columnar job (read, evaluate, write),
whose single steps are not loops we can count. Both appear only after ``delay`` seconds, so a
run that is over in a second draws nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO, TypeVar

from tqdm import tqdm

T = TypeVar("T")

DELAY = 1.0
"""Seconds a job must last before its bar appears."""


def _shown(stream: TextIO) -> bool | None:
    # tqdm's ``disable=None`` hides the bar when the stream is not a terminal.
    return None if stream.isatty() else True


def progress(items: Iterable[T], total: int, label: str, stream: TextIO | None = None,
             delay: float = DELAY) -> Iterator[T]:
    """Yield ``items``, drawing ``label`` and a bar of ``total`` on a terminal.

    >>> import io
    >>> out = io.StringIO()
    >>> list(progress(range(3), 3, "patients", stream=out)), out.getvalue()
    ([0, 1, 2], '')
    """
    out = stream or sys.stderr
    yield from tqdm(items, total=total, desc=label, file=out, disable=_shown(out), delay=delay, leave=False,
                    dynamic_ncols=True)


@contextmanager
def stages(labels: Sequence[str], stream: TextIO | None = None,
           delay: float = DELAY) -> Iterator[Callable[[str], None]]:
    """A bar over named stages; the caller calls the yielded function as each stage starts.

    >>> import io
    >>> out = io.StringIO()
    >>> with stages(["reading", "evaluating"], stream=out) as start:
    ...     start("reading"); start("evaluating")
    >>> out.getvalue()
    ''
    """
    out = stream or sys.stderr
    bar = tqdm(total=len(labels), file=out, disable=_shown(out), delay=delay, leave=False,
               bar_format="{desc} {bar} {n_fmt}/{total_fmt} stages [{elapsed}]", dynamic_ncols=True)
    started = 0

    def start(label: str) -> None:
        nonlocal started
        if started:
            bar.update(1)
        started += 1
        bar.set_description_str(label)

    try:
        yield start
    finally:
        if started:
            bar.update(1)
        bar.close()

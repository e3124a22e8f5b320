"""Progress on a terminal for long runs; silent when stderr is not a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], total: int, label: str, stream: TextIO | None = None,
             every: float = 0.2) -> Iterator[T]:
    """Yield ``items``, drawing ``label: n/total`` on a terminal at most every ``every`` seconds."""
    out = stream or sys.stderr
    show = out.isatty() and total > 0
    last = 0.0
    for n, item in enumerate(items, start=1):
        if show and (time.monotonic() - last > every or n == total):
            last = time.monotonic()
            out.write(f"\r{label}: {n:,}/{total:,} ({n * 100 // total}%)")
            out.flush()
        yield item
    if show:
        out.write("\r" + " " * (len(label) + 40) + "\r")
        out.flush()

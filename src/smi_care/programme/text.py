"""Reasons and due notes as text columns."""

from __future__ import annotations

import polars as pl


def fmt(template: str, *parts: pl.Expr) -> pl.Expr:
    """``template`` with each ``{}`` replaced by a part (as text): pl.format without its pitfalls."""
    pieces = template.split("{}")
    if len(pieces) != len(parts) + 1:
        raise ValueError(f"template {template!r} needs {len(pieces) - 1} parts, got {len(parts)}")
    out: list[pl.Expr] = []
    for text, part in zip(pieces, (*parts, None), strict=True):
        if text:
            out.append(pl.lit(text))
        if part is not None:
            out.append(part.cast(pl.Utf8))
    return pl.concat_str(out)


"""When a report reads compact tables: a registry's size, estimated without reading it, against
a threshold (:data:`COMPACT_WHEN`). Compact tables themselves: :mod:`smi_care.registry.compact`."""

from __future__ import annotations

from pathlib import Path

import attrs
import polars as pl

from smi_care.registry.partitioned import partition_folders

#: Bytes of the start of a CSV file read to estimate its rows (:func:`followup_rows`).
SAMPLE_BYTES = 1 << 20


def followup_rows(folder: str | Path) -> int:
    r"""About how many follow-up rows a registry folder holds, without reading them: a Parquet
    file's count from its metadata; a CSV file's size over the mean length of the lines in its
    first :data:`SAMPLE_BYTES` (exact when the file is smaller); for a registry partitioned by
    county (:mod:`smi_care.registry.partitioned`), the sum over its partitions, since reading it
    whole reads them all; 0 for a workbook or none.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "followups.csv").write_text("patient_id,visit_date\nP1,2025-01-02\nP2,2025-01-03\n")
    >>> followup_rows(folder)
    2
    >>> top = Path(tempfile.mkdtemp())
    >>> for county in ("county=360102", "county=360103"):
    ...     (top / county).mkdir()
    ...     _ = (top / county / "followups.csv").write_text("patient_id,visit_date\nP1,2025-01-02\n")
    >>> followup_rows(top)
    2
    """
    folder = Path(folder)
    csv, parquet = folder / "followups.csv", folder / "followups.parquet"
    if csv.is_file():
        size = csv.stat().st_size
        with csv.open("rb") as stream:
            head = stream.read(SAMPLE_BYTES)
        lines = head.count(b"\n") + (0 if head.endswith(b"\n") else 1)
        rows = round(size * lines / max(len(head), 1))
        return max(rows - 1, 0)  # the header
    if parquet.is_file():
        return int(pl.scan_parquet(parquet).select(pl.len()).collect().item())
    return sum(followup_rows(part) for part in partition_folders(folder))


@attrs.frozen
class CompactWhen:
    r"""When a report reads compact tables (``read_tables(..., compact=True)``): from
    ``followup_rows`` follow-ups on (:func:`followup_rows`). Compact tables cost CPU (each chunk
    of patients turned back to text before its facts) to save memory, which pays only for a
    large registry; below, the plain read is the faster. ``CompactWhen(0)``: always compact;
    ``CompactWhen(None)``: never. The reading and its alternative: docs/quickstart-province.md.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "followups.csv").write_text("patient_id,visit_date\n" + "P1,2025-01-02\n" * 10)
    >>> COMPACT_WHEN.pays(folder), CompactWhen(10).pays(folder), CompactWhen(11).pays(folder)
    (False, True, False)
    """

    followup_rows: int | None = 4_000_000

    def pays(self, folder: str | Path) -> bool:
        """Whether to read the registry in ``folder`` compact."""
        if self.followup_rows is None:
            return False
        return self.followup_rows == 0 or followup_rows(folder) >= self.followup_rows


#: The default: compact from 4 million follow-ups (about 190,000 patients at 21 follow-ups each,
#: a ``followups.csv`` of about 320 MB). At 100,000 patients (2.1 million follow-ups) the plain
#: read costs about 6 % less CPU than the compact one and peaks at about 0.8 GB; at 500,000 the
#: compact read peaks at 1.3 GB (benchmarks/README.md, "sixth session: memory").
COMPACT_WHEN = CompactWhen()


__all__ = ["COMPACT_WHEN", "SAMPLE_BYTES", "CompactWhen", "followup_rows"]

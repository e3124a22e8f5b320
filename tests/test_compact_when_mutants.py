"""When a report reads compact tables (``registry.compact_when``): the follow-up rows of a registry
estimated without reading it, and the threshold, at their boundaries, on files written by hand
(under a second). Written for the seventh session's mutation run (docs/testing.md, "Mutation
testing")."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import smi_care.registry.compact_when as compact_when
from smi_care.registry.compact_when import CompactWhen, followup_rows

HEADER = "patient_id,visit_date\n"
LINE = "P1,2025-01-02\n"


def _csv(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "followups.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("text", "rows"), [
    (HEADER + LINE * 3, 3),  # a last line with its newline
    (HEADER + LINE * 2 + LINE.rstrip("\n"), 3),  # the last line without one still counts
    (HEADER, 0),  # the header alone
    (HEADER.rstrip("\n"), 0),
    ("", 0),  # an empty file: no rows, not minus one
])
def test_a_small_csv_file_s_rows_are_counted_exactly(tmp_path: Path, text: str, rows: int) -> None:
    assert followup_rows(_csv(tmp_path, text)) == rows


def test_a_large_csv_file_is_estimated_from_its_first_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past SAMPLE_BYTES the file's size over the sample's mean line length, rounded, less the
    header: lines of one length are estimated exactly; a sample of long lines underestimates."""
    line = "P1,2025-01-02,aaaaaaaa\n"  # as long as the header below (23 bytes)
    header = "patient_id,visit_date,x\n"[:-2] + "\n"
    assert len(header) == len(line)
    folder = _csv(tmp_path / "even", header + line * 99)
    monkeypatch.setattr(compact_when, "SAMPLE_BYTES", len(line) * 10)
    assert followup_rows(folder) == 99
    # the first 10 lines twice as long as the rest: the mean of the sample is about 2 lines' worth
    long = "P1,2025-01-02," + "a" * 31 + "\n"
    assert len(long) == 2 * len(line)
    folder = _csv(tmp_path / "uneven", header.replace("x", "x" * 24) + long * 9 + line * 100)
    size = (folder / "followups.csv").stat().st_size
    head = (folder / "followups.csv").read_bytes()[:len(line) * 10]
    lines = head.count(b"\n") + (0 if head.endswith(b"\n") else 1)
    assert followup_rows(folder) == round(size * lines / len(head)) - 1 < 109


def test_a_parquet_file_s_rows_come_from_its_metadata(tmp_path: Path) -> None:
    pl.DataFrame({"patient_id": ["P1", "P2", "P3", "P4"]}).write_parquet(tmp_path / "followups.parquet")
    assert followup_rows(tmp_path) == 4
    pl.DataFrame({"patient_id": []}, schema={"patient_id": pl.String}).write_parquet(tmp_path / "followups.parquet")
    assert followup_rows(str(tmp_path)) == 0


def test_a_csv_file_is_read_before_a_parquet_one(tmp_path: Path) -> None:
    pl.DataFrame({"patient_id": ["P1"] * 5}).write_parquet(tmp_path / "followups.parquet")
    assert followup_rows(_csv(tmp_path, HEADER + LINE * 2)) == 2


def test_a_partitioned_registry_s_rows_are_its_partitions_sum(tmp_path: Path) -> None:
    _csv(tmp_path / "county=360102", HEADER + LINE * 2)
    _csv(tmp_path / "county=360103", HEADER + LINE * 3)
    (tmp_path / "county=360104").mkdir()
    pl.DataFrame({"patient_id": ["P1"] * 4}).write_parquet(tmp_path / "county=360104" / "followups.parquet")
    _csv(tmp_path / "other", HEADER + LINE * 7)  # not a partition
    assert followup_rows(tmp_path) == 2 + 3 + 4
    assert followup_rows(tmp_path / "nothing") == 0
    (tmp_path / "patients.csv").write_text("patient_id\n", encoding="utf-8")  # now a registry, not partitioned
    assert followup_rows(tmp_path) == 0


@pytest.mark.parametrize(("threshold", "pays"), [(None, False), (0, True), (1, True), (3, True), (4, False)])
def test_compact_pays_from_the_threshold_on(tmp_path: Path, threshold: int | None, pays: bool) -> None:
    assert CompactWhen(threshold).pays(_csv(tmp_path, HEADER + LINE * 3)) is pays


def test_always_and_never_do_not_depend_on_the_folder(tmp_path: Path) -> None:
    """``CompactWhen(0)``: compact even for a folder without follow-ups; ``CompactWhen(None)``:
    never, however many."""
    assert CompactWhen(0).pays(tmp_path) is True
    assert CompactWhen(None).pays(_csv(tmp_path / "big", HEADER + LINE * 50)) is False
    assert CompactWhen(1).pays(tmp_path) is False
    assert CompactWhen(4_000_000) == compact_when.COMPACT_WHEN


def test_a_sample_of_one_byte_counts_one_line_a_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The smallest sample (SAMPLE_BYTES = 1): one line in one byte, so the estimate is the file's
    size less the header (the divisor is the sample's length, at least 1, not 2)."""
    monkeypatch.setattr(compact_when, "SAMPLE_BYTES", 1)
    folder = _csv(tmp_path, HEADER + LINE * 4)
    assert followup_rows(folder) == len(HEADER + LINE * 4) - 1

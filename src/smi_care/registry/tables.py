"""The columnar registry reader: a registry folder as polars tables, validated at column speed.

The promise of :mod:`smi_care.registry.reader` holds unchanged: every bad cell or row becomes a
:class:`~smi_care.registry.problems.Problem` (file, line, column, value, reason), good rows
load, and ``read == accepted + rejected`` in every file. The work is done in two passes:

1. a vectorised **screen** flags every row that might be bad: each distinct value of a column is
   parsed once by the same cell parser the object reader uses (so a cell is judged exactly as
   before), then required cells, cross-field rules (consent date when consent is 1, dates not
   before birth, resident identity number against sex and birth date, assessments required when
   a follow-up reached someone, next visit after the visit, ...), duplicate keys and unknown
   patients are column expressions and joins;
2. the per-row parser of :mod:`smi_care.registry.row_parsers` runs only on the flagged rows, and
   gives each problem its exact text (a row the screen flagged wrongly is accepted).

Codes are the official WS2018 codes; a BPHS2011 registry (``registry.toml``) has its
adherence, class and treatment-effect codes converted as the object reader converts them
(严重精神障碍管理治疗工作规范（2018年版） (WS2018) 附件 and 国家基本公共卫生服务规范（2011年版） (BPHS2011)).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "patients.csv").write_text(
...     "patient_id,sex,birth_date,area_code,disorder,diagnosis_date,registered_on,consent,consent_date\\n"
...     "P1,1,1980-01-02,110105001002,1,2020-05-01,2020-05-08,1,2020-05-08\\n"
...     "P2,1,1980-01-02,110105001002,8,2020-05-01,2020-05-08,0,\\n", encoding="utf-8")
>>> load = read_tables(d)
>>> load.tables.patients.select("patient_id", "sex", "disorder", "row", "line").rows()
[('P1', 1, 1, 0, 2)]
>>> [(p.line, p.column, p.kind) for p in load.problems]
[(3, 'disorder', 'bad_code')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from smi_care.registry import partitioned
from smi_care.registry.columns import EVENTS, FOLLOWUPS, PATIENTS, POPULATION
from smi_care.registry.compact import compact_columns, small_codes
from smi_care.registry.file_state import (
    TABLE_FILES,
    WORKBOOK,
    FileState,
    final_table,
    let_go,
    open_file,
    read_sources,
)
from smi_care.registry.metadata import read_edition
from smi_care.registry.problems import FileCounts, Problem, RegistryReadError
from smi_care.registry.projection import projections
from smi_care.registry.reader import LoadResult
from smi_care.registry.registry_tables import FILE_KINDS, RegistryTables, TableLoad
from smi_care.registry.row_parsers import KNOWN
from smi_care.registry.screen import DTYPES, Kind, text_frame, with_typed
from smi_care.registry.table_loaders import load_events, load_followups, load_patients, load_population
from smi_care.registry.table_writer import write_tables


def read_tables(folder: str | Path, *, strict: bool = False, encoding: str | None = None,
                columns: Mapping[str, Iterable[str]] | None = None, compact: bool = False) -> TableLoad:
    """Read and validate a registry folder into polars tables.

    The folder holds ``patients``, ``followups``, ``events`` and ``population`` as ``.csv``
    (UTF-8 with or without BOM; GB18030/GBK is detected and noted, or give ``encoding``),
    as ``.parquet``, or as sheets of ``registry.xlsx``. ``strict=True`` raises
    :class:`RegistryReadError` on the first problem (a notice about the encoding excepted).
    A folder without patients raises in either mode.

    ``columns`` (``{file: columns}``, e.g. from
    :func:`smi_care.indicators.columns_needed.columns_needed`) reads only those columns of the
    files it names (with the columns the format's checks need: :mod:`smi_care.registry.projection`)
    and validates exactly those cells; a column not read is absent from the table, as when the
    file lacks it (a typed column is then null). None reads and validates everything.

    ``compact=True`` gives the text columns of the patients, follow-ups and events (``patient_id``,
    code lists, event kinds, ...) as ``Categorical`` (:mod:`smi_care.registry.compact`): about a
    third of the memory for a province's follow-ups, compacted chunk by chunk as they are read. The rows, the
    problems and their lines are those of the plain read. Meant for counting
    (:func:`smi_care.indicators.report` and :func:`~smi_care.indicators.columnar.evaluate_tables`
    take such tables); other callers want the plain ones.
    """
    folder = Path(folder)
    if partitioned.is_partitioned(folder):  # county=… sub-folders: each read here, put together there
        return partitioned.read_partitioned(folder, read_tables, strict=strict, encoding=encoding, columns=columns,
                                            compact=compact)
    wanted = projections(columns, TABLE_FILES.values())
    raws, notices = read_sources(folder, encoding, wanted)
    if PATIENTS not in raws:
        raise RegistryReadError(Problem(PATIENTS, 0, "", "", f"there is no {PATIENTS} (nor patients.parquet, nor a "
                                        f"patients sheet in {WORKBOOK}) in {folder.name or folder}", "bad_file"))
    edition = read_edition(folder)
    file_notes: list[Problem] = list(notices)
    files = {name: open_file(raws.get(name), name, KNOWN[name], file_notes)
             for name in (POPULATION, PATIENTS, FOLLOWUPS, EVENTS)}
    encodings = {name: raw.encoding for name, raw in raws.items()}
    del raws  # each file's text is let go once it is loaded (let_go)
    problems: list[Problem] = []
    population = load_population(files[POPULATION], problems)
    patients, all_ids = load_patients(files[PATIENTS], problems)
    let_go(files[PATIENTS])
    # the events before the follow-ups, their text let go: the follow-ups (a province's largest
    # table) are not yet held while the events are checked. Problems are sorted by file below.
    events = load_events(files[EVENTS], patients, all_ids, problems)
    let_go(files[EVENTS])
    followups = load_followups(files[FOLLOWUPS], patients, all_ids, edition, problems, compact,
                               wanted[FOLLOWUPS])
    if compact:
        patients, events = (small_codes([compact_columns(t)])[0] for t in (patients, events))
    others = {name: files[name].read for name in (FOLLOWUPS, EVENTS) if files[name].read}  # known once loaded
    if files[PATIENTS].read == 0 and others:
        which = " and ".join(f"the {n} row(s) of {name}" for name, n in others.items())
        file_notes.append(Problem(files[PATIENTS].file, 0, "", "", f"has no rows, so {which} refer to unknown patients",
                                  "no_rows", rejected=False))
    order = {files[f].file: i for i, f in enumerate((POPULATION, PATIENTS, FOLLOWUPS, EVENTS))}
    problems.sort(key=lambda q: (order.get(q.file, 9), q.line))
    all_problems = tuple(file_notes) + tuple(problems)
    if strict:
        for p in all_problems:
            if p.kind != "encoding" and p.kind != "unknown_file":
                raise RegistryReadError(p)
    tables = RegistryTables(patients, followups, events, population, edition)
    counts = tuple(FileCounts(name, files[name].read, table.height, files[name].read - table.height)
                   for name, table in ((POPULATION, population), (PATIENTS, patients), (FOLLOWUPS, followups),
                                       (EVENTS, events)))
    extra = {name: f.extra for name, f in files.items() if f.extra}
    return TableLoad(tables, all_problems, counts, edition, extra, encodings)


def read_registry(folder: str | Path, *, strict: bool = False, encoding: str | None = None) -> LoadResult:
    """Read a registry folder. ``strict=True`` raises :class:`RegistryReadError` on the first
    problem; otherwise every problem is returned and the good rows load.

    The folder is read by the columnar reader (:func:`smi_care.registry.tables.read_tables`:
    CSV in UTF-8 or GB18030, Parquet or ``registry.xlsx``) and turned into objects. A folder
    without patients (or with an unreadable header) is unusable and raises
    :class:`RegistryReadError` in either mode.
    """
    return read_tables(folder, strict=strict, encoding=encoding).to_load_result()



__all__ = ["DTYPES", "FILE_KINDS", "FileState", "Kind", "RegistryTables", "TableLoad", "final_table", "open_file",
           "read_registry", "read_tables", "text_frame", "with_typed", "write_tables"]

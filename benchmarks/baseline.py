"""The DuckDB baseline: the six core indicators by township, as hand-written SQL over the CSV files.

An independent reading of national-rules.md §5 and §6 — it shares no code with smi_care — that
the province benchmark times the library against and checks its numbers with. Counted per
township (the 9-digit code of the patient's home area on D; "unknown" for a home area coded
above township level), for the period P = [start, D]:

- registered on D (在册), the denominator of every rate;
- management (在管): registered, with a completed follow-up in P;
- standard management (规范管理), default policy: registered, consent 1, and at least one
  completed follow-up in P per started 3-month block from the later of P's start and the
  registration start to D (4 in a year);
- medication (服药): the last completed follow-up in P records adherence 1 or 2, or the patient
  is in hospital (an admission on or before D without a later discharge on or before D, else
  the last completed follow-up in P records hospitalisation 1);
- regular medication (规律服药): the last completed follow-up in P records adherence 1;
- stability (病情稳定): of the managed patients at home on D (not in hospital: the admission
  rule, else the last completed follow-up on or before D records hospitalisation 1), those whose
  last completed follow-up in P is stable — the class recorded, or where none is recorded the
  class the §4 rule gives.

Sources: 严重精神障碍管理治疗工作规范（2018年版） (WS2018) and 国家基本公共卫生服务规范（第三版）
(BPHS2017), as national-rules.md §4–§6 restate them. The SQL assumes the registry's rows are
valid and in current (WS2018) codes — it is a baseline, not a reader: the benchmark's registry
is clean, and the library validates every cell.

It is ONE query over the CSV files (no load step: each file is read once, as text, inside the
query), with the per-patient steps as single-pass aggregates (``arg_max`` over (date, file row)
instead of window functions). DuckDB runs on one thread (``SET threads = 1``), which also keeps
the rows in file order: the row number each file's rows get is the file order that breaks
same-day ties (§6 "Order").
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from string import Template
from typing import Any

#: The columns the baseline reads from each file; a column missing from a file reads as empty.
COLUMNS = {
    "patients": ("patient_id", "area_code", "registered_on", "consent"),
    "followups": ("patient_id", "visit_date", "seen", "loss_reason", "risk_level", "symptoms", "symptom_severity",
                  "insight", "sf_self_care", "sf_housework", "sf_work", "sf_learning", "sf_social", "hospitalisation",
                  "adherence", "adr", "adr_serious", "physical_illness", "classification"),
    "events": ("patient_id", "date", "event", "detail"),
    "population": ("area_code",),
}

#: Definitions (no data is read): area codes and started 3-month blocks (§9, §6 pro-rating).
MACROS_SQL = """
SET threads = 1;
SET preserve_insertion_order = true;
-- Area codes (§9): the level of a code, what every code inside it starts with, containment.
CREATE OR REPLACE MACRO area_level(c) AS CASE
    WHEN length(c) = 12 AND substr(c, 10, 3) <> '000' THEN 5   -- village
    WHEN length(c) >= 9 AND substr(c, 7, 3) <> '000' THEN 4    -- township
    WHEN substr(c, 5, 2) <> '00' THEN 3                       -- county
    WHEN substr(c, 3, 2) <> '00' THEN 2                       -- city
    ELSE 1 END;                                               -- province
CREATE OR REPLACE MACRO area_within(c, a) AS
    starts_with(c, substr(a, 1, [2, 4, 6, 9, 12][area_level(a)])) AND area_level(c) >= area_level(a);
CREATE OR REPLACE MACRO township_of(c) AS CASE WHEN area_level(c) >= 4 THEN substr(c, 1, 9) ELSE 'unknown' END;
-- Started 3-month blocks from st to d, a month added as calendar months with the day clamped
-- to the month's end (§6 pro-rating: registered 07-01, D 12-31 -> 2 blocks).
CREATE OR REPLACE MACRO months_apart(st, d) AS (year(d) - year(st)) * 12 + month(d) - month(st);
CREATE OR REPLACE MACRO started_blocks(st, d) AS CASE WHEN d < st THEN 0 ELSE
    1 + months_apart(st, d) // 3
      - CASE WHEN CAST(st + to_months(3 * (months_apart(st, d) // 3)) AS DATE) > d THEN 1 ELSE 0 END END;
"""

#: The indicators for P = [$start, $end] per township: ONE query over the CSV files, each read
#: once, as text (empty cells are NULL), rows numbered in file order on the one thread.
CORE_SQL = """
WITH
patients AS (
    SELECT patient_id, area_code, CAST(registered_on AS DATE) AS registered_on, consent FROM $patients),
population AS (SELECT DISTINCT area_code AS area FROM $population),
-- The registry covers the areas of its population file (a code covers every code below it);
-- without a population file, the counties of its patients (§6 "Area").
coverage AS (
    SELECT area FROM population
    UNION
    SELECT CASE WHEN area_level(area_code) >= 3 THEN substr(area_code, 1, 6) ELSE area_code END
    FROM patients WHERE NOT EXISTS (SELECT 1 FROM population)),
events AS MATERIALIZED (
    SELECT row_number() OVER () AS row, patient_id, CAST(date AS DATE) AS date, event, detail FROM $events),
-- Events that change registration (§5), with whether a transfer's other area is covered.
status_events AS (
    SELECT e.*, e.detail IS NOT NULL AND EXISTS (SELECT 1 FROM coverage c WHERE area_within(e.detail, c.area))
           AS covered
    FROM events e WHERE e.event IN ('death', 'diagnosis_withdrawn', 'transfer_out', 'transfer_in')),
-- Per patient: ended on or before D (death, withdrawn diagnosis); the first transfer of all;
-- the last transfer on or before D that decides registration (a transfer in, or out to an area
-- not covered); the last that sets the home area (out to a covered area, or in from one not
-- covered: home again); the last transfer in on or before D.
status AS (
    SELECT patient_id,
           bool_or(event IN ('death', 'diagnosis_withdrawn') AND date <= DATE '$end') AS ended,
           arg_min({'event': event, 'date': date}, (date, row))
               FILTER (WHERE event IN ('transfer_in', 'transfer_out')) AS first_transfer,
           arg_max(event, (date, row)) FILTER (WHERE event IN ('transfer_in', 'transfer_out')
               AND date <= DATE '$end' AND (event = 'transfer_in' OR NOT covered)) AS deciding,
           arg_max({'area': CASE WHEN event = 'transfer_out' THEN detail END}, (date, row))
               FILTER (WHERE date <= DATE '$end' AND ((event = 'transfer_out' AND covered)
                                                      OR (event = 'transfer_in' AND NOT covered))) AS moved,
           max(date) FILTER (WHERE event = 'transfer_in' AND date <= DATE '$end') AS transferred_in
    FROM status_events GROUP BY patient_id),
-- Registered on D, home area on D, registration start (§5, §6).
registration AS (
    SELECT p.patient_id, p.consent,
           p.registered_on <= DATE '$end' AND NOT coalesce(s.ended, false) AND CASE
               WHEN s.deciding = 'transfer_in' THEN true
               WHEN s.deciding = 'transfer_out' THEN false
               ELSE NOT coalesce(s.first_transfer.event = 'transfer_in' AND s.first_transfer.date > DATE '$end',
                                 false)
           END AS registered,
           coalesce(s.moved.area, p.area_code) AS area,
           greatest(p.registered_on, coalesce(s.transferred_in, p.registered_on)) AS registration_start
    FROM patients p LEFT JOIN status s USING (patient_id)),
-- Admitted on D: the last admission or discharge on or before D is an admission.
admitted AS (
    SELECT patient_id FROM events
    WHERE event IN ('admission', 'discharge') AND date <= DATE '$end'
    GROUP BY patient_id HAVING arg_max(event, (date, row)) = 'admission'),
-- Completed follow-ups on or before D (§6): reached someone (someone seen; or, with nobody
-- recorded as seen, an assessment recorded and no loss reason) and a risk level recorded, or
-- in hospital now.
completed AS (
    SELECT row, patient_id, visit_date, risk_level, symptoms, symptom_severity, insight, sf_self_care, sf_housework,
           sf_work, sf_learning, sf_social, hospitalisation, adherence, adr, adr_serious, physical_illness,
           classification
    FROM (SELECT row_number() OVER () AS row, patient_id, CAST(visit_date AS DATE) AS visit_date, seen, loss_reason,
                 CAST(risk_level AS INTEGER) AS risk_level, symptoms,
                 CAST(symptom_severity AS INTEGER) AS symptom_severity, CAST(insight AS INTEGER) AS insight,
                 CAST(sf_self_care AS INTEGER) AS sf_self_care, CAST(sf_housework AS INTEGER) AS sf_housework,
                 CAST(sf_work AS INTEGER) AS sf_work, CAST(sf_learning AS INTEGER) AS sf_learning,
                 CAST(sf_social AS INTEGER) AS sf_social, CAST(hospitalisation AS INTEGER) AS hospitalisation,
                 CAST(adherence AS INTEGER) AS adherence, CAST(adr AS INTEGER) AS adr, adr_serious,
                 CAST(physical_illness AS INTEGER) AS physical_illness,
                 CAST(classification AS INTEGER) AS classification
          FROM $followups)
    WHERE visit_date <= DATE '$end'
      AND (((seen IS NOT NULL
             OR (loss_reason IS NULL
                 AND (risk_level IS NOT NULL OR insight IS NOT NULL OR hospitalisation IS NOT NULL
                      OR adherence IS NOT NULL)))
            AND risk_level IS NOT NULL)
           OR hospitalisation = 1)),
-- Per patient: completed follow-ups in P, the last one in P (by date, then file order), and
-- the hospitalisation of the last one on or before D (any date), in one pass.
done AS (
    SELECT patient_id,
           count(*) FILTER (WHERE visit_date >= DATE '$start') AS n,
           arg_max({'risk_level': risk_level, 'symptoms': symptoms, 'symptom_severity': symptom_severity,
                    'insight': insight, 'sf_self_care': sf_self_care, 'sf_housework': sf_housework,
                    'sf_work': sf_work, 'sf_learning': sf_learning, 'sf_social': sf_social,
                    'hospitalisation': hospitalisation, 'adherence': adherence, 'adr': adr,
                    'adr_serious': adr_serious, 'physical_illness': physical_illness,
                    'classification': classification}, (visit_date, row))
               FILTER (WHERE visit_date >= DATE '$start') AS l,
           arg_max({'h': hospitalisation}, (visit_date, row)).h AS last_hospitalisation
    FROM completed GROUP BY patient_id),
-- The class of the last follow-up in P (§4, §6 "Class"): recorded, else the rule's.
-- Unstable when ANY of: risk 3-5, marked symptoms, insight absent, a serious adverse reaction,
-- a serious physical illness. Stable when ALL of: risk 0, symptoms basically gone, insight
-- complete, every social-function item recorded and fair or good (work may be 9, not
-- applicable), physical illness not unstable. Else basically stable. Symptom severity not
-- recorded is 0 without symptoms, else 1.
facts AS (
    SELECT township_of(r.area) AS township,
           coalesce(d.n, 0) AS completed,
           r.consent = '1' AS consented,
           started_blocks(greatest(r.registration_start, DATE '$start'), DATE '$end') AS required,
           d.l.adherence AS adherence,
           a.patient_id IS NOT NULL OR coalesce(d.l.hospitalisation = 1, false) AS in_hospital_for_medication,
           a.patient_id IS NOT NULL OR coalesce(d.last_hospitalisation = 1, false) AS in_hospital,
           coalesce(d.l.classification, CASE
               WHEN d.l.risk_level IS NULL THEN NULL
               WHEN d.l.risk_level >= 3
                 OR coalesce(d.l.symptom_severity, CASE WHEN d.l.symptoms IS NULL THEN 0 ELSE 1 END) = 2
                 OR d.l.insight = 3
                 OR (d.l.adr_serious = '1' AND coalesce(d.l.adr, 0) <> 9)
                 OR d.l.physical_illness = 2 THEN 1
               WHEN d.l.risk_level = 0
                 AND coalesce(d.l.symptom_severity, CASE WHEN d.l.symptoms IS NULL THEN 0 ELSE 1 END) = 0
                 AND d.l.insight = 1
                 AND d.l.sf_self_care IN (1, 2) AND d.l.sf_housework IN (1, 2) AND d.l.sf_work IN (1, 2, 9)
                 AND d.l.sf_learning IN (1, 2) AND d.l.sf_social IN (1, 2)
                 AND coalesce(d.l.physical_illness, 0) <> 1 THEN 3
               ELSE 2 END) AS class
    FROM registration r
    LEFT JOIN done d USING (patient_id)
    LEFT JOIN admitted a USING (patient_id)
    WHERE r.registered)
SELECT township,
       count(*) AS registered,
       count(*) FILTER (WHERE completed > 0) AS managed,
       count(*) FILTER (WHERE consented AND completed >= required) AS standard,
       count(*) FILTER (WHERE in_hospital_for_medication OR adherence IN (1, 2)) AS medication,
       count(*) FILTER (WHERE adherence = 1) AS regular_medication,
       count(*) FILTER (WHERE completed > 0 AND NOT in_hospital) AS stability_denominator,
       count(*) FILTER (WHERE completed > 0 AND NOT in_hospital AND class = 3) AS stable
FROM facts
GROUP BY township
ORDER BY township
"""

COUNT_NAMES = ("registered", "managed", "standard", "medication", "regular_medication", "stability_denominator",
               "stable")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def source(folder: Path, table: str) -> str:
    """The FROM clause reading one CSV file as text, with NULL for a needed column it lacks."""
    path = folder / f"{table}.csv"
    if not path.is_file():
        empty = ", ".join(f"NULL::VARCHAR AS {c}" for c in COLUMNS[table])
        return f"(SELECT {empty} WHERE false)"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), [])
    missing = [c for c in COLUMNS[table] if c not in header]
    read = f"read_csv({_quote(str(path))}, header = true, delim = ',', quote = '\"', all_varchar = true)"
    if not missing:
        return read
    return f"(SELECT *, {', '.join(f'NULL::VARCHAR AS {c}' for c in missing)} FROM {read})"


def connect() -> Any:
    """A DuckDB connection on one thread with the macros defined (nothing is read yet)."""
    import duckdb

    db = duckdb.connect(":memory:")
    for statement in _statements(MACROS_SQL):
        db.execute(statement)
    return db


def core_sql(folder: Path, start: dt.date, end: dt.date) -> str:
    """The one query for the registry folder's CSV files and the period [start, end]."""
    return Template(CORE_SQL).substitute({t: source(folder, t) for t in COLUMNS},
                                         start=start.isoformat(), end=end.isoformat())


def core_counts(db: Any, folder: Path, start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """``{township: {count name: value}}`` for the period [start, end], straight from the CSV files."""
    rows = db.execute(core_sql(folder, start, end)).fetchall()
    return {row[0]: dict(zip(COUNT_NAMES, (int(v) for v in row[1:]), strict=True)) for row in rows}


def _statements(sql: str) -> list[str]:
    """The script's statements (no statement here holds a ';' inside a string)."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [s for s in "\n".join(lines).split(";") if s.strip()]

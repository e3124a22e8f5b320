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

DuckDB runs on one thread (``SET threads = 1``), which also keeps the rows in file order: the
row number each file gets on loading is the file order that breaks same-day ties (§6 "Order").
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

#: Loading: the four files as tables, empty cells as NULL, each row numbered in file order.
LOAD_SQL = """
SET threads = 1;
SET preserve_insertion_order = true;

CREATE OR REPLACE TABLE patients AS
SELECT patient_id, area_code, CAST(registered_on AS DATE) AS registered_on, consent
FROM $patients;

CREATE OR REPLACE TABLE followups AS
SELECT row_number() OVER () AS row, patient_id, CAST(visit_date AS DATE) AS visit_date,
       seen, loss_reason, CAST(risk_level AS INTEGER) AS risk_level, symptoms,
       CAST(symptom_severity AS INTEGER) AS symptom_severity, CAST(insight AS INTEGER) AS insight,
       CAST(sf_self_care AS INTEGER) AS sf_self_care, CAST(sf_housework AS INTEGER) AS sf_housework,
       CAST(sf_work AS INTEGER) AS sf_work, CAST(sf_learning AS INTEGER) AS sf_learning,
       CAST(sf_social AS INTEGER) AS sf_social, CAST(hospitalisation AS INTEGER) AS hospitalisation,
       CAST(adherence AS INTEGER) AS adherence, CAST(adr AS INTEGER) AS adr, adr_serious,
       CAST(physical_illness AS INTEGER) AS physical_illness, CAST(classification AS INTEGER) AS classification
FROM $followups;

CREATE OR REPLACE TABLE events AS
SELECT row_number() OVER () AS row, patient_id, CAST(date AS DATE) AS date, event, detail
FROM $events;

CREATE OR REPLACE TABLE population AS
SELECT DISTINCT area_code FROM $population;
"""

#: The indicators for P = [$start, $end], per township.
CORE_SQL = """
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

-- The registry covers the areas of its population file (a code covers every code below it);
-- without a population file, the counties of its patients (§6 "Area").
CREATE OR REPLACE TEMP TABLE coverage AS
SELECT area_code AS area FROM population
UNION
SELECT CASE WHEN area_level(area_code) >= 3 THEN substr(area_code, 1, 6) ELSE area_code END
FROM patients WHERE NOT EXISTS (SELECT 1 FROM population);

-- Events that change registration (§5), with whether a transfer's other area is covered.
CREATE OR REPLACE TEMP TABLE status_events AS
SELECT e.*, e.detail IS NOT NULL AND EXISTS (SELECT 1 FROM coverage c WHERE area_within(e.detail, c.area)) AS covered
FROM events e
WHERE e.event IN ('death', 'diagnosis_withdrawn', 'transfer_out', 'transfer_in');

-- Registered on D and home area on D. A death or a withdrawn diagnosis on or before D ends it.
-- Otherwise the last transfer on or before D that decides it: a transfer in registers (when the
-- registration date is on or before D), a transfer out to an area not covered ends it (one to a
-- covered area only moves the patient). With no such transfer: registered from the
-- registration date, unless the first transfer of all is a transfer in after D (the patient was
-- elsewhere until then). The home area is the area of the last covered transfer out on or before
-- D, or the patient's own after a later transfer in from an area not covered.
CREATE OR REPLACE TEMP TABLE registration AS
WITH ended AS (
    SELECT DISTINCT patient_id FROM status_events
    WHERE event IN ('death', 'diagnosis_withdrawn') AND date <= DATE '$end'),
transfers AS (
    SELECT * FROM status_events WHERE event IN ('transfer_in', 'transfer_out')),
first_transfer AS (
    SELECT patient_id, event, date FROM transfers
    QUALIFY row_number() OVER (PARTITION BY patient_id ORDER BY date, row) = 1),
deciding AS (
    SELECT patient_id, event FROM transfers
    WHERE date <= DATE '$end' AND (event = 'transfer_in' OR NOT covered)
    QUALIFY row_number() OVER (PARTITION BY patient_id ORDER BY date DESC, row DESC) = 1),
moved AS (
    SELECT patient_id, CASE WHEN event = 'transfer_out' THEN detail END AS area FROM transfers
    WHERE date <= DATE '$end' AND ((event = 'transfer_out' AND covered) OR (event = 'transfer_in' AND NOT covered))
    QUALIFY row_number() OVER (PARTITION BY patient_id ORDER BY date DESC, row DESC) = 1),
transferred_in AS (
    SELECT patient_id, max(date) AS day FROM transfers
    WHERE event = 'transfer_in' AND date <= DATE '$end' GROUP BY patient_id)
SELECT p.patient_id, p.consent,
       p.registered_on <= DATE '$end' AND ended.patient_id IS NULL AND CASE
           WHEN deciding.event = 'transfer_in' THEN true
           WHEN deciding.event = 'transfer_out' THEN false
           ELSE NOT coalesce(first_transfer.event = 'transfer_in' AND first_transfer.date > DATE '$end', false)
       END AS registered,
       coalesce(moved.area, p.area_code) AS area,
       greatest(p.registered_on, coalesce(transferred_in.day, p.registered_on)) AS registration_start
FROM patients p
LEFT JOIN ended USING (patient_id)
LEFT JOIN first_transfer USING (patient_id)
LEFT JOIN deciding USING (patient_id)
LEFT JOIN moved USING (patient_id)
LEFT JOIN transferred_in USING (patient_id);

-- Completed follow-ups (§6): reached someone (someone seen; or, with nobody recorded as seen,
-- an assessment recorded and no loss reason) and a risk level recorded, or in hospital now.
CREATE OR REPLACE TEMP TABLE completed AS
SELECT * FROM followups
WHERE ((seen IS NOT NULL
        OR (loss_reason IS NULL
            AND (risk_level IS NOT NULL OR insight IS NOT NULL OR hospitalisation IS NOT NULL OR adherence IS NOT NULL)))
       AND risk_level IS NOT NULL)
   OR hospitalisation = 1;

-- Completed follow-ups in P: how many, and the last one (by date, then file order).
CREATE OR REPLACE TEMP TABLE done_in_p AS
SELECT patient_id, count(*) AS n FROM completed
WHERE visit_date BETWEEN DATE '$start' AND DATE '$end' GROUP BY patient_id;

CREATE OR REPLACE TEMP TABLE last_in_p AS
SELECT * FROM completed WHERE visit_date BETWEEN DATE '$start' AND DATE '$end'
QUALIFY row_number() OVER (PARTITION BY patient_id ORDER BY visit_date DESC, row DESC) = 1;

-- The class of the last follow-up in P (§4, §6 "Class"): recorded, else the rule's.
-- Unstable when ANY of: risk 3-5, marked symptoms, insight absent, a serious adverse reaction,
-- a serious physical illness. Stable when ALL of: risk 0, symptoms basically gone, insight
-- complete, every social-function item recorded and fair or good (work may be 9, not
-- applicable), physical illness not unstable. Else basically stable. Symptom severity not
-- recorded is 0 without symptoms, else 1.
CREATE OR REPLACE TEMP TABLE last_class AS
SELECT patient_id, coalesce(classification, CASE
    WHEN risk_level IS NULL THEN NULL
    WHEN risk_level >= 3
      OR coalesce(symptom_severity, CASE WHEN symptoms IS NULL THEN 0 ELSE 1 END) = 2
      OR insight = 3
      OR (adr_serious = '1' AND coalesce(adr, 0) <> 9)
      OR physical_illness = 2 THEN 1
    WHEN risk_level = 0
      AND coalesce(symptom_severity, CASE WHEN symptoms IS NULL THEN 0 ELSE 1 END) = 0
      AND insight = 1
      AND sf_self_care IN (1, 2) AND sf_housework IN (1, 2) AND sf_work IN (1, 2, 9)
      AND sf_learning IN (1, 2) AND sf_social IN (1, 2)
      AND coalesce(physical_illness, 0) <> 1 THEN 3
    ELSE 2 END) AS class
FROM last_in_p;

-- Admitted on D: the last admission or discharge on or before D is an admission.
CREATE OR REPLACE TEMP TABLE admitted AS
SELECT patient_id FROM (
    SELECT patient_id, event FROM events
    WHERE event IN ('admission', 'discharge') AND date <= DATE '$end'
    QUALIFY row_number() OVER (PARTITION BY patient_id ORDER BY date DESC, row DESC) = 1)
WHERE event = 'admission';

-- The last completed follow-up on or before D (any date), for "in hospital on D".
CREATE OR REPLACE TEMP TABLE last_before_d AS
SELECT patient_id, hospitalisation FROM completed WHERE visit_date <= DATE '$end'
QUALIFY row_number() OVER (PARTITION BY patient_id ORDER BY visit_date DESC, row DESC) = 1;

-- One row per patient registered on D, with what the six indicators ask.
CREATE OR REPLACE TEMP TABLE facts AS
SELECT r.patient_id,
       township_of(r.area) AS township,
       coalesce(d.n, 0) AS completed,
       r.consent = '1' AS consented,
       started_blocks(greatest(r.registration_start, DATE '$start'), DATE '$end') AS required,
       l.adherence,
       a.patient_id IS NOT NULL OR coalesce(l.hospitalisation = 1, false) AS in_hospital_for_medication,
       a.patient_id IS NOT NULL OR coalesce(b.hospitalisation = 1, false) AS in_hospital,
       c.class
FROM registration r
LEFT JOIN done_in_p d USING (patient_id)
LEFT JOIN last_in_p l USING (patient_id)
LEFT JOIN last_class c USING (patient_id)
LEFT JOIN admitted a USING (patient_id)
LEFT JOIN last_before_d b USING (patient_id)
WHERE r.registered;

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
ORDER BY township;
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
    import duckdb

    return duckdb.connect(":memory:")


def load(db: Any, folder: Path) -> None:
    """Load the registry folder's CSV files into ``db``."""
    sql = Template(LOAD_SQL).substitute({t: source(folder, t) for t in COLUMNS})
    db.execute(sql)


def core_counts(db: Any, start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """``{township: {count name: value}}`` for the period [start, end] over the loaded registry."""
    sql = Template(CORE_SQL).substitute(start=start.isoformat(), end=end.isoformat())
    *setup, final = [s for s in _statements(sql) if s.strip()]
    for statement in setup:
        db.execute(statement)
    rows = db.execute(final).fetchall()
    return {row[0]: dict(zip(COUNT_NAMES, (int(v) for v in row[1:]), strict=True)) for row in rows}


def _statements(sql: str) -> list[str]:
    """The script's statements (no statement here holds a ';' inside a string)."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [s for s in "\n".join(lines).split(";") if s.strip()]

"""An independent SQL reading of several §6 indicators, over the registry CSV files.

It is the baseline the benchmarks time smi_care against, and an oracle the tests compare
smi_care's counts with on generated data. It covers what a plain SQL report would: a transfer
out ends registration unless its destination is covered by population.csv (a move inside the
registry; the totals here do not follow the patient's area), classes as recorded.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

QUERIES = {
    "registered": "SELECT COUNT(*) FROM reg",
    "management_rate": "SELECT COUNT(*) FROM reg JOIN last_done USING (patient_id)",
    "face_to_face_rate": """SELECT COUNT(DISTINCT patient_id) FROM reg JOIN done USING (patient_id)
                            WHERE form IN ('1', '2')""",
    "health_check_rate": """SELECT COUNT(DISTINCT e.patient_id) FROM reg JOIN events e USING (patient_id)
                            WHERE e.event = 'health_check' AND e.date BETWEEN :s AND :d""",
    "regular_medication_rate": "SELECT COUNT(*) FROM reg JOIN last_done USING (patient_id) WHERE adherence = '1'",
    "medication_rate": """SELECT COUNT(*) FROM reg LEFT JOIN last_done l USING (patient_id)
                          WHERE l.adherence IN ('1', '2') OR l.hospitalisation = '1'
                             OR patient_id IN (SELECT patient_id FROM admitted)""",
    "family_doctor_contract_rate": """SELECT COUNT(DISTINCT e.patient_id) FROM reg JOIN events e USING (patient_id)
                                      WHERE e.event = 'family_doctor_contract' AND e.date <= :d
                                        AND (e.detail = '' OR e.detail >= :d)""",
    "incident_rate": """SELECT COUNT(DISTINCT patient_id) FROM reg JOIN done USING (patient_id)
                        WHERE ';' || acts LIKE '%;2:%' OR ';' || acts LIKE '%;3:%'""",
    "stability_rate": """SELECT COUNT(*) FROM reg JOIN last_done l USING (patient_id)
                         WHERE l.classification = '3' AND patient_id NOT IN (SELECT patient_id FROM in_hospital)""",
    "stability_denominator": """SELECT COUNT(*) FROM reg JOIN last_done USING (patient_id)
                                WHERE patient_id NOT IN (SELECT patient_id FROM in_hospital)""",
}

VIEWS = """
CREATE TEMP VIEW reg AS
  SELECT p.patient_id FROM patients p
  WHERE p.registered_on <= :d
    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.patient_id = p.patient_id AND e.date <= :d
                    AND (e.event IN ('death', 'diagnosis_withdrawn')
                         OR (e.event = 'transfer_out' AND NOT (e.detail IN covered OR substr(e.detail, 1, 9) IN covered
                             OR substr(e.detail, 1, 6) IN covered OR substr(e.detail, 1, 4) IN covered
                             OR substr(e.detail, 1, 2) IN covered))));
CREATE TEMP VIEW completed AS
  SELECT rowid AS row, * FROM followups
  WHERE (risk_level <> '' AND (seen <> '' OR loss_reason = '')) OR hospitalisation = '1';
CREATE TEMP VIEW done AS SELECT * FROM completed WHERE visit_date BETWEEN :s AND :d;
CREATE TEMP VIEW last_done AS
  SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY patient_id ORDER BY visit_date DESC, row DESC) AS n
                 FROM done) WHERE n = 1;
CREATE TEMP VIEW last_before AS
  SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY patient_id ORDER BY visit_date DESC, row DESC) AS n
                 FROM completed WHERE visit_date <= :d) WHERE n = 1;
CREATE TEMP VIEW admitted AS
  SELECT patient_id FROM (
    SELECT patient_id, event, ROW_NUMBER() OVER (PARTITION BY patient_id ORDER BY date DESC, rowid DESC) AS n
    FROM events WHERE event IN ('admission', 'discharge') AND date <= :d) WHERE n = 1 AND event = 'admission';
CREATE TEMP VIEW in_hospital AS
  SELECT patient_id FROM admitted
  UNION SELECT patient_id FROM last_before WHERE hospitalisation = '1';
"""


def load(folder: Path) -> sqlite3.Connection:
    """The registry's CSV files as SQLite tables of text, indexed by patient and date."""
    db = sqlite3.connect(":memory:")
    for name in ("patients", "followups", "events"):
        with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh)
            header = next(rows)
            db.execute(f"CREATE TABLE {name} ({', '.join(header)})")
            db.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(header))})", rows)
    db.execute("CREATE TABLE covered (code TEXT PRIMARY KEY)")
    population = folder / "population.csv"
    if population.exists():
        with population.open(encoding="utf-8", newline="") as fh:
            db.executemany("INSERT OR IGNORE INTO covered VALUES (?)", ((r["area_code"],) for r in csv.DictReader(fh)))
    db.execute("CREATE INDEX f_pid ON followups (patient_id, visit_date)")
    db.execute("CREATE INDEX e_pid ON events (patient_id, date)")
    return db


def counts(db: sqlite3.Connection, start: str, end: str) -> dict[str, int]:
    """Numerators (and the registered count) for the period [start, end]."""
    script = VIEWS.replace(":s", f"'{start}'").replace(":d", f"'{end}'")
    db.executescript("DROP VIEW IF EXISTS reg; DROP VIEW IF EXISTS completed; DROP VIEW IF EXISTS done;"
                     "DROP VIEW IF EXISTS last_done; DROP VIEW IF EXISTS last_before;"
                     "DROP VIEW IF EXISTS admitted; DROP VIEW IF EXISTS in_hospital;" + script)
    return {k: db.execute(q, {"s": start, "d": end}).fetchone()[0] for k, q in QUERIES.items()}

"""The social-psychological service pilot (社会心理服务体系建设试点, work plans 004): its area
indicators beside the patient indicators, targets with their plan, year and sentence, and one
scorecard per county (docs/pilot.md).

>>> import tempfile
>>> from smi_care.indicators import Period
>>> from smi_care.registry.tables import read_tables
>>> from smi_care.registry.pilot_files import read_pilot_files
>>> from smi_care.synth import write_province
>>> folder = write_province(tempfile.mkdtemp(), patients=60, seed=3)
>>> partial = evaluate_pilot(read_tables(folder).tables, read_pilot_files(folder), Period.parse("2025"))
>>> card = scorecard(partial, PlanChoice(("wuhan", "national")))
>>> row = card.row("general_hospital_clinic_rate")
>>> (row.target.plan, row.target.year, row.target.threshold)
('wuhan', 2021, 40.0)
>>> all(0 <= r.numerator <= r.denominator for r in card.rows)
True
"""

from smi_care.pilot.evaluate import PilotPartial, evaluate_area, evaluate_pilot
from smi_care.pilot.facts import EMERGENCY_DEFAULT, EmergencyPolicy
from smi_care.pilot.indicators import AREA_INDICATORS, PATIENT_INDICATORS, AreaIndicator
from smi_care.pilot.plans import DEFAULT_PLANS, PILOT_TARGETS, PLANS, PilotPlan, PilotTarget, PlanChoice, target_for
from smi_care.pilot.scorecard import Scorecard, ScoreRow, scorecard

__all__ = ["AREA_INDICATORS", "DEFAULT_PLANS", "EMERGENCY_DEFAULT", "PATIENT_INDICATORS", "PILOT_TARGETS", "PLANS",
           "AreaIndicator", "EmergencyPolicy", "PilotPartial", "PilotPlan", "PilotTarget", "PlanChoice", "ScoreRow",
           "Scorecard", "evaluate_area", "evaluate_pilot", "scorecard", "target_for"]

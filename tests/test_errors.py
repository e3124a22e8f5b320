"""No wrong answer in silence (issue 14): every call an app, a JSON payload, a period or a target
file can make that the library cannot honour gets a clear error or the right answer.

One test per row of the issue's table, then the property over every public rule function:
ill-typed arguments never give an answer different from the correctly typed call."""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smi_care.rules as rules
from smi_care.cli.main import main
from smi_care.domain import AreaCode, Classification, EventKind, FollowUp, Insight, PatientRecord
from smi_care.domain.arguments import is_checked
from smi_care.domain.errors import ArgumentTypeError, ArgumentValueError, CalendarError, SmiCareError, TextCodeError
from smi_care.indicators import NATIONAL_TARGETS, Period, due_dates, evaluate, finalize, report
from smi_care.indicators.columnar import evaluate_tables
from smi_care.indicators.evaluate import EvaluationPolicy, PartialMergeError, registry_area
from smi_care.indicators.output import to_json_data, to_table
from smi_care.indicators.quality_table import record_findings, records_findings
from smi_care.indicators.standard import FOLLOWUPS_AND_HEALTH_CHECK
from smi_care.indicators.targets import Target, TargetFileError, load_targets
from smi_care.indicators.worklist_table import record_items, records_worklist
from smi_care.registry import write_registry
from smi_care.registry.tables import read_tables
from smi_care.rules import PROVISIONAL, Action, report_deadline
from smi_care.rules.classification import Assessment, classify
from smi_care.rules.interventions import visit_actions
from smi_care.rules.risk import Setting, Smashing, VerbalThreat, risk_level
from smi_care.rules.risk import Target as RiskTarget
from smi_care.rules.schedule import followup_next_date, next_visit_date, retry_date
from smi_care.rules.workdays import known_years, provisional_holidays
from smi_care.scale import dumps, evaluate_parallel, loads, split_by_county
from smi_care.serial import StructureError, structure, unstructure
from smi_care.synth import generate
from tests.helpers import D, event, miss, record, visit

# --- 1. public rule functions take the domain's types --------------------------------------------


@pytest.mark.parametrize("wrong", [1, 3, "stable", "1", None, 1.0])
def test_next_visit_date_refuses_a_form_code_instead_of_a_class(wrong: object) -> None:
    with pytest.raises(ArgumentTypeError) as info:
        next_visit_date(D(2025, 3, 14), wrong)  # type: ignore[arg-type]
    message = str(info.value)
    assert isinstance(info.value, TypeError) and isinstance(info.value, SmiCareError)
    assert "next_visit_date(classification=" in message and "expected Classification" in message
    assert f"got {type(wrong).__name__}" in message
    assert next_visit_date(D(2025, 3, 14), Classification.from_code(1)) == D(2025, 3, 28)


def test_the_error_says_how_to_convert_the_form_code() -> None:
    with pytest.raises(ArgumentTypeError, match=r"convert with Classification\.from_code\(1\)"):
        next_visit_date(D(2025, 3, 14), 1)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"Classification\.from_code\(code\); codes: 1 不稳定"):
        next_visit_date(D(2025, 3, 14), "stable")  # type: ignore[arg-type]


def test_visit_actions_refuses_a_code_and_gives_the_police_report_with_the_class() -> None:
    with pytest.raises(ArgumentTypeError, match=r"visit_actions\(classification=1\): got int"):
        visit_actions(1, 3)  # type: ignore[arg-type]
    actions = visit_actions(Classification.from_code(1), 3)
    assert Action.NOTIFY_POLICE in actions and Action.CONTINUE_REGIMEN not in actions


def test_an_unreached_visit_has_no_class_and_next_visit_date_says_what_to_use() -> None:
    unreached = miss(D(2025, 3, 14))
    assert classify(unreached).classification is None
    with pytest.raises(ArgumentTypeError, match=r"classification=None.*retry_date"):
        next_visit_date(D(2025, 3, 14), None)  # type: ignore[arg-type]
    assert followup_next_date(unreached, None) == retry_date(D(2025, 3, 14)) == D(2025, 3, 28)


def test_smashing_refuses_strings_and_takes_them_converted() -> None:
    with pytest.raises(ArgumentTypeError, match=r"Smashing\(setting='home'\): got str, expected Setting; "
                                                r"convert with Setting\.from_code\('home'\)"):
        Smashing("home", "people", stopped_by_persuasion=True)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"Smashing\(stopped_by_persuasion=1\): got int, expected bool"):
        Smashing(Setting.HOME, RiskTarget.PEOPLE, stopped_by_persuasion=1)  # type: ignore[arg-type]
    converted = Smashing(Setting.from_code("home"), RiskTarget.from_code("people"), stopped_by_persuasion=True)
    assert risk_level([converted]) == 4
    assert Setting.HOME.text_code == "home" and Setting.HOME.label and RiskTarget.PEOPLE.label == "人"


def test_risk_level_names_the_expected_type_of_each_observation() -> None:
    with pytest.raises(ArgumentTypeError, match=r"risk_level\(observations\[1\]='verbal_threat'\): got str, "
                                                r"expected VerbalThreat or Smashing"):
        risk_level([VerbalThreat(), "verbal_threat"])  # type: ignore[list-item]
    with pytest.raises(ArgumentTypeError, match=r"observation_level\(obs='verbal_threat'\)"):
        risk_level(o for o in ["verbal_threat"])  # type: ignore[misc]
    with pytest.raises(ArgumentTypeError, match=r"risk_level\(observations='verbal_threat'\): got str"):
        risk_level("verbal_threat")  # type: ignore[arg-type]


def test_classify_and_report_deadline_name_parameter_type_given_and_expected() -> None:
    with pytest.raises(ArgumentTypeError) as info:
        classify({"risk_level": 0})  # type: ignore[arg-type]
    assert str(info.value).startswith("classify(f=<dict>): got dict, expected FollowUp; build a FollowUp")
    with pytest.raises(ArgumentTypeError) as info:
        report_deadline("2025-03-14")  # type: ignore[arg-type]
    assert str(info.value) == ("report_deadline(diagnosis='2025-03-14'): got str, expected date; "
                               "convert with datetime.date.fromisoformat('2025-03-14')")


def test_a_datetime_is_not_taken_for_a_date() -> None:
    with pytest.raises(ArgumentTypeError, match=r"pass its \.date\(\)"):
        next_visit_date(dt.datetime(2025, 3, 14, 9), Classification.STABLE)  # type: ignore[arg-type]


def test_assessment_checks_its_inputs() -> None:
    from smi_care.domain import SocialFunction, SymptomSeverity

    with pytest.raises(ArgumentTypeError, match=r"Assessment\(risk_level='3'\).*convert with int\('3'\)"):
        Assessment("3", SymptomSeverity.BASICALLY_GONE, Insight.COMPLETE, SocialFunction.all_good())  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"Assessment\(insight=1\).*Insight\.from_code\(1\)"):
        Assessment(0, SymptomSeverity.BASICALLY_GONE, 1, SocialFunction.all_good())  # type: ignore[arg-type]


def test_identifying_values_are_never_shown_in_an_argument_error() -> None:
    from smi_care.domain.errors import brief

    assert brief("name", "张三") == "<hidden>" and brief("address", "东湖路1号") == "<hidden>"
    with pytest.raises(ArgumentTypeError) as info:
        rules.status_on(unstructure(record(visit(D(2025, 1, 2)))), D(2025, 3, 1))  # type: ignore[arg-type]
    assert "<dict>" in str(info.value) and "P1" not in str(info.value)


def test_text_codes_say_to_use_text_code() -> None:
    with pytest.raises(TextCodeError, match=r"Action\.NOTIFY_POLICE has a text code.*\.text_code \('notify_police'\)"):
        Action.NOTIFY_POLICE.code  # noqa: B018
    with pytest.raises(AttributeError):  # still an AttributeError: hasattr() and getattr(..., default) work
        EventKind.DEATH.code  # noqa: B018
    assert not hasattr(Action.NOTIFY_POLICE, "code") and Insight.ABSENT.code == 3


def test_help_of_report_shows_a_short_signature() -> None:
    for fn in (report, finalize, evaluate, records_worklist, record_items, record_findings, records_findings,
               rules.report_deadline):
        sig = str(inspect.signature(fn))
        assert len(sig) < 420, (fn.__name__, sig)
    assert "STANDARD_INDICATORS" in str(inspect.signature(report))
    assert "NATIONAL_TARGETS" in str(inspect.signature(report))
    assert repr(EvaluationPolicy()) == "EvaluationPolicy()"
    changed = repr(EvaluationPolicy(standard=FOLLOWUPS_AND_HEALTH_CHECK))
    assert changed.startswith("EvaluationPolicy(standard=StandardPolicy(rule=") and "status=" not in changed


def test_the_indicator_entry_points_check_their_arguments() -> None:
    with pytest.raises(ArgumentTypeError, match=r"evaluate\(period='2025'\): got str, expected Period; "
                                                r"convert with Period\.parse"):
        evaluate([REC], "2025")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"evaluate\(records\[1\]=<dict>\): got dict, expected PatientRecord"):
        evaluate([REC, {"patient_id": "P2"}], Period.parse("2025"))  # type: ignore[list-item]
    with pytest.raises(ArgumentTypeError, match=r"evaluate\(records=<dict>\)"):
        evaluate({"P1": REC}, Period.parse("2025"))  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"evaluate_tables\(tables=<list>\)"):
        evaluate_tables([REC], Period.parse("2025"))  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"finalize\(partial=<Report>\)"):
        finalize(report([REC], Period.parse("2025")))  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"report\(by='township'\).*convert with parse_by"):
        report([REC], Period.parse("2025"), "township")  # type: ignore[arg-type]


# --- the property: every public rule function, ill-typed arguments --------------------------------

REC = record(visit(D(2025, 1, 10)), visit(D(2025, 3, 1), risk_level=3), miss(D(2025, 3, 20)),
             event(D(2025, 4, 2), EventKind.ADMISSION), event(D(2025, 4, 20), EventKind.DISCHARGE))
F = visit(D(2025, 3, 1), risk_level=3)
A = Assessment.of(F)
ON = D(2025, 5, 1)

#: One correctly typed call of every public rule function: positional arguments, all given.
VALID: dict[str, tuple[Any, ...]] = {
    "actions_for": (Classification.UNSTABLE, 3, rules.InterventionPolicy()),
    "add_months": (D(2025, 1, 31), 1),
    "add_working_days": (D(2025, 3, 14), 10, rules.OFFICIAL),
    "classify": (F, rules.ClassificationPolicy()),
    "classify_assessment": (A, rules.ClassificationPolicy()),
    "effective_class": (F, rules.ClassificationPolicy()),
    "health_check_due": (REC, ON, rules.SchedulePolicy()),
    "in_hospital": (REC, D(2025, 4, 10)),
    "is_lost": (REC, ON, rules.StatusPolicy()),
    "is_registered": (REC, ON),
    "is_working_day": (D(2025, 10, 1), rules.OFFICIAL),
    "meets_annual_minimum": (REC, 2025, rules.SchedulePolicy()),
    "next_due": (REC, ON, rules.SchedulePolicy(), rules.ClassificationPolicy()),
    "next_visit_date": (D(2025, 3, 14), Classification.STABLE, rules.SchedulePolicy()),
    "paper_entry_deadline": (D(2025, 3, 14), rules.SchedulePolicy(), rules.OFFICIAL),
    "report_deadline": (D(2025, 3, 14), rules.SchedulePolicy(), rules.OFFICIAL),
    "risk_level": ([VerbalThreat()],),
    "second_visit_actions": (False, rules.InterventionPolicy()),
    "status_in": (REC, D(2025, 1, 1), D(2025, 3, 31)),
    "status_on": (REC, ON),
    "timeline": (REC, ON),
    "visit_actions": (Classification.UNSTABLE, 3, Classification.BASICALLY_STABLE, rules.InterventionPolicy()),
    # the worklist, its due dates and the quality findings of records: rules over a patient's
    # history, written once in the engine (issue 25); their record calls are public functions
    # like the rules'
    "record_items": (REC, ON, 14),
    "records_worklist": ([REC], ON, 14),
    "record_findings": (REC,),
    "records_findings": ([REC],),
}

#: The public functions checked here: every function of ``smi_care.rules`` and the engine's record calls.
FUNCTIONS: dict[str, Callable[..., Any]] = {
    **{n: getattr(rules, n) for n in rules.__all__ if inspect.isfunction(getattr(rules, n))},
    "record_items": record_items, "records_worklist": records_worklist,
    "next_due": due_dates.next_due, "health_check_due": due_dates.health_check_due,
    "record_findings": record_findings, "records_findings": records_findings,
}
PUBLIC = sorted(FUNCTIONS)


def fits(annotation: str, value: object) -> bool:
    """Whether ``value`` is of a type the annotation names (read independently of the checker)."""
    words = set(annotation.replace("|", " ").replace("[", " ").replace("]", " ").replace(",", " ").split())
    if value is None:
        return "None" in words
    if isinstance(value, bool):
        return "bool" in words
    if isinstance(value, int):
        return "int" in words
    return type(value).__name__ in words


def test_every_public_rule_function_has_a_valid_call_here_and_checks_its_arguments() -> None:
    assert sorted(VALID) == PUBLIC
    unchecked = [n for n in PUBLIC if not is_checked(FUNCTIONS[n])]
    assert unchecked == []
    for fn in (evaluate, finalize, report, evaluate_tables):
        assert is_checked(fn), fn.__name__


junk = st.one_of(st.integers(-3, 10), st.text(max_size=4), st.none(), st.booleans(), st.floats(allow_nan=False),
                 st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
                 st.sampled_from(["1", "2", "3", "stable", "2025-03-14", "home"]))


@settings(max_examples=150)
@given(st.sampled_from(sorted(VALID)), st.data())
def test_ill_typed_arguments_give_the_typed_answer_or_a_clear_error(name: str, data: st.DataObject) -> None:
    fn: Callable[..., Any] = FUNCTIONS[name]
    args = VALID[name]
    right = fn(*args)
    i = data.draw(st.integers(0, len(args) - 1), label="position")
    value = data.draw(junk, label="value")
    param = list(inspect.signature(fn).parameters)[i]
    bad = list(args)
    bad[i] = value
    try:
        got = fn(*bad)
    except ArgumentTypeError as exc:
        assert str(exc).startswith(f"{name}({param}"), str(exc)
        assert f"got {type(value).__name__}" in str(exc) or f"{param}[" in str(exc)
        return
    except ArgumentValueError as exc:  # the right type, out of range (a negative number of days)
        assert str(exc).startswith(f"{name}({param}="), str(exc)
        return
    # accepted: only a value of the right type (None where None is allowed, an int for an int),
    # and then the answer is that of the typed call with that value
    assert fits(str(inspect.signature(fn).parameters[param].annotation), value), (name, param, value)
    if value == args[i] and type(value) is type(args[i]):
        assert got == right


@pytest.mark.parametrize(("call", "message"), [
    (lambda: rules.add_working_days(D(2025, 3, 14), -1), "add_working_days(days=-1): expected 0 or more"),
    (lambda: rules.meets_annual_minimum(REC, 0), "meets_annual_minimum(year=0): expected a year from 1"),
])
def test_values_out_of_range_are_named(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ArgumentValueError) as info:
        call()
    assert str(info.value).startswith(message)


@settings(max_examples=60)
@given(st.sampled_from(sorted(VALID)), junk)
def test_ill_typed_keyword_arguments_are_refused_alike(name: str, value: object) -> None:
    fn: Callable[..., Any] = FUNCTIONS[name]
    params = list(inspect.signature(fn).parameters)
    hinted = params[0]
    try:
        fn(**{hinted: value}, **dict(zip(params[1:], VALID[name][1:], strict=False)))
    except (ArgumentTypeError, ArgumentValueError) as exc:
        assert str(exc).startswith(f"{name}({hinted}")
        return
    assert fits(str(inspect.signature(fn).parameters[hinted].annotation), value), (name, hinted, value)


# --- 2. JSON intake ---------------------------------------------------------------------------


def test_a_misspelt_key_is_refused_and_named() -> None:
    data = unstructure(F)
    data["risk"] = data.pop("risk_level")
    with pytest.raises(StructureError) as info:
        structure(data, FollowUp)
    assert info.value.problems == ("$: extra fields found (risk)",)


def test_every_bad_field_is_reported_at_once_one_line_each() -> None:
    data = {**unstructure(F), "insight": 7, "visit_date": "2025-13-01", "form": 9}
    with pytest.raises(StructureError) as info:
        structure(data, FollowUp)
    problems = info.value.problems
    assert len(problems) == 3 and len(str(info.value).splitlines()) == 4
    assert any(p.startswith("$.insight: Insight (自知力) has no code 7; expected one of 1 完全") for p in problems)
    assert any(p.startswith("$.form: FollowUpForm") and "no code 9" in p for p in problems)
    assert any(p.startswith("$.visit_date: ") and "expected an ISO date" in p for p in problems)


def test_nested_paths_and_missing_fields_are_named() -> None:
    data = unstructure(REC, include_identifying=True)
    data["followups"][1]["risk_level"] = 9
    del data["patient"]["sex"]
    with pytest.raises(StructureError) as info:
        structure(data, PatientRecord)
    text = str(info.value)
    assert "$.patient.sex: required field missing" in text
    assert "$.followups[1]" in text and "risk_level = 9" in text


def test_json_round_trips_still_and_not_an_object_is_named() -> None:
    assert structure(unstructure(REC, include_identifying=True), PatientRecord) == REC
    with pytest.raises(StructureError, match=r"expected an object \(a dict of fields\), got str"):
        structure("P1", FollowUp)


# --- 3. the provisional calendar --------------------------------------------------------------


def test_report_deadline_on_the_provisional_calendar_skips_new_years_day() -> None:
    answer = report_deadline(D(2026, 12, 20), calendar=PROVISIONAL)
    assert answer.date == D(2027, 1, 4) and answer.provisional
    with pytest.raises(CalendarError) as info:
        report_deadline(D(2026, 12, 20))
    assert "report_deadline(diagnosis=2026-12-20)" in str(info.value) and "calendar=PROVISIONAL" in str(info.value)
    assert info.value.argument == "report_deadline(diagnosis=2026-12-20)" and info.value.year == 2027


def test_provisional_holidays_of_2027_by_date_and_by_the_lunar_calendar() -> None:
    days = provisional_holidays(2027)
    assert {D(2027, 1, 1), D(2027, 5, 1), D(2027, 5, 2), D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)} <= days
    assert {D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)} <= days  # 除夕 and 正月初一 to 初三
    assert D(2027, 4, 5) in days  # 清明, the solar term
    assert D(2027, 6, 9) in days and D(2027, 9, 15) in days  # 端午, 中秋
    assert len(days) == 13


@pytest.mark.parametrize(("day", "working"), [
    (D(2026, 12, 31), True),  # the official calendar's last known year
    (D(2027, 1, 1), False), (D(2027, 1, 4), True),  # 元旦 (a Friday), then Monday
    (D(2027, 2, 4), True), (D(2027, 2, 5), False), (D(2027, 2, 8), False), (D(2027, 2, 9), True),  # 除夕..初三
    (D(2027, 4, 5), False), (D(2027, 4, 6), True),  # 清明
    (D(2027, 4, 30), True), (D(2027, 5, 3), True),  # 1-2 May fall on a weekend: no make-up day (补休) is guessed
    (D(2027, 6, 9), False), (D(2027, 6, 10), True),  # 端午
    (D(2027, 9, 15), False), (D(2027, 9, 16), True),  # 中秋
    (D(2027, 10, 1), False), (D(2027, 10, 4), True),  # 国庆 1-3 October (Friday to Sunday)
])
def test_provisional_boundaries_around_each_holiday(day: dt.date, working: bool) -> None:
    assert rules.is_working_day(day, PROVISIONAL) is working


@pytest.mark.parametrize("year", [y for y in known_years() if y >= 2014])
def test_the_provisional_holidays_are_holidays_on_the_official_calendar_of_known_years(year: int) -> None:
    """元旦, 劳动节, 国庆 by date and 春节, 清明, 端午, 中秋 by the lunar calendar agree with the State
    Council's notices for every year the official calendar knows (since the 2014 rules; 除夕 and
    2 May are statutory from 2025 and are left out before)."""
    days = provisional_holidays(year)
    eve = min(d for d in days if d.month in (1, 2) and d != D(year, 1, 1))
    checked = days if year >= 2025 else days - {eve, D(year, 5, 2)}
    assert len(checked) >= (12 if year >= 2025 else 10)  # 中秋 may fall on 1 October
    for day in checked:
        assert chinese_calendar.is_holiday(day), (year, day)


@settings(max_examples=40)
@given(st.dates(D(2026, 10, 1), D(2031, 12, 31)), st.integers(0, 30))
def test_provisional_answers_skip_weekends_and_holidays_and_say_so(start: dt.date, days: int) -> None:
    answer = rules.add_working_days(start, days, PROVISIONAL)
    last_known = known_years().stop - 1
    if days:
        assert answer.date.weekday() < 5
        assert answer.date not in provisional_holidays(answer.date.year) or answer.date.year <= last_known
    assert answer.provisional == (answer.date.year > last_known and days > 0)
    if answer.date.year <= last_known:
        assert answer == rules.add_working_days(start, days)  # the official calendar wins where it knows the year


def test_a_year_before_the_known_ones_is_refused_even_provisionally() -> None:
    with pytest.raises(CalendarError, match="is_working_day"):
        rules.is_working_day(D(2001, 3, 1), PROVISIONAL)


# --- 4. reports: periods without data, targets by kind of period, local targets -----------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_registry(generate(patients=60, seed=11), tmp_path_factory.mktemp("demo"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


NO_DATA = "no follow-up is recorded in the period 2026-01-01..2026-12-31"


def test_a_period_without_data_is_reported_with_a_warning_on_every_path(demo: Path) -> None:
    period = Period.parse("2026")
    tables = read_tables(demo).tables
    from smi_care.registry import read_registry

    registry = read_registry(demo).registry
    paths = {
        "objects": finalize(evaluate(registry, period)),
        "columnar": finalize(evaluate_tables(tables, period)[0]),
        "scale": finalize(evaluate_parallel([p for _, p in split_by_county(tables)], period, workers=1)[0]),
        "json partial": finalize(loads(dumps(evaluate_tables(tables, period)[0]))),
    }
    for name, rep in paths.items():
        assert rep.result("management_rate").value == 0.0, name
        assert any(NO_DATA in w for w in rep.warnings), (name, rep.warnings)
    assert not any("no follow-up" in w for w in finalize(evaluate(registry, Period.parse("2025"))).warnings)


def test_the_json_and_table_outputs_carry_the_warning(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    code, out, _ = run(capsys, "report", str(demo), "--period", "2026", "--format", "json")
    assert code == 0 and any(NO_DATA in w for w in json.loads(out)["warnings"])
    code, out, _ = run(capsys, "report", str(demo), "--period", "2026", "--lang", "en")
    assert code == 0 and any(line.startswith("warning: " + NO_DATA) for line in out.splitlines())
    code, out, err = run(capsys, "report", str(demo), "--period", "2026", "--format", "csv")
    assert code == 0 and "warning" not in out and err.startswith("warning: " + NO_DATA)


def test_a_quarter_is_not_judged_against_annual_targets(demo: Path) -> None:
    tables = read_tables(demo).tables
    rep = finalize(evaluate_tables(tables, Period.parse("2025Q3"))[0])
    r = rep.result("community_rehabilitation_rate")
    assert r.target is None and r.met is None
    assert all(x.met is None for x in rep.results)
    note = next(w for w in rep.warnings if w.startswith("targets not judged on this quarter"))
    assert "community_rehabilitation_rate 60" in note and "set for a year" in note
    data = to_json_data(rep)
    assert note in data["warnings"] and "warning: targets not judged" in to_table(rep, "en")
    # the year is judged as before
    year = finalize(evaluate_tables(tables, Period.parse("2025"))[0])
    assert year.result("community_rehabilitation_rate").target is not None
    assert not any("not judged" in w for w in year.warnings)


def test_a_target_that_says_it_applies_to_quarters_judges_a_quarter(demo: Path, tmp_path: Path) -> None:
    f = tmp_path / "targets.csv"
    f.write_text("indicator,year,threshold,source,applies_to\ncommunity_rehabilitation_rate,2025,5,plan,quarter\n",
                 encoding="utf-8")
    targets = (*NATIONAL_TARGETS, *load_targets(f))
    rep = finalize(evaluate_tables(read_tables(demo).tables, Period.parse("2025Q3"))[0], targets)
    r = rep.result("community_rehabilitation_rate")
    assert r.target is not None and r.target.threshold == 5 and r.met is (r.value is not None and r.value >= 5)
    assert Period.parse("2025-07").kind == "month" and Target("x", 1, 2025, "s").applies_to == ("year",)
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,year,threshold,source,applies_to\nmanagement_rate,2025,5,plan,weekly\n", encoding="utf-8")
    with pytest.raises(TargetFileError, match="line 2 column applies_to: applies_to 'weekly' is not a kind of period"):
        load_targets(bad)


def test_a_county_target_judges_the_county_total(capsys: pytest.CaptureFixture[str], demo: Path,
                                                 tmp_path: Path) -> None:
    f = tmp_path / "county.csv"
    f.write_text("indicator,year,threshold,source,area_code\nmanagement_rate,2025,90,county plan,360102\n",
                 encoding="utf-8")
    for by in ((), ("--by", "township"), ("--by", "sex")):
        code, out, _ = run(capsys, "report", str(demo), "--period", "2025", "--targets", str(f), "--format", "json",
                           *by)
        assert code == 0
        total = next(r for r in json.loads(out)["results"] if r["indicator"] == "management_rate"
                     and r["group"] is None and (r["area"] is None))
        assert total["target"] == 90 and total["target_source"] == "county plan", by
    assert registry_area(evaluate_tables(read_tables(demo).tables, Period.parse("2025"))[0].population) \
        == AreaCode("360102")


# --- 5. partials: the same source twice, mismatches named -----------------------------------------


def test_merging_the_same_partial_twice_is_refused_naming_it(demo: Path) -> None:
    part = evaluate_tables(read_tables(demo).tables, Period.parse("2025"))[0]
    with pytest.raises(PartialMergeError, match=r"source 360102 \(60 patients, fingerprint [0-9a-f]{16}\)"):
        part.merge(part)
    with pytest.raises(PartialMergeError):
        part.merge(loads(dumps(part)))  # the source survives the JSON form
    assert loads(dumps(part)).sources == part.sources and loads(dumps(part)).followups_in_period == \
        part.followups_in_period


def test_mismatched_partials_are_refused_naming_what_differs(demo: Path) -> None:
    tables = read_tables(demo).tables
    from smi_care.domain.identity import AreaLevel

    a = evaluate_tables(tables, Period.parse("2025"))[0]
    b = evaluate_tables(tables, Period.parse("2024"), AreaLevel.TOWNSHIP,
                        policy=EvaluationPolicy(standard=FOLLOWUPS_AND_HEALTH_CHECK))[0]
    b = attrs.evolve(b, sources=frozenset())
    with pytest.raises(PartialMergeError) as info:
        a.merge(b)
    text = str(info.value)
    assert "period 2025-01-01..2025-12-31 vs 2024-01-01..2024-12-31" in text
    assert "breakdown total vs township" in text and "policy (standard:" in text


def test_merging_disjoint_parts_still_equals_the_whole(demo: Path) -> None:
    from smi_care.registry.tables import RegistryTables

    tables = read_tables(demo).tables
    period = Period.parse("2025")
    whole = evaluate_tables(tables, period)[0]
    first = tables.patients.head(30).select("patient_id")

    def part(how: str) -> RegistryTables:
        pats = tables.patients.join(first, on="patient_id", how=how)  # type: ignore[arg-type]
        keep = pats.select("patient_id")
        return RegistryTables(pats, tables.followups.join(keep, on="patient_id", how="semi"),
                              tables.events.join(keep, on="patient_id", how="semi"), tables.population)

    a, b = (evaluate_tables(part(how), period, covers=tables.covers)[0] for how in ("semi", "anti"))
    merged = a.merge(b)
    assert merged == whole and len(merged.sources) == 2 and merged.followups_in_period == whole.followups_in_period


def test_the_merge_command_refuses_the_same_file_twice(capsys: pytest.CaptureFixture[str], demo: Path,
                                                       tmp_path: Path) -> None:
    path = tmp_path / "county.json"
    assert run(capsys, "report", str(demo), "--period", "2025", "--save-partial", str(path))[0] == 0
    copy = tmp_path / "copy.json"
    copy.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run(capsys, "merge", str(path), str(copy))
    assert code == 2 and "copy.json holds the same patients as" in err and "county.json" in err


def test_the_object_and_columnar_engines_give_the_same_source(demo: Path) -> None:
    from smi_care.registry import read_registry

    period = Period.parse("2025")
    objects = evaluate(read_registry(demo).registry, period)
    columns = evaluate_tables(read_tables(demo).tables, period)[0]
    assert objects.sources == columns.sources and objects.followups_in_period == columns.followups_in_period



def test_the_merge_command_names_a_mismatch(capsys: pytest.CaptureFixture[str], demo: Path, tmp_path: Path) -> None:
    saved = []
    for period in ("2025", "2025Q4"):
        path = tmp_path / f"{period}.json"
        assert run(capsys, "report", str(demo), "--period", period, "--save-partial", str(path))[0] == 0
        saved.append(str(path))
    code, _, err = run(capsys, "merge", *saved)
    assert code == 2 and err.startswith("error: ") and "period 2025-01-01..2025-12-31 vs 2025-10-01..2025-12-31" in err


def test_a_trend_carries_each_periods_warnings(capsys: pytest.CaptureFixture[str], demo: Path) -> None:
    from smi_care.indicators.trend import rows_of, trend, trend_reports, trend_warnings

    tables = read_tables(demo).tables
    reports = trend_reports(tables, "2025Q4..2026Q1")
    assert [row for rep in reports for row in rows_of(rep)] \
        == trend(tables, "2025Q4..2026Q1")
    warnings = trend_warnings(reports)
    assert any("no follow-up is recorded in the period 2026-01-01..2026-03-31" in w for w in warnings)
    # each warning once per run, naming every period it holds for (issue 24)
    judged = [w for w in warnings if w.startswith("targets not judged on these quarters (")]
    assert len(judged) == 1 and "2025Q4" in judged[0] and "2026Q1" in judged[0]
    code, out, _ = run(capsys, "report", str(demo), "--periods", "2025Q4..2026Q1", "--format", "json")
    assert code == 0 and json.loads(out)["warnings"] == warnings

"""Which condition of an indicator's own definition moves a patient in or out, between two facts tables.

An explanation (:mod:`smi_care.indicators.explain`: two periods) and a comparison
(:mod:`smi_care.indicators.compare`: two policies or definitions) both ask the same question of
two facts tables (:func:`~smi_care.indicators.facts_table.facts_table`, one row per patient in
the order of the registry's patients): for every patient whose membership of a numerator or a
denominator differs, *which part of the definition* differs. No second set of rules: the answer
is read off the indicator's own conditions (:mod:`smi_care.indicators.definitions`), descended
into their expressions (:mod:`smi_care.indicators.expr`), and the ``standard`` fact into the
standard policy's own expression (:meth:`StandardPolicy.expression
<smi_care.indicators.standard.StandardPolicy.expression>`).

The reading: membership is a conjunction of conditions. When it is lost (held on side a, not on
side b), the reason is the first part, in the definition's order (denominator conditions first,
then the numerator's own), that was lost too; when gained, the first part gained. Inside a
condition the same rule descends through ``AND`` and ``OR`` (the first part that flipped the same
way — one always exists) and through ``NOT`` (the part flipped the other way), down to a leaf: a
comparison or a fact, such as ``completed_count >= required_followups``. Two definitions that
differ (another standard policy, another denominator) are read as one conjunction of the parts of
both, a part missing on one side holding there; so a part only one definition has is the reason
when it is the one that differs.

>>> from smi_care.indicators.expr import fact
>>> render(fact("last_adherence").is_in((1, 2)) | fact("hospital_for_medication"))
'last_adherence in (1, 2) or hospital_for_medication'
>>> reason_words("lost|standard|completed_count >= required_followups", "en")
'no longer: enough completed follow-ups for the pro-rated count (standard)'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import attrs
import polars as pl

from smi_care.indicators.definitions import Condition, Indicator
from smi_care.indicators.evaluate import DEFAULT_POLICY, EvaluationPolicy
from smi_care.indicators.expr import AllOf, AnyOf, Cmp, Expr, Fact, IsIn, IsNull, Lit, Not, as_column

Part = Literal["numerator", "denominator"]
PARTS: tuple[Part, ...] = ("numerator", "denominator")
LOST, GAINED = "lost", "gained"
#: The mark of a leaf only one of two compared definitions has (the first, or the other); a ``+``
#: follows when the leaf is one way among others (an OR) rather than a requirement (an AND).
FIRST_ONLY, OTHER_ONLY = " #first", " #other"
#: The mark of a leaf that fails because every fact it reads is missing (a last adherence or class
#: when there is no completed follow-up in the period, or none was recorded).
MISSING = " #none"

#: The words for the leaves of the standard definitions (rendered by :func:`render`), English and
#: Chinese: what holds when the leaf holds. A leaf not listed is shown as its expression.
LEAF_WORDS: dict[str, tuple[str, str]] = {
    "registered": ("registered", "在册"),
    "consented": ("consent given", "知情同意"),
    "completed_count >= 1": ("a completed follow-up in the period", "期内有完成的随访"),
    "completed_count >= required_followups": ("enough completed follow-ups for the pro-rated count",
                                              "完成随访次数达到按期折算要求"),
    "gaps_within_limit": ("no gap over the limit between completed follow-ups", "随访间隔未超过规定月数"),
    "health_check": ("a health check in the period", "期内有健康体检"),
    "hospital_for_medication": ("in hospital (counted as on medication)", "住院（计为服药）"),
    "last_adherence in (1, 2)": ("last adherence regular or intermittent", "末次随访规律或间断服药"),
    "last_adherence == 1": ("last adherence regular", "末次随访规律服药"),
    "disorder == 1": ("diagnosis schizophrenia", "诊断为精神分裂症"),
    "face_to_face": ("a completed clinic or home follow-up", "期内有门诊或家庭面访"),
    "in_hospital": ("in hospital on the last day", "期末住院"),
    "last_class == 3": ("last class stable", "末次随访病情稳定"),
    "lost": ("lost to follow-up", "失访"),
    "rehabilitation": ("community rehabilitation in the period", "期内参加社区康复"),
    "counselling": ("counselling in the period", "期内接受心理疏导"),
    "contract": ("a family-doctor contract in force", "家庭医生签约有效"),
    "incident": ("肇事 or 肇祸 recorded in the period", "期内有肇事肇祸"),
    "lockup == 3": ("lock-up released", "关锁已解除"),
    "lockup in (2, 3)": ("lock-up recorded", "有关锁记录"),
}


def render(e: Expr) -> str:
    """An expression in plain text (fact names, operators, codes)."""
    if isinstance(e, Fact):
        return e.name
    if isinstance(e, Lit):
        return repr(e.value) if isinstance(e.value, str) else str(e.value)
    if isinstance(e, Cmp):
        return f"{render(e.left)} {e.op} {render(e.right)}"
    if isinstance(e, IsIn):
        return f"{render(e.operand)} in ({', '.join(str(v) for v in e.values)})"
    if isinstance(e, IsNull):
        return f"{render(e.operand)} is null"
    if isinstance(e, Not):
        return f"not ({render(e.operand)})"
    if isinstance(e, AllOf | AnyOf):
        joined = (" and " if isinstance(e, AllOf) else " or ").join(render(p) for p in e.parts)
        return joined or ("true" if isinstance(e, AllOf) else "false")
    return repr(e.to_data())


def reason_words(code: str, lang: str = "en") -> str:
    """A ``direction|condition|leaf`` reason in words."""
    direction, condition, leaf = code.split("|", 2)
    if leaf.endswith(MISSING):
        words = reason_words(f"{direction}|{condition}|{leaf.removesuffix(MISSING)}", lang)
        return words + ("，无记录（期内无完成的随访或未填写）" if lang == "zh" else
                        " — not recorded (no completed follow-up in the period, or left blank)")
    counted = leaf.endswith("+")
    bare = leaf.removesuffix("+").removesuffix(FIRST_ONLY).removesuffix(OTHER_ONLY)
    en, zh = LEAF_WORDS.get(bare, (bare, bare))
    if bare != leaf:  # a part of one definition only: not met where it is required, met where it counts
        first = FIRST_ONLY in leaf
        if counted:
            if lang == "zh":
                return f"仅{'第一种' if first else '本'}口径计入：{zh}（{condition}）"
            return f"counted by {'the first' if first else 'this'} reading only: {en} ({condition})"
        if lang == "zh":
            return f"不满足{'第一种' if first else '本'}口径独有的条件：{zh}（{condition}）"
        return f"not met, required by {'the first' if first else 'this'} reading only: {en} ({condition})"
    if lang == "zh":
        return f"{'新满足' if direction == GAINED else '不再满足'}：{zh}（{condition}）"
    return f"{'now' if direction == GAINED else 'no longer'}: {en} ({condition})"


def leaf_of(code: str) -> str:
    """The leaf of a ``direction|condition|leaf`` reason."""
    return code.split("|", 2)[2]


@attrs.frozen
class _Node:
    kind: str  # "and", "or", "not", "leaf"
    a: Expr | None
    b: Expr | None
    children: tuple[_Node, ...] = ()
    label: str = ""


def _expand(e: Expr | None, policy: EvaluationPolicy) -> Expr | None:
    """The ``standard`` fact is the standard policy's expression (facts_table computes it so)."""
    if isinstance(e, Fact) and e.name == "standard":
        return policy.standard.expression()
    return e


def _parts(e: Expr | None, kind: type[AllOf] | type[AnyOf]) -> tuple[Expr, ...]:
    if e is None:
        return ()
    return e.parts if isinstance(e, kind) else (e,)


def _union(a: Sequence[Expr], b: Sequence[Expr]) -> list[tuple[Expr | None, Expr | None]]:
    out: list[tuple[Expr | None, Expr | None]] = []
    rest = list(b)
    for x in a:
        match = next((y for y in rest if y.same(x)), None)
        if match is not None:
            rest.remove(match)
        out.append((x, match))
    out += [(None, y) for y in rest]
    return out


def _pair(ea: Expr | None, eb: Expr | None, cid: str, pa: EvaluationPolicy, pb: EvaluationPolicy,
          within: str = "and") -> _Node:
    ea, eb = _expand(ea, pa), _expand(eb, pb)
    if ea is None or eb is None:  # a part of one definition only: it is the reason as a whole
        one = ea if ea is not None else eb
        side = (FIRST_ONLY if eb is None else OTHER_ONLY) + ("+" if within == "or" else "")
        return _Node("leaf", ea, eb, label=f"{cid}|{render(one)}{side}")  # type: ignore[arg-type]
    if ea.same(eb) and not isinstance(ea, AllOf | AnyOf | Not):
        return _Node("leaf", ea, eb, label=f"{cid}|{render(ea)}")
    if isinstance(ea, Not) and isinstance(eb, Not):
        return _Node("not", ea, eb, (_pair(ea.operand, eb.operand, cid, pa, pb),))
    if (isinstance(ea, AnyOf) and not isinstance(eb, AllOf)) or (
            isinstance(eb, AnyOf) and not isinstance(ea, AllOf)):
        kids = tuple(_pair(x, y, cid, pa, pb, "or") for x, y in _union(_parts(ea, AnyOf), _parts(eb, AnyOf)))
        return _Node("or", ea, eb, kids)
    kids = tuple(_pair(x, y, cid, pa, pb) for x, y in _union(_parts(ea, AllOf), _parts(eb, AllOf)))
    return _Node("and", ea, eb, kids)


def conditions_of(ind: Indicator, part: Part) -> tuple[Condition, ...]:
    """The conditions of a numerator or denominator, denominator conditions first (so that a patient
    who leaves the denominator leaves the numerator for the same reason)."""
    if ind.population_denominator:
        return ind.numerator if part == "numerator" else ()
    if part == "denominator":
        return ind.denominator
    return (*ind.denominator, *(c for c in ind.numerator if c not in ind.denominator))


def _plan(ca: Sequence[Condition], cb: Sequence[Condition], pa: EvaluationPolicy, pb: EvaluationPolicy) -> _Node:
    kids: list[_Node] = []
    rest = list(cb)
    for c in ca:
        match = next((d for d in rest if d.id == c.id), None)
        if match is not None:
            rest.remove(match)
        kids.append(_pair(c.expr, match.expr if match else None, c.id, pa, pb))
    kids += [_pair(None, d.expr, d.id, pa, pb) for d in rest]
    return _Node("and", None, None, tuple(kids))


class _Columns:
    """The boolean columns a plan needs on each side, each expression once."""

    def __init__(self) -> None:
        self.a: dict[str, tuple[str, Expr]] = {}
        self.b: dict[str, tuple[str, Expr]] = {}

    def key(self, side: str, e: Expr | None, absent: bool) -> pl.Expr:
        if e is None:
            return pl.lit(absent)
        table = self.a if side == "a" else self.b
        k = repr(e.to_data())
        if k not in table:
            table[k] = (f"{side}{len(table)}", e)
        return pl.col(table[k][0])

    def select(self, side: str) -> list[pl.Expr]:
        table = self.a if side == "a" else self.b
        return [as_column(e).alias(name) for name, e in table.values()]


def _leaf(node: _Node, direction: str, cols: _Columns) -> pl.Expr:
    """The leaf's reason, marked when every fact it reads is missing where it fails."""
    label = f"{direction}|{node.label}"
    side, e = ("b", node.b) if direction == LOST else ("a", node.a)
    if e is None or not e.columns():
        return pl.lit(label)
    missing = cols.key(side, AllOf(tuple(Fact(c).is_null() for c in sorted(e.columns()))), True)
    return pl.when(missing).then(pl.lit(label + MISSING)).otherwise(pl.lit(label))


def _reason(node: _Node, direction: str, cols: _Columns) -> pl.Expr:
    if node.kind == "leaf":
        return _leaf(node, direction, cols)
    if node.kind == "not":
        return _reason(node.children[0], GAINED if direction == LOST else LOST, cols)
    chain: pl.Expr | None = None
    inner_absent = node.kind == "and"
    for child in node.children:
        a, b = cols.key("a", child.a, inner_absent), cols.key("b", child.b, inner_absent)
        flipped = (a & ~b) if direction == LOST else (~a & b)
        then = _reason(child, direction, cols)
        chain = pl.when(flipped).then(then) if chain is None else chain.when(flipped).then(then)  # type: ignore[attr-defined]
    fallback = pl.lit(f"{direction}|?|?")
    return fallback if chain is None else chain.otherwise(fallback)  # type: ignore[attr-defined]


def flips(facts_a: pl.DataFrame, facts_b: pl.DataFrame, groups_a: pl.Series, groups_b: pl.Series,
          indicators_a: Sequence[Indicator], indicators_b: Sequence[Indicator] | None = None,
          policy_a: EvaluationPolicy = DEFAULT_POLICY, policy_b: EvaluationPolicy | None = None) -> pl.DataFrame:
    """Every patient whose place in an indicator differs between two facts tables of the same
    patients (same order), or who is counted in both under different groups: one row per
    indicator, part and patient, with ``indicator``, ``part``, ``patient_id``, ``group_a``,
    ``group_b``, ``in_a``, ``in_b`` and ``reason`` (``lost|condition|leaf`` or
    ``gained|condition|leaf`` when the membership differs, else null).

    ``indicators_b`` (same identifiers, in the same order) and ``policy_b`` default to side a's."""
    inds_b = tuple(indicators_b) if indicators_b is not None else tuple(indicators_a)
    pb = policy_b or policy_a
    if facts_a.height != facts_b.height:
        raise ValueError(f"the facts tables must be of the same patients: {facts_a.height} and {facts_b.height} rows")
    cols = _Columns()
    members: list[tuple[str, Part, pl.Expr, pl.Expr, pl.Expr]] = []
    for ia, ib in zip(indicators_a, inds_b, strict=True):
        for part in PARTS:
            if part == "denominator" and ia.population_denominator and ib.population_denominator:
                continue
            ca, cb = conditions_of(ia, part), conditions_of(ib, part)
            plan = _plan(ca, cb, policy_a, pb)
            in_a = cols.key("a", plan_expr(ca), True) if ca or not ia.population_denominator else pl.lit(False)
            in_b = cols.key("b", plan_expr(cb), True) if cb or not ib.population_denominator else pl.lit(False)
            reason = (pl.when(in_a & ~in_b).then(_reason(plan, LOST, cols))
                      .when(~in_a & in_b).then(_reason(plan, GAINED, cols)))
            members.append((ia.id, part, in_a, in_b, reason))
    wide = pl.concat([
        facts_a.select("patient_id", *cols.select("a")).with_columns(group_a=groups_a.alias("group_a")),
        facts_b.select(*cols.select("b")).with_columns(group_b=groups_b.alias("group_b")),
    ], how="horizontal").lazy()
    moved = pl.col("group_a") != pl.col("group_b")
    frames = [wide.select("patient_id", "group_a", "group_b", in_a=in_a, in_b=in_b, reason=reason)
              .filter((pl.col("in_a") != pl.col("in_b")) | (moved & (pl.col("in_a") | pl.col("in_b"))))
              .select(pl.lit(ind).alias("indicator"), pl.lit(part).alias("part"), pl.all())
              for ind, part, in_a, in_b, reason in members]
    schema = {"indicator": pl.String, "part": pl.String, "patient_id": pl.String, "group_a": pl.String,
              "group_b": pl.String, "in_a": pl.Boolean, "in_b": pl.Boolean, "reason": pl.String}
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(pl.collect_all(frames)).cast(schema)  # type: ignore[arg-type]


def plan_expr(conditions: Sequence[Condition]) -> Expr:
    """The conjunction of conditions (the membership the counts use)."""
    return AllOf(tuple(c.expr for c in conditions))

"""Official code lists of the national forms (national-rules §1, §3, §5, §7).

Every member carries ``.code`` (the code printed on the form) and ``.label`` (the Chinese
label), so data copied from a paper form or a national export maps in without tables of
magic numbers:

>>> Insight.ABSENT.code, Insight.ABSENT.label
(3, '缺失')
>>> Insight.from_code("3") is Insight.ABSENT
True
>>> Disorder.from_code(1).label
'精神分裂症'
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from enum import Enum
from typing import ClassVar, TypeVar

from smi_care.domain.errors import CodeError, TextCodeError

E = TypeVar("E", bound="CodedEnum")


class CodedEnum(Enum):
    """An enum whose members are ``(code, label)`` pairs from an official code list."""

    #: The Chinese name of the code list, used in error messages (set by :func:`titled`).
    zh_title: ClassVar[str]

    label: str

    def __new__(cls, code: int | str, label: str) -> CodedEnum:
        obj = object.__new__(cls)
        obj._value_ = code
        obj.label = label
        return obj

    @property
    def code(self) -> int:
        """The official code (an int for every numeric list). A list whose codes are words
        (:class:`StrCodedEnum`) raises :class:`~smi_care.domain.errors.TextCodeError` naming
        ``.text_code`` instead."""
        value = self._value_
        if not isinstance(value, int):
            raise TextCodeError(f"{type(self).__name__}.{self.name}", value)
        return value

    @classmethod
    def expected(cls) -> str:
        """The valid codes with their labels, for error messages."""
        return ", ".join(f"{m._value_} {m.label}" for m in cls)

    @classmethod
    def title(cls) -> str:
        zh = getattr(cls, "zh_title", "")
        return f"{cls.__name__} ({zh})" if zh else cls.__name__

    @classmethod
    def from_code(cls: type[E], code: int | str) -> E:
        """Look a member up by its official code (an int, or its text form).

        Raises :class:`CodeError` naming the code list and the bad code.
        """
        table = _lookup_table(cls)
        if not isinstance(code, bool):
            member = table.get(code)
            if member is None and isinstance(code, str):
                text = code.strip()
                member = table.get(text)
                if member is None and _short_digits(text):
                    member = table.get(int(text))
            if member is not None:
                return member  # type: ignore[return-value]
        shown: object = code
        if isinstance(code, str):
            text = code.strip()
            shown = int(text) if _short_digits(text.removeprefix("-")) else repr(code)
        raise CodeError(cls.title(), shown, cls.expected())


def _short_digits(text: str) -> bool:
    """ASCII digits short enough to be a code (``"²"`` is a digit to Python, and a 4,301-digit
    text is one Python refuses to read as a number: neither is a code)."""
    return text.isascii() and text.isdigit() and len(text) <= 18


@functools.cache
def _lookup_table(cls: type[CodedEnum]) -> dict[int | str, CodedEnum]:
    """Members by code and by the code's text, built once per code list."""
    table: dict[int | str, CodedEnum] = {}
    for member in cls:
        table[member._value_] = member
        table[str(member._value_)] = member
    return table

def titled(zh_title: str) -> Callable[[type[E]], type[E]]:
    """Class decorator giving a code list its Chinese name."""

    def decorate(cls: type[E]) -> type[E]:
        type.__setattr__(cls, "zh_title", zh_title)
        return cls

    return decorate


class StrCodedEnum(CodedEnum):
    """A coded enum whose codes are short English words (event kinds, editions)."""

    @property
    def text_code(self) -> str:
        value = self._value_
        assert isinstance(value, str)
        return value


@titled("严重精神障碍诊断")
class Disorder(CodedEnum):
    """The six managed severe mental disorders (§1)."""

    SCHIZOPHRENIA = (1, "精神分裂症")
    SCHIZOAFFECTIVE = (2, "分裂情感性障碍")
    PARANOID_PSYCHOSIS = (3, "偏执性精神病")
    BIPOLAR = (4, "双相（情感）障碍")
    EPILEPSY_MENTAL_DISORDER = (5, "癫痫所致精神障碍")
    INTELLECTUAL_DISABILITY_MENTAL_DISORDER = (6, "精神发育迟滞伴发精神障碍")

    @property
    def icd10(self) -> str:
        """The ICD-10 codes the disorder maps to (§1)."""
        return _ICD10[self.code]

    @property
    def english(self) -> str:
        return _ENGLISH[self.code]


_ICD10 = {1: "F20", 2: "F25", 3: "F22", 4: "F31", 5: "F06 with G40", 6: "F70-F79"}
_ENGLISH = {
    1: "schizophrenia",
    2: "schizoaffective disorder",
    3: "paranoid psychosis / persistent delusional disorder",
    4: "bipolar disorder",
    5: "mental disorder due to epilepsy",
    6: "intellectual disability with a mental disorder",
}


@titled("性别")
class Sex(CodedEnum):
    """Sex, GB/T 2261.1."""

    UNKNOWN = (0, "未知的性别")
    MALE = (1, "男")
    FEMALE = (2, "女")
    UNSTATED = (9, "未说明的性别")


@titled("户别")
class HouseholdType(CodedEnum):
    URBAN = (1, "城镇")
    RURAL = (2, "农村")


@titled("就业情况")
class Employment(CodedEnum):
    WORKER = (1, "在岗工人")
    MANAGER = (2, "在岗管理者")
    FARMER = (3, "农民")
    UNEMPLOYED = (4, "下岗或无业")
    STUDENT = (5, "在校学生")
    RETIRED = (6, "退休")
    PROFESSIONAL = (7, "专业技术人员")
    OTHER = (8, "其他")
    UNKNOWN = (9, "不详")


@titled("经济状况")
class EconomicStatus(CodedEnum):
    POOR = (1, "贫困")
    NOT_POOR = (2, "非贫困")
    UNKNOWN = (3, "不详")


@titled("知情同意")
class Consent(CodedEnum):
    """Informed consent to community management (§2)."""

    REFUSED = (0, "不同意参加管理")
    AGREED = (1, "同意参加管理")


@titled("症状")
class Symptom(CodedEnum):
    """Main mental symptoms, past (§7.1) and current (§7.2)."""

    HALLUCINATION = (1, "幻觉")
    COMMUNICATION_DIFFICULTY = (2, "交流困难")
    SUSPICION = (3, "猜疑")
    MOOD_SWINGS = (4, "喜怒无常")
    BIZARRE_BEHAVIOUR = (5, "行为怪异")
    EXCITED_TALKATIVE = (6, "兴奋话多")
    ASSAULT_DESTRUCTION = (7, "伤人毁物")
    PESSIMISM = (8, "悲观厌世")
    WANDERING = (9, "无故外走")
    SELF_TALK_LAUGH = (10, "自语自笑")
    WITHDRAWN_LAZY = (11, "孤僻懒散")
    OTHER = (12, "其他")


@titled("关锁情况")
class Lockup(CodedEnum):
    """Lock-up status (关锁情况, §7.1, §7.2)."""

    NONE = (1, "无关锁")
    LOCKED = (2, "关锁")
    RELEASED = (3, "关锁已解除")


@titled("既往门诊治疗")
class OutpatientHistory(CodedEnum):
    UNTREATED = (1, "未治")
    INTERMITTENT = (2, "间断门诊治疗")
    CONTINUOUS = (3, "连续门诊治疗")


@titled("最近一次治疗效果")
class LastTreatmentEffect(CodedEnum):
    CLINICAL_CURE = (1, "临床痊愈")
    IMPROVED = (2, "好转")
    UNCHANGED = (3, "无变化")
    WORSE = (4, "加重")


@titled("危险行为")
class DangerousAct(CodedEnum):
    """Dangerous behaviour (危险行为, §7.1). 轻度滋事: police warned only; 肇事: breached the
    Public Security Administration Punishment Law; 肇祸: breached the Criminal Law."""

    MINOR_TROUBLE = (1, "轻度滋事")
    TROUBLE = (2, "肇事")
    DISASTER = (3, "肇祸")
    OTHER_HARM = (4, "其他危害行为")
    SELF_HARM = (5, "自伤")
    SUICIDE_ATTEMPT = (6, "自杀未遂")
    NONE = (7, "无")


@titled("随访方式")
class FollowUpForm(CodedEnum):
    """How a follow-up was made (随访方式, §4). Clinic and home are face-to-face."""

    CLINIC = (1, "门诊")
    HOME = (2, "家庭访视")
    PHONE = (3, "电话")

    @property
    def face_to_face(self) -> bool:
        """Clinic and home visits are face-to-face (面访)."""
        return self is not FollowUpForm.PHONE


@titled("随访对象")
class SeenPerson(CodedEnum):
    PATIENT = (1, "患者本人")
    FAMILY = (2, "家属/监护人")
    INFORMANT = (3, "其他知情人")


@titled("失访原因")
class LossReason(CodedEnum):
    """Reason for loss to follow-up (失访原因, §5)."""

    WORKING_AWAY = (1, "外出务工")
    MOVED = (2, "迁居他处")
    MISSING = (3, "走失")
    THREE_ATTEMPTS_FAILED = (4, "连续3次未访到")
    OTHER = (5, "其他")


@titled("死亡原因")
class DeathCause(CodedEnum):
    PHYSICAL_DISEASE = (1, "躯体疾病")
    SUICIDE = (2, "自杀")
    HOMICIDE = (3, "他杀")
    ACCIDENT = (4, "意外")
    MENTAL_DISORDER_COMPLICATION = (5, "精神疾病相关并发症")
    OTHER = (6, "其他")


@titled("躯体疾病死因")
class PhysicalDeathCause(CodedEnum):
    """Sub-cause of a death from physical disease (written ``1.4`` in the registry)."""

    INFECTIOUS = (1, "传染病和寄生虫病")
    TUMOUR = (2, "肿瘤")
    HEART = (3, "心脏病")
    CEREBROVASCULAR = (4, "脑血管病")
    RESPIRATORY = (5, "呼吸系统疾病")
    DIGESTIVE = (6, "消化系统疾病")
    OTHER = (7, "其他疾病")
    UNKNOWN = (8, "不详")


@titled("危险性评估")
class RiskLevel(CodedEnum):
    """Risk level 0-5 (危险性评估, §3, BPHS2017 wording)."""

    LEVEL_0 = (0, "0级")
    LEVEL_1 = (1, "1级（口头威胁，喊叫，但没有打砸行为）")
    LEVEL_2 = (2, "2级（打砸行为，局限在家里，针对财物，能被劝说制止）")
    LEVEL_3 = (3, "3级（明显打砸行为，不分场合，针对财物，不能接受劝说而停止）")
    LEVEL_4 = (4, "4级（持续的打砸行为，不分场合，针对财物或人，不能接受劝说而停止，包括自伤、自杀）")
    LEVEL_5 = (5, "5级（持械针对人的任何暴力行为，或者纵火、爆炸等行为）")


@titled("精神症状程度")
class SymptomSeverity(CodedEnum):
    """Severity of current mental symptoms (registry extension, §4)."""

    BASICALLY_GONE = (0, "基本消失")
    PRESENT = (1, "存在")
    MARKED = (2, "明显")


@titled("自知力")
class Insight(CodedEnum):
    COMPLETE = (1, "完全")
    PARTIAL = (2, "不全")
    ABSENT = (3, "缺失")


@titled("评价")
class Rating(CodedEnum):
    """Sleep, diet and social-function ratings (§7.2)."""

    GOOD = (1, "良好")
    FAIR = (2, "一般")
    POOR = (3, "较差")


@titled("生产劳动及工作")
class WorkRating(CodedEnum):
    """Productive work (生产劳动及工作) rating, which also allows 9 不适用."""

    GOOD = (1, "良好")
    FAIR = (2, "一般")
    POOR = (3, "较差")
    NOT_APPLICABLE = (9, "不适用")


@titled("住院情况")
class Hospitalisation(CodedEnum):
    NOT_ADMITTED = (0, "未住院")
    IN_HOSPITAL_NOW = (1, "目前正在住院")
    DISCHARGED = (2, "曾住院，现未住院")


@titled("实验室检查")
class LabTests(CodedEnum):
    NONE = (1, "无")
    DONE = (2, "有")


@titled("服药依从性")
class Adherence(CodedEnum):
    """Medication adherence (服药依从性, §7.2, current codes)."""

    REGULAR = (1, "按医嘱规律用药")
    INTERMITTENT = (2, "间断用药")
    NOT_TAKING = (3, "不用药")
    NOT_PRESCRIBED = (4, "医嘱勿需用药")


@titled("药物不良反应")
class AdverseReaction(CodedEnum):
    NONE = (1, "无")
    PRESENT = (2, "有")
    NOT_APPLICABLE = (9, "不适用")


@titled("躯体疾病")
class PhysicalIllness(CodedEnum):
    """Physical illness (registry extension, §4): 2 makes a follow-up unstable."""

    NONE_OR_STABLE = (0, "无或稳定")
    UNSTABLE = (1, "不稳定")
    SERIOUS = (2, "严重")


@titled("治疗效果")
class TreatmentEffect(CodedEnum):
    CURED = (1, "痊愈")
    IMPROVED = (2, "好转")
    UNCHANGED = (3, "无变化")
    WORSE = (4, "加重")
    NOT_APPLICABLE = (9, "不适用")


@titled("是否转诊")
class Referral(CodedEnum):
    NO = (1, "否")
    YES = (2, "是")


@titled("康复措施")
class Rehabilitation(CodedEnum):
    LIVING_SKILLS = (1, "生活劳动能力")
    VOCATIONAL = (2, "职业训练")
    LEARNING = (3, "学习能力")
    SOCIAL_SKILLS = (4, "社会交往")
    OTHER = (5, "其他")


@titled("此次随访分类")
class Classification(CodedEnum):
    """Class of a follow-up (分类, §4)."""

    UNSTABLE = (1, "不稳定")
    BASICALLY_STABLE = (2, "基本稳定")
    STABLE = (3, "稳定")


@titled("应急处置类别")
class EmergencyCategory(CodedEnum):
    """Emergency categories (应急处置, §5)."""

    SELF_HARM = (1, "伤害自身")
    HARM_TO_OTHERS = (2, "危害他人或公共安全")
    RELAPSE = (3, "病情复发或明显加重")
    ACUTE_DRUG_REACTION = (4, "急性药物不良反应")


@titled("事件")
class EventKind(StrCodedEnum):
    """Kinds of status events in ``events.csv``."""

    DEATH = ("death", "死亡")
    TRANSFER_OUT = ("transfer_out", "迁出")
    TRANSFER_IN = ("transfer_in", "迁入")
    DIAGNOSIS_WITHDRAWN = ("diagnosis_withdrawn", "撤销诊断")
    ADMISSION = ("admission", "入院")
    DISCHARGE = ("discharge", "出院")
    HEALTH_CHECK = ("health_check", "健康体检")
    COMMUNITY_REHABILITATION = ("community_rehabilitation", "社区康复")
    COUNSELLING = ("counselling", "心理疏导")
    FAMILY_DOCTOR_CONTRACT = ("family_doctor_contract", "家庭医生签约")
    EMERGENCY = ("emergency", "应急处置")


@titled("表单版本")
class FormEdition(StrCodedEnum):
    """Edition of the national forms whose codes a data set uses."""

    BPHS2011 = ("BPHS2011", "国家基本公共卫生服务规范（2011年版）")
    BPHS2017 = ("BPHS2017", "国家基本公共卫生服务规范（第三版）")
    WS2018 = ("WS2018", "严重精神障碍管理治疗工作规范（2018年版）")

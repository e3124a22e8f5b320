"""Columns of the registry interchange format v1 (registry-format.md), and their Chinese names."""

from __future__ import annotations

PATIENTS = "patients.csv"
FOLLOWUPS = "followups.csv"
EVENTS = "events.csv"
POPULATION = "population.csv"
#: Optional programme files (registry-format.md, "Programme files"), as CSV or Parquet.
SUSPECTED_CASES = "suspected_cases.csv"
ASSESSMENTS = "assessments.csv"
UNLOCKING = "unlocking.csv"
PROGRAMME_FILE_NAMES = frozenset({SUSPECTED_CASES, ASSESSMENTS, UNLOCKING, "suspected_cases.parquet",
                               "assessments.parquet", "unlocking.parquet"})
# optional programme files of support (issue 11: free medication, guardians, case-management teams)
DISPENSINGS = "dispensings.csv"
GUARDIANS = "guardians.csv"
TEAMS = "teams.csv"
TEAM_REVIEWS = "team_reviews.csv"

PATIENT_COLUMNS = (
    "patient_id", "name", "resident_id", "sex", "birth_date", "area_code", "household_type", "employment",
    "economic_status", "disorder", "diagnosis_date", "registered_on", "consent", "consent_date",
    "guardian_name", "guardian_phone", "guardian_address", "guardian_relation", "past_lockup",
)
#: Fields of the personal information supplement beyond the format's columns; written only
#: when some row has a value.
PATIENT_EXTENSIONS = (
    "first_onset_date", "past_symptoms", "past_outpatient", "first_antipsychotic_date", "past_admissions",
    "last_treatment_effect", "past_acts", "diagnosing_hospital", "specialist_opinion", "village_contact",
    "village_phone",
)
FOLLOWUP_COLUMNS = (
    "patient_id", "visit_date", "form", "seen", "loss_reason", "risk_level", "symptoms", "symptom_severity",
    "insight", "sleep", "diet", "sf_self_care", "sf_housework", "sf_work", "sf_learning", "sf_social", "acts",
    "lockup", "hospitalisation", "last_discharge_date", "adherence", "adr", "adr_serious", "physical_illness",
    "treatment_effect", "referral", "rehabilitation", "classification", "next_visit_date", "counselling",
)
FOLLOWUP_EXTENSIONS = ("lab_tests", "lab_text", "adr_text", "referral_reason", "referral_institution",
                       "referral_department", "medications", "medication_guidance", "doctor")
EVENT_COLUMNS = ("patient_id", "date", "event", "detail")
POPULATION_COLUMNS = ("area_code", "year", "population")
DISPENSING_COLUMNS = ("patient_id", "date", "drug", "quantity", "days_supplied", "free")
GUARDIAN_COLUMNS = ("patient_id", "since", "until", "insured_from", "insured_until")
TEAM_COLUMNS = ("team_id", "patient_id", "formed_on", "roles", "dissolved_on", "plan")
TEAM_REVIEW_COLUMNS = ("team_id", "date", "next_review")
#: The optional support files (free medication, guardians, teams) and their columns (a v1 registry without them stays valid).
SUPPORT_FILES = {DISPENSINGS: DISPENSING_COLUMNS, GUARDIANS: GUARDIAN_COLUMNS, TEAMS: TEAM_COLUMNS,
                     TEAM_REVIEWS: TEAM_REVIEW_COLUMNS}

REQUIRED = {
    PATIENTS: ("patient_id", "sex", "birth_date", "area_code", "disorder", "diagnosis_date", "registered_on",
               "consent"),
    FOLLOWUPS: ("patient_id", "visit_date", "form"),
    EVENTS: ("patient_id", "date", "event"),
    POPULATION: ("area_code", "year", "population"),
    DISPENSINGS: ("patient_id", "date", "drug", "quantity", "days_supplied"),
    GUARDIANS: ("patient_id", "since"),
    TEAMS: ("team_id", "patient_id", "formed_on", "roles"),
    TEAM_REVIEWS: ("team_id", "date"),
}

#: Identifying (PII) columns: their values are never shown in a problem or an export unless asked.
PII_COLUMNS = frozenset({"name", "resident_id", "guardian_name", "guardian_phone", "guardian_address",
                         "village_contact", "village_phone", "doctor"})

CHINESE = {
    "patient_id": "患者编号", "name": "姓名", "resident_id": "公民身份号码", "sex": "性别", "birth_date": "出生日期",
    "area_code": "现住址区划代码", "household_type": "户别", "employment": "就业情况", "economic_status": "经济状况",
    "disorder": "目前诊断", "diagnosis_date": "确诊日期", "registered_on": "建档日期", "consent": "知情同意",
    "consent_date": "签字时间", "guardian_name": "监护人姓名", "guardian_phone": "监护人电话",
    "guardian_address": "监护人住址", "guardian_relation": "与患者关系", "past_lockup": "既往关锁情况",
    "first_onset_date": "初次发病时间", "past_symptoms": "既往主要症状", "past_outpatient": "既往门诊治疗情况",
    "first_antipsychotic_date": "首次抗精神病药治疗时间", "past_admissions": "既往住院次数",
    "last_treatment_effect": "最近一次治疗效果", "past_acts": "既往危险行为",
    "visit_date": "随访日期", "form": "随访方式", "seen": "随访对象", "loss_reason": "失访原因", "risk_level": "危险性评估",
    "symptoms": "目前症状", "symptom_severity": "症状程度", "insight": "自知力", "sleep": "睡眠情况", "diet": "饮食情况",
    "sf_self_care": "个人生活料理", "sf_housework": "家务劳动", "sf_work": "生产劳动及工作", "sf_learning": "学习能力",
    "sf_social": "社会人际交往", "acts": "危险行为", "lockup": "关锁情况", "hospitalisation": "住院情况",
    "last_discharge_date": "末次出院时间", "adherence": "服药依从性", "adr": "药物不良反应", "adr_serious": "不良反应严重",
    "physical_illness": "躯体疾病", "treatment_effect": "治疗效果", "referral": "是否转诊", "rehabilitation": "康复措施",
    "classification": "此次随访分类", "next_visit_date": "下次随访日期", "counselling": "心理疏导",
    "lab_tests": "实验室检查", "lab_text": "实验室检查结果", "adr_text": "不良反应描述", "referral_reason": "转诊原因",
    "referral_institution": "转诊机构", "referral_department": "转诊科室", "doctor": "随访医生签名",
    "diagnosing_hospital": "确诊医院", "specialist_opinion": "专科医生意见", "village_contact": "村（居）委会联系人",
    "village_phone": "村（居）委会联系人电话", "medications": "用药情况", "medication_guidance": "用药指导",
    "date": "日期", "event": "事件", "detail": "详情", "year": "年份", "population": "常住人口",
    "drug": "药品", "quantity": "数量", "days_supplied": "可服用天数", "free": "免费", "since": "监护起始日期",
    "until": "监护终止日期", "insured_from": "责任险起始日期", "insured_until": "责任险终止日期",
    "team_id": "小组编号", "formed_on": "成立日期", "roles": "成员角色", "dissolved_on": "解散日期", "plan": "管理计划",
    "next_review": "下次评估日期",
}


#: Chinese names of the programme files' columns (registry-format.md, "Programme files").
CHINESE_PROGRAMME = {
    "case_id": "疑似患者编号", "reported_on": "报告日期", "source": "报告来源", "endangers_others": "危及他人安全",
    "screened_on": "筛查日期", "referred_on": "转诊日期", "diagnosed_on": "诊断日期", "enrolled_on": "纳入管理日期",
    "excluded_on": "排除日期", "exclusion_reason": "排除原因", "kind": "评估类别", "institution_level": "评估机构级别",
    "social_function": "社会功能", "living_ability": "生活能力", "work_ability": "劳动能力",
    "family_history": "精神疾病家族史", "prior_treatment": "既往治疗情况", "action": "解锁行动",
}


def described(column: str) -> str:
    """``column (中文名)`` for messages."""
    zh = CHINESE.get(column) or CHINESE_PROGRAMME.get(column)
    return f"{column} ({zh})" if zh else column

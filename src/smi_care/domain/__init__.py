"""The domain model: frozen values and coded enums of the national forms (national-rules §7).

Nothing here reads a file or computes a date; validation of one value happens at
construction.
"""

from smi_care.domain.codes import (
    Adherence,
    AdverseReaction,
    Classification,
    CodedEnum,
    Consent,
    DangerousAct,
    DeathCause,
    Disorder,
    EconomicStatus,
    EmergencyCategory,
    Employment,
    EventKind,
    FollowUpForm,
    FormEdition,
    Hospitalisation,
    HouseholdType,
    Insight,
    LabTests,
    LastTreatmentEffect,
    Lockup,
    LossReason,
    OutpatientHistory,
    PhysicalDeathCause,
    PhysicalIllness,
    Rating,
    Referral,
    Rehabilitation,
    RiskLevel,
    SeenPerson,
    Sex,
    Symptom,
    SymptomSeverity,
    TreatmentEffect,
    WorkRating,
)
from smi_care.domain.errors import AreaCodeError, CalendarError, CodeError, DomainError, IdentityError, SmiCareError
from smi_care.domain.events import Event
from smi_care.domain.followup import (
    ActCount,
    DoseSchedule,
    DoseTimes,
    FollowUp,
    LongActingInjection,
    Medication,
    SocialFunction,
    acts_from,
)
from smi_care.domain.identity import AreaCode, AreaLevel, ResidentId
from smi_care.domain.patient import Guardian, Patient
from smi_care.domain.records import PatientRecord, PopulationEntry, Registry

__all__ = [
    "ActCount", "Adherence", "AdverseReaction", "AreaCode", "AreaCodeError", "AreaLevel", "CalendarError",
    "Classification", "CodeError", "CodedEnum", "Consent", "DangerousAct", "DeathCause", "Disorder", "DomainError",
    "DoseSchedule", "DoseTimes", "EconomicStatus", "EmergencyCategory", "Employment", "Event", "EventKind",
    "FollowUp", "FollowUpForm", "FormEdition", "Guardian", "Hospitalisation", "HouseholdType", "IdentityError",
    "Insight", "LabTests", "LastTreatmentEffect", "Lockup", "LongActingInjection", "LossReason", "Medication",
    "OutpatientHistory", "Patient", "PatientRecord", "PhysicalDeathCause", "PhysicalIllness", "PopulationEntry",
    "Rating", "Referral", "Registry", "Rehabilitation", "ResidentId", "RiskLevel", "SeenPerson", "Sex",
    "SmiCareError", "SocialFunction", "Symptom", "SymptomSeverity", "TreatmentEffect", "WorkRating", "acts_from",
]

"""The county programme around follow-up (issue 11): case finding, assessments, key patients,
campaigns, free medication, guardians, case-management teams and the quarterly programme
report. Values live in :mod:`smi_care.domain`; the rules here are pure; indicators use the §6
definition form and run on per-unit facts tables."""

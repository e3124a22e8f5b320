"""The county programme around follow-up (issue 11): free medication, guardians, case-management
teams (and, from part A, case finding, assessments, key patients and campaigns). Values live in
:mod:`smi_care.domain`; here are the pure rules and the indicators, in the same single-source
definition form as the §6 ones."""

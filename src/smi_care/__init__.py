"""smi_care: community management of patients with severe mental disorders (严重精神障碍).

Patient records, follow-up scheduling, risk and classification rules, and the indicators
every county, city and province reports, after China's national rules.
"""

__version__ = "0.1.0"

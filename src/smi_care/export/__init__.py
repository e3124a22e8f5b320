"""What a county office sends upward or prints: Excel workbooks, charts, DHIS2 data value
sets and FHIR R4 Measure/MeasureReport resources, all built from a
:class:`~smi_care.indicators.evaluate.Report`."""

"""Synthetic registries for the demo, the tests and the benchmarks (deterministic for a seed)."""

from smi_care.synth.county import CountyShape, area_codes, generate, iter_records, population, write_areas
from smi_care.synth.province import NATIONAL_2018, Calibration, ProvinceShape, area_name, write_province

__all__ = ["NATIONAL_2018", "Calibration", "CountyShape", "ProvinceShape", "area_codes", "area_name", "generate",
           "iter_records", "population", "write_areas", "write_province"]

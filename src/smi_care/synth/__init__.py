"""Synthetic registries for the demo, the tests and the benchmarks (deterministic for a seed)."""

from smi_care.synth.county import CountyShape, generate, iter_records, population

__all__ = ["CountyShape", "generate", "iter_records", "population"]

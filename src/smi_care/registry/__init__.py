"""Reading and writing the registry interchange format v1: the only package that knows CSV."""

from smi_care.registry.problems import FileCounts, Problem, RegistryReadError
from smi_care.registry.reader import LoadResult, read_edition, read_followup_rows
from smi_care.registry.tables import RegistryTables, TableLoad, read_registry, read_tables, write_tables
from smi_care.registry.writer import write_registry

__all__ = ["FileCounts", "LoadResult", "Problem", "RegistryReadError", "RegistryTables", "TableLoad", "read_edition",
           "read_followup_rows", "read_registry", "read_tables", "write_registry", "write_tables"]

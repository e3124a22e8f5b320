"""Province and nation: partial results that travel, partitions by county, a process pool and Dask."""

from smi_care.scale.partials import PartialEditedError, PartialFormatError, dumps, load, loads, merge_partials, save
from smi_care.scale.partition import TableSet, evaluate_parallel, evaluate_partition, merge_all, split_by_county

__all__ = ["PartialEditedError", "PartialFormatError", "TableSet", "dumps", "evaluate_parallel", "evaluate_partition",
           "load", "loads", "merge_all", "merge_partials", "save", "split_by_county"]

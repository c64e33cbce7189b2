"""National comparators: the DfE's published figures for every council (a snapshot of the LA Interactive Tool's
data, OGL v3.0), the council the warehouse belongs to (CSC_LA_CODE), its region and statistical neighbours, and
the comparator rows behind marts.benchmarks. Pure Python: no Dagster imports."""

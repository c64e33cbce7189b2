"""The measure catalogue (measures.yaml): one entry per published scorecard measure. Pure Python."""

from dagster_project.catalogue.measures import DfeComparator, Measure, dfe_indicators, load_measures, measure_names

__all__ = ["DfeComparator", "Measure", "dfe_indicators", "load_measures", "measure_names"]

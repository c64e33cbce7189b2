"""The measure catalogue (measures.yaml): one entry per published scorecard measure. Pure Python."""

from dagster_project.catalogue.measures import Measure, load_measures, measure_names

__all__ = ["Measure", "load_measures", "measure_names"]

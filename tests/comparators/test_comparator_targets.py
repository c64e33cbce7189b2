"""Targets with a basis: a number, `monitor` (monitor only), or the England / statistical-neighbour figure of each
DfE year, resolved from the published comparators; every shipped measure is targeted or monitor only."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from dagster_project.catalogue import load_measures
from dagster_project.reports.targets import (
    DEFAULT_TARGETS_FILE,
    Target,
    TargetsFileError,
    load_targets,
    monitor_only_measures,
    target_for,
)

pytestmark = pytest.mark.fast

D = dt.date
COMPARATORS = {  # (DfE period end, England, statistical-neighbour mean)
    "re_referrals_pct": [(D(2017, 3, 31), 21.9, 18.0), (D(2018, 3, 31), 21.9, 18.9), (D(2019, 3, 31), 22.6, None)],
}


def _file(tmp_path, rows: str):
    path = tmp_path / "targets.csv"
    path.write_text("measure,target,tolerance,effective_from\n" + rows, encoding="utf-8")
    return path


def test_an_england_target_takes_each_years_figure_from_its_period_end(tmp_path):
    targets = load_targets(_file(tmp_path, "re_referrals_pct,england,2,\n"), COMPARATORS)
    assert targets == [
        Target("re_referrals_pct", 21.9, 2.0, D(2017, 3, 31)),
        Target("re_referrals_pct", 21.9, 2.0, D(2018, 3, 31)),
        Target("re_referrals_pct", 22.6, 2.0, D(2019, 3, 31)),
    ]
    assert target_for(targets, "re_referrals_pct", D(2018, 12, 31)).target == 21.9
    assert target_for(targets, "re_referrals_pct", D(2019, 4, 30)).target == 22.6
    assert target_for(targets, "re_referrals_pct", D(2017, 3, 30)) is None  # before the first DfE year


def test_a_neighbour_target_skips_years_without_a_figure_and_starts_at_effective_from(tmp_path):
    targets = load_targets(_file(tmp_path, "re_referrals_pct,statistical_neighbours,1,2017-06-01\n"), COMPARATORS)
    # 2017's figure (18.0) is in force on 1 Jun 2017, from then; 2018's from its period end; 2019 has none
    assert targets == [
        Target("re_referrals_pct", 18.0, 1.0, D(2017, 6, 1)),
        Target("re_referrals_pct", 18.9, 1.0, D(2018, 3, 31)),
    ]


def test_without_comparators_a_comparator_target_gives_no_target(tmp_path):
    assert load_targets(_file(tmp_path, "re_referrals_pct,statistical_neighbours,1,\n")) == []


def test_monitor_only_is_no_target(tmp_path):
    path = _file(tmp_path, "unallocated_children,monitor,,\nre_referrals_pct,20,2,\n")
    assert load_targets(path) == [Target("re_referrals_pct", 20.0, 2.0, None)]
    assert monitor_only_measures(path) == {"unallocated_children"}


def test_a_comparator_target_for_a_measure_without_one_is_refused(tmp_path):
    with pytest.raises(TargetsFileError, match="line 2, column target: cp_visits_in_time_pct has no national"):
        load_targets(_file(tmp_path, "cp_visits_in_time_pct,england,5,\n"), COMPARATORS)


def test_every_measure_is_targeted_or_monitor_only_in_the_shipped_file():
    with DEFAULT_TARGETS_FILE.open(encoding="utf-8") as handle:
        listed = {row["measure"] for row in csv.DictReader(handle)}
    assert listed == {m.measure for m in load_measures()}

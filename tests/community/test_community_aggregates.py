"""Aggregates: k-anonymity suppression, counts per member, Kaplan-Meier time on maintenance from
the engine, lab medians and middle-half ranges, filters."""

from __future__ import annotations

import os
from datetime import date, timedelta

import numpy as np
import pytest

from mmdecide.community.aggregates import SOURCE_NOTE, Filters
from mmdecide.community.consent import CONSENT_VERSION
from mmdecide.community.errors import CommunityInputError
from mmdecide.community.synthetic import generate

TODAY = date(2026, 6, 1)
START = date(2024, 1, 1)


def add_member(c, i: int, *, stop_after: int | None, risk="standard", dose="10", changes=(),
               labs=()) -> int:
    mid = c.accounts.sign_up(f"m{i:03d}", "correct horse battery", who=f"client-{i}")
    c.accounts.give_consent(mid, CONSENT_VERSION)
    c.entries.set_about(mid, "60-69", risk, "2023-09")
    stop = (START + timedelta(days=stop_after)).isoformat() if stop_after is not None else ""
    pid = c.entries.add(mid, "period", {"regimen": "lenalidomide", "dose_mg": dose,
                                        "schedule": "days-1-21-of-28", "start": START.isoformat(),
                                        "stop": stop})
    for reason in changes:
        c.entries.add(mid, "dose-change", {"period_id": pid, "day": "2024-02-01", "new_dose_mg": "5",
                                           "reason": reason})
    for day, value in labs:
        c.entries.add(mid, "lab", {"kind": "hemoglobin", "value": str(value), "unit": "g/dL", "day": day})
    return mid


def test_a_group_smaller_than_k_shows_nothing(community):
    for i in range(community.config.k - 1):
        add_member(community, i, stop_after=None)
    agg = community.aggregate(Filters(), today=TODAY)
    assert agg.n_members is None and agg.dose_changed is None and agg.staying_on == [] and agg.labs == {}
    assert agg.source_note == SOURCE_NOTE == "Reported by members, not from trials."


def test_counts_are_shown_only_with_k_on_both_sides(community):
    k = community.config.k  # 3 in the tests
    # 8 members: 3 low counts, 1 infection (hidden: 1 < k), 4 no change
    reasons = [["low-blood-counts"]] * 3 + [["infection"]] + [[]] * 4
    for i, r in enumerate(reasons):
        add_member(community, i, stop_after=None, changes=r)
    agg = community.aggregate(Filters(), today=TODAY)
    assert agg.n_members == 8 and k == 3
    assert agg.dose_changed.count == 4 and agg.dose_changed.of == 8
    assert agg.dose_change_reasons["low-blood-counts"].count == 3
    assert agg.dose_change_reasons["infection"].suppressed
    # 6 of 8 would leave 2 (< k) not counted: hidden, since it tells about those 2
    for i, r in enumerate([["infection"]] * 2):
        add_member(community, 100 + i, stop_after=None, changes=r)
    agg = community.aggregate(Filters(), today=TODAY)
    assert agg.dose_change_reasons["infection"].count == 3  # 3 of 10
    assert agg.dose_changed.count == 6  # 6 of 10: 4 not counted


def test_time_on_maintenance_is_the_engine_kaplan_meier_with_censoring(community):
    # stops at 100, 200, 250 days; 5 still on (censored at TODAY, ~29 months)
    for i, stop in enumerate([100, 200, 250, None, None, None, None, None]):
        add_member(community, i, stop_after=stop)
    agg = community.aggregate(Filters(), today=TODAY)
    rows = {r["month"]: r for r in agg.staying_on}
    # by hand: 8 at risk; one stop at 3.3 months -> 7/8; at 6.6 and 8.2 months -> 7/8*6/7*5/6 = 5/8
    assert rows[6]["percent"] == pytest.approx(100 * 7 / 8)
    assert rows[12]["percent"] == pytest.approx(100 * 5 / 8) and rows[12]["at_risk"] == 5
    assert rows[24]["percent"] == pytest.approx(100 * 5 / 8)
    assert 36 not in rows  # beyond the last follow-up
    assert rows[12]["lower"] < rows[12]["percent"] < rows[12]["upper"]
    assert agg.median_months is None  # never reaches one half


def test_time_on_maintenance_stops_where_fewer_than_k_are_followed(community):
    for i, stop in enumerate([100, 120, 140, 200, 220, 600, None]):
        add_member(community, i, stop_after=stop)
    rows = {r["month"]: r for r in community.aggregate(Filters(), today=TODAY).staying_on}
    assert rows[6]["at_risk"] == 4 and 12 not in rows and 24 not in rows  # 2 left at month 12


def test_lab_medians_count_each_member_once_and_hide_small_bins(community):
    # 4 members with labs in months 0-3; member 0 has three values (its median counts once)
    labs = [[("2024-01-10", 9.0), ("2024-01-20", 9.0), ("2024-02-10", 15.0)],
            [("2024-02-01", 10.0)], [("2024-02-01", 11.0)], [("2024-02-01", 12.0)],
            [("2024-08-01", 13.0)]]  # the last one alone in months 6-12
    for i, lab in enumerate(labs):
        add_member(community, i, stop_after=None, labs=lab)
    hb = {r["bin"]: r for r in community.aggregate(Filters(), today=TODAY).labs["hemoglobin"]}
    first = hb["months 0 to 3"]
    values = np.array([9.0, 10.0, 11.0, 12.0])
    assert first["members"] == 4 and first["median"] == pytest.approx(np.median(values))
    assert first["q1"] == pytest.approx(np.quantile(values, 0.25))
    assert first["q3"] == pytest.approx(np.quantile(values, 0.75))
    assert hb["months 6 to 12"] == {"bin": "months 6 to 12", "members": None, "median": None,
                                    "q1": None, "q3": None}


def test_filters_choose_members_and_refuse_bad_values(community):
    for i in range(4):
        add_member(community, i, stop_after=None, risk="high", dose="15")
    for i in range(4, 6):
        add_member(community, i, stop_after=None, risk="standard", dose="10")
    assert community.aggregate(Filters(risk="high"), today=TODAY).n_members == 4
    assert community.aggregate(Filters(dose_mg=10), today=TODAY).n_members is None  # 2 < k
    assert community.aggregate(Filters(regimen="bortezomib"), today=TODAY).n_members is None
    f = Filters.parse({"regimen": "lenalidomide", "dose_mg": "15", "risk": "", "age_band": "60-69",
                       "since_transplant": "2 to 5 years"})
    assert community.aggregate(f, today=TODAY).n_members == 4
    for raw, message in [({"risk": "<script>"}, "risk group: must be one of"),
                         ({"dose_mg": "-1"}, "starting dose: must be one of"),
                         ({"dose_mg": "12"}, "starting dose: must be one of"),  # fixed choices only
                         ({"since_transplant": "forever"}, "time since transplant: must be one of")]:
        with pytest.raises(CommunityInputError, match=message):
            Filters.parse(raw)


def test_synthetic_generator_is_seeded(tmp_path, make_community):
    # k = 1: no member is in a group smaller than k, so all 30 count
    one, other = (make_community(f"sqlite:///{tmp_path / name}", k=1) for name in ("a.sqlite3", "b.sqlite3"))
    for c in (one, other):
        assert generate(c.db, members=30, labs_per_member=7, seed=5, today=TODAY) == 210
    a, b = (c.aggregate(Filters(), today=TODAY) for c in (one, other))
    assert a.n_members == 30 and a == b


def test_aggregates_are_cached_for_a_while(tmp_path, make_community):
    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=1, aggregate_cache_seconds=60)
    generate(c.db, members=5, labs_per_member=2, seed=1, today=TODAY)
    first = c.aggregate(Filters(), today=TODAY)
    generate(c.db, members=5, labs_per_member=2, seed=2, today=TODAY)
    assert c.aggregate(Filters(), today=TODAY) is first  # within the minute: the cached result
    assert c.aggregate(Filters(risk="high"), today=TODAY) is not first  # other filters: computed
    fresh = make_community(c.config.database_url, k=1)  # cache off
    assert first.n_members == 5 and fresh.aggregate(Filters(), today=TODAY).n_members == 10


def test_one_snapshot_serves_many_members_and_a_stale_one_is_replaced_in_the_background(
        tmp_path, make_community, monkeypatch):
    import time
    from concurrent.futures import ThreadPoolExecutor

    from mmdecide.community import service

    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=1, aggregate_cache_seconds=60)
    generate(c.db, members=5, labs_per_member=2, seed=1, today=TODAY)
    made, real = [], service.snapshot

    def slow_snapshot(db, today):
        made.append(today)
        time.sleep(0.3)  # long enough for all eight requests to arrive while it is made
        return real(db, today)

    monkeypatch.setattr(service, "snapshot", slow_snapshot)
    asks = [Filters(), Filters(risk="high")] * 4
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda f: c.aggregate(f, today=TODAY), asks))
    assert len(made) == 1 and all(r.n_members == 5 for r in results[::2])
    generate(c.db, members=5, labs_per_member=2, seed=2, today=TODAY)
    lock = f"{c._path}.build-lock"
    past = time.time() - 61
    os.utime(lock, (past, past))  # the last attempt is older than aggregate_cache_seconds
    c._next_check = 0.0
    assert c.aggregate(Filters(), today=TODAY).n_members == 5  # the stale one, at once
    deadline = time.monotonic() + 20
    while c.aggregate(Filters(), today=TODAY).n_members != 10:  # replaced in the background
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert len(made) == 2

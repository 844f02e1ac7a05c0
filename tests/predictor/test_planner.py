"""Launch-window studies: sea/land days, ranking, zones, distance, split tasks, Dask."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from test_planner_archive import write_era5_like_archive

from predictor.ensemble import FlightSpec
from predictor.planner import PlanSettings, climatology_table, launch_slots, plan_slots
from predictor.planner_dask import run_study, split_by_files
from predictor.zones import zone_from_polygon
from weather.analytic_atmosphere import AnalyticAtmosphere
from weather.atmosphere_files import open_atmosphere

FLIGHT = FlightSpec(5.0, 30000.0, 5.0)


def day_dependent_wind(t, lat, lon, alt):
    """Even days (since the epoch): 20 m/s toward the sea (east); odd days: 10 m/s west."""
    day = np.floor(np.asarray(t) / 86400.0)
    u = np.where(day % 2 == 0, 20.0, -10.0)
    return u * np.ones(np.shape(alt)), np.zeros(np.shape(alt))


@pytest.fixture(scope="module")
def coast():
    # sea east of longitude 0; launch at -0.5 (34 km inland at 52 N)
    return AnalyticAtmosphere(
        day_dependent_wind, land_fraction=lambda la, lo: (np.asarray(lo) < 0).astype(float)
    )


def is_sea_day(ts):
    return np.floor(ts.timestamp() / 86400) % 2 == 0


def test_launch_slots():
    s = launch_slots(datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 6, 2, tzinfo=UTC), 6)
    assert s.size == 5 and s[1] - s[0] == 21600
    with pytest.raises(ValueError, match="before it starts"):
        launch_slots(datetime(2025, 6, 2, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC), 6)
    with pytest.raises(ValueError, match="no time zone"):
        launch_slots(datetime(2025, 6, 1), datetime(2025, 6, 2, tzinfo=UTC), 6)


def test_sea_days_and_land_days_are_told_apart_and_ranked(coast):
    """From Hai Phong (land or sea from the real coastline, which lies east): 20 m/s east for
    ~2.5 h is ~180 km, out in the Gulf of Tonkin; 10 m/s west: ~90 km inland."""
    slots = launch_slots(datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 6, 4, 18, tzinfo=UTC), 6)
    # launches at 00/06/12 UTC land the same day; 18 UTC launches (~2.5 h flights) too
    plan = plan_slots(coast, slots, PlanSettings(20.86, 106.68, FLIGHT, n_members=20, seed=1))
    t = plan.slots
    sea = t["launch_time"].map(is_sea_day).to_numpy(dtype=bool)
    assert np.all(t.loc[sea, "sea_probability"] == 1.0)
    assert np.all(t.loc[sea, "safe_probability"] == 0.0)
    assert np.all(t.loc[~sea, "sea_probability"] == 0.0)
    assert np.all(t.loc[~sea, "safe_probability"] == 1.0)
    # ranking: every land-day slot ranks above every sea-day slot
    assert t.loc[~sea, "rank"].max() < t.loc[sea, "rank"].min()
    assert list(t["rank"]) == list(range(1, len(t) + 1))
    # per-member table agrees with the slot table
    per_slot = plan.landings.groupby("launch_time")["safe"].mean()
    np.testing.assert_allclose(per_slot.loc[t["launch_time"]].to_numpy(), t["safe_probability"])


def test_deterministic_study_gives_zero_or_one(coast):
    slots = launch_slots(datetime(2025, 6, 1, tzinfo=UTC), datetime(2025, 6, 2, 18, tzinfo=UTC), 6)
    plan = plan_slots(coast, slots, PlanSettings(52.0, -0.5, FLIGHT))
    assert set(plan.slots["safe_probability"]) == {0.0, 1.0}
    assert (plan.slots["members"] == 1).all()


def test_avoided_zone_and_max_distance(coast):
    slots = launch_slots(datetime(2025, 6, 2, tzinfo=UTC), datetime(2025, 6, 2, 12, tzinfo=UTC), 6)
    base = plan_slots(coast, slots, PlanSettings(52.0, -0.5, FLIGHT))
    lat = base.slots["mean_landing_latitude"].mean()
    lon = base.slots["mean_landing_longitude"].mean()
    zone = zone_from_polygon(
        "range",
        [
            (lon - 0.5, lat - 0.5),
            (lon + 0.5, lat - 0.5),
            (lon + 0.5, lat + 0.5),
            (lon - 0.5, lat + 0.5),
        ],
    )
    avoided = plan_slots(coast, slots, PlanSettings(52.0, -0.5, FLIGHT, zones=(zone,)))
    assert (avoided.slots["zone_probability"] == 1.0).all()
    assert (avoided.slots["safe_probability"] == 0.0).all()
    # drift west at 10 m/s for ~2.5 h is ~90 km: a 50 km limit fails, 200 km passes
    near = plan_slots(coast, slots, PlanSettings(52.0, -0.5, FLIGHT, max_distance=50e3))
    far = plan_slots(coast, slots, PlanSettings(52.0, -0.5, FLIGHT, max_distance=200e3))
    assert (near.slots["too_far_probability"] == 1.0).all()
    assert (far.slots["safe_probability"] == 1.0).all()


def test_slots_outside_the_data_are_skipped(coast):
    from datetime import timedelta

    from weather.protocol import AtmosphereBounds

    t0 = datetime(2025, 6, 1, tzinfo=UTC)
    atm = AnalyticAtmosphere(
        day_dependent_wind, bounds=AtmosphereBounds(t0, t0 + timedelta(days=1))
    )
    slots = launch_slots(t0, t0 + timedelta(days=2), 12)
    plan = plan_slots(atm, slots, PlanSettings(52.0, -0.5, FLIGHT))
    assert len(plan.slots) == 3 and len(plan.skipped) == 2
    # the 24 UTC launch runs past the end of the data: it did not land
    last = plan.slots.sort_values("launch_time").iloc[-1]
    assert last["landed_fraction"] == 0.0 and last["safe_probability"] == 0.0


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    d = tmp_path_factory.mktemp("archive")
    files = write_era5_like_archive(
        d,
        datetime(2021, 1, 1, tzinfo=UTC),
        datetime(2021, 8, 31, 18, tzinfo=UTC),
        20.86,  # Hai Phong: the real coast lies east and south-east
        106.68,
        period="month",
        grid_step=1.0,
        half_width=3.0,
    )
    return files


def archive_slots():
    return np.concatenate(
        [
            launch_slots(
                datetime(2021, 1, 10, tzinfo=UTC), datetime(2021, 1, 31, 18, tzinfo=UTC), 12
            ),
            launch_slots(
                datetime(2021, 7, 10, tzinfo=UTC), datetime(2021, 8, 31, 18, tzinfo=UTC), 12
            ),
        ]
    )


def test_split_tasks_match_the_whole_archive_and_winter_is_worse(archive):
    settings = PlanSettings(20.86, 106.68, FLIGHT, n_members=4, seed=7)
    slots = archive_slots()
    whole = plan_slots(open_atmosphere(archive), slots, settings)
    tasks = split_by_files(archive, slots, launch_time_margin=1800.0)
    # each task opens its own month, the neighbour its window reaches and the surface file:
    # Jan+Feb, Jul+Aug (flights past 31 Jul), Jul+Aug (launch slips before 1 Aug)
    assert [[p.name[10:17] for p in map(Path, t.paths)] for t in tasks] == [
        ["2021-01", "2021-02", "surface"],
        ["2021-07", "2021-08", "surface"],
        ["2021-07", "2021-08", "surface"],
    ]
    split = run_study(tasks, settings, workers=0, progress=False)
    cols = [
        "launch_time",
        "safe_probability",
        "sea_probability",
        "mean_landing_latitude",
        "mean_landing_longitude",
    ]
    a = whole.slots.sort_values("launch_time")[cols].reset_index(drop=True)
    b = split.slots.sort_values("launch_time")[cols].reset_index(drop=True)
    # same data, same seeds: equal up to float32 grid rounding of the windowed copy
    np.testing.assert_array_equal(a["launch_time"], b["launch_time"])
    np.testing.assert_allclose(
        a.iloc[:, 1:].to_numpy(float), b.iloc[:, 1:].to_numpy(float), atol=1e-6
    )
    # the synthetic climate: January westerlies blow out to sea, July/August easterlies inland
    clim = climatology_table(split.slots)
    assert clim.loc[1].mean() < 0.2 and clim.loc[7].mean() > 0.8 and clim.loc[8].mean() > 0.8
    doc = split.to_dict(climatology=True)["plan"]
    assert doc["climatology"]["best"][0]["month"] in (7, 8)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_answer(archive):
    """A real LocalCluster of 2 worker processes (1 thread each) vs the in-process run."""
    settings = PlanSettings(20.86, 106.68, FLIGHT, n_members=3, seed=11)
    slots = launch_slots(datetime(2021, 1, 20, tzinfo=UTC), datetime(2021, 2, 10, tzinfo=UTC), 12)
    tasks = split_by_files(archive, slots, launch_time_margin=1800.0)
    local = run_study(tasks, settings, workers=0, progress=False)
    dask = run_study(tasks, settings, workers=2, progress=False)
    a = local.slots.sort_values("launch_time").reset_index(drop=True)
    b = dask.slots.sort_values("launch_time").reset_index(drop=True)
    np.testing.assert_array_equal(a["launch_time"], b["launch_time"])
    for col in ("safe_probability", "mean_landing_latitude", "mean_landing_longitude"):
        np.testing.assert_array_equal(a[col].to_numpy(), b[col].to_numpy())
    assert list(a["rank"]) == list(b["rank"])

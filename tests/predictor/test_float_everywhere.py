"""Float flights in ensembles, in launch-window studies and on the command line.

The SYNTHETIC analytic grid (tests/predictor/analytic_grid.py) blows eastward from Hà Nội
(21.0 N 105.8 E) towards the Gulf of Tonkin. Land or sea is decided by the real coastline
(terrain/), not by the grid's mask: a short float lands inland, longer ones increasingly
in the Gulf (some reach the islands of Hạ Long bay or the coast of Guangxi).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import terrain
from predictor.ensemble import FlightSpec, predict_ensemble
from predictor.planner import PlanSettings, plan_slots, require_flown_slots
from stratoflight.cli import app
from tests.predictor.analytic_grid import T0, analytic_atmosphere, analytic_dataset

LAT, LON = 21.0, 105.8
LAUNCH = T0.timestamp() + 3600.0
runner = CliRunner()


@pytest.fixture(scope="module")
def grid():
    return analytic_atmosphere()


def _float(hours: float) -> FlightSpec:
    return FlightSpec(
        5.0, 0.0, 5.0, profile="float", float_altitude=18000.0, float_duration=hours * 3600.0
    )


@pytest.mark.parametrize("hours", [0.2, 2.0, 3.0])
def test_float_ensemble_sea_probability_over_a_coast(grid, hours):
    ens = predict_ensemble(grid, LAUNCH, LAT, LON, _float(hours), 120, seed=4)
    p = ens.prediction
    assert p.settings["solver"] == "rk4-compiled"
    assert p.settings["profile"] == "float"
    assert p.stage_names == ("ascent", "float", "descent")
    landed = p.status == "landed"
    assert landed.all()
    # every member floated for the nominal time at the nominal altitude
    float_stage = p.stages[1]
    last = float_stage.n_points - 1
    rows = np.arange(p.n_members)
    duration = float_stage.time[rows, last] - float_stage.time[:, 0]
    np.testing.assert_allclose(duration, hours * 3600.0, atol=0.02)
    np.testing.assert_allclose(float_stage.altitude[:, 0], 18000.0, atol=0.1)  # 0.01 s x 5 m/s
    # P(sea) is the share of members landing where the coastline says sea
    land = terrain.is_land(p.landing.latitude, p.landing.longitude)
    expected = float(np.mean(~land))
    assert ens.statistics.sea_probability == pytest.approx(expected)
    assert (p.surface == np.where(land, "land", "sea")).all()
    if hours < 1:
        assert ens.statistics.sea_probability == 0.0  # lands before the coast
    if hours >= 3:
        assert ens.statistics.sea_probability > 0.3  # drifts out over the Gulf
    doc = ens.to_dict()["ensemble"]
    assert doc["nominal"]["profile"] == "float"
    assert doc["nominal"]["float_duration_s"] == hours * 3600.0


def test_float_ensemble_recovery_distance_grows_with_the_float(grid):
    short = predict_ensemble(
        grid, LAUNCH, LAT, LON, _float(0.5), 60, seed=2, recovery_point=(LAT, LON)
    )
    long = predict_ensemble(
        grid, LAUNCH, LAT, LON, _float(2.5), 60, seed=2, recovery_point=(LAT, LON)
    )
    # two more hours of ~7 m/s eastward drift at 18 km: ~50 km further
    far, near = long.statistics.recovery, short.statistics.recovery
    assert far["distance_mean_m"] > near["distance_mean_m"] + 30e3


def test_float_plan_scores_every_slot(grid):
    slots = LAUNCH + 3600.0 * np.arange(4)
    settings = PlanSettings(LAT, LON, _float(3.0), n_members=30, seed=1)
    result = require_flown_slots(plan_slots(grid, slots, settings))
    table = result.slots
    assert len(table) == 4
    assert (table["landed_fraction"] == 1.0).all()
    assert (table["sea_probability"] > 0.3).all()
    # no zones, no distance limit: a landing is safe exactly when it is on land
    np.testing.assert_allclose(table["safe_probability"], 1.0 - table["sea_probability"])
    short = plan_slots(grid, slots, PlanSettings(LAT, LON, _float(0.2), n_members=30, seed=1))
    assert (short.slots["sea_probability"] < 0.1).all()  # a short float stays inland
    assert (short.slots["sea_probability"] < table["sea_probability"]).all()
    assert result.settings.as_dict()["profile"] == "float"


def test_plan_with_every_slot_outside_the_data_is_an_error(grid):
    slots = T0.timestamp() + 86400.0 * np.arange(10, 12)
    result = plan_slots(grid, slots, PlanSettings(LAT, LON, _float(1.0)))
    with pytest.raises(ValueError, match="no launch slot could be flown"):
        require_flown_slots(result)


def test_plan_member_in_a_data_gap_stops_alone():
    """A member meeting a gap of the data stops with a status; the study goes on."""
    from weather.grid_atmosphere import GridAtmosphere

    ds = analytic_dataset()
    ds = ds.isel(time=[t for t in range(ds.sizes["time"]) if not 6 <= t <= 20])
    gapped = GridAtmosphere(ds, max_time_gap=3 * 3600.0)
    flight = FlightSpec(5.0, 30000.0, 5.0)
    slots = T0.timestamp() + 3600.0 * np.array([1.0, 4.5])  # the second runs into the gap
    result = plan_slots(gapped, slots, PlanSettings(LAT, LON, flight, n_members=12, seed=3))
    table = result.slots.sort_values("launch_time")
    assert table["landed_fraction"].tolist()[0] == 1.0
    assert table["landed_fraction"].tolist()[1] < 1.0


@pytest.fixture(scope="module")
def grid_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("winds") / "analytic_synthetic.nc"
    analytic_dataset().to_netcdf(path)
    return path


def test_cli_float_ensemble_json(grid_file):
    r = runner.invoke(
        app,
        ["predict", "--winds", str(grid_file), "--lat", str(LAT), "--lon", str(LON),
         "--time", "2025-06-21T01:00Z", "--profile", "float", "--float-altitude", "18000",
         "--float-duration", "3", "--ensemble", "40", "--seed", "1", "--json"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)["ensemble"]
    assert doc["nominal"]["profile"] == "float"
    assert doc["landed_count"] == 40
    assert doc["mean_landing"]["longitude"] > 107.0  # 3 h of float carry it past the coast


def test_cli_float_plan_json(grid_file):
    r = runner.invoke(
        app,
        ["plan", "--winds", str(grid_file), "--lat", str(LAT), "--lon", str(LON),
         "--from", "2025-06-21T01:00Z", "--to", "2025-06-21T04:00Z", "--every", "1",
         "--profile", "float", "--float-altitude", "18000", "--float-duration", "0.2",
         "--ensemble", "10", "--workers", "0", "--json"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)["plan"]
    assert doc["settings"]["profile"] == "float"
    assert len(doc["slots"]) == 4
    assert all(s["landed_fraction"] == 1.0 for s in doc["slots"])


def test_cli_plan_outside_the_data_exits_2(grid_file):
    r = runner.invoke(
        app,
        ["plan", "--winds", str(grid_file), "--lat", str(LAT), "--lon", str(LON),
         "--from", "2026-01-01T00:00Z", "--to", "2026-01-02T00:00Z", "--workers", "0"],
    )  # fmt: skip
    assert r.exit_code == 2
    assert "no launch slot could be flown" in " ".join(r.output.split())


def test_inflight_prediction_during_a_float(grid):
    """Floating at 18 km: float here until the planned cut-down, then descend."""
    from flightlog.inflight_prediction import InflightPredictor, predict_landing
    from predictor import predict

    when = LAUNCH + 1800.0
    cut = when + 2 * 3600.0
    doc = predict_landing(
        grid, "float", when, LAT, 106.0, 18000.0, descent_rate=5.0, float_until=cut
    )
    ref = predict(grid, when, LAT, 106.0, 18000.0, descent_rate=5.0, profile="float",
                  from_stage="float", float_until=cut)  # fmt: skip
    assert ref.stage_names == ("float", "descent")
    assert ref.burst.time[0] == pytest.approx(cut, abs=0.02)  # the cut-down
    assert ref.burst.altitude[0] == pytest.approx(18000.0)
    assert doc["status"] == "landed"
    assert doc["landing_longitude"] == ref.landing.longitude[0]
    assert doc["landing_longitude"] > 106.0 + 0.3  # two hours of eastward drift

    class Floating:  # the PhaseObserver's view: phase and history
        phase = "float"
        history = [(when - 10.0, LAT, 106.0, 18000.0), (when, LAT, 106.0, 18000.0)]

    idle = InflightPredictor(grid, Floating(), burst_altitude=30000.0)
    assert idle._state() is None  # no planned cut-down: no float prediction
    inflight = InflightPredictor(grid, Floating(), burst_altitude=30000.0, float_until=cut)
    phase, *_, rates = inflight._state()
    assert phase == "float" and rates["float_until"] == cut
    idle.close()
    inflight.close()

"""``--terrain FILE`` (a DEM written here with rasterio) for `strato plan` and in-flight
predictions (`strato log --winds ... --terrain`), with the same fallback as `strato predict`."""

from __future__ import annotations

import json

import numpy as np
import pytest

rasterio = pytest.importorskip("rasterio")

from affine import Affine  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from flightlog.inflight_prediction import predict_landing  # noqa: E402
from predictor.ensemble import FlightSpec  # noqa: E402
from predictor.planner import PlanSettings, plan_slots  # noqa: E402
from stratoflight.cli import app  # noqa: E402
from terrain.elevation import open_dem  # noqa: E402
from weather import SAMPLE_LAUNCH_SITE, SAMPLE_TIME_START, open_sample_atmosphere  # noqa: E402

ONSHORE = SAMPLE_TIME_START.replace(day=22, hour=6)  # lands inland, west of Hai Phong
SITE = SAMPLE_LAUNCH_SITE


def _flat_dem(path, south, west, north, east, height, step=0.02):
    """A north-up GeoTIFF of constant ``height`` [m] in EPSG:4326."""
    ny, nx = round((north - south) / step), round((east - west) / step)
    with rasterio.open(
        path, "w", driver="GTiff", height=ny, width=nx, count=1, dtype="float32",
        crs="EPSG:4326", transform=Affine(step, 0.0, west, 0.0, -step, north), nodata=-9999.0,
    ) as dst:  # fmt: skip
        dst.write(np.full((ny, nx), height, dtype=np.float32), 1)
    return path


def _around_site(tmp_path, height, name="delta.tif"):
    return _flat_dem(
        tmp_path / name, SITE.latitude - 2, SITE.longitude - 3, SITE.latitude + 2,
        SITE.longitude + 2, height,
    )  # fmt: skip


def _far_away(tmp_path):
    return _flat_dem(tmp_path / "far.tif", 10.0, 100.0, 11.0, 101.0, 300.0)


def _settings(terrain=None):
    return PlanSettings(
        SITE.latitude, SITE.longitude, FlightSpec(5.0, 30000.0, 5.0), n_members=3, seed=1,
        terrain=None if terrain is None else str(terrain),
    )  # fmt: skip


def _landed_on_land(result):
    rows = result.landings
    return rows[rows["landed"] & (rows["surface"] == "land")]


def test_plan_lands_on_the_dem(tmp_path):
    atmosphere = open_sample_atmosphere()
    slots = np.array([ONSHORE.timestamp()])
    dem = _around_site(tmp_path, 233.0)
    plain = plan_slots(atmosphere, slots, _settings())
    on_dem = plan_slots(atmosphere, slots, _settings(dem))
    assert len(_landed_on_land(on_dem)) == 3
    assert on_dem.terrain_not_covered == 0
    # landings on a higher ground come earlier along the same descent: they move
    moved = np.hypot(
        on_dem.landings["latitude"] - plain.landings["latitude"],
        on_dem.landings["longitude"] - plain.landings["longitude"],
    )
    assert (moved > 1e-4).all()
    doc = on_dem.to_dict()["plan"]
    assert doc["settings"]["terrain_dem"] == str(dem)
    assert doc["terrain_not_covered_members"] == 0


def test_plan_with_a_dem_missing_the_flight_falls_back_and_counts(tmp_path):
    atmosphere = open_sample_atmosphere()
    slots = np.array([ONSHORE.timestamp()])
    plain = plan_slots(atmosphere, slots, _settings())
    far = plan_slots(atmosphere, slots, _settings(_far_away(tmp_path)))
    assert far.terrain_not_covered == 3
    np.testing.assert_allclose(far.landings["latitude"], plain.landings["latitude"])


def test_plan_cli_terrain_notes_and_warns(tmp_path):
    base = [
        "plan", "--lat", str(SITE.latitude), "--lon", str(SITE.longitude),
        "--from", ONSHORE.isoformat(), "--to", ONSHORE.isoformat(), "--ensemble", "2", "--json",
    ]  # fmt: skip
    ok = CliRunner().invoke(app, [*base, "--terrain", str(_around_site(tmp_path, 50.0))])
    assert ok.exit_code == 0, ok.output
    assert "launch ground 50 m from DEM delta.tif" in ok.stderr
    plan = json.loads(ok.stdout)["plan"]
    assert plan["settings"]["terrain_dem"].endswith("delta.tif")
    assert plan["terrain_not_covered_members"] == 0
    far = CliRunner().invoke(app, [*base, "--terrain", str(_far_away(tmp_path))])
    assert far.exit_code == 0, far.output
    assert "does not cover the launch site" in far.stderr
    assert "does not cover 2 landing(s)" in far.stderr
    bad = tmp_path / "junk.tif"
    bad.write_bytes(b"not a tiff")
    junk = CliRunner().invoke(app, [*base, "--terrain", str(bad)])
    assert junk.exit_code == 2 and "cannot read DEM" in junk.output


def _descent_from_3_km(terrain=None):
    return predict_landing(
        open_sample_atmosphere(), "descent", ONSHORE.timestamp(), 21.0, 106.3, 3000.0,
        descent_rate=5.0, terrain=terrain,
    )  # fmt: skip


def test_in_flight_prediction_lands_on_the_dem(tmp_path):
    plain = _descent_from_3_km()
    assert plain["landing_surface"] == "land"
    assert plain["terrain_not_covered"] is False
    on_dem = _descent_from_3_km(open_dem(_around_site(tmp_path, 420.0)))
    assert on_dem["landing_altitude_m"] == pytest.approx(420.0, abs=0.01)
    assert abs(plain["landing_altitude_m"] - 420.0) > 50
    assert on_dem["landing_time_s"] < plain["landing_time_s"]
    assert on_dem["ground_source"].startswith("DEM delta.tif")
    assert on_dem["terrain_not_covered"] is False
    far = _descent_from_3_km(open_dem(_far_away(tmp_path)))
    assert far["terrain_not_covered"] is True
    assert far["landing_altitude_m"] == pytest.approx(plain["landing_altitude_m"])


def test_log_terrain_reaches_the_in_flight_predictor(monkeypatch, tmp_path):
    import flightlog.inflight_prediction as inflight

    made = {}

    class Recording(inflight.InflightPredictor):
        def __init__(self, *args, **kwargs):
            made.update(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(inflight, "InflightPredictor", Recording)
    telemetry = tmp_path / "t.txt"
    telemetry.write_text("$$STRATO,1,12:00:00,20.86000,106.68000,100*0000\n")
    common = ["log", f"file://{telemetry}", "--no-live", "--launch-site", "20.86,106.68"]
    run = CliRunner().invoke(
        app,
        [*common, "--db", str(tmp_path / "a.sqlite"), "--winds", "sample",
         "--burst-altitude", "30000", "--terrain", str(_around_site(tmp_path, 12.0))],
    )  # fmt: skip
    assert run.exit_code == 0, run.output
    assert made["terrain"].describe().startswith("DEM delta.tif")
    far = CliRunner().invoke(
        app,
        [*common, "--db", str(tmp_path / "b.sqlite"), "--winds", "sample",
         "--burst-altitude", "30000", "--terrain", str(_far_away(tmp_path))],
    )  # fmt: skip
    assert far.exit_code == 0, far.output
    assert "does not cover the launch site" in far.stderr
    alone = CliRunner().invoke(
        app, [*common, "--db", str(tmp_path / "c.sqlite"), "--terrain", str(_far_away(tmp_path))]
    )
    assert alone.exit_code == 2 and "--winds" in alone.output


def test_live_view_says_when_the_dem_misses_the_landing():
    from types import SimpleNamespace

    from flightlog.live_view import LiveView
    from flightlog.phase_observer import PhaseObserver
    from flightlog.recorder import RecorderStats

    now = ONSHORE.timestamp()
    phases = PhaseObserver()
    phases.last_row = SimpleNamespace(
        payload_time=now, received_at=now,
        values={"latitude": 20.9, "longitude": 106.5, "altitude": 3000.0},
    )  # fmt: skip
    latest = {
        "landing_latitude": 21.0, "landing_longitude": 106.3, "landing_time_s": now + 600,
        "basis": "descent", "landing_surface": "land", "terrain_not_covered": False,
    }  # fmt: skip
    view = LiveView("test", RecorderStats(), phases, SimpleNamespace(latest=latest))
    assert "ground" not in dict(view.rows())
    latest["terrain_not_covered"] = True
    assert "DEM does not cover the landing" in dict(view.rows())["ground"]

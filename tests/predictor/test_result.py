"""One result type for single flights and ensembles: members, selection, JSON schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pytest

from predictor import PredictionResult, iso_utc, predict, predict_landings
from weather.analytic_atmosphere import AnalyticAtmosphere, linear_shear_wind

T0 = datetime(2025, 6, 21, 6, tzinfo=UTC)


@pytest.fixture(scope="module")
def atm():
    return AnalyticAtmosphere(linear_shear_wind(4.0, 0.001, -1.0, 0.0003))


def test_ensemble_members_equal_single_predictions(atm):
    """Member i of one vectorised solve equals the single prediction with member i's inputs."""
    lats = np.array([44.0, 45.0, 46.0])
    bursts = np.array([20000.0, 25000.0, 30000.0])
    ens = predict(
        atm,
        T0,
        lats,
        5.0,
        0.0,
        ascent_rate=5.0,
        burst_altitude=bursts,
        descent_rate=[4.0, 5.0, 6.0],
    )
    assert isinstance(ens, PredictionResult) and ens.n_members == 3
    for i in range(3):
        one = predict(
            atm,
            T0,
            lats[i],
            5.0,
            0.0,
            ascent_rate=5.0,
            burst_altitude=bursts[i],
            descent_rate=[4.0, 5.0, 6.0][i],
        )
        m = ens.member(i)
        assert m.n_members == 1
        # Identical arithmetic per member; 1e-12 deg allows for summation order only.
        np.testing.assert_allclose(m.landing.latitude, one.landing.latitude, atol=1e-12)
        np.testing.assert_allclose(m.landing.longitude, one.landing.longitude, atol=1e-12)
        np.testing.assert_allclose(m.landing.time, one.landing.time, atol=1e-6)
        assert m.stage("descent").n_points[0] == one.stage("descent").n_points[0]
        assert m.settings["burst_altitude_m"] == bursts[i]
    # Members with different stage lengths are NaN-padded.
    desc = ens.stage("descent")
    assert desc.time.shape[1] == desc.n_points.max()
    assert np.isnan(desc.time[desc.n_points.argmin(), -1])


def test_predict_landings_matches_full_prediction(atm):
    """Without recording, landings are the same and each stage keeps two points."""
    kw = dict(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)
    full = predict(atm, T0, [44.0, 45.0], 5.0, **kw)
    cheap = predict_landings(atm, T0, [44.0, 45.0], 5.0, **kw)
    np.testing.assert_array_equal(cheap.landing.latitude, full.landing.latitude)
    np.testing.assert_array_equal(cheap.burst.time, full.burst.time)
    assert all((s.n_points == 2).all() for s in cheap.stages)


def test_json_document_schema(atm):
    """to_dict gives the issue's --json schema, JSON-serialisable, full precision."""
    r = predict(atm, T0, 45.0, 5.0, ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)
    doc = json.loads(json.dumps(r.to_dict()))
    assert {"launch", "burst", "landing", "stages", "flight_time_s", "warnings", "settings"} <= set(
        doc
    )
    for key in ("launch", "burst", "landing"):
        assert set(doc[key]) >= {"datetime", "latitude", "longitude", "altitude"}
    assert doc["landing"]["surface"] in ("land", "sea", "unknown")
    assert [s["stage"] for s in doc["stages"]] == ["ascent", "descent"]
    pt = doc["stages"][1]["trajectory"][-1]
    assert set(pt) == {"datetime", "latitude", "longitude", "altitude"}
    assert pt["latitude"] == r.landing.latitude[0]  # not rounded
    assert doc["landing"]["datetime"] == iso_utc(r.landing.time[0])
    assert doc["launch"]["datetime"] == "2025-06-21T06:00:00.000Z"
    assert doc["flight_time_s"] == pytest.approx(r.flight_time_s[0])
    s = doc["settings"]
    assert s["ascent_rate_m_s"] == 5.0 and s["burst_altitude_m"] == 30000.0
    assert s["descent_rate_sea_level_m_s"] == 5.0 and s["step_s"] == 60.0
    assert set(doc["warnings"]) == {"no_surface_data", "synthetic_atmosphere"}
    # Stage trajectories join: the descent starts at the burst point.
    assert doc["stages"][1]["trajectory"][0] == doc["burst"] | {}


def test_ensemble_to_dict_needs_a_member(atm):
    """An ensemble has no single JSON document unless a member is named."""
    r = predict(
        atm, T0, [44.0, 45.0], 5.0, ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0
    )
    with pytest.raises(ValueError, match="has 2 members"):
        r.to_dict()
    assert r.to_dict(member=1)["launch"]["latitude"] == 45.0
    with pytest.raises(IndexError, match="numbered 0..1"):
        r.member(2)


def test_trajectory_columns_join_stages(atm):
    """trajectory() joins stages without repeating the burst point."""
    r = predict(atm, T0, 45.0, 5.0, ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)
    cols = r.trajectory()
    n = sum(int(s.n_points[0]) for s in r.stages) - 1
    assert cols["time"].shape == (n,)
    assert np.all(np.diff(cols["time"]) > 0)
    assert cols["stage"][0] == "ascent" and cols["stage"][-1] == "descent"

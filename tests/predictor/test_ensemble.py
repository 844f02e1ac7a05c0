"""Ensembles: collapse without uncertainty, spread grows with it, seeds, zones, EDA members."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from predictor.ensemble import FlightSpec, Uncertainty, predict_ensemble
from predictor.ensemble_wind import PerturbedAtmosphere, WindPerturbationField
from predictor.predict import predict
from predictor.zones import zone_from_polygon
from weather.analytic_atmosphere import AnalyticAtmosphere, linear_shear_wind, uniform_wind

LAUNCH = datetime(2025, 6, 1, 12, tzinfo=UTC)
FLIGHT = FlightSpec(5.0, 30000.0, 5.0)


def sea_east_of(lon_coast):
    return lambda lat, lon: (np.asarray(lon) < lon_coast).astype(float)


@pytest.fixture(scope="module")
def shear():
    return AnalyticAtmosphere(
        linear_shear_wind(5.0, 0.0008, 2.0, 0.0), land_fraction=sea_east_of(0.5)
    )


def test_zero_uncertainty_collapses_onto_deterministic_track(shear):
    ens = predict_ensemble(
        shear, LAUNCH, 52.0, 0.0, FLIGHT, 16, uncertainty=Uncertainty.zero(), seed=1
    )
    det = predict(
        shear, LAUNCH, 52.0, 0.0, ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0
    )
    # identical inputs through the same vectorised solver: equal to rounding (1e-9 deg ~ 0.1 mm)
    np.testing.assert_allclose(ens.prediction.landing.latitude, det.landing.latitude[0], atol=1e-9)
    np.testing.assert_allclose(
        ens.prediction.landing.longitude, det.landing.longitude[0], atol=1e-9
    )
    assert ens.statistics.ellipses[1].semi_major == pytest.approx(0.0, abs=1e-3)
    # and the whole track, not only the landing
    t_det = det.trajectory(0)
    t_ens = ens.prediction.trajectory(7)
    np.testing.assert_allclose(t_ens["longitude"], t_det["longitude"], atol=1e-9)


def test_spread_grows_with_stated_uncertainty(shear):
    axes = []
    for factor in (0.25, 1.0, 2.0):
        ens = predict_ensemble(
            shear,
            LAUNCH,
            52.0,
            0.0,
            FLIGHT,
            200,
            seed=5,
            uncertainty=Uncertainty().scaled(factor),
            record_trajectory=False,
        )
        axes.append(ens.statistics.ellipses[1].semi_major)
    assert axes[0] < axes[1] < axes[2]
    # the spread is roughly proportional to the uncertainty (linear regime): x8 between ends
    assert 4.0 < axes[2] / axes[0] < 12.0


def test_same_seed_same_result_and_different_seed_differs(shear):
    a = predict_ensemble(shear, LAUNCH, 52.0, 0.0, FLIGHT, 30, seed=42, record_trajectory=False)
    b = predict_ensemble(shear, LAUNCH, 52.0, 0.0, FLIGHT, 30, seed=42, record_trajectory=False)
    c = predict_ensemble(shear, LAUNCH, 52.0, 0.0, FLIGHT, 30, seed=43, record_trajectory=False)
    np.testing.assert_array_equal(a.prediction.landing.latitude, b.prediction.landing.latitude)
    assert a.to_dict() == b.to_dict()
    assert not np.array_equal(a.prediction.landing.latitude, c.prediction.landing.latitude)


def test_zone_over_deterministic_landing_has_probability_near_one(shear):
    det = predict(
        shear, LAUNCH, 52.0, 0.0, ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0
    )
    la, lo = float(det.landing.latitude[0]), float(det.landing.longitude[0])
    # a 1.5 x 2.5 degree box (~170 x 170 km) around it; with 2 m/s wind error the 95 %
    # ellipse is ~30 km, so every member should fall inside
    box = zone_from_polygon(
        "range",
        [
            (lo - 1.25, la - 0.75),
            (lo + 1.25, la - 0.75),
            (lo + 1.25, la + 0.75),
            (lo - 1.25, la + 0.75),
        ],
    )
    far = zone_from_polygon("far", [(lo + 3, la), (lo + 4, la), (lo + 4, la + 1)])
    ens = predict_ensemble(
        shear, LAUNCH, 52.0, 0.0, FLIGHT, 100, seed=2, zones=[box, far], record_trajectory=False
    )
    assert ens.statistics.zone_probabilities["range"] >= 0.98
    assert ens.statistics.zone_probabilities["far"] == 0.0


def test_sea_probability_follows_the_wind():
    """P(sea) from the real coastline at Hai Phong (the coast lies east and south-east).

    15 m/s eastward for ~2.5 h drifts ~135 km: out in the Gulf of Tonkin, all at sea.
    10 m/s westward: ~90 km inland, all on land. No wind, launched on the straight Hai Hau
    shore: the wind errors scatter the landings to either side, about half at sea.
    """
    import terrain
    from terrain import geodesy

    hai_phong = (20.86, 106.68)
    results = {}
    for u in (15.0, -10.0):
        atm = AnalyticAtmosphere(uniform_wind(u, 0.0))
        ens = predict_ensemble(atm, LAUNCH, *hai_phong, FLIGHT, 60, seed=3, record_trajectory=False)
        results[u] = ens.statistics.sea_probability
    assert results[15.0] == 1.0 and results[-10.0] == 0.0
    # the nearest shore point to water 4 km off the Hai Hau coast
    d, b = terrain.coast_distance(20.05, 106.30)
    shore = geodesy.forward(20.05, 106.30, b, d)
    atm = AnalyticAtmosphere(uniform_wind(0.0, 0.0))
    ens = predict_ensemble(
        atm, LAUNCH, float(shore[0]), float(shore[1]), FLIGHT, 200, seed=3, record_trajectory=False
    )
    assert ens.statistics.sea_probability == pytest.approx(0.5, abs=0.15)  # binomial sd 0.035


def test_balloon_burst_spread_from_diameter():
    atm = AnalyticAtmosphere(uniform_wind(0.0, 0.0))
    flight = FlightSpec.from_balloon("TA800", 1.2, 5.0, ascent_rate=5.0)
    unc = Uncertainty(0.0, 0.0, burst_diameter=0.087, launch_time=0.0, wind=0.0, wind_mode="none")
    ens = predict_ensemble(
        atm, LAUNCH, 52.0, 0.0, flight, 400, uncertainty=unc, seed=4, record_trajectory=False
    )
    d = ens.draws
    assert np.std(d.burst_diameter) / 7.0 == pytest.approx(0.087, rel=0.15)
    # h = H ln(Vb/V0) with Vb ~ D^3: sd(h) ~ 3 H sd(D)/D; H ~ 6.5 km near 30 km (USSA) -> ~1.7 km
    assert 1200 < np.std(d.burst_altitude) < 2300
    assert np.median(d.burst_altitude) == pytest.approx(flight.burst_altitude, abs=300)


def test_wind_field_statistics_and_correlation():
    """Random-Fourier field: variance sigma^2, and correlation exp(-d^2 / 2L^2)."""
    rng = np.random.default_rng(0)
    n = 4000
    f = WindPerturbationField.draw(rng, n, 2.0, 300e3, 2000.0, 6 * 3600, 52.0, 0.0, 0.0)
    m = np.arange(n)
    zeros = np.zeros(n)
    u0, _ = f.evaluate(m, zeros, zeros + 52.0, zeros, zeros + 10000.0)
    assert np.std(u0) == pytest.approx(2.0, rel=0.05)  # sd of the sample sd ~ 1.1 % here
    # displaced by L horizontally (300 km north): expected correlation exp(-0.5) = 0.607
    dlat = 300e3 / 6371008.8 * 180 / math.pi
    u1, _ = f.evaluate(m, zeros, zeros + 52.0 + dlat, zeros, zeros + 10000.0)
    assert np.corrcoef(u0, u1)[0, 1] == pytest.approx(math.exp(-0.5), abs=0.05)
    # 100 m apart vertically: nearly the same error (exp(-0.00125) ~ 0.999)
    u2, _ = f.evaluate(m, zeros, zeros + 52.0, zeros, zeros + 10100.0)
    assert np.corrcoef(u0, u2)[0, 1] > 0.99


class _TwoMemberData(AnalyticAtmosphere):
    """SYNTHETIC data with 2 ensemble members: member 1 has 10 m/s more eastward wind."""

    ensemble_size = 2

    def sample(self, time, lat, lon, alt, member=None):
        s = super().sample(time, lat, lon, alt)
        if member is None:
            return s
        return s._replace(u=s.u + 10.0 * (np.asarray(member) == 1))


def test_data_ensemble_members_are_used_round_robin():
    atm = _TwoMemberData(uniform_wind(5.0, 0.0))
    ens = predict_ensemble(
        atm,
        LAUNCH,
        52.0,
        0.0,
        FLIGHT,
        6,
        uncertainty=Uncertainty(0, 0, 0, 0, 0, 0, wind_mode="auto"),
        seed=1,
        record_trajectory=False,
    )
    assert ens.draws.data_member.tolist() == [0, 1, 0, 1, 0, 1]
    assert ens.draws.wind is None  # auto: data members instead of synthetic perturbations
    lon = ens.prediction.landing.longitude
    assert np.all(lon[1::2] > lon[0::2] + 0.5)
    np.testing.assert_allclose(lon[0::2], lon[0], atol=1e-9)


def test_perturbed_atmosphere_needs_member_attribution():
    atm = PerturbedAtmosphere(AnalyticAtmosphere(uniform_wind(1, 0)), 3)
    with pytest.raises(ValueError, match="which ensemble member"):
        atm.sample(np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2))


def test_recovery_distance_reported(shear):
    ens = predict_ensemble(
        shear,
        LAUNCH,
        52.0,
        0.0,
        FLIGHT,
        20,
        seed=9,
        recovery_point=(52.0, 1.0),
        record_trajectory=False,
    )
    rec = ens.statistics.recovery
    import pyproj

    # the recovery distance is the WGS84 geodesic: pyproj.Geod itself is the reference
    _, _, d = pyproj.Geod(ellps="WGS84").inv(
        1.0, 52.0, ens.statistics.mean_longitude, ens.statistics.mean_latitude
    )
    assert rec["distance_to_mean_landing_m"] == pytest.approx(d, abs=1.0)
    doc = ens.to_dict()["ensemble"]
    assert doc["member_count"] == 20 and len(doc["members"]) == 20
    assert doc["seed"] == 9 and "SYNTHETIC" in doc["wind_uncertainty"]


def test_bad_uncertainty_is_refused():
    with pytest.raises(ValueError, match="wind uncertainty mode"):
        Uncertainty(wind_mode="white-noise")
    with pytest.raises(ValueError, match=">= 0"):
        Uncertainty(ascent_rate=-0.1)
    atm = AnalyticAtmosphere(uniform_wind(1, 0))
    with pytest.raises(ValueError, match="no"):
        predict_ensemble(
            atm, LAUNCH, 52.0, 0.0, FLIGHT, 4, uncertainty=Uncertainty(wind_mode="data_members")
        )

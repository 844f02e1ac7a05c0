"""The analysis on real soundings against the values their publishers printed.

Files are in tests/data/soundings (sources and licences in SOURCES.md there):
University of Wyoming TEXT:LIST pages with "Station information and sounding indices",
IGRA2 sounding and derived files (NOAA NCEI), WMO TEMP BUFR (DWD, ECMWF pdbufr sample
data) and GRUAN RS41-GDP products. Each test names the station, the time and where the
reference value was published.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.cleaning import clean_flight, monotonic_ascent
from analysis.read_profile import read_profile
from analysis.stability import level_value, stability_indices
from analysis.tropopause import find_tropopauses

DATA = Path(__file__).resolve().parents[1] / "data" / "soundings"
BOI_2010 = DATA / "uwyo_72681_BOI_2010120912.html"
OUN_1999 = DATA / "uwyo_72357_OUN_1999050400.html"
OUN_2023 = DATA / "uwyo_72357_OUN_2023052212.html"


def _indices(path: Path) -> tuple[dict, dict]:
    profile, metadata = read_profile(path)
    flight = clean_flight(profile)
    return stability_indices(monotonic_ascent(flight.ascent)), metadata


def _metpy_surface_cape(rows: pd.DataFrame) -> float:
    import metpy.calc as mpcalc
    from metpy.units import units

    cape, _ = mpcalc.surface_based_cape_cin(
        rows["pressure"].to_numpy() * units.Pa,
        rows["temperature"].to_numpy() * units.K,
        rows["dewpoint"].to_numpy() * units.K,
    )
    return float(cape.m_as("J/kg"))


# ---------------------------------------------------------------- 1: levels without height


def test_bufr_level_without_height_is_kept():
    """Hohenpeissenberg (WMO 10954), 2025-02-23 10:45Z, BUFR 3 09 057: the level at
    939.99 hPa carries temperature and dewpoint but no geopotential height. It stays, its
    height interpolated in log p between its neighbours (760.1 m and 769.6 m), and the
    surface level (940.51 hPa) stays although its position is the station's, 500 m from
    the sonde's first GPS fix."""
    profile, metadata = read_profile(DATA / "bufr_309057_10954_20250223.bufr")
    assert metadata["format"] == "bufr_temp" and metadata["station"] == "10954"
    assert profile["altitude"].isna().sum() == 1
    flight = clean_flight(profile)
    rows = flight.profile
    assert len(rows) == len(profile)
    level = rows[rows["pressure"] == 93999.0].iloc[0]
    assert 760.1 < level["altitude"] < 769.6
    assert level["temperature"] == pytest.approx(280.50)
    assert rows["pressure"].iloc[0] == 94051.0  # the surface level
    assert flight.removed["heights_interpolated_in_log_pressure"] == 1


def test_surface_row_without_height_gives_metpy_cape():
    """OUN 72357, 1999-05-04 00Z (UWyo page in siphon's test fixtures), with the height
    of its surface row (959 hPa, 22.2/19.0 degC) removed as in TEMP reports whose surface
    row has none. The row stays, and surface CAPE equals MetPy 1.7's
    surface_based_cape_cin on the same levels within max(50 J/kg, 3 %) (here exactly,
    since the same routine runs). Dropping the row, as before, moves CAPE by more than
    that."""
    profile, _ = read_profile(OUN_1999)
    profile.loc[0, "altitude"] = np.nan
    flight = clean_flight(profile)
    assert flight.profile["pressure"].iloc[0] == 95900.0
    result = stability_indices(monotonic_ascent(flight.ascent))
    levels = profile.dropna(subset=["pressure", "temperature", "dewpoint"])
    reference = _metpy_surface_cape(levels)
    assert result["surface_cape_j_kg"] == pytest.approx(reference, abs=max(50, 0.03 * reference))
    assert result["surface_lcl_temperature_c"] == pytest.approx(18.24, abs=0.01)
    without_surface = _metpy_surface_cape(levels.iloc[1:])
    assert abs(without_surface - reference) > max(50, 0.03 * reference)


# --------------------------------------------------- 2: dewpoint that stops early (winter)


def test_indices_when_the_dewpoint_stops_early():
    """BOI 72681 Boise, 2010-12-09 12Z (UWyo page in siphon's fixtures): temperature to
    7.5 hPa, dewpoint only to 606 hPa. Wyoming publishes K 23.80, TT 46.80, Showalter
    5.01; ours from the same levels: all within 0.2 (Showalter 5.05 on the theta-e
    pseudo-adiabat; MetPy's moist_lapse would give 5.23)."""
    result, metadata = _indices(BOI_2010)
    published = metadata["published_indices"]
    assert result["dewpoint_top_hpa"] == 606.0
    assert result["k_index_c"] == pytest.approx(published["K index"], abs=0.2)
    assert result["total_totals_delta_c"] == pytest.approx(
        published["Totals totals index"], abs=0.2
    )
    assert result["showalter_index_delta_c"] == pytest.approx(published["Showalter index"], abs=0.2)
    # the temperature profile of the parcel integrals is not cut at 606 hPa
    assert result["levels_used"] == 130
    assert "surface_cape_j_kg" in result


@pytest.mark.parametrize("path", [OUN_1999, OUN_2023, BOI_2010], ids=lambda p: p.stem)
def test_wyoming_published_indices(path):
    """UWyo's printed indices on three pages (OUN 1999-05-04 00Z, OUN 2023-05-22 12Z,
    BOI 2010-12-09 12Z): K, TT and Showalter within 0.2 (measured: within 0.05); the 500 m
    mixed-layer parcel's LCL within 1 hPa / 0.2 K of "Pres/Temp of the Lifted Condensation
    Level" and its lifted index within 0.1 of "Lifted index" (measured 0.03); precipitable
    water within 0.5 mm of "Precipitable water [mm] for entire sounding"."""
    result, metadata = _indices(path)
    published = metadata["published_indices"]
    assert result["k_index_c"] == pytest.approx(published["K index"], abs=0.2)
    assert result["total_totals_delta_c"] == pytest.approx(
        published["Totals totals index"], abs=0.2
    )
    lcl_p = published["Pres [hPa] of the Lifted Condensation Level"]
    lcl_t = published["Temp [K] of the Lifted Condensation Level"] - 273.15
    assert result["mixed_layer_500m_lcl_pressure_hpa"] == pytest.approx(lcl_p, abs=1.0)
    assert result["mixed_layer_500m_lcl_temperature_c"] == pytest.approx(lcl_t, abs=0.2)
    assert result["mixed_layer_500m_lifted_index_delta_c"] == pytest.approx(
        published["Lifted index"], abs=0.1
    )
    assert result["precipitable_water_mm"] == pytest.approx(
        published["Precipitable water [mm] for entire sounding"], abs=0.5
    )
    assert result["showalter_index_delta_c"] == pytest.approx(published["Showalter index"], abs=0.2)


def test_wyoming_csv_service_same_sounding_same_indices():
    """BOI 72681, 2010-12-09 12Z from UWyo's current CSV service (siphon's cassette): wind
    in m/s (240 deg, 1.5 m/s at the surface, 3 kt on the old page), one release time on
    every level (a table, placed by pressure), and the page's K 23.80, TT 46.80,
    Showalter 5.01 within 0.2."""
    profile, metadata = read_profile(DATA / "uwyo_csv_72681_BOI_2010120912.csv")
    assert metadata["format"] == "wyoming_wsgi_csv"
    assert metadata["release_time"] == "2010-12-09T11:06:00+00:00"
    assert profile["time"].isna().all()
    speed = np.hypot(profile["eastward_wind"].iloc[0], profile["northward_wind"].iloc[0])
    assert speed == pytest.approx(1.5)
    result = stability_indices(monotonic_ascent(clean_flight(profile).ascent))
    assert result["k_index_c"] == pytest.approx(23.80, abs=0.2)
    assert result["total_totals_delta_c"] == pytest.approx(46.80, abs=0.2)
    assert result["showalter_index_delta_c"] == pytest.approx(5.01, abs=0.2)


def test_every_parcel_is_named():
    """OUN 1999-05-04 00Z: no bare lcl/cape/lifted-index key; each names its parcel."""
    result, _ = _indices(OUN_1999)
    for parcel in ("surface", "mixed_layer_500m", "most_unstable"):
        for figure in ("lcl_pressure_hpa", "cape_j_kg", "cin_j_kg", "lifted_index_delta_c"):
            assert f"{parcel}_{figure}" in result
    bare = [k for k in result if k.startswith(("lcl", "lfc", "el_", "cape", "cin", "lifted"))]
    assert bare == []


# --------------------------------------------------------------------------- IGRA2


def test_igra2_tropopause_equals_the_flagged_levels():
    """Utqiagvik/Barrow (IGRA2 USM00070026), 2010-06-01 00Z and 12Z: NCEI's files flag
    the tropopause (LVLTYP2 = 2) at 295.5 hPa / 9040 m / -46.9 degC and 300.0 hPa /
    8902 m / -48.8 degC. The WMO first tropopause found from the levels is the same."""
    from analysis.read_igra2 import parse_igra2

    text = (DATA / "igra2_USM00070026-data.txt").read_text()
    for sounding in (0, 1):
        profile, metadata = parse_igra2(text, sounding)
        (flagged,) = metadata["reported_tropopause"]
        flight = clean_flight(profile)
        ascent = flight.ascent
        found = find_tropopauses(ascent["altitude"], ascent["temperature"], ascent["pressure"])
        first = next(t for t in found if t.kind == "wmo_first").as_summary()
        assert first["pressure_hpa"] == flagged["pressure_hpa"]
        assert first["altitude_m"] == flagged["altitude_m"]
        assert first["temperature_c"] == pytest.approx(flagged["temperature_c"], abs=0.01)


def test_igra2_derived_published_values():
    """Utqiagvik/Barrow (IGRA2 USM00070026-drvd), 2014-09-10 00Z and 12Z: NCEI's derived
    header gives precipitable water surface-500 hPa 7.21 and 12.34 mm (ours within 0.5 mm)
    and K -4 / 10, TT 39 / 33 as whole degrees (ours within 0.5, their rounding)."""
    from analysis.read_igra2 import parse_igra2

    text = (DATA / "igra2_USM00070026-drvd.txt").read_text()
    for sounding, pw in ((0, 7.21), (1, 12.34)):
        profile, metadata = parse_igra2(text, sounding)
        published = metadata["published_indices"]
        assert published["precipitable_water_surface_to_500hpa_mm"] == pw
        result = stability_indices(monotonic_ascent(clean_flight(profile).ascent))
        assert result["precipitable_water_surface_to_500hpa_mm"] == pytest.approx(pw, abs=0.5)
        assert result["k_index_c"] == pytest.approx(published["k_index_c"], abs=0.5)
        assert result["total_totals_delta_c"] == pytest.approx(
            published["total_totals_index_c"], abs=0.5
        )


def test_igra2_sounding_chosen_by_date():
    """read_profile with a date reads that day's first sounding (IGRA2 files hold many);
    a date the file lacks is a clear error listing the dates it has."""
    from datetime import date

    path = DATA / "igra2_USM00070026-data.txt"
    _, metadata = read_profile(path, flight_date=date(2010, 6, 1))
    assert metadata["observation_time"] == "2010-06-01T00:00:00+00:00"
    assert metadata["sounding_read"] == 0
    with pytest.raises(ValueError, match="cut short"):  # 2010-06-02 00Z has no levels here
        read_profile(path, flight_date=date(2010, 6, 2))
    with pytest.raises(ValueError, match="2010-06-01, 2010-06-02"):
        read_profile(path, flight_date=date(2011, 1, 1))


def test_igra2_cut_short_sounding_is_a_clear_error():
    from analysis.read_igra2 import parse_igra2

    text = (DATA / "igra2_USM00070026-drvd.txt").read_text()
    with pytest.raises(ValueError, match="no level lines"):
        parse_igra2(text, 2)


# --------------------------------------------------------------------------- GRUAN


@pytest.mark.parametrize(
    ("name", "height", "pw"),
    [
        ("PAY-RS-01_2_RS41-GDP_001_20170712T000000_1-002-001_cut.nc", 13455.7, 33.25),
        ("PAY-RS-01_2_RS41-GDP_001_20171024T120000_1-002-001_cut.nc", 13280.1, 18.09),
    ],
)
def test_gruan_tropopause_and_water_column(name, height, pw):
    """Payerne RS41-GDP.1 (GRUAN), 2017-07-11 22:50Z and 2017-10-24 11:06Z, 1 s data:
    the product's g.Measurement.TropopauseGeopotHeight (13455.7 / 13280.1 gpm) within
    100 m, g.Measurement.PrecipitableWaterColumn (33.25 / 18.09 kg m-2) within 0.5 mm."""
    profile, metadata = read_profile(DATA / name)
    assert metadata["format"] == "gruan_gdp"
    assert metadata["reported_tropopause"][0]["altitude_m"] == height
    assert metadata["published_indices"]["precipitable_water_mm"] == pw
    flight = clean_flight(profile)
    ascent = flight.ascent
    found = find_tropopauses(ascent["altitude"], ascent["temperature"], ascent["pressure"])
    first = next(t for t in found if t.kind == "wmo_first")
    assert abs(first.altitude - height) < 100.0
    result = stability_indices(monotonic_ascent(ascent))
    assert result["precipitable_water_mm"] == pytest.approx(pw, abs=0.5)


# ------------------------------------------------------------------ 3: K index on 1 Hz


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["20221104_1105", "20221104_2305"])
def test_k_index_of_1hz_data_is_not_shifted_by_thinning(realdata, name):
    """Vaisala MW41 EDT 1 s files FWD 2022-11-04 11:05Z and 23:05Z
    (realdata/radiosonde_flights): the K index equals (T850 - T500) + Td850 - (T700 - Td700)
    with each value interpolated linearly in log p from the 1 s levels themselves, to
    0.05 degC. Averaging into 300 log-p bins first (the old way) moved it by -0.49 and
    +1.61 degC on these two files."""
    profile, _ = read_profile(realdata / "radiosonde_flights" / f"FWD_edt_{name}.txt")
    flight = clean_flight(profile)
    rows = monotonic_ascent(flight.ascent)
    assert len(rows) > 1000
    result = stability_indices(rows)
    p = rows["pressure"].to_numpy(float)
    t, td = rows["temperature"].to_numpy(float), rows["dewpoint"].to_numpy(float)

    def at(values, level):
        return level_value(p, values, level)

    expected = (at(t, 850) - at(t, 500)) + (at(td, 850) - 273.15) - (at(t, 700) - at(td, 700))
    assert result["k_index_c"] == pytest.approx(expected, abs=0.05)


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["20221104_1105", "20221104_1435", "20221104_1702"])
def test_cape_of_1hz_data_equals_metpy_on_every_level(realdata, name):
    """FWD Vaisala MW41 1 s ascents of 2022-11-04 (realdata/radiosonde_flights; surface
    CAPE about 310, 1290 and 1735 J/kg): our surface CAPE, integrated on at most 300
    log-p bins, equals MetPy 1.7's surface_based_cape_cin on all ~4000 levels within
    max(50 J/kg, 3 %)."""
    profile, _ = read_profile(realdata / "radiosonde_flights" / f"FWD_edt_{name}.txt")
    rows = monotonic_ascent(clean_flight(profile).ascent).dropna(subset=["dewpoint"])
    assert len(rows) > 3000
    reference = _metpy_surface_cape(rows)
    assert reference > 100.0
    result = stability_indices(rows)
    assert result["levels_used"] == 300
    assert result["surface_cape_j_kg"] == pytest.approx(reference, abs=max(50, 0.03 * reference))


# --------------------------------------------------------------------- 6: unknown dates


@pytest.mark.realdata
def test_unknown_date_is_never_1970(realdata, tmp_path):
    """LetFik2 habhub export (UKHAS sentences with times of day only), read without a
    date: the report says "date unknown" and shows times of day; no 1970 anywhere a
    person reads (summary.json, report.html, profile.csv)."""
    from analysis.report import DATE_UNKNOWN, build_report

    profile, metadata = read_profile(realdata / "telemetry" / "LetFik2_HabHub_data.txt")
    assert metadata["date_known"] is False
    summary = build_report(profile, metadata, tmp_path, show_progress=False)
    assert summary["burst"]["date"] == DATE_UNKNOWN
    assert summary["burst"]["time_of_day_utc"].count(":") == 2
    for name in ("summary.json", "report.html", "profile.csv"):
        assert "1970" not in (tmp_path / name).read_text(), name
    assert json.loads((tmp_path / "summary.json").read_text())["launch"]["date"] == DATE_UNKNOWN


def test_bufr_without_heights_gets_hypsometric_heights():
    """Inukjuak (WMO 71907), 2008-12-08 12Z, BUFR 3 09 007 (first of 7 messages in
    pdbufr's temp_small.bufr): no geopotential heights at all. Heights come from the
    hypsometric equation and the report says so; 1000 hPa lies 22-23 m above the 1003 hPa
    surface level (a -15 degC column: 29.3 m/K * 258.9 K * ln(1003/1000) = 22.7 m)."""
    profile, metadata = read_profile(DATA / "bufr_309007_temp_small.bufr")
    assert metadata["messages_in_file"] == 7 and metadata["station"] == "71907"
    assert "hypsometric" in metadata["notes"][0]
    assert "station elevation is not given" in metadata["notes"][0]
    assert profile["altitude"].iloc[1] - profile["altitude"].iloc[0] == pytest.approx(22.7, abs=0.2)
    flight = clean_flight(profile)
    assert len(flight.profile) == len(profile)

"""Readers: every accepted format, auto-detection, and the clear error for anything else."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.read_profile import ACCEPTED_FORMATS, detect_format, read_profile
from analysis.read_soundings import parse_wyoming_text
from analysis.read_ukhas import crc16_ccitt, parse_ukhas_log
from analysis.synthetic import synthetic_flight
from analysis.units_convert import KNOT
from analysis.wyoming_text import format_wyoming_text

WYOMING_SNIPPET = """\
-----------------------------------------------------------------------------
   PRES   HGHT   TEMP   DWPT   RELH   MIXR   DRCT   SKNT   THTA   THTE   THTV
    hPa     m      C      C      %    g/kg    deg   knot     K      K      K
-----------------------------------------------------------------------------
 1000.0     -7
  959.0    345   22.2   19.0     82  14.64    160     18  298.9  341.8  301.5
  931.3    610   20.2   17.5     84  13.66                299.4  339.5  301.9
"""  # the first two data rows of MetPy's may4_sounding.txt, wind removed on the second


def test_wyoming_text_drops_below_ground_rows_and_reads_blanks_as_missing():
    """The 1000 hPa row has only PRES/HGHT (below ground) and goes; blanks are NaN."""
    profile, meta = parse_wyoming_text(WYOMING_SNIPPET)
    assert meta["format"] == "wyoming_text"
    assert len(profile) == 2
    assert profile["pressure"].tolist() == [95900.0, 93130.0]
    assert profile["temperature"].iloc[0] == pytest.approx(22.2 + 273.15)
    # 18 kt from 160 deg: u = -18 sin(160) kt, v = -18 cos(160) kt (meteorological convention)
    speed = 18 * KNOT
    assert profile["eastward_wind"].iloc[0] == pytest.approx(-speed * np.sin(np.deg2rad(160)))
    assert profile["northward_wind"].iloc[0] == pytest.approx(-speed * np.cos(np.deg2rad(160)))
    assert np.isnan(profile["eastward_wind"].iloc[1])


def test_wyoming_text_round_trip(tmp_path):
    """Our Wyoming writer's output reads back to the same levels (within print precision)."""
    profile, _ = synthetic_flight(burst_altitude=12000.0, step_s=30.0)
    ascent = profile[profile["altitude"].diff().fillna(1) > 0].copy()
    ascent["dewpoint"] = ascent["temperature"] - 5.0
    ascent["u"], ascent["v"] = 10.0, -5.0
    path = tmp_path / "sounding.txt"
    path.write_text(format_wyoming_text(ascent, "SYNTHETIC test"))
    assert detect_format(path) == "wyoming_text"
    back, _ = read_profile(path)
    assert len(back) == len(ascent)
    # printed with 0.1 hPa, 1 m, 0.1 degC and whole knots: compare at that precision
    np.testing.assert_allclose(back["pressure"], ascent["pressure"], atol=5.0)
    np.testing.assert_allclose(back["altitude"], ascent["altitude"], atol=0.5)
    np.testing.assert_allclose(back["temperature"], ascent["temperature"], atol=0.05)
    np.testing.assert_allclose(back["eastward_wind"], 10.0, atol=0.5 * KNOT + 0.1)


def test_unknown_format_names_the_accepted_ones(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\nworld\n")
    with pytest.raises(ValueError) as info:
        read_profile(path)
    message = str(info.value)
    assert "format not recognised" in message
    for name in ACCEPTED_FORMATS:
        assert name in message


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_profile(tmp_path / "absent.csv")


def test_missing_column_is_a_clear_error_not_a_key_error(tmp_path):
    """A habhub track header without the Alt column: a ValueError naming the format and
    the column (the CLI turns it into a message), not a bare KeyError traceback."""
    path = tmp_path / "track.tsv"
    path.write_text("#Time\tLat\tLon\n10:00:00\t52.0\t0.1\n")
    with pytest.raises(ValueError, match="habhub track.*'alt'"):
        read_profile(path)


def test_ukhas_crc_reference_vector():
    """horusdemodlib's test sentence $$HORUS,...*1DA2 (realdata/telemetry/SOURCES.md)."""
    body = "HORUS,6,06:43:16,0.000000,0.000000,0,0,0,1801,20"
    assert crc16_ccitt(body) == 0x1DA2


def test_ukhas_log_drops_bad_crc_and_converts_nmea(tmp_path):
    good = "$$LetFik2,10:00:00,4943.04900,01405.86600,500.0,09,0,0"
    crc = crc16_ccitt(good[2:])
    text = f"{good}*{crc:04X}\n{good.replace('500.0', '600.0')}*{crc:04X}\n"
    profile, meta = parse_ukhas_log(text, date(2017, 3, 18))
    assert meta["sentences_bad_crc"] == 1
    assert len(profile) == 1
    # 49 deg 43.049 min = 49.71748 deg (NMEA ddmm.mmmm)
    assert profile["latitude"].iloc[0] == pytest.approx(49 + 43.049 / 60)
    assert profile["longitude"].iloc[0] == pytest.approx(14 + 5.866 / 60)
    assert profile["time"].iloc[0] == pd.Timestamp("2017-03-18T10:00:00Z")


def test_ukhas_short_sentence_with_valid_crc_is_counted_not_fatal():
    """A checksum-valid sentence with too few fields ($$PING*CRC) is counted as unreadable;
    it used to raise IndexError and lose the whole log."""
    short = "PING"
    good = "PAY,1,12:00:00,52.0,0.1,100"
    text = f"$${short}*{crc16_ccitt(short):04X}\n$${good}*{crc16_ccitt(good):04X}\n"
    profile, meta = parse_ukhas_log(text, date(2024, 5, 1))
    assert meta["sentences_unreadable"] == 1
    assert len(profile) == 1
    assert profile["altitude"].iloc[0] == 100.0


def test_flight_csv_round_trip_through_flightlog_writer(tmp_path):
    """The flight log's CSV export reads back with canonical names and SI units."""
    from flightlog.export_csv import write_csv

    profile, _ = synthetic_flight(burst_altitude=5000.0, step_s=10.0)
    frame = profile[["time", "latitude", "longitude", "altitude", "pressure", "temperature",
                     "relative_humidity"]].copy()  # fmt: skip
    frame["sentence_id"] = np.arange(len(frame))
    frame["received_at"] = frame["time"]
    path = write_csv(frame, tmp_path / "flight.csv")
    assert detect_format(path) == "flight_csv"
    back, meta = read_profile(path)
    assert meta["format"] == "flight_csv"
    np.testing.assert_allclose(back["pressure"], frame["pressure"], rtol=1e-9)
    np.testing.assert_allclose(back["temperature"], frame["temperature"], rtol=1e-9)
    assert (back["time"] == frame["time"]).all()


@pytest.mark.realdata
def test_may4_row_matches_siphon(realdata):
    """siphon tests/test_wyoming.py row 5 (after the below-ground row): 867.9 hPa, 1219 m,
    17.4/14.3 degC, 190 deg / 38 kt (u 6.60 kt, v 37.42 kt)."""
    profile, _ = read_profile(realdata / "soundings" / "may4_sounding.txt")
    row = profile.iloc[5]
    assert row["pressure"] == pytest.approx(86790.0)
    assert row["altitude"] == 1219.0
    assert row["temperature"] == pytest.approx(17.4 + 273.15)
    assert row["dewpoint"] == pytest.approx(14.3 + 273.15)
    assert row["eastward_wind"] / KNOT == pytest.approx(6.60, abs=0.005)
    assert row["northward_wind"] / KNOT == pytest.approx(37.42, abs=0.005)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("relative", "kind", "rows"),
    [
        ("soundings/HILO-Nov-1-2023-00z-WYOMING.csv", "wyoming_csv", 162),
        ("soundings/20110522_OUN_12Z.txt", "wyoming_text", 70),
        ("soundings/HILO-Nov-1-2023-00z-RAOBS.csv", "noaa_raob_csv", None),
        ("telemetry/20260708-115249_Y0532363_RS41_403000_sonde.log", "auto_rx_log", 3699),
        ("radiosonde_flights/FWD_edt_20221104_2305.txt", "vaisala_edt", 6501),
        ("telemetry/LetFik2_HabHub_data.txt", "ukhas_log", 899),
        ("hab_flights/fik2_letfik2_20170318/LetFik2_HabHub_data.csv", "habhub_track", 295),
    ],
)
def test_real_files_are_detected_and_read(realdata, relative, kind, rows):
    """Row counts from the SOURCES.md files (162 Hilo levels, 3699 auto_rx frames, 6501
    EDT rows, 899 UKHAS sentences, 295 habhub rows); 20110522 has 71 rows, 1 below ground."""
    path = realdata / relative
    assert detect_format(path) == kind
    profile, meta = read_profile(path, flight_date=date(2017, 3, 18))
    assert meta["format"] == kind
    if rows is not None:
        assert len(profile) == rows


@pytest.mark.realdata
def test_vaisala_edt_crosses_midnight_and_takes_date_from_name(realdata):
    """FWD 2022-11-04 23:05:17 launch; last point 2022-11-05 00:53:37 (SOURCES.md)."""
    profile, meta = read_profile(realdata / "radiosonde_flights" / "FWD_edt_20221104_2305.txt")
    assert meta["date_known"] and meta["end_of_flight_marker"]
    assert profile["time"].iloc[0] == pd.Timestamp("2022-11-04T23:05:17Z")
    assert profile["time"].iloc[-1] == pd.Timestamp("2022-11-05T00:53:37Z")
    assert profile["time"].is_monotonic_increasing


@pytest.mark.realdata
def test_auto_rx_missing_markers_become_nan(realdata):
    """auto_rx writes -273 degC / -1 % / -1 hPa for no data (telemetry/SOURCES.md)."""
    profile, _ = read_profile(
        realdata / "telemetry" / "20260708-115249_Y0532363_RS41_403000_sonde.log"
    )
    assert np.isnan(profile["temperature"].iloc[0])
    assert np.isnan(profile["relative_humidity"].iloc[0])
    assert profile["pressure"].isna().all()  # RS41-SG: no pressure sensor
    assert (profile["temperature"].dropna() > 150).all()


@pytest.mark.realdata
def test_raob_csv_reports_its_tropopause(realdata):
    """Line type 7 of the Hilo RAOB CSV: 95.4 hPa, 16839 m, -78.1 degC (soundings/SOURCES.md)."""
    _, meta = read_profile(realdata / "soundings" / "HILO-Nov-1-2023-00z-RAOBS.csv")
    assert meta["reported_tropopause"] == [
        {"pressure_hpa": 95.4, "altitude_m": 16839.0, "temperature_c": -78.1}
    ]


def test_ukhas_without_date_says_so():
    good = "$$SYN,1,10:00:00,52.0,5.0,500.0"
    text = f"{good}*{crc16_ccitt(good[2:]):04X}\n"
    profile, meta = parse_ukhas_log(text)
    assert meta["date_known"] is False
    assert "no date" in meta["notes"][0]
    assert profile["sentence_id"].iloc[0] == 1.0
    assert profile["time"].iloc[0] == pd.Timestamp("1970-01-01T10:00:00Z")


class _EccodesUnusable:
    """Import hook: ``import eccodes`` fails as without the package or without its library."""

    def __init__(self, error: type[Exception]):
        self.error = error

    def find_spec(self, name, path=None, target=None):
        """Fail the import of ``eccodes``; leave every other module alone."""
        if name == "eccodes":
            raise self.error("Cannot find the ecCodes library")
        return None


@pytest.mark.parametrize("error", [ImportError, RuntimeError])
def test_bufr_without_eccodes_names_the_extra(monkeypatch, error):
    """No ecCodes (package or binary library): a one-line error naming the grib extra."""
    import sys
    from pathlib import Path

    soundings = Path(__file__).resolve().parents[1] / "data" / "soundings"
    bufr = soundings / "bufr_309007_temp_small.bufr"
    monkeypatch.delitem(sys.modules, "eccodes", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_EccodesUnusable(error), *sys.meta_path])
    with pytest.raises(ValueError, match=r"stratoflight\[grib\]"):
        read_profile(bufr)

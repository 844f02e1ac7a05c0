"""GFS forecast download (NOMADS filter, cloud mirror, run choice) and the GFS reader.

The servers are the loopback stand-in of tests/weather/gfs_stand_in.py, which writes
SYNTHETIC GFS-like GRIB2 with ecCodes; nothing reaches the internet.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import eccodes
import numpy as np
import pytest

from stratoflight.cli import main
from tests.weather.gfs_stand_in import (
    G0,
    MIRROR_REGION,
    GfsStandIn,
    gfs_messages,
    grid,
    inventory,
    recent_run,
    synthetic_value,
    write_gfs_grib,
)
from weather.canonical import validate_canonical
from weather.era5_request import Area
from weather.gfs_forecast import (
    GfsDownloadError,
    GfsRun,
    download_gfs,
    nomads_filter_url,
    parse_forecast_hours,
)
from weather.gfs_grib_tools import (
    GFS_ISOBARIC_LEVELS_HPA,
    byte_ranges,
    check_gfs_file,
    crop_grib_file,
    gfs_fields,
    parse_grib_index,
)
from weather.read_gfs import is_gfs_grib, read_gfs_grib

LEVELS = (1000, 500, 100, 10, 1)
AREA = Area(47.0, 7.0, 46.0, 8.0)  # inside the stand-in mirror's region (50 0 40 20)
NOW = datetime(2024, 1, 1, 13, 20, tzinfo=UTC)  # newest run that has started: 2024010112
FAST = {
    "levels_hpa": LEVELS,
    "timeout": 5.0,
    "retries": 2,
    "retry_wait": 0.0,
    "show_progress": False,
    "now": NOW,
}


@pytest.fixture
def gfs():
    with GfsStandIn(levels=LEVELS) as server:
        yield server


def download(server: GfsStandIn, tmp_path: Path, **kwargs):
    options = {
        **FAST,
        "base_url": server.nomads_url,
        "mirror_url": server.mirror_url,
        "cache_dir": tmp_path / "cache",
        **kwargs,
    }
    return download_gfs(AREA, **options)


def grib_values(path: Path, short_name: str, level: int) -> np.ndarray:
    """Values of one message read with ecCodes directly (rows as stored)."""
    with open(path, "rb") as reader:
        while (message := eccodes.codes_grib_new_from_file(reader)) is not None:
            try:
                if (
                    eccodes.codes_get(message, "shortName"),
                    eccodes.codes_get(message, "level"),
                ) == (short_name, level):
                    shape = (eccodes.codes_get(message, "Nj"), eccodes.codes_get(message, "Ni"))
                    return eccodes.codes_get_values(message).reshape(shape)
            finally:
                eccodes.codes_release(message)
    raise AssertionError(f"no {short_name} at {level} in {path}")


def leftovers(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.name.startswith("."))


# -- pure parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours"),
    [("0-72", list(range(0, 73, 3))), ("0-6:1", [0, 1, 2, 3, 4, 5, 6]), ("12,0,6", [0, 6, 12])],
)
def test_forecast_hours(text, hours):
    assert parse_forecast_hours(text) == hours


@pytest.mark.parametrize("text", ["72-0", "abc", "0-400", "121"])
def test_bad_forecast_hours_are_explained(text):
    with pytest.raises(ValueError, match="forecast hours"):
        parse_forecast_hours(text)


def test_run_names():
    run = GfsRun.parse("2024010106")
    assert run.directory == "gfs.20240101/06/atmos"
    assert run.file_name(3) == "gfs.t06z.pgrb2.0p25.f003"
    assert run.previous().name == "2024010100"
    assert GfsRun.newest_possible(NOW).name == "2024010112"
    with pytest.raises(ValueError, match="YYYYMMDDHH"):
        GfsRun.parse("2024-01-01")
    with pytest.raises(ValueError, match="00, 06, 12 and 18"):
        GfsRun.parse("2024010107")


def test_filter_url_asks_for_every_variable_level_and_the_area():
    url = nomads_filter_url(
        "https://nomads.example", GfsRun.parse("2024010106"), 3, AREA, gfs_fields()
    )
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    assert parts.path == "/cgi-bin/filter_gfs_0p25.pl"
    assert query["dir"] == ["/gfs.20240101/06/atmos"]
    assert query["file"] == ["gfs.t06z.pgrb2.0p25.f003"]
    assert {k for k in query if k.startswith("var_")} == {
        "var_UGRD",
        "var_VGRD",
        "var_HGT",
        "var_TMP",
        "var_LAND",
    }
    # 33 isobaric levels 1000..1 hPa (GFS 0.25 pgrb2 inventory) plus the surface
    assert len([k for k in query if k.startswith("lev_")]) == 33 + 1
    assert "lev_1_mb" in query and "lev_1000_mb" in query and "lev_surface" in query
    assert (query["leftlon"], query["rightlon"], query["toplat"], query["bottomlat"]) == (
        ["7"],
        ["8"],
        ["47"],
        ["46"],
    )


def test_filter_url_across_the_antimeridian_is_one_increasing_range():
    url = nomads_filter_url(
        "https://n", GfsRun.parse("2024010100"), 0, Area(10, 170, 0, -170), gfs_fields()
    )
    query = parse_qs(urlsplit(url).query)
    assert (query["leftlon"], query["rightlon"]) == (["170"], ["190"])


def test_index_parsing_and_merged_ranges():
    text = (
        "1:0:d=2024010100:HGT:1000 mb:anl:\n"
        "2:100:d=2024010100:RH:1000 mb:anl:\n"
        "3:250:d=2024010100:UGRD:1000 mb:anl:\n"
        "4:400:d=2024010100:VGRD:1000 mb:anl:\n"
        "5:520:d=2024010100:LAND:surface:anl:\n"
    )
    entries = parse_grib_index(text)
    assert [(e.start, e.end) for e in entries] == [
        (0, 99),
        (100, 249),
        (250, 399),
        (400, 519),
        (520, None),
    ]
    fields = [f for f in gfs_fields([1000]) if f.variable != "TMP" and f.level != "surface"]
    fields.append(next(f for f in gfs_fields([1000]) if f.variable == "LAND"))
    # HGT alone (RH skipped); UGRD, VGRD and LAND are adjacent -> one range to the end
    assert byte_ranges(entries, fields) == [(0, 99), (250, None)]
    with pytest.raises(ValueError, match="lacks 1 wanted field"):
        byte_ranges(entries, gfs_fields([1000])[:4])
    with pytest.raises(ValueError, match="not a wgrib2 inventory"):
        parse_grib_index("<html>oops</html>")


def test_crop_across_the_antimeridian(tmp_path):
    # A global 1-degree grid, 0..359 E, 90..-90 N, value = lon + 100 * lat (synthetic).
    lat = np.arange(90.0, -90.5, -1.0)
    lon = np.arange(0.0, 360.0, 1.0)
    handle = eccodes.codes_grib_new_from_samples("regular_ll_pl_grib2")
    for key, value in (
        ("Ni", 360),
        ("Nj", 181),
        ("latitudeOfFirstGridPointInDegrees", 90.0),
        ("longitudeOfFirstGridPointInDegrees", 0.0),
        ("latitudeOfLastGridPointInDegrees", -90.0),
        ("longitudeOfLastGridPointInDegrees", 359.0),
        ("iDirectionIncrementInDegrees", 1.0),
        ("jDirectionIncrementInDegrees", 1.0),
    ):
        eccodes.codes_set(handle, key, value)
    eccodes.codes_set(handle, "packingType", "grid_complex_spatial_differencing")
    eccodes.codes_set(handle, "bitsPerValue", 24)
    eccodes.codes_set_values(handle, (lon[None, :] + 100 * lat[:, None]).ravel())
    source = tmp_path / "global.grib2"
    with open(source, "wb") as sink:
        eccodes.codes_write(handle, sink)
    eccodes.codes_release(handle)

    def crop(north, west, south, east):
        target = tmp_path / "cut.grib2"
        crop_grib_file(source, target, north, west, south, east)
        with open(target, "rb") as reader:
            cut = eccodes.codes_grib_new_from_file(reader)
            shape = (eccodes.codes_get(cut, "Nj"), eccodes.codes_get(cut, "Ni"))
            values = eccodes.codes_get_values(cut).reshape(shape)
            first = (
                eccodes.codes_get(cut, "latitudeOfFirstGridPointInDegrees"),
                eccodes.codes_get(cut, "longitudeOfFirstGridPointInDegrees"),
            )
            eccodes.codes_release(cut)
        return values, first

    # 24-bit packing of a 18359-wide range quantises to about 0.001: atol 0.01
    # Across the antimeridian: 170 E .. 170 W is grid columns 170..190 of a 0..359 grid;
    # expanded outward to whole cells: lat 11..0 (12 rows), lon 170..190 (21 columns).
    values, first = crop(10.5, 170.2, 0.0, -170.5)
    assert values.shape == (12, 21) and first == (11.0, 170.0)
    np.testing.assert_allclose(values[0], 1100 + np.arange(170, 191), atol=0.01)
    # Across the grid's seam at 0 E: 5 W .. 5 E takes columns 355..359 then 0..5.
    values, first = crop(1.0, -5.0, -1.0, 5.0)
    assert values.shape == (3, 11) and first == (1.0, 355.0)
    expected = 100 + np.r_[np.arange(355, 360), np.arange(0, 6)]
    np.testing.assert_allclose(values[0], expected, atol=0.01)


def test_check_gfs_file_refuses_truncated_and_incomplete(tmp_path):
    run = datetime(2024, 1, 1, tzinfo=UTC)
    good = write_gfs_grib(tmp_path / "good.grib2", run, 0, levels=LEVELS)
    assert check_gfs_file(good, gfs_fields(LEVELS)) == len(LEVELS) * 5 + 2  # incl. RH
    cut = tmp_path / "cut.grib2"
    cut.write_bytes(good.read_bytes()[:-100])
    with pytest.raises(ValueError, match="cut short|damaged"):
        check_gfs_file(cut, gfs_fields(LEVELS))
    with pytest.raises(ValueError, match="missing"):
        check_gfs_file(good, gfs_fields((1000, 850)))


# -- reading ------------------------------------------------------------------------------


def test_read_gfs_grib_gives_the_canonical_form(tmp_path):
    run = datetime(2024, 1, 1, 6, tzinfo=UTC)
    files = [write_gfs_grib(tmp_path / f"f{h:03d}.grib2", run, h, levels=LEVELS) for h in (6, 0, 3)]
    ds = validate_canonical(read_gfs_grib(files))
    assert list(ds["level"].values) == [100000.0, 50000.0, 10000.0, 1000.0, 100.0]
    assert ds["level"].dtype == np.float64
    assert np.all(np.diff(ds["latitude"].values) > 0)
    assert list(ds["time"].values) == [
        np.datetime64(f"2024-01-01T{h:02d}:00", "ns") for h in (6, 9, 12)
    ]
    assert ds.attrs["source"] == "GFS 0.25 run 2024010106, forecast hours 0-6 (NCEP)"
    assert ds.attrs["model_run"] == "2024010106" and ds.attrs["synthetic"] == "no"
    # z = g0 * gh, gh read straight from the GRIB message (HGT 1000 hPa, f000)
    gh = grib_values(files[1], "gh", 1000)  # rows north to south
    np.testing.assert_allclose(ds["z"].isel(time=0, level=0).values, gh[::-1] * G0, rtol=1e-6)
    # u at 3 h, 500 hPa: 10 + 0.5 * 3 + 0.001 * 7000 ln(1013.25 / 500) (stand-in formula)
    expected_u = 10 + 1.5 + 7.0 * np.log(1013.25 / 500)
    np.testing.assert_allclose(
        ds["u"].sel(level=50000.0).isel(time=1).values, expected_u, atol=1e-4
    )  # 24-bit packing of values near 16
    # surface height 100 + 10 (lat - 40) m at 46 N -> 160 m -> 160 g0 m2 s-2
    np.testing.assert_allclose(
        ds["surface_geopotential"].sel(latitude=46.0).values, 160.0 * G0, rtol=1e-5
    )
    assert set(np.unique(ds["land_sea_mask"].values)) <= {0.0, 1.0}


def test_read_gfs_across_the_antimeridian(tmp_path):
    run = datetime(2024, 1, 1, tzinfo=UTC)
    path = write_gfs_grib(
        tmp_path / "f000.grib2", run, 0, area=(1.0, 179.0, 0.0, -179.0), levels=LEVELS
    )
    ds = validate_canonical(read_gfs_grib(path))
    assert list(ds["longitude"].values) == list(np.arange(179.0, 181.01, 0.25))


def test_read_gfs_refuses_duplicate_times_and_non_gfs(tmp_path):
    run = datetime(2024, 1, 1, tzinfo=UTC)
    a = write_gfs_grib(tmp_path / "a.grib2", run, 0, levels=LEVELS)
    b = write_gfs_grib(tmp_path / "b.grib2", run, 0, levels=LEVELS)
    with pytest.raises(ValueError, match="same valid time"):
        read_gfs_grib([a, b])
    html = tmp_path / "page.grib2"
    html.write_text("<html></html>")
    assert not is_gfs_grib(html)
    with pytest.raises(ValueError, match="not a GRIB file from NCEP"):
        read_gfs_grib(html)


@pytest.mark.realdata
def test_era5_grib_is_not_gfs(realdata):
    # ERA5 GRIB comes from ECMWF (centre ecmf), see realdata/era5_grib/SOURCES.md
    assert not is_gfs_grib(realdata / "era5_grib" / "era5-levels-members.grib")


# -- downloads through the stand-in servers ------------------------------------------------


@pytest.mark.network_local
def test_latest_run_all_hours_from_nomads(gfs, tmp_path):
    gfs.publish("2024010112", range(0, 13, 3))
    result = download(gfs, tmp_path, hours=[0, 3, 6])
    assert result.run.name == "2024010112" and result.notes == []
    assert result.origins == ["NOMADS"] * 3
    assert result.summary().startswith(
        "GFS 0.25 run 2024010112 (2024-01-01 12:00 UTC), forecast hours 0-6 every 3 h: 3 file(s)"
    )
    ds = validate_canonical(read_gfs_grib(result.files))
    assert ds["latitude"].values[[0, -1]].tolist() == [46.0, 47.0]
    assert ds["longitude"].values[[0, -1]].tolist() == [7.0, 8.0]
    assert len(gfs.paths("/mirror/")) == 0
    assert leftovers(tmp_path) == []


@pytest.mark.network_local
def test_downloaded_forecast_answers_as_an_atmosphere(gfs, tmp_path):
    from predictor import predict
    from weather import open_atmosphere

    gfs.publish("2024010112", [0, 3, 6])
    result = download(gfs, tmp_path, hours=[0, 3, 6])
    atmosphere = open_atmosphere(result.files)  # one file per forecast hour, one atmosphere
    # all hours read together: one short description, not one per file
    assert atmosphere.source == "GFS 0.25 run 2024010112, forecast hours 0-6 (NCEP)"
    assert not atmosphere.synthetic
    assert atmosphere.bounds.time_start == datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert atmosphere.bounds.time_end == datetime(2024, 1, 1, 18, tzinfo=UTC)
    assert atmosphere.has_surface  # the surface fields kept their (lat, lon) shape
    # v = -2 + 0.1 * lon at every level and hour (stand-in formula): 7.5 E -> -1.25 m/s
    when = np.array([datetime(2024, 1, 1, 13, 30, tzinfo=UTC).timestamp()])
    _, v = atmosphere.wind(when, np.array([46.5]), np.array([7.5]), np.array([12000.0]))
    np.testing.assert_allclose(v, -1.25, atol=1e-4)  # 24-bit packing of values near 1

    # a prediction on the forecast across forecast hours 0-3 and 3-6: 5 m/s to 6 km, 6 m/s
    # down (~20 + ~15 min) from 46.5 N 7.25 E at 14:40 UTC, landing after 15 UTC
    prediction = predict(
        atmosphere,
        datetime(2024, 1, 1, 14, 40, tzinfo=UTC),
        46.5,
        7.25,
        ascent_rate=5.0,
        burst_altitude=6000.0,
        descent_rate=6.0,
    )
    assert prediction.status[0] == "landed"
    assert prediction.settings["solver"] == "rk4-compiled"
    assert prediction.landing.time[0] > datetime(2024, 1, 1, 15, tzinfo=UTC).timestamp()
    # stand-in winds: u = 10 + 0.5 h + 0.001 z lies in 11.3..17.6 m/s for this flight, so
    # over its ~1980 s it drifts 22..35 km east = 0.29..0.46 deg at 46.5 N (76.6 km/deg);
    # v = -2 + 0.1 lon ~ -1.27 m/s: ~2.5 km south = 0.0226 deg (1 deg lat = 111.2 km)
    assert 7.25 + 0.29 < prediction.landing.longitude[0] < 7.25 + 0.46
    assert prediction.landing.latitude[0] == pytest.approx(46.5 - 0.0226, abs=0.003)
    # the stand-in's mask has land only east of 10 E, but land or sea comes from the
    # coastline: this landing is in Switzerland
    assert prediction.surface[0] == "land"
    # issue 8: the settings name the data source and the model run
    settings = prediction.to_dict()["settings"]
    assert settings["data_source"] == "GFS"
    assert settings["model_run"] == "2024010112"
    assert settings["atmosphere_source"] == atmosphere.source


@pytest.mark.network_local
def test_unpublished_run_falls_back_to_the_previous_and_says_so(gfs, tmp_path):
    gfs.publish("2024010112", [0, 3])  # 12 UTC run still being produced
    gfs.publish("2024010106", range(0, 73, 3))
    result = download(gfs, tmp_path, hours=[0, 3, 6])
    assert result.run.name == "2024010106"
    assert result.notes == [
        "run 2024010112 is not published yet (hour 6 missing); using the previous run 2024010106"
    ]
    assert read_gfs_grib(result.files).attrs["model_run"] == "2024010106"


@pytest.mark.network_local
def test_explicit_run_that_is_not_published_is_an_error(gfs, tmp_path):
    with pytest.raises(GfsDownloadError, match="2024010118 has no forecast hour 6"):
        download(gfs, tmp_path, run="2024010118", hours=[0, 6])


@pytest.mark.network_local
@pytest.mark.parametrize("broken", ["html", "truncated"])
def test_broken_download_everywhere_is_a_clear_error_and_leaves_no_file(gfs, tmp_path, broken):
    gfs.publish("2024010112", [0, 3])
    gfs.broken[("2024010112", 3)] = broken
    gfs.mirror_broken[("2024010112", 3)] = broken
    with pytest.raises(GfsDownloadError, match="forecast hour 3") as info:
        download(gfs, tmp_path, hours=[0, 3])
    assert "nothing was saved" in str(info.value)
    files = sorted(p.name for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert len(files) == 1 and "_f000_" in files[0]  # hour 0 complete, hour 3 absent
    assert leftovers(tmp_path) == []


@pytest.mark.network_local
def test_broken_nomads_file_comes_from_the_mirror_cut_to_the_area(gfs, tmp_path):
    gfs.publish("2024010112", [0, 3])
    gfs.broken[("2024010112", 3)] = "html"
    result = download(gfs, tmp_path, hours=[0, 3])
    assert result.origins == ["NOMADS", "cloud mirror"]
    assert "f003 came from the cloud mirror after NOMADS failed" in result.notes
    from_nomads = read_gfs_grib(result.files[0])
    from_mirror = read_gfs_grib(result.files[1])
    assert from_mirror["latitude"].values.tolist() == from_nomads["latitude"].values.tolist()
    assert from_mirror["longitude"].values.tolist() == from_nomads["longitude"].values.tolist()
    # same synthetic fields: only u depends on the hour (+0.5 m/s per hour, stand-in formula)
    np.testing.assert_allclose(from_mirror["u"].values - from_nomads["u"].values, 1.5, atol=1e-3)
    np.testing.assert_allclose(from_mirror["z"].values, from_nomads["z"].values, rtol=1e-6)


@pytest.mark.network_local
def test_unreachable_nomads_uses_the_mirror(gfs, tmp_path):
    with GfsStandIn() as dead:
        dead_url = dead.nomads_url  # the port is closed after this block
    gfs.publish("2024010112", [0, 3, 6])
    result = download(gfs, tmp_path, hours=[0, 3], base_url=dead_url)
    assert result.origins == ["cloud mirror", "cloud mirror"]
    assert any("unreachable" in note for note in result.notes)
    north, west, south, east = MIRROR_REGION
    ds = validate_canonical(read_gfs_grib(result.files))
    assert ds.sizes["latitude"] == 5 and ds.sizes["longitude"] == 5  # cut from 41 x 81
    lat, lon = grid(north, west, south, east)
    assert len(lat) == 41 and len(lon) == 81


@pytest.mark.network_local
def test_old_run_gone_from_nomads_comes_from_the_mirror(gfs, tmp_path):
    gfs.publish("2023120100", [0, 3])
    gfs.gone_from_nomads.add("2023120100")
    result = download(gfs, tmp_path, run="2023120100", hours=[0, 3])
    assert result.origins == ["cloud mirror", "cloud mirror"]
    assert result.notes == [
        f"run 2023120100 is not on NOMADS ({gfs.nomads_url}); using the cloud mirror "
        f"({gfs.mirror_url})"
    ]
    assert gfs.paths("/nomads/cgi-bin/") == []  # no futile filter requests


@pytest.mark.network_local
def test_cache_serves_files_without_downloading_again(gfs, tmp_path):
    gfs.publish("2024010112", [0, 3])
    first = download(gfs, tmp_path, hours=[0, 3])
    seen = len(gfs.paths("/nomads/cgi-bin/"))
    second = download(gfs, tmp_path, hours=[0, 3], out_dir=tmp_path / "out")
    assert second.origins == ["cache", "cache"]
    assert len(gfs.paths("/nomads/cgi-bin/")) == seen
    assert [p.read_bytes() for p in second.files] == [p.read_bytes() for p in first.files]
    assert all(p.parent == tmp_path / "out" for p in second.files)


@pytest.mark.network_local
def test_cli_forecast(gfs, tmp_path, monkeypatch, capsys):
    now = datetime.now(UTC)
    newest = recent_run(now)
    gfs.publish(recent_run(now, back=1), [0, 3, 6])  # newest run not yet out
    monkeypatch.setenv("STRATO_GFS_URL", gfs.nomads_url)
    monkeypatch.setenv("STRATO_GFS_MIRROR_URL", gfs.mirror_url)
    code = main(
        [
            "weather",
            "forecast",
            "--area",
            "47",
            "7",
            "46",
            "8",
            "--hours",
            "0-6",
            "--levels",
            "1000,500,100,10,1",
            "--out",
            str(tmp_path / "out"),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--retries",
            "1",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    files = captured.out.split()
    assert len(files) == 3 and all(Path(f).is_file() for f in files)
    err = " ".join(captured.err.split())
    assert f"run {newest} is not published yet" in err
    assert f"GFS 0.25 run {recent_run(now, back=1)}" in err


def test_cli_forecast_bad_run_exits_2(capsys):
    code = main(["weather", "forecast", "--area", "47", "7", "46", "8", "--run", "tomorrow"])
    assert code == 2
    assert "YYYYMMDDHH" in capsys.readouterr().err


def test_stand_in_inventory_matches_its_messages():
    # guards the stand-in itself: the .idx offsets point at GRIB messages
    run = datetime(2024, 1, 1, tzinfo=UTC)
    lat, lon = grid(47, 7, 46, 8)
    messages = gfs_messages(run, 0, lat, lon, (1000,))
    data = b"".join(m for _, _, m in messages)
    for entry in parse_grib_index(inventory(messages, run, 0)):
        assert data[entry.start : entry.start + 4] == b"GRIB"
    assert synthetic_value("LAND", None, 0, 45.0, 11.0) == 1.0
    assert len(GFS_ISOBARIC_LEVELS_HPA) == 33

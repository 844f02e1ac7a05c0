"""ERA5 requests and downloads, end to end through the real cdsapi client.

The CDS is the loopback stand-in of tests/weather/cds_stand_in.py (SYNTHETIC files in the
new-CDS layout); the expected HTTP sequences come from ../shared/notes/cds-protocol.md.
"""

from __future__ import annotations

import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import netCDF4
import numpy as np
import pytest

from stratoflight.cli import main
from tests.weather.cds_stand_in import LEGACY_KEY, TOKEN, CdsStandIn, JobScript
from weather.cds_download import (
    CdsDownloadError,
    MissingCdsKeyError,
    cds_configuration,
    download_era5,
)
from weather.era5_request import (
    ERA5_PRESSURE_LEVELS_HPA,
    PRESSURE_LEVEL_DATASET,
    SINGLE_LEVEL_DATASET,
    Area,
    build_era5_jobs,
    era5_time_grid,
)

AREA = Area(47.0, 7.0, 46.5, 7.5)  # 0.25-degree grid: 3 x 3 points
# The protocol of one new-API retrieve with a fresh client (cds-protocol.md §4).
FIRST_RETRIEVE = ["GET", "GET", "POST", "GET", "GET", "GET", "HEAD", "GET"]
# The same with the client already built: no messages request.
LATER_RETRIEVE = FIRST_RETRIEVE[1:]
FAST = {"timeout": 5.0, "retry_max": 2, "sleep_max": 0.01, "show_progress": False}


def small_jobs(**kwargs):
    """One day at 6-h steps on 3 levels, plus the single-level job."""
    return build_era5_jobs(
        AREA,
        "2024-01-01T00Z",
        "2024-01-01T18Z",
        levels_hpa=[1000, 500, 10],
        step_hours=6,
        **kwargs,
    )


def leftovers(directory: Path) -> list[Path]:
    """Temporary files (names starting with a dot) left in a directory."""
    return sorted(p for p in directory.rglob(".*") if p.is_file())


@pytest.fixture
def cds(tmp_path, monkeypatch):
    workdir = tmp_path / "server"
    workdir.mkdir()
    with CdsStandIn(workdir=workdir) as server:
        monkeypatch.setenv("CDSAPI_URL", server.url)
        monkeypatch.setenv("CDSAPI_KEY", TOKEN)
        monkeypatch.setenv("CDSAPI_RC", str(tmp_path / "absent-cdsapirc"))
        yield server


# -- requests (pure) ----------------------------------------------------------------------


def test_default_request_has_all_37_levels_and_four_variables():
    jobs = build_era5_jobs(AREA, "2024-01-01T00Z", "2024-01-01T23Z")
    pressure, single = jobs
    assert pressure.dataset == PRESSURE_LEVEL_DATASET
    assert pressure.request["pressure_level"] == [str(p) for p in ERA5_PRESSURE_LEVELS_HPA]
    assert len(pressure.request["pressure_level"]) == 37  # ERA5 documentation: 37 levels
    assert pressure.request["variable"] == [
        "u_component_of_wind",
        "v_component_of_wind",
        "geopotential",
        "temperature",
    ]
    assert pressure.request["time"] == [f"{h:02d}:00" for h in range(24)]
    assert pressure.request["area"] == [47.0, 7.0, 46.5, 7.5]
    assert pressure.request["data_format"] == "netcdf"
    assert single.dataset == SINGLE_LEVEL_DATASET
    assert single.request["variable"] == ["geopotential", "land_sea_mask"]
    assert "pressure_level" not in single.request


def test_split_by_month():
    jobs = build_era5_jobs(AREA, "2024-01-30T00Z", "2024-02-02T00Z", step_hours=6)
    months = [(j.request["year"], j.request["month"], j.request["day"]) for j in jobs[:-1]]
    assert months == [
        (["2024"], ["01"], ["30", "31"]),
        (["2024"], ["02"], ["01", "02"]),
    ]


def test_month_split_further_when_over_the_field_limit():
    # 4 variables x 37 levels x 24 times = 3552 fields per day; with a 60000 limit that
    # is 16 days per job (60000 // 3552), so January (31 days) takes 2 jobs.
    jobs = build_era5_jobs(AREA, "2024-01-01T00Z", "2024-01-31T23Z", include_single_levels=False)
    assert [len(j.request["day"]) for j in jobs] == [16, 15]
    too_small = "one day already needs 3552 fields"
    with pytest.raises(ValueError, match=too_small):
        build_era5_jobs(AREA, "2024-01-01", "2024-01-02", max_fields_per_job=1000)


def test_cache_key_is_stable_and_request_specific():
    a = small_jobs()[0]
    b = small_jobs()[0]
    c = build_era5_jobs(AREA, "2024-01-01T00Z", "2024-01-01T18Z", levels_hpa=[1000], step_hours=6)[
        0
    ]
    assert a.cache_key() == b.cache_key()
    assert a.cache_key() != c.cache_key()
    assert a.file_stem().startswith("era5_pressure-levels_20240101-20240101_")


def test_time_grid_covers_the_interval():
    grid = era5_time_grid(
        datetime(2024, 1, 1, 5, 30, tzinfo=UTC), datetime(2024, 1, 1, 12, 10, tzinfo=UTC), 3
    )
    # floored start 05:00, then every 3 h until the first time at/after 12:10
    assert [t.hour for t in grid] == [5, 8, 11, 14]


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ((45, 5, 48, 11), "not north of south"),
        ((95, 5, 45, 11), "outside -90..90"),
        ((48, 5, 45, 400), "outside -180..360"),
        ((48, 5, 45, 5), "no width"),
    ],
)
def test_bad_area_is_explained(area, message):
    with pytest.raises(ValueError, match=message):
        Area(*area)


def test_antimeridian_area_in_0_360_is_sent_in_minus180_180():
    assert Area(10, 170, 0, 190).as_cds_list() == [10, 170, 0, -170]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": "2024-01-03T00Z", "end": "2024-01-02T00Z"}, "before start"),
        ({"step_hours": 5}, "does not divide a day"),
        ({"levels_hpa": [1000, 333]}, "333 hPa are not ERA5"),
        ({"start": "yesterday"}, "is not a time"),
    ],
)
def test_bad_request_is_explained(kwargs, message):
    arguments = {"start": "2024-01-01T00Z", "end": "2024-01-01T06Z", **kwargs}
    with pytest.raises(ValueError, match=message):
        build_era5_jobs(AREA, **arguments)


def test_times_follow_the_one_parser_rule():
    """Bare dates are midnight UTC, naive times UTC, zones converted (localization.parse_time)."""
    assert era5_time_grid("2024-03-01", "2024-03-01T00Z", 1) == [datetime(2024, 3, 1, tzinfo=UTC)]
    assert era5_time_grid("2024-03-01T07:00+07:00", "2024-03-01T01:00", 1) == [
        datetime(2024, 3, 1, 0, tzinfo=UTC),
        datetime(2024, 3, 1, 1, tzinfo=UTC),
    ]


# -- downloads through the stand-in CDS ----------------------------------------------------


@pytest.mark.network_local
def test_success_writes_new_cds_netcdf(cds, tmp_path):
    cache = tmp_path / "cache"
    files = download_era5(small_jobs(), cache_dir=cache, **FAST)
    assert [f.suffix for f in files] == [".nc", ".nc"]
    assert cds.methods() == FIRST_RETRIEVE + LATER_RETRIEVE
    dataset, request = cds.submitted[0]
    assert dataset == PRESSURE_LEVEL_DATASET
    assert request["pressure_level"] == ["10", "500", "1000"]
    assert request["time"] == ["00:00", "06:00", "12:00", "18:00"]
    with netCDF4.Dataset(files[0]) as nc:
        assert set(nc.variables) >= {"u", "v", "z", "t", "valid_time", "pressure_level"}
        assert nc["u"].dimensions == ("valid_time", "pressure_level", "latitude", "longitude")
        assert nc["u"].shape == (4, 3, 3, 3)
        assert list(nc["pressure_level"][:]) == [1000.0, 500.0, 10.0]
    with netCDF4.Dataset(files[1]) as nc:
        assert {"z", "lsm"} <= set(nc.variables)
    assert leftovers(cache) == []


@pytest.mark.network_local
def test_queued_then_successful(cds, tmp_path, monkeypatch):
    delays: list[float] = []
    monkeypatch.setattr(time, "sleep", delays.append)
    cds.scripts = [JobScript(statuses=["accepted", "running", "running", "successful"])]
    files = download_era5(small_jobs(include_single_levels=False), cache_dir=tmp_path, **FAST)
    assert len(files) == 1 and files[0].is_file()
    # cdsapi back-off: first sleep 1.0 s, then capped at sleep_max = 0.01 s (§2.2)
    assert delays == [1.0, 0.01, 0.01]


@pytest.mark.network_local
def test_failed_job_is_a_clear_error_and_leaves_nothing(cds, tmp_path, monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    cds.scripts = [JobScript(statuses=["running", "failed"], failure_title="MARS error")]
    with pytest.raises(CdsDownloadError, match="failed on the CDS side") as info:
        download_era5(small_jobs(), cache_dir=tmp_path / "cache", **FAST)
    assert "MARS error" in str(info.value)
    assert list((tmp_path / "cache").iterdir()) == []


@pytest.mark.network_local
def test_bad_key_401(cds, tmp_path, monkeypatch):
    monkeypatch.setenv("CDSAPI_KEY", "00000000-0000-0000-0000-000000000000")
    with pytest.raises(CdsDownloadError, match=r"did not accept the key \(HTTP 401\)"):
        download_era5(small_jobs(), cache_dir=tmp_path / "cache", **FAST)
    assert cds.submitted == []
    assert list((tmp_path / "cache").iterdir()) == []


@pytest.mark.network_local
def test_cache_hit_does_not_contact_the_cds(cds, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = download_era5(small_jobs(), cache_dir=cache, **FAST)
    seen = len(cds.requests)
    # Even without any key configured, the identical request is served from the cache.
    monkeypatch.delenv("CDSAPI_KEY")
    served: list[tuple[Path, bool]] = []
    second = download_era5(
        small_jobs(), cache_dir=cache, on_file=lambda p, c: served.append((p, c)), **FAST
    )
    assert second == first
    assert len(cds.requests) == seen
    assert [from_cache for _, from_cache in served] == [True, True]
    # A different request is not a cache hit.
    other = build_era5_jobs(
        AREA, "2024-01-02T00Z", "2024-01-02T00Z", levels_hpa=[10], include_single_levels=False
    )
    monkeypatch.setenv("CDSAPI_KEY", TOKEN)
    download_era5(other, cache_dir=cache, **FAST)
    assert len(cds.requests) > seen


@pytest.mark.network_local
def test_out_dir_gets_the_files(cds, tmp_path):
    out = tmp_path / "out"
    files = download_era5(small_jobs(), cache_dir=tmp_path / "cache", out_dir=out, **FAST)
    assert [f.parent for f in files] == [out, out]
    assert all(f.is_file() for f in files)


def test_missing_key_message(tmp_path, monkeypatch):
    monkeypatch.delenv("CDSAPI_URL", raising=False)
    monkeypatch.delenv("CDSAPI_KEY", raising=False)
    monkeypatch.setenv("CDSAPI_RC", str(tmp_path / "absent"))
    with pytest.raises(MissingCdsKeyError) as info:
        download_era5(small_jobs(), cache_dir=tmp_path / "cache", show_progress=False)
    text = str(info.value)
    assert "~/.cdsapirc" in text and "personal access token" in text
    assert "url: https://cds.climate.copernicus.eu/api" in text


def test_configuration_read_from_rc_file(tmp_path, monkeypatch):
    monkeypatch.delenv("CDSAPI_URL", raising=False)
    monkeypatch.delenv("CDSAPI_KEY", raising=False)
    rc = tmp_path / "cdsapirc"
    rc.write_text("url: https://cds.example/api\nkey: abc-123\n")
    monkeypatch.setenv("CDSAPI_RC", str(rc))
    assert cds_configuration() == ("https://cds.example/api", "abc-123")
    rc.write_text("url: https://cds.example/api\n")
    with pytest.raises(MissingCdsKeyError, match="has no key"):
        cds_configuration()


@pytest.mark.network_local
def test_connection_cut_mid_download_leaves_no_partial_file(cds, tmp_path):
    cds.scripts = [JobScript(download="cut"), JobScript(download="cut")]
    cache = tmp_path / "cache"
    with pytest.raises(CdsDownloadError, match="Nothing was saved"):
        download_era5(small_jobs(), cache_dir=cache, **FAST)
    assert list(cache.iterdir()) == []


@pytest.mark.network_local
def test_unreachable_cds_is_a_clear_error(tmp_path, monkeypatch):
    with CdsStandIn(workdir=tmp_path) as server:
        dead_url = server.url  # the port is closed once the server stops
    monkeypatch.setenv("CDSAPI_URL", dead_url)
    monkeypatch.setenv("CDSAPI_KEY", TOKEN)
    monkeypatch.setenv("CDSAPI_RC", str(tmp_path / "absent"))
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    with pytest.raises(CdsDownloadError, match="could not reach the CDS"):
        download_era5(small_jobs(), cache_dir=tmp_path / "cache", **FAST)
    assert list((tmp_path / "cache").iterdir()) == []


@pytest.mark.network_local
def test_html_instead_of_data_is_rejected(cds, tmp_path):
    cds.scripts = [JobScript(download="html")]
    with pytest.raises(CdsDownloadError, match="not a NetCDF, GRIB or zip"):
        download_era5(small_jobs(), cache_dir=tmp_path / "cache", **FAST)
    assert list((tmp_path / "cache").iterdir()) == []


@pytest.mark.network_local
def test_zip_result_is_detected_by_content_and_unpacked(cds, tmp_path):
    cds.scripts = [JobScript(download="zip")]
    files = download_era5(small_jobs(include_single_levels=False), cache_dir=tmp_path, **FAST)
    assert len(files) == 1
    assert files[0].name.endswith("__data_stream-oper_stepType-instant.nc")
    assert not zipfile.is_zipfile(files[0])
    with netCDF4.Dataset(files[0]) as nc:
        assert nc["t"].dtype == np.float32


@pytest.mark.network_local
def test_split_by_month_end_to_end(cds, tmp_path):
    jobs = build_era5_jobs(
        AREA,
        "2024-01-31T18Z",
        "2024-02-01T06Z",
        levels_hpa=[10],
        step_hours=6,
        include_single_levels=False,
    )
    files = download_era5(jobs, cache_dir=tmp_path, **FAST)
    assert len(files) == 2
    assert [r["month"] for _, r in cds.submitted] == [["01"], ["02"]]
    with netCDF4.Dataset(files[1]) as nc:
        first = datetime.fromtimestamp(int(nc["valid_time"][0]), tz=UTC)
    assert first == datetime(2024, 2, 1, tzinfo=UTC)


@pytest.mark.network_local
def test_legacy_api(cds, tmp_path, monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    monkeypatch.setenv("CDSAPI_URL", cds.legacy_url)
    monkeypatch.setenv("CDSAPI_KEY", LEGACY_KEY)
    files = download_era5(small_jobs(include_single_levels=False), cache_dir=tmp_path, **FAST)
    assert len(files) == 1
    with netCDF4.Dataset(files[0]) as nc:
        assert "u" in nc.variables
    assert ("POST", f"/api/v2/resources/{PRESSURE_LEVEL_DATASET}") in cds.requests


@pytest.mark.network_local
def test_cli_fetch_prints_files(cds, tmp_path, capsys):
    args = [
        "weather",
        "fetch",
        "--area",
        "47",
        "7",
        "46.5",
        "7.5",
        "--start",
        "2024-01-01T00Z",
        "--end",
        "2024-01-01T06Z",
        "--step",
        "6",
        "--levels",
        "1000,10",
        "--cache-dir",
        str(tmp_path / "c"),
        "--out",
        str(tmp_path / "o"),
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out.split()
    assert len(printed) == 2 and all(Path(p).is_file() for p in printed)
    assert main(args) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == printed
    assert "2 of 2 file(s) served from the cache" in captured.err


def test_cli_fetch_missing_key_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CDSAPI_URL", raising=False)
    monkeypatch.delenv("CDSAPI_KEY", raising=False)
    monkeypatch.setenv("CDSAPI_RC", str(tmp_path / "absent"))
    code = main(
        [
            "weather",
            "fetch",
            "--area",
            "47",
            "7",
            "46.5",
            "7.5",
            "--start",
            "2024-01-01T00Z",
            "--end",
            "2024-01-01T06Z",
            "--cache-dir",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert ".cdsapirc" in capsys.readouterr().err


def test_cli_fetch_bad_area_exits_2(tmp_path, capsys):
    code = main(
        [
            "weather",
            "fetch",
            "--area",
            "45",
            "7",
            "47",
            "7.5",
            "--start",
            "2024-01-01T00Z",
            "--end",
            "2024-01-01T06Z",
            "--cache-dir",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert "not north of south" in capsys.readouterr().err

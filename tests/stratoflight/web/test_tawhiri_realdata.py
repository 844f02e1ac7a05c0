"""The Tawhiri API on real ERA5 (Bella Lui, Switzerland): the same flight as ``strato predict``."""

from __future__ import annotations

import pytest
from test_tawhiri_api import get, metres_apart, strato_predict_json

pytestmark = [pytest.mark.network_local, pytest.mark.realdata]


def test_real_era5_answer_matches_strato_predict_to_the_metre(realdata, start_server):
    winds = realdata / "era5_grib" / "bella_lui_weather_data_ERA5.nc"
    server = start_server("--winds", str(winds))
    params = {
        "launch_latitude": 47.0,
        "launch_longitude": 9.0,
        "launch_datetime": "2020-02-22T06:00:00Z",
        "ascent_rate": 5,
        "burst_altitude": 4000,
        "descent_rate": 5,
    }
    status, answer, _ = get(server.base_url, "/api/v1/", params)
    assert status == 200, answer
    assert answer["request"]["dataset"] == "2020-02-22T00:00:00Z"
    assert "below_lowest_level" in answer["warnings"]
    cli = strato_predict_json(
        "--winds", str(winds), "--lat", "47", "--lon", "9", "--time", "2020-02-22T06:00:00Z",
        "--ascent-rate", "5", "--burst-altitude", "4000", "--descent-rate", "5",
    )  # fmt: skip
    ours = [p for s in answer["prediction"] for p in s["trajectory"]]
    theirs = [p for s in cli["stages"] for p in s["trajectory"]]
    assert len(ours) == len(theirs) > 10
    assert max(metres_apart(a, b) for a, b in zip(ours, theirs, strict=True)) < 1.0
    # the data end at 18:00: a launch after that is refused in Tawhiri's shape
    status, answer, _ = get(
        server.base_url, "/api/v1/", {**params, "launch_datetime": "2020-02-23T06:00:00Z"}
    )
    assert status == 400 and answer["error"]["type"] == "RequestException"

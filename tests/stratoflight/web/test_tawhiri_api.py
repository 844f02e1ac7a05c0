"""``GET /api/v1/`` of a real ``strato serve`` on 127.0.0.1, as Tawhiri clients call it."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

pytestmark = pytest.mark.network_local

LAUNCH = {  # the SYNTHETIC sample's site near Hai Phong
    "launch_latitude": "20.86",
    "launch_longitude": "106.68",
    "launch_datetime": "2025-06-21T06:00:00Z",
    "ascent_rate": "5",
    "burst_altitude": "30000",
    "descent_rate": "5",
}
EARTH_RADIUS_M = 6_371_000.0


def get(base: str, path: str, params: dict | None = None) -> tuple[int, dict, str]:
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            body = response.read().decode()
            return response.status, json.loads(body), body
    except urllib.error.HTTPError as exc:
        body = exc.read().decode()
        exc.close()
        return exc.code, json.loads(body), body


def metres_apart(a: dict, b: dict) -> float:
    dlat = math.radians(a["latitude"] - b["latitude"])
    dlon = math.radians(((a["longitude"] - b["longitude"] + 180.0) % 360.0) - 180.0)
    horizontal = EARTH_RADIUS_M * math.hypot(dlat, dlon * math.cos(math.radians(a["latitude"])))
    return math.hypot(horizontal, a["altitude"] - b["altitude"])


def strato_predict_json(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "stratoflight.cli", "predict", "--json", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout)


def test_standard_profile_matches_strato_predict_json_to_the_metre(sample_server):
    status, answer, _ = get(sample_server.base_url, "/api/v1/", LAUNCH)
    assert status == 200
    assert set(answer) == {"request", "prediction", "metadata", "warnings"}
    request = answer["request"]
    assert request["profile"] == "standard_profile"
    assert request["launch_longitude"] == 106.68
    assert request["launch_datetime"] == "2025-06-21T06:00:00Z"
    assert request["version"] == 1
    assert request["dataset"] == "2025-06-21T00:00:00Z"
    assert set(answer["metadata"]) == {"start_datetime", "complete_datetime"}
    assert [s["stage"] for s in answer["prediction"]] == ["ascent", "descent"]

    cli = strato_predict_json(
        "--lat",
        "20.86",
        "--lon",
        "106.68",
        "--time",
        "2025-06-21T06:00:00Z",
        "--ascent-rate",
        "5",
        "--burst-altitude",
        "30000",
        "--descent-rate",
        "5",
    )
    ours = [p for s in answer["prediction"] for p in s["trajectory"]]
    theirs = [p for s in cli["stages"] for p in s["trajectory"]]
    assert len(ours) == len(theirs) > 50
    for a, b in zip(ours, theirs, strict=True):
        assert a["datetime"] == b["datetime"]
        assert 0.0 <= a["longitude"] < 360.0
        assert metres_apart(a, b) < 1.0
    assert ours[0]["longitude"] == pytest.approx(106.68)
    landing = answer["prediction"][-1]["trajectory"][-1]
    assert metres_apart(landing, cli["landing"]) < 1.0
    assert request["launch_altitude"] == pytest.approx(cli["launch"]["altitude"])


def test_float_profile_has_ascent_then_float_ending_at_stop_datetime(sample_server):
    params = {
        "profile": "float_profile",
        "launch_latitude": "20.86",
        "launch_longitude": "106.68",
        "launch_datetime": "2025-06-21T06:00:00Z",
        "ascent_rate": "4",
        "float_altitude": "18000",
        "stop_datetime": "2025-06-21T12:00:00Z",
        "launch_altitude": "100",
    }
    status, answer, _ = get(sample_server.base_url, "/api/v1/", params)
    assert status == 200, answer
    assert [s["stage"] for s in answer["prediction"]] == ["ascent", "float"]
    last = answer["prediction"][-1]["trajectory"][-1]
    assert last["datetime"].startswith("2025-06-21T12:00:00")
    assert last["altitude"] == pytest.approx(18000.0, abs=1.0)
    assert answer["request"]["stop_datetime"] == "2025-06-21T12:00:00Z"
    assert answer["request"]["launch_altitude"] == 100.0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"ascent_rate": None}, "Parameter 'ascent_rate' not provided in request."),
        ({"launch_latitude": "north"}, "Unable to parse parameter 'launch_latitude'"),
        ({"launch_longitude": "-10"}, "'launch_longitude' must be at least 0"),
        ({"launch_longitude": "360"}, "'launch_longitude' must be below 360"),
        ({"descent_rate": "0"}, "'descent_rate' must be above 0"),
        ({"ascent_rate": "nan"}, "'ascent_rate' must be a finite number"),
        ({"launch_datetime": "yesterday"}, "Unable to parse parameter 'launch_datetime'"),
        ({"profile": "balloon"}, "'profile' must be one of standard_profile, float_profile"),
        ({"burst_altitude": "50", "launch_altitude": "100"}, "'burst_altitude' must be above 100"),
        ({"launch_latitude": "42"}, "outside"),  # a launch outside the wind data
    ],
)
def test_bad_requests_get_tawhiris_error_shape(sample_server, change, words):
    params = {**LAUNCH, **change}
    params = {k: v for k, v in params.items() if v is not None}
    status, answer, body = get(sample_server.base_url, "/api/v1/", params)
    assert status == 400
    assert set(answer) == {"error", "metadata"}
    assert set(answer["error"]) == {"type", "description"}
    assert answer["error"]["type"] == "RequestException"
    assert words in answer["error"]["description"]
    assert "Traceback" not in body


def test_unknown_dataset_is_404_invalid_dataset(sample_server):
    status, answer, _ = get(
        sample_server.base_url, "/api/v1/", {**LAUNCH, "dataset": "2020-01-01T00:00:00Z"}
    )
    assert status == 404
    assert answer["error"]["type"] == "InvalidDatasetException"
    status, _, _ = get(
        sample_server.base_url, "/api/v1/", {**LAUNCH, "dataset": "2025-06-21T00:00:00Z"}
    )
    assert status == 200


def test_huge_or_path_like_input_is_refused_plainly(sample_server):
    status, answer, _ = get(
        sample_server.base_url, "/api/v1/", {**LAUNCH, "ascent_rate": "9" * 500}
    )
    assert status == 400 and "longer than" in answer["error"]["description"]
    status, answer, _ = get(sample_server.base_url, "/api/no/such/thing")
    assert status == 404 and set(answer["error"]) == {"type", "description"}
    status, answer, _ = get(sample_server.base_url, "/static/../../../etc/passwd")
    assert status == 404


def test_west_longitudes_are_flown_at_minus_180_180_and_answered_in_0_360():
    """Clients send 358.5 for 1.5 W; the predictor flies -1.5; the answer says 358.5 again."""
    from types import SimpleNamespace

    import numpy as np

    from stratoflight.web.tawhiri import parse_request, tawhiri_answer

    echo, kwargs = parse_request({**LAUNCH, "launch_longitude": "358.5"}, "2025-06-21T00:00:00Z")
    assert kwargs["longitude"] == -1.5 and echo["launch_longitude"] == 358.5

    class Stage:
        def __init__(self, name, lons):
            self.name, self.lons = name, lons

        def to_dict(self, member):
            return {
                "stage": self.name,
                "trajectory": [
                    {"datetime": "t", "latitude": 50.0, "longitude": lon, "altitude": 0.0}
                    for lon in self.lons
                ],
            }

    stages = {"ascent": Stage("ascent", [-1.5, -0.5]), "descent": Stage("descent", [-0.5, 0.5])}
    result = SimpleNamespace(
        stage=stages.__getitem__,
        stage_names=("ascent", "descent"),
        warnings={},
        launch=SimpleNamespace(altitude=np.array([10.0])),
    )
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    answer = tawhiri_answer(echo, result, now, now)
    lons = [p["longitude"] for s in answer["prediction"] for p in s["trajectory"]]
    assert lons == [358.5, 359.5, 359.5, 0.5]

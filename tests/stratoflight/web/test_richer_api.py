"""Our endpoints beside Tawhiri's: prediction with land/sea, ensemble cap, plan, burst."""

from __future__ import annotations

import json
import urllib.request

import pytest
from test_tawhiri_api import get

pytestmark = pytest.mark.network_local


def test_predict_has_land_or_sea_and_the_same_flight_as_tawhiri(sample_server):
    status, doc, _ = get(
        sample_server.base_url,
        "/api/predict",
        {"lat": 20.86, "lon": 106.68, "time": "2025-06-21T06:00:00Z", "burst_altitude": 30000},
    )
    assert status == 200
    assert doc["landing"]["status"] == "landed"
    assert doc["landing"]["surface"] in ("land", "sea")
    if doc["landing"]["surface"] == "sea":  # from the high-resolution coastline
        assert doc["landing"]["coast_distance_m"] > 0
    assert doc["atmosphere"]["synthetic"] is True
    _, tawhiri, _ = get(
        sample_server.base_url,
        "/api/v1/",
        {
            "launch_latitude": 20.86,
            "launch_longitude": 106.68,
            "launch_datetime": "2025-06-21T06:00:00Z",
            "ascent_rate": 5,
            "burst_altitude": 30000,
            "descent_rate": 5,
        },
    )
    end = tawhiri["prediction"][-1]["trajectory"][-1]
    assert end["latitude"] == doc["landing"]["latitude"]
    assert end["longitude"] == doc["landing"]["longitude"]


def test_balloon_and_payload_go_through_the_burst_calculator(sample_server):
    status, burst, _ = get(
        sample_server.base_url, "/api/burst", {"balloon": "TA800", "payload": 1.5}
    )
    assert status == 200
    assert burst["ascent_rate_m_s"] == pytest.approx(5.0)
    assert 20000 < burst["burst_altitude_m"] < 40000
    status, doc, _ = get(
        sample_server.base_url, "/api/predict", {"balloon": "TA800", "payload": 1.5}
    )
    assert status == 200
    assert doc["burst"]["altitude"] == pytest.approx(burst["burst_altitude_m"], abs=2.0)
    status, doc, _ = get(sample_server.base_url, "/api/burst", {"balloon": "TA800"})
    assert status == 400 and "'payload' not provided" in doc["error"]["description"]
    status, doc, _ = get(sample_server.base_url, "/api/burst", {"balloon": "NOPE", "payload": 1})
    assert status == 400 and "'balloon' must be one of" in doc["error"]["description"]


def test_ensemble_reports_sea_probability_and_caps_its_size(sample_server):
    status, doc, _ = get(sample_server.base_url, "/api/ensemble", {"members": 20, "seed": 3})
    assert status == 200
    ens = doc["ensemble"]
    assert ens["member_count"] == 20 and len(ens["members"]) == 20
    sea = sum(m["landing"]["surface"] == "sea" for m in ens["members"]) / ens["landed_count"]
    assert ens["sea_probability"] == pytest.approx(sea)
    status, doc, _ = get(sample_server.base_url, "/api/ensemble", {"members": 100000})
    assert status == 400
    assert "between 2 and 200" in doc["error"]["description"]


def test_ensemble_zones_come_in_the_post_body(sample_server):
    _, mean, _ = get(sample_server.base_url, "/api/ensemble", {"members": 10})
    centre = mean["ensemble"]["mean_landing"]
    lat, lon = centre["latitude"], centre["longitude"]
    zone = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "harbour"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [lon - 1, lat - 1],
                            [lon + 1, lat - 1],
                            [lon + 1, lat + 1],
                            [lon - 1, lat + 1],
                            [lon - 1, lat - 1],
                        ]
                    ],
                },
            }
        ],
    }
    request = urllib.request.Request(
        sample_server.base_url + "/api/ensemble?members=10",
        data=json.dumps(zone).encode(),
        method="POST",
        headers={"Content-Type": "application/geo+json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        doc = json.load(response)
    assert doc["ensemble"]["zone_probabilities"]["harbour"] == pytest.approx(1.0)


def test_plan_ranks_launches_and_refuses_oversized_studies(sample_server):
    params = {
        "from": "2025-06-21T00:00:00Z",
        "to": "2025-06-21T12:00:00Z",
        "every": 6,
        "members": 2,
    }
    status, doc, _ = get(sample_server.base_url, "/api/plan", params)
    assert status == 200
    slots = doc["plan"]["slots"]
    assert sorted(s["launch_time"] for s in slots) == [
        "2025-06-21T00:00:00Z",
        "2025-06-21T06:00:00Z",
        "2025-06-21T12:00:00Z",
    ]
    status, doc, _ = get(
        sample_server.base_url, "/api/plan", {**params, "every": 0.25, "members": 200}
    )
    assert status == 400 and "at most" in doc["error"]["description"]


def test_coastline_is_geojson_of_the_wind_area_and_boxes_are_checked(sample_server):
    status, doc, _ = get(sample_server.base_url, "/api/coastline")
    assert status == 200 and doc["type"] == "FeatureCollection" and len(doc["features"]) > 10
    status, doc, _ = get(
        sample_server.base_url,
        "/api/coastline",
        {"south": 20.7, "west": 106.9, "north": 20.9, "east": 107.2},
    )
    assert status == 200 and doc["features"]  # Cat Ba island
    status, doc, _ = get(
        sample_server.base_url, "/api/coastline", {"south": -80, "west": 0, "north": 80, "east": 10}
    )
    assert status == 400 and "at most 30 degrees" in doc["error"]["description"]


def test_chase_distance_and_bearing_come_from_the_wgs84_geodesic(sample_server):
    status, doc, _ = get(
        sample_server.base_url,
        "/api/chase",
        {"lat": 20.86, "lon": 106.68, "to_lat": 20.86, "to_lon": 107.0},
    )
    assert status == 200
    assert doc["distance_m"] == pytest.approx(33_300, rel=0.01)
    assert doc["bearing_deg"] == pytest.approx(90.0, abs=0.1)


def test_flight_log_endpoints_say_when_there_is_no_log(sample_server):
    status, doc, _ = get(sample_server.base_url, "/api/flights")
    assert status == 404 and "--db" in doc["error"]["description"]

"""``strato predict --ensemble`` / ``--balloon`` through the real Typer app (sample atmosphere)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from typer.testing import CliRunner

from stratoflight.cli import app

runner = CliRunner()


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def test_ensemble_json_png_kml(tmp_path):
    zones = tmp_path / "zones.geojson"
    zones.write_text(
        json.dumps(
            {
                "type": "Feature",
                "properties": {"name": "sea box"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[4.5, 41.5], [6.0, 41.5], [6.0, 42.5], [4.5, 42.5], [4.5, 41.5]]
                    ],
                },
            }
        )
    )
    png, kml = tmp_path / "map.png", tmp_path / "members.kml"
    args = [
        "predict",
        "--ensemble",
        "12",
        "--seed",
        "3",
        "--json",
        "--out",
        str(png),
        "--out",
        str(kml),
        "--avoid",
        str(zones),
        "--recovery-lat",
        "42.0",
        "--recovery-lon",
        "4.5",
    ]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)["ensemble"]
    assert doc["member_count"] == 12 and len(doc["members"]) == 12
    assert 0.0 <= doc["sea_probability"] <= 1.0
    assert set(doc["zone_probabilities"]) == {"sea box"}
    assert doc["recovery"]["distance_median_m"] > 0
    assert [e["probability"] for e in doc["ellipses"]] == [0.5, 0.95]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    root = ET.parse(kml).getroot()
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    assert len(root.findall(".//k:Placemark", ns)) >= 12
    # same seed, same result
    again = runner.invoke(
        app,
        [
            "predict",
            "--ensemble",
            "12",
            "--seed",
            "3",
            "--json",
            "--avoid",
            str(zones),
            "--recovery-lat",
            "42.0",
            "--recovery-lon",
            "4.5",
        ],
    )
    doc2 = json.loads(again.stdout)["ensemble"]
    assert doc2["members"] == doc["members"]


def test_balloon_replaces_rates():
    r = runner.invoke(app, ["predict", "--balloon", "TA800", "--payload", "1.2", "--json"])
    assert r.exit_code == 0, r.output
    from predictor.burst import estimate_burst

    e = estimate_burst("TA800", 1.2, ascent_rate=5.0)
    settings = json.loads(r.stdout)["settings"]
    values = json.dumps(settings)
    assert f"{e.burst_altitude}" in values  # burst altitude came from the burst calculator


def test_ensemble_bad_options():
    r = runner.invoke(app, ["predict", "--ensemble", "1"])
    assert r.exit_code == 2 and "at least 2" in flat(r.output)
    r = runner.invoke(
        app, ["predict", "--balloon", "TA800", "--payload", "1.2", "--burst-altitude", "30000"]
    )
    assert r.exit_code == 2 and "not both" in flat(r.output)
    r = runner.invoke(app, ["predict", "--ensemble", "5", "--out", "x.gpx"])
    assert r.exit_code == 2 and ".png" in flat(r.output)

"""``strato burst`` through the real Typer app."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from stratoflight.cli import app

runner = CliRunner()


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def test_burst_json_matches_the_library():
    from predictor.burst import estimate_burst

    r = runner.invoke(
        app, ["burst", "--balloon", "TA800", "--payload", "1.2", "--ascent-rate", "5", "--json"]
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    e = estimate_burst("TA800", 1.2, ascent_rate=5.0)
    assert doc["burst_altitude_m"] == e.burst_altitude
    assert doc["neck_lift_kg"] == e.neck_lift and doc["gas"] == "helium"


def test_burst_neck_lift_hydrogen_table():
    r = runner.invoke(
        app,
        [
            "burst",
            "--balloon",
            "HW1000",
            "--payload",
            "1.5",
            "--gas",
            "hydrogen",
            "--neck-lift",
            "2.5",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "burst altitude" in flat(r.output) and "ascent rate" in flat(r.output)


def test_burst_list_and_errors():
    r = runner.invoke(app, ["burst", "--list"])
    assert r.exit_code == 0 and "TA800" in flat(r.output) and "HW1000" in flat(r.output)
    r = runner.invoke(app, ["burst", "--balloon", "TA800", "--payload", "1.2"])
    assert r.exit_code == 2 and "exactly one" in flat(r.output)
    r = runner.invoke(app, ["burst", "--balloon", "ZZ9", "--payload", "1.2", "--ascent-rate", "5"])
    assert r.exit_code == 2 and "unknown balloon" in flat(r.output)

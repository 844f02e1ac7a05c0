"""``strato plan`` through the real Typer app, in-process, on a generated archive."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
from test_planner_archive import write_era5_like_archive
from typer.testing import CliRunner

from stratoflight.cli import app

#: 19 of the 37 ERA5 levels [hPa], up to 1 hPa (a smaller archive, still reaching 48 km)
LEVELS_HPA = (1000, 925, 850, 700, 500, 400, 300, 250, 200, 150, 100, 70, 50, 30, 20, 10, 5, 2, 1)

runner = CliRunner()


def flat(text: str) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(text.split())


def test_plan_on_archive_writes_table_json_and_plots(tmp_path):
    files = write_era5_like_archive(
        tmp_path / "era5",
        datetime(2020, 1, 1, tzinfo=UTC),
        datetime(2021, 8, 31, 18, tzinfo=UTC),
        20.86,  # Hai Phong: the real coast lies east and south-east
        106.68,
        period="year",
        grid_step=1.0,
        half_width=3.0,
        levels_hpa=LEVELS_HPA,
    )
    out = tmp_path / "study"
    args = [
        "plan",
        "--lat",
        "20.86",
        "--lon",
        "106.68",
        "--from",
        "2020-01-05T00:00Z",
        "--to",
        "2021-08-25T18:00Z",
        "--every",
        "72",
        "--workers",
        "0",
        "--out",
        str(out),
        "--json",
    ]
    for f in files:
        args += ["--winds", str(f)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)["plan"]
    assert doc["slot_count"] == len(doc["slots"]) > 100
    assert doc["slots"][0]["rank"] == 1
    probs = [s["safe_probability"] for s in doc["slots"]]
    assert probs == sorted(probs, reverse=True)
    # two calendar years of launches: climatology switched on automatically
    assert "climatology" in doc and doc["climatology"]["best"][0]["month"] in range(4, 11)
    table = pd.read_csv(out / "plan.csv")
    assert list(table["rank"][:3]) == [1, 2, 3]
    for name in (
        "landings.csv",
        "plan.json",
        "landings.png",
        "safe_probability_by_day_hour.png",
        "climatology_month_hour.png",
        "climatology_month_hour.csv",
    ):
        assert (out / name).stat().st_size > 0, name


def test_plan_bad_input(tmp_path):
    r = runner.invoke(
        app,
        [
            "plan",
            "--lat",
            "50",
            "--lon",
            "0",
            "--from",
            "2020-01-02",
            "--to",
            "2020-01-01",
            "--workers",
            "0",
            "--winds",
            "nope.nc",
        ],
    )
    assert r.exit_code == 2
    r = runner.invoke(
        app, ["plan", "--lat", "50", "--lon", "0", "--from", "yesterday", "--to", "2020-01-01"]
    )
    assert r.exit_code == 2 and "ISO 8601" in flat(r.output)

"""Each command's human output under LANG=vi_VN.UTF-8 and TZ=Asia/Ho_Chi_Minh (subprocesses).

The proof of issue 16: Vietnamese text and local times with the zone named for people;
``--json`` and files stay UTC and English; English unchanged under LANG=C.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

VIETNAMESE = {"LANG": "vi_VN.UTF-8", "TZ": "Asia/Ho_Chi_Minh"}
ENGLISH = {"LANG": "C", "TZ": "UTC"}
LAUNCH = "2025-06-21T06:00:00Z"  # 13:00 in Hai Phong (UTC+7)


def strato(args, env, cwd=None):
    environ = {
        k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")
    }
    environ.update(env)
    environ["COLUMNS"] = "200"  # one line per printed line, whatever the terminal
    return subprocess.run(
        [sys.executable, "-c", "import sys; from stratoflight.cli import main; sys.exit(main())",
         *args],
        capture_output=True,
        text=True,
        env=environ,
        cwd=cwd,
        timeout=600,
        check=False,
    )


def test_predict_in_vietnamese_with_local_times():
    res = strato(["predict", "--time", LAUNCH], VIETNAMESE)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "Chuyến bay dự báo" in out
    assert "Khí quyển TỔNG HỢP" in out  # SYNTHETIC still said, in Vietnamese
    # launch at 06:00 UTC is 13:00 local, both shown, the zone named
    assert "21/06/2025 13:00:00 +07 (06:00:00 UTC)" in out
    assert re.search(r"hạ cánh\s+21/06/2025 \d\d:\d\d:\d\d \+07 \(\d\d:\d\d:\d\d UTC\)", out)
    assert re.search(r"\d+,\d{5}°B \d+,\d{5}°Đ", out)  # decimal comma
    assert "thời gian bay" in out and "cảnh báo" in out
    assert "Predicted flight" not in out and "Z " not in out


def test_predict_json_stays_utc_and_english():
    res = strato(["predict", "--time", "2025-06-21T13:00+07:00", "--json"], VIETNAMESE)
    assert res.returncode == 0, res.stderr
    document = json.loads(res.stdout)
    assert document["launch"]["datetime"].startswith("2025-06-21T06:00:00")
    assert document["launch"]["datetime"].endswith("Z")
    assert "landing" in document and "ghi chú" not in res.stdout


def test_english_unchanged_under_lang_c():
    res = strato(["predict", "--time", LAUNCH], ENGLISH)
    assert res.returncode == 0, res.stderr
    assert "Predicted flight" in res.stdout
    assert "2025-06-21 06:00:00 UTC" in res.stdout
    assert re.search(r"\d+\.\d{5} N \d+\.\d{5} E", res.stdout)
    assert "km from launch" in res.stdout


def test_lang_and_tz_options_override_the_environment():
    res = strato(["--lang", "vi", "--tz", "Asia/Ho_Chi_Minh", "predict", "--time", LAUNCH],
                 ENGLISH)
    assert "Chuyến bay dự báo" in res.stdout and "13:00:00 +07" in res.stdout


def test_naive_time_is_said_to_be_utc_in_vietnamese():
    res = strato(["predict", "--time", "2025-06-21T06:00"], VIETNAMESE)
    assert res.returncode == 0, res.stderr
    assert "không ghi múi giờ; được hiểu là giờ UTC" in res.stdout
    assert "13:00:00 +07 (06:00:00 UTC)" in res.stdout


def test_error_message_in_vietnamese():
    res = strato(["predict", "--time", "hôm qua"], VIETNAMESE)
    assert res.returncode == 2
    assert "lỗi:" in res.stderr and "không phải là một thời điểm" in res.stderr
    assert "Traceback" not in res.stderr


def test_ensemble_summary_in_vietnamese():
    res = strato(["predict", "--time", LAUNCH, "--ensemble", "8", "--seed", "1"], VIETNAMESE)
    assert res.returncode == 0, res.stderr
    assert "Tập hợp dự báo" in res.stdout and "điểm hạ cánh trung bình" in res.stdout
    assert re.search(r"P\(biển\)\s+\d+,\d %", res.stdout)


def test_burst_table_in_vietnamese():
    res = strato(["burst", "--balloon", "TA800", "--payload", "1.5", "--ascent-rate", "5"],
                 VIETNAMESE)
    assert res.returncode == 0, res.stderr
    assert "lực nâng cổ bóng" in res.stdout and "độ cao nổ bóng" in res.stdout
    assert "tải trọng 1,5 kg" in res.stdout


def test_plan_table_in_vietnamese_with_local_launch_times():
    res = strato(
        ["plan", "--lat", "20.86", "--lon", "106.68", "--from", "2025-06-21T00:00Z",
         "--to", "2025-06-21T06:00Z", "--every", "6", "--workers", "0"],
        VIETNAMESE,
    )
    assert res.returncode == 0, res.stderr
    assert "Khung giờ phóng tốt nhất" in res.stdout
    assert "phóng (+07)" in res.stdout
    assert "21/06/2025 07:00 +07 (00:00 UTC)" in res.stdout


def test_report_writes_a_vietnamese_page(tmp_path):
    from analysis.synthetic import synthetic_flight
    from flightlog.cf_trajectory import write_cf_trajectory

    profile, _meta = synthetic_flight(burst_altitude=5000.0, step_s=10.0)
    source = write_cf_trajectory(profile, tmp_path / "f.nc", "SYNTHETIC", synthetic="test flight")
    out = tmp_path / "out"
    res = strato(["report", "--input", str(source), "--out", str(out)], VIETNAMESE)
    assert res.returncode == 0, res.stderr
    assert "đã ghi báo cáo" in res.stdout
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<html lang='vi'>" in page
    assert "Báo cáo chuyến bay" in page and "Trắc đồ" in page
    summary = json.loads((out / "summary.json").read_text())
    assert "burst" in summary and "tropopause" in summary  # machine keys stay English
    english = strato(["report", "--input", str(source), "--out", str(tmp_path / "en")], ENGLISH)
    assert english.returncode == 0, english.stderr
    assert "<html lang='en'>" in (tmp_path / "en" / "report.html").read_text(encoding="utf-8")


def test_flights_and_export_in_vietnamese(tmp_path):
    from flightlog.store import FlightStore  # noqa: F401 - the flight log the command reads

    db = tmp_path / "log.sqlite"
    replay = tmp_path / "replay.txt"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "flightlog"))
    try:
        from _flightlog_helpers import ukhas_sentence
    finally:
        sys.path.pop(0)
    from datetime import UTC, datetime, timedelta

    start = datetime(2025, 6, 21, 1, 41, tzinfo=UTC)
    with open(replay, "wb") as handle:
        for i in range(1, 6):
            handle.write(
                ukhas_sentence("HP1", i, start + timedelta(seconds=i), 20.8, 106.7, 10.0 * i)
            )
    log = strato(["log", f"file://{replay}", "--protocol", "ukhas", "--db", str(db),
                  "--flight", "haiphong", "--no-live", "--callsign", "HP1"], VIETNAMESE)
    assert log.returncode == 0, log.stderr
    flights = strato(["flights", "--db", str(db)], VIETNAMESE)
    assert flights.returncode == 0, flights.stderr
    assert "các chuyến bay trong" in flights.stdout and "hô hiệu HP1" in flights.stdout
    assert "đã dừng" in flights.stdout and "khung: 5 tốt / 0 hỏng" in flights.stdout
    # UKHAS carries the time of day only (the date is the receiving day): 01:41 UTC
    assert re.search(r"\d\d/\d\d/\d{4} 08:41:0\d \+07 \(01:41:0\d UTC\)", flights.stdout)
    out = tmp_path / "track.csv"
    export = strato(["export", "--flight", "haiphong", "--out", str(out), "--db", str(db)],
                    VIETNAMESE)
    assert export.returncode == 0, export.stderr
    assert "đã ghi" in export.stdout
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert "đã" not in header and "," in header  # the CSV stays English, comma-separated

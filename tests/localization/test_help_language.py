"""``strato ... --help`` in the people's language (real ``strato`` subprocesses).

Vietnamese under LANG=vi_VN.UTF-8 or ``--lang vi`` (also when ``--lang`` comes before the
command and ``--help`` after it); English unchanged under LANG=C; option names and units
in [brackets] untouched; and a Vietnamese ``--help`` stays as light as the English one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from stratoflight.help_language import language_in_argv

VIETNAMESE = {"LANG": "vi_VN.UTF-8"}
ENGLISH = {"LANG": "C"}


def _environ(env):
    environ = {
        k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")
    }
    environ.update(env)
    return environ


def strato(args, env):
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from stratoflight.cli import main; sys.exit(main())",
            *args,
        ],
        capture_output=True,
        text=True,
        env=_environ(env),
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return " ".join(done.stdout.split())  # Click wraps help at 80 columns


#: (arguments, Vietnamese texts, the English texts they replace)
CASES = [
    (
        ["--help"],
        [
            "Stratoflight: lập kế hoạch, ghi nhận và phân tích các chuyến bay khí cầu",
            "--lang <str> Ngôn ngữ hiển thị cho người dùng: en hoặc vi",
            "(hoặc đặt STRATO_DEBUG=1)",
            "predict Dự báo một chuyến bay: quỹ đạo, nổ bóng",
            "weather Lấy dữ liệu khí quyển ERA5 và GFS",
        ],
        [
            "Stratoflight: plan, log and analyse stratospheric balloon flights.",
            "Language of what people read",
            "(or set STRATO_DEBUG=1)",
            "Predict a flight: trajectory, burst",
        ],
    ),
    (
        ["predict", "--help"],
        [
            "Dự báo một chuyến bay: quỹ đạo, nổ bóng và hạ cánh (đất liền hay biển).",
            "Vĩ độ điểm phóng [deg N].",
            "Độ cao nổ bóng [m] (standard: mặc định 30000).",
            "--descent-rate <float>",
            "Tốc độ hạ xuống ở mực nước biển [m/s].",
        ],
        ["Launch latitude [deg N].", "Descent rate at sea level [m/s].", "Predict a flight"],
    ),
    (
        ["weather", "fetch", "--help"],
        [
            "Tải gió, nhiệt độ và địa thế vị ERA5 (và mặt đất) từ CDS.",
            "Các mực áp suất [hPa], cách nhau bằng dấu phẩy",
            "--levels",
        ],
        ["Download ERA5 winds", "Pressure levels [hPa], comma separated"],
    ),
]


@pytest.mark.parametrize(("args", "vietnamese", "english"), CASES, ids=lambda c: str(c)[:30])
def test_help_follows_the_language(args, vietnamese, english):
    shown = strato(args, VIETNAMESE)
    for text in vietnamese:
        assert text in shown
    for text in english:
        assert text not in shown

    shown = strato(args, ENGLISH)
    for text in english:
        assert text in shown
    assert "Vĩ độ" not in shown and "khí quyển" not in shown and "chuyến bay" not in shown


@pytest.mark.parametrize(
    "args",
    [["--lang", "vi", "predict", "--help"], ["--lang=vi", "predict", "--help"]],
)
def test_lang_option_before_the_command_translates_its_help(args):
    shown = strato(args, ENGLISH)
    assert "Vĩ độ điểm phóng [deg N]." in shown
    assert "Launch latitude" not in shown


def test_lang_option_on_the_root_help():
    shown = strato(["--lang", "vi", "--help"], ENGLISH)
    assert "Múi giờ của thời gian hiển thị cho người dùng" in shown
    shown = strato(["--lang", "en", "--help"], VIETNAMESE)
    assert "Time zone of times shown to people" in shown
    assert "Múi giờ" not in shown


def test_language_in_argv():
    assert language_in_argv(["--lang", "vi", "predict"]) == "vi"
    assert language_in_argv(["--lang=en", "--help"]) == "en"
    assert language_in_argv(["predict", "--lang", "en", "--lang", "vi"]) == "vi"
    assert language_in_argv(["predict", "--", "--lang", "vi"]) is None
    assert language_in_argv(["--lang"]) is None
    assert language_in_argv(["predict", "--help"]) is None


_PROBE = """
import json, sys
from stratoflight.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""

#: A Vietnamese ``strato --help`` must stay as light as the English one (once the
#: catalogue is compiled into the cache, Babel is not needed to read it).
NOT_ON_HELP = ("numpy", "numba", "scipy", "xarray", "pandas", "dask", "babel")


def test_vietnamese_help_stays_light():
    strato(["--help"], VIETNAMESE)  # compiles the catalogue into the cache once
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "--help"],
        capture_output=True, text=True, env=_environ(VIETNAMESE), timeout=300, check=True,
    )  # fmt: skip
    lines = done.stdout.strip().splitlines()
    assert "lập kế hoạch" in done.stdout  # the help was shown in Vietnamese
    modules = json.loads(lines[-1])
    loaded = sorted(n for n in NOT_ON_HELP if any(m == n or m.startswith(n + ".") for m in modules))
    assert loaded == []

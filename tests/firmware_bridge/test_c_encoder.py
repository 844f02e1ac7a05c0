"""The portable C encoder: compiled with the system C compiler, its bytes decoded in Python."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from firmware_bridge.binary_frame import encode_binary_frame, parse_frame
from firmware_bridge.stream_decoder import StreamDecoder

C_DIR = Path(__file__).resolve().parents[2] / "firmware_bridge" / "c"
COMPILER = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")

TEST_PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "strato_frame.h"

static void emit(strato_frame_t *frame)
{
    uint8_t wire[STRATO_FRAME_MAX_WIRE];
    size_t i, n = strato_frame_finish(frame, wire, sizeof wire);
    if (n == 0) {
        printf("ERR %d\n", frame->error);
        return;
    }
    for (i = 0; i < n; i++) {
        printf("%02x", wire[i]);
    }
    printf("\n");
}

int main(void)
{
    strato_frame_t f;
    char long_text[256];
    int i;

    /* 1: the example of docs/protocol.md */
    strato_frame_begin(&f, 7u);
    strato_frame_add_str(&f, STRATO_ID_CALLSIGN, "S1", 2);
    strato_frame_add_u32(&f, STRATO_ID_PAYLOAD_TIME, 1783512000u);
    strato_frame_add_i32(&f, STRATO_ID_LATITUDE, 497175000);
    strato_frame_add_i32(&f, STRATO_ID_ALTITUDE, 453000);
    emit(&f);

    /* 2: every type */
    strato_frame_begin(&f, 0xFFFFFFFFu);
    strato_frame_add_u8(&f, STRATO_ID_SATELLITES, 12);
    strato_frame_add_u16(&f, 17, 65535u);
    strato_frame_add_u32(&f, STRATO_ID_RADIATION_COUNTS, 4000000000u);
    strato_frame_add_i16(&f, 18, -12345);
    strato_frame_add_scaled(&f, STRATO_ID_TEMPERATURE, 216.65, STRATO_SCALE_TEMPERATURE);
    strato_frame_add_scaled(&f, STRATO_ID_LONGITUDE, -14.0978, STRATO_SCALE_LONGITUDE);
    strato_frame_add_i64(&f, 19, -1099511627776LL);
    strato_frame_add_f32(&f, STRATO_ID_PRESSURE, 22632.06f);
    strato_frame_add_f64(&f, 20, 1.5e-300);
    strato_frame_add_str(&f, STRATO_ID_CALLSIGN, "\xc3\x84" "B-1", 5);
    emit(&f);

    /* 3: a 255-byte string: COBS blocks of 254 bytes */
    for (i = 0; i < 255; i++) {
        long_text[i] = (char)('A' + i % 26);
    }
    strato_frame_begin(&f, 3u);
    strato_frame_add_str(&f, 0x21, long_text, 255);
    emit(&f);

    /* 4: overflow is reported, not written */
    strato_frame_begin(&f, 4u);
    for (i = 0; i < 200; i++) {
        strato_frame_add_f64(&f, 0x22, 1.0);
    }
    emit(&f);

    /* 5: out of range scaled value */
    strato_frame_begin(&f, 5u);
    strato_frame_add_scaled(&f, STRATO_ID_LATITUDE, 1e9, STRATO_SCALE_LATITUDE);
    emit(&f);
    return 0;
}
"""


@pytest.fixture(scope="module")
def c_output(tmp_path_factory) -> list[str]:
    if COMPILER is None:
        pytest.skip("no C compiler (cc, gcc or clang) on PATH")
    work = tmp_path_factory.mktemp("c_encoder")
    (work / "main.c").write_text(TEST_PROGRAM)
    exe = work / "encode_frames"
    subprocess.run(
        [
            COMPILER,
            "-std=c99",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            "-O2",
            f"-I{C_DIR}",
            str(work / "main.c"),
            str(C_DIR / "strato_frame.c"),
            "-o",
            str(exe),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = subprocess.run([str(exe)], check=True, capture_output=True, text=True, timeout=30)
    return result.stdout.splitlines()


def test_documented_example_byte_for_byte(c_output):
    wire = bytes.fromhex(c_output[0])
    python = encode_binary_frame(
        {
            "sentence_id": 7,
            "callsign": "S1",
            "payload_time": datetime(2026, 7, 8, 12, 0, tzinfo=UTC),
            "latitude": 49.7175,
            "altitude": 453.0,
        }
    )
    assert wire == python
    frame = parse_frame(wire)
    assert frame.ok and frame.fields["callsign"] == "S1"


def test_every_type_decodes_and_matches_python(c_output):
    wire = bytes.fromhex(c_output[1])
    frame = parse_frame(wire)
    assert frame.ok, frame.error
    f = frame.fields
    assert f["sentence_id"] == 0xFFFFFFFF
    assert f["satellites"] == 12
    assert f["extra_17"] == 65535
    assert f["radiation_counts"] == 4_000_000_000
    assert f["extra_18"] == -12345
    assert f["temperature"] == pytest.approx(216.65)
    assert f["longitude"] == pytest.approx(-14.0978)
    assert f["extra_19"] == -(2**40)
    assert f["pressure"] == pytest.approx(22632.06, rel=1e-7)  # f32: 24-bit mantissa
    assert f["extra_20"] == 1.5e-300
    assert f["callsign"] == "\u00c4B-1"
    fields = {
        "sentence_id": 0xFFFFFFFF,
        "satellites": 12,
        "extra_17": 65535,
        "radiation_counts": 4_000_000_000,
        "extra_18": -12345,
        "temperature": 216.65,
        "longitude": -14.0978,
        "extra_19": -(2**40),
        "pressure": 22632.06,
        "extra_20": 1.5e-300,
        "callsign": "\u00c4B-1",
    }
    types = {
        "extra_17": "u16",
        "extra_18": "i16",
        "extra_19": "i64",
        "pressure": "f32",
        "extra_20": "f64",
    }
    assert encode_binary_frame(fields, types=types) == wire


def test_long_string_cobs_blocks(c_output):
    wire = bytes.fromhex(c_output[2])
    text = "".join(chr(ord("A") + i % 26) for i in range(255))
    assert wire == encode_binary_frame(
        {"sentence_id": 3, "extra_33": text}, types={"extra_33": "str"}
    )
    assert parse_frame(wire).fields["extra_33"] == text


def test_errors_reported(c_output):
    assert c_output[3] == "ERR -1"  # STRATO_ERR_FULL
    assert c_output[4] == "ERR -2"  # STRATO_ERR_RANGE


def test_stream_of_c_frames_decodes_through_stream_decoder(c_output):
    stream = b"".join(bytes.fromhex(line) for line in c_output[:3])
    decoder = StreamDecoder("auto")
    frames = decoder.feed(stream) + decoder.flush()
    assert [f.status for f in frames] == ["ok", "ok", "ok"]
    assert [f.fields["sentence_id"] for f in frames] == [7, 0xFFFFFFFF, 3]

"""Horus Binary from audio through horusdemodlib's 4FSK demodulator, into ``strato log``.

The audio is SYNTHETIC: a v2 packet FEC-encoded by horusdemodlib's own encoder (Golay,
interleaving, unique word, preamble) and keyed as 4FSK tones (100 baud, 270 Hz spacing,
as RS41ng and the Horus payloads send) with noise, written as a WAV file.
"""

from __future__ import annotations

import wave
from datetime import UTC, datetime

import numpy as np
import pytest

from firmware_bridge.horus import encode_horus, load_horusdemodlib, parse_horus
from firmware_bridge.transports import EndOfStream, open_transport, parse_source

SENT = {
    "payload_time": datetime.now(UTC).replace(microsecond=0),
    "sentence_id": 7, "latitude": 20.8, "longitude": 106.7, "altitude": 1234.0,
    "temperature": 290.15, "pressure": 90000.0,
}  # fmt: skip


def write_synthetic_wav(path, sample_rate=48000, repeats=4, stereo=False):
    """SYNTHETIC 4FSK recording of one Horus v2 packet sent ``repeats`` times."""
    load_horusdemodlib()  # imports the library without its dependencies' deprecation noise
    from horusdemodlib.encoder import Encoder

    packet = encode_horus(SENT, payload_id=256)
    coded, n = Encoder().horus_l2_encode_packet(packet)
    symbols = np.repeat(Encoder().bytes_to_4fsk_symbols(coded[:n]), sample_rate // 100)
    tones = 2 * np.pi * np.cumsum(1000.0 + 270.0 * symbols) / sample_rate
    gap = np.zeros(sample_rate // 2)
    audio = np.concatenate([gap] + [np.concatenate([0.5 * np.sin(tones), gap])] * repeats)
    audio += np.random.default_rng(7).normal(0.0, 0.05, audio.size)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2 if stereo else 1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(np.repeat(pcm, 2) if stereo else pcm.tobytes())
    return path, packet


def demodulated_lines(source: str) -> list[bytes]:
    transport = open_transport(source)
    lines = []
    try:
        while True:
            try:
                data = transport.read().data
            except EndOfStream:
                break
            if data:
                lines.append(data)
    finally:
        transport.close()
    return lines


@pytest.mark.parametrize(("rate", "stereo"), [(48000, False), (44100, True)])
def test_wav_recording_demodulates_to_the_packet(tmp_path, rate, stereo):
    wav, packet = write_synthetic_wav(tmp_path / "horus.wav", rate, stereo=stereo)
    lines = demodulated_lines(f"horus-audio://{wav}")
    assert packet.hex().upper().encode() + b"\n" in lines  # as horus_demod prints it
    frames = [parse_horus(line) for line in lines]
    good = [f for f in frames if f.ok]
    assert good, [f.error for f in frames]
    f = good[0].fields
    assert f["callsign"] == "4FSKTEST-V2" and f["sentence_id"] == 7
    assert f["latitude"] == pytest.approx(20.8, abs=1e-5)
    assert f["altitude"] == 1234.0 and f["pressure"] == 90000.0


def test_bad_audio_files_get_clear_errors(tmp_path):
    text = tmp_path / "notes.wav"
    text.write_text("not audio")
    with pytest.raises(ValueError, match="not a WAV file"):
        open_transport(f"horus-audio://{text}")
    eight_bit = tmp_path / "8bit.wav"
    with wave.open(str(eight_bit), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(bytes(800))
    with pytest.raises(ValueError, match="16-bit PCM"):
        open_transport(f"horus-audio://{eight_bit}")
    with pytest.raises(ValueError, match="names no audio"):
        parse_source("horus-audio://")


def test_strato_log_records_a_wav_recording(tmp_path):
    from flightlog import read_flight
    from stratoflight.cli import main

    wav, _ = write_synthetic_wav(tmp_path / "horus.wav")
    db = tmp_path / "log.sqlite"
    args = ["log", f"horus-audio://{wav}", "--protocol", "horus", "--db", str(db),
            "--flight", "audio", "--no-live"]  # fmt: skip
    assert main(args) == 0
    data, metadata = read_flight(db, "audio")
    assert len(data) == 1  # the same packet heard several times is one telemetry row
    row = data.iloc[0]
    assert row["sentence_id"] == 7 and row["altitude"] == 1234.0
    assert row["latitude"] == pytest.approx(20.8, abs=1e-5)

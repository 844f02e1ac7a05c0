"""The virtual payload: reproducible bytes, counted faults, decodable telemetry."""

from __future__ import annotations

import json
import math
import socket
import time
from datetime import UTC, datetime

import numpy as np
import pytest
from _link_helpers import BridgeThread, is_event

from firmware_bridge.binary_frame import parse_frame
from firmware_bridge.bridge import Bridge
from firmware_bridge.cobs import cobs_decode
from firmware_bridge.frame import Frame
from firmware_bridge.horus import parse_horus
from firmware_bridge.jsonl import parse_jsonl
from firmware_bridge.nmea import parse_nmea
from firmware_bridge.sinks import FileSink, TcpServerSink, open_sink
from firmware_bridge.ukhas import STRATO_UKHAS_FIELD_SPEC, parse_ukhas
from firmware_bridge.virtual_payload import (
    FaultSettings,
    FlightTrack,
    Outage,
    Send,
    VirtualPayload,
    corrupt_checksum,
    parse_faults,
    telemetry_points,
)

T0 = datetime(2025, 6, 21, 12, 0, tzinfo=UTC).timestamp()


def synthetic_track(duration: float = 400.0) -> FlightTrack:
    """SYNTHETIC straight ascent at 5 m/s drifting east, USSA-like pressure and temperature."""
    t = T0 + np.arange(0.0, duration + 1.0, 1.0)
    alt = 100.0 + 5.0 * (t - T0)
    return FlightTrack(
        time=t,
        latitude=np.full(t.size, 42.0),
        longitude=4.0 + 1e-4 * (t - T0),
        altitude=alt,
        pressure=101325.0 * np.exp(-alt / 8434.0),
        temperature=288.15 - 0.0065 * alt,
        relative_humidity=np.full(t.size, 60.0),
        description="SYNTHETIC test track",
    )


def parse_one(protocol: str, raw: bytes):
    """Decode one planned frame with the protocol's own parser."""
    at = datetime.fromtimestamp(T0, tz=UTC)
    if protocol == "ukhas":
        return [parse_ukhas(raw, STRATO_UKHAS_FIELD_SPEC, received_at=at)]
    if protocol == "nmea":
        return [parse_nmea(line, received_at=at) for line in raw.splitlines(keepends=True)]
    if protocol == "horus":
        return [parse_horus(raw, received_at=at)]
    if protocol == "frame":
        return [parse_frame(raw, received_at=at)]
    return [parse_jsonl(raw, received_at=at)]


PROTOCOLS = ("ukhas", "nmea", "horus", "frame", "jsonl")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_same_seed_same_bytes(protocol):
    faults = "noise,drop,disconnect" + (",badcrc" if protocol != "jsonl" else "")
    track = synthetic_track()
    a = VirtualPayload(track, protocol, seed=7, faults=faults)
    b = VirtualPayload(track, protocol, seed=7, faults=faults)
    c = VirtualPayload(track, protocol, seed=8, faults=faults)
    assert a.planned_bytes() == b.planned_bytes()
    assert a.counts == b.counts
    assert a.planned_bytes() != c.planned_bytes()


def test_fault_choices_are_independent_of_each_other():
    """Enabling noise must not change which frames are dropped (separate random streams)."""
    track = synthetic_track()
    only_drop = VirtualPayload(track, "ukhas", seed=3, faults="drop=0.2")
    drop_and_noise = VirtualPayload(track, "ukhas", seed=3, faults="drop=0.2,noise=0.5")

    def sent_ids(payload):
        return [s.sentence_id for s in payload.plan if isinstance(s, Send) and s.kind == "frame"]

    assert sent_ids(only_drop) == sent_ids(drop_and_noise)


@pytest.mark.parametrize("protocol", ["ukhas", "nmea", "horus", "frame"])
def test_faults_are_counted_as_decoded(protocol):
    payload = VirtualPayload(
        synthetic_track(),
        protocol,
        seed=11,
        faults="noise=0.2,badcrc=0.1,drop=0.1,disconnect=0.02",
    )
    counts = payload.counts
    assert min(counts["frames_badcrc"], counts["frames_dropped"], counts["noise_bursts"]) > 0
    assert counts["outages"] > 0
    status = {"ok": 0, "bad_checksum": 0, "malformed": 0}
    ok_ids = set()
    for step in payload.plan:
        if not isinstance(step, Send) or step.kind == "noise":
            continue
        frames = parse_one(protocol, step.data)
        for frame in frames:
            status[frame.status] += 1
        if step.kind == "frame":
            assert all(f.ok for f in frames), frames
            ok_ids.add(step.sentence_id)
        else:  # badcrc: exactly one frame of the point fails its checksum, nothing else
            assert [f.status for f in frames].count("bad_checksum") == 1
            assert all(f.status in ("ok", "bad_checksum") for f in frames)
    per_point = 2 if protocol == "nmea" else 1  # NMEA sends GGA + RMC per point
    assert status["bad_checksum"] == counts["frames_badcrc"]
    assert status["ok"] == counts["frames_sent"] * per_point + counts["frames_badcrc"] * (
        per_point - 1
    )
    assert status["malformed"] == 0
    # every point is accounted for exactly once
    assert counts["points"] == (
        counts["frames_sent"]
        + counts["frames_badcrc"]
        + counts["frames_dropped"]
        + counts["frames_lost_in_outage"]
    )
    assert len(ok_ids) == counts["frames_sent"]


def test_noise_bursts_hold_no_frame_delimiters():
    payload = VirtualPayload(synthetic_track(), "ukhas", seed=5, faults="noise=1.0")
    noise = [s.data for s in payload.plan if isinstance(s, Send) and s.kind == "noise"]
    assert len(noise) == payload.counts["points"]
    assert sum(map(len, noise)) == payload.counts["noise_bytes"]
    for burst in noise:
        assert burst.endswith(b"\n") and b"$" not in burst and b"\n" not in burst[:-1]


# precision of each encoding, from the encoders (rounding to the last digit sent => half a unit)
TOLERANCE = {
    # UKHAS, STRATO_UKHAS_FIELD_SPEC: lat/lon 5 decimals, alt whole m, T degC 2 dp, p hPa 2 dp
    "ukhas": {
        "latitude": 5e-6,
        "longitude": 5e-6,
        "altitude": 0.5,
        "temperature": 0.005,
        "pressure": 0.5,
        "relative_humidity": 0.05,
        "battery_voltage": 5e-4,
    },
    # NMEA: minutes with 5 decimals (1e-5/60 deg), altitude 0.1 m
    "nmea": {
        "latitude": 1e-5 / 60 / 2 + 1e-12,
        "longitude": 1e-5 / 60 / 2 + 1e-12,
        "altitude": 0.05,
    },
    # Horus v2: float32 lat/lon (2^-24 relative: ~3e-6 deg at 42), uint16 m, 0.1 degC, %,
    # 0.1 hPa
    "horus": {
        "latitude": 4e-6,
        "longitude": 4e-6,
        "altitude": 0.5,
        "temperature": 0.05,
        "relative_humidity": 0.5,
        "pressure": 5.0,
    },
    # binary frame: 1e-7 deg, 1e-3 m, 0.01 K / Pa / %
    "frame": {
        "latitude": 5e-8,
        "longitude": 5e-8,
        "altitude": 5e-4,
        "temperature": 5e-3,
        "pressure": 5e-3,
        "relative_humidity": 5e-3,
        "battery_voltage": 5e-4,
    },
    # JSON lines: exact
    "jsonl": {
        "latitude": 0.0,
        "longitude": 0.0,
        "altitude": 0.0,
        "temperature": 0.0,
        "pressure": 0.0,
        "relative_humidity": 0.0,
        "battery_voltage": 0.0,
    },
}


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_decoded_telemetry_matches_what_the_payload_measured(protocol):
    payload = VirtualPayload(synthetic_track(120.0), protocol, seed=2)
    frames_by_point = [parse_one(protocol, s.data) for s in payload.plan]
    assert len(frames_by_point) == len(payload.points) == 121
    for point, frames in zip(payload.points, frames_by_point, strict=True):
        decoded = {}
        for frame in frames:
            assert frame.ok, frame
            decoded.update(frame.fields)
        for name, tolerance in TOLERANCE[protocol].items():
            assert decoded[name] == pytest.approx(point[name], abs=tolerance + 1e-9), name


def test_measured_values_stay_near_the_track():
    """Sensor noise is small: within 5 sigma of the stated noise levels."""
    track = synthetic_track(200.0)
    points = telemetry_points(track, 2.0, np.random.default_rng(0))
    assert len(points) == 401  # 200 s at 2 Hz, both ends included
    assert [p["sentence_id"] for p in points] == list(range(1, 402))
    times = np.array([p["payload_time"].timestamp() for p in points])
    for name, sigma in (("pressure", 20.0), ("temperature", 0.2), ("altitude", 3.0)):
        truth = np.interp(times, track.time, getattr(track, name))
        measured = np.array([p[name] for p in points])
        assert np.max(np.abs(measured - truth)) < 5 * sigma, name
    speeds = np.array([p["vertical_velocity"] for p in points])
    assert speeds == pytest.approx(5.0)  # the track climbs at exactly 5 m/s
    battery = np.array([p["battery_voltage"] for p in points])
    assert 4.7 < battery.mean() < 4.95


def test_corrupt_checksum_breaks_known_good_vectors():
    rng = np.random.default_rng(0)
    # verified sentence from telemetry-formats.md 1.4 (habitat test, minimal form)
    good = b"$$habitat,123,12:45:06,-35.1032,138.8568,4285*5260\n"
    assert parse_ukhas(good).ok
    bad = corrupt_checksum(good, rng)
    assert bad != good and len(bad) == len(good)
    assert parse_ukhas(bad).status == "bad_checksum"
    # verified COBS frame from telemetry-formats.md 8 (payload 01 02 00 03 + CRC32-LE)
    wire = bytes.fromhex("030102060 3AD3D750300".replace(" ", ""))
    for _ in range(20):
        broken = corrupt_checksum(wire, rng)
        assert broken != wire and broken.endswith(b"\x00") and b"\x00" not in broken[:-1]
        assert len(cobs_decode(broken[:-1])) == 8  # still a valid COBS packet of 8 bytes


def test_jsonl_has_no_checksum_to_corrupt():
    with pytest.raises(ValueError, match="no checksum"):
        VirtualPayload(synthetic_track(), "jsonl", faults="badcrc")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lightning", "unknown fault"),
        ("drop=2", "probability must be in 0..1"),
        ("noise=x", "probability must be in 0..1"),
    ],
)
def test_parse_faults_rejects_bad_input(text, message):
    with pytest.raises(ValueError, match=message):
        parse_faults(text)


def test_parse_faults_defaults_and_values():
    settings = parse_faults("noise, drop=0.25")
    assert settings.rate("noise") == 0.05 and settings.rate("drop") == 0.25
    assert settings.rate("badcrc") == 0.0


def test_flight_track_rejects_inconsistent_arrays():
    track = synthetic_track(10.0)
    with pytest.raises(ValueError, match="same length|length of 'time'"):
        FlightTrack(
            track.time,
            track.latitude[:-1],
            track.longitude,
            track.altitude,
            track.pressure,
            track.temperature,
            track.relative_humidity,
        )
    with pytest.raises(ValueError, match="increasing times"):
        FlightTrack(
            track.time[::-1],
            track.latitude,
            track.longitude,
            track.altitude,
            track.pressure,
            track.temperature,
            track.relative_humidity,
        )
    with pytest.raises(ValueError, match="lacks"):
        FlightTrack.from_mapping({"time": track.time})


class RecordingSink:
    """A real in-memory sink: keeps what was written and when the link was cut."""

    description = "memory"
    source = "memory:"

    def __init__(self):
        self.log: list[tuple[str, bytes]] = []

    def write(self, data, at):
        self.log.append(("write", data))

    def disconnect(self):
        self.log.append(("disconnect", b""))

    def reconnect(self):
        self.log.append(("reconnect", b""))

    def close(self):
        pass


def test_run_plays_the_plan_and_cuts_the_link_for_outages():
    settings = FaultSettings(rates={"disconnect": 0.05}, outage_duration=5.0, min_outage_wall=0.01)
    payload = VirtualPayload(
        synthetic_track(200.0), "ukhas", speedup=math.inf, seed=1, faults=settings
    )
    sink = RecordingSink()
    result = payload.run(sink)
    outages = [s for s in payload.plan if isinstance(s, Outage)]
    assert len(outages) == payload.counts["outages"] > 0
    assert [k for k, _ in sink.log].count("disconnect") == len(outages)
    assert [k for k, _ in sink.log].count("reconnect") == len(outages)
    assert b"".join(d for k, d in sink.log if k == "write") == payload.planned_bytes()
    assert result["steps_played"] == len(payload.plan)


def test_file_capture_sink_keeps_payload_times(tmp_path):
    path = tmp_path / "sim.capture.jsonl"
    payload = VirtualPayload(synthetic_track(30.0), "ukhas", speedup=math.inf, seed=1)
    sink = FileSink(str(path), capture=True)
    try:
        payload.run(sink)
    finally:
        sink.close()
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert b"".join(bytes.fromhex(r["data_hex"]) for r in records) == payload.planned_bytes()
    assert [datetime.fromisoformat(r["received_at"]).timestamp() for r in records] == [
        T0 + k for k in range(31)
    ]


def test_virtual_payload_rejects_bad_arguments():
    with pytest.raises(ValueError, match="unknown protocol"):
        VirtualPayload(synthetic_track(), "morse")
    with pytest.raises(ValueError, match="speed-up must be positive"):
        VirtualPayload(synthetic_track(), "ukhas", speedup=0)
    with pytest.raises(ValueError, match="telemetry rate"):
        VirtualPayload(synthetic_track(), "ukhas", rate=0)


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.network_local
def test_payload_over_udp_reaches_a_listening_bridge():
    port = _free_udp_port()
    payload = VirtualPayload(synthetic_track(40.0), "jsonl", speedup=200.0, seed=4)
    bridge = Bridge(f"udp://127.0.0.1:{port}", "jsonl", read_timeout=0.05)
    sink = open_sink(f"udp://127.0.0.1:{port}")
    try:
        with BridgeThread(bridge) as run:
            run.wait_for(is_event("link_opened"))
            payload.run(sink)
            run.wait_for(lambda i: isinstance(i, Frame) and i.fields.get("sentence_id") == 41)
    finally:
        sink.close()
    ok = [f for f in run.frames() if f.ok]
    assert [f.fields["sentence_id"] for f in ok] == list(range(1, 42))
    assert ok[10].fields["pressure"] == pytest.approx(payload.points[10]["pressure"])


@pytest.mark.network_local
def test_payload_served_over_tcp_reaches_a_connecting_bridge():
    payload = VirtualPayload(synthetic_track(40.0), "frame", speedup=200.0, seed=4)
    sink = TcpServerSink("127.0.0.1", 0)
    bridge = Bridge(sink.source, "frame", read_timeout=0.05)
    try:
        with BridgeThread(bridge) as run:
            run.wait_for(is_event("link_opened"))
            while sink.client_count == 0:
                time.sleep(0.01)
            payload.run(sink)
            run.wait_for(lambda i: isinstance(i, Frame) and i.fields.get("sentence_id") == 41)
    finally:
        sink.close()
    ok = [f for f in run.frames() if f.ok]
    assert [f.fields["sentence_id"] for f in ok] == list(range(1, 42))
    assert ok[5].fields["altitude"] == pytest.approx(payload.points[5]["altitude"], abs=5e-4)

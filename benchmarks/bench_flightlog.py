"""Flight-log benchmarks: durable recording rate, memory bound, poison frames, CPU at 1 Hz.

1. Sustained recorded frames per second with the durability promise kept (WAL,
   synchronous=FULL, "recorded" reported after COMMIT): (a) the recorder and store fed
   decoded frames with their raw chunks; (b) the whole path, a file of UKHAS sentences
   replayed through the real Bridge and StreamDecoder as fast as possible. Goal: >= 15,000
   frames/s for (a) (issue 14).
2. Peak memory (max RSS from the kernel) of a real ``strato log --no-live`` process
   replaying a 50 MB raw capture as fast as possible (``?speed=max``). Goal: <= 200 MB. The
   RSS of the same command replaying one line is printed beside it (imports alone).
3. A poison frame every 100 (a JSON callsign holding a lone UTF-16 surrogate): good frames
   recorded against good frames sent. Goal: every one (ratio 1.000).
4. CPU cost of a real ``strato log --no-live`` process fed 1 frame/s over a pty, measured
   from /proc over 20 s after start-up, as a percentage of one core.

All telemetry here is SYNTHETIC.
"""

from __future__ import annotations

import binascii
import os
import subprocess
import sys
import tempfile
import threading
import time
import tty
from datetime import UTC, datetime, timedelta
from pathlib import Path

from firmware_bridge.bridge import Bridge
from firmware_bridge.frame import Frame, RawChunk
from firmware_bridge.transports import RawCaptureWriter
from flightlog.reading import read_flight
from flightlog.recorder import Recorder
from flightlog.store import FlightStore

GOAL_FPS = 15000.0
GOAL_PEAK_MB = 200.0
CAPTURE_MB = 50.0
#: A JSON line whose callsign is a lone surrogate (valid JSON, not storable as UTF-8).
POISON = b'{"callsign":"\\ud800","sentence_id":0,"latitude_deg":20.8,"longitude_deg":106.7}\n'

ROOT = Path(__file__).resolve().parent.parent


def sentence(i: int, when: datetime) -> bytes:
    body = f"BENCH,{i},{when:%H:%M:%S},52.{i % 100000:05d},0.12345,{1000 + i % 30000}".encode()
    return b"$$" + body + b"*%04X\n" % binascii.crc_hqx(body, 0xFFFF)


def items(n: int) -> list:
    t0 = datetime.now(UTC)
    out = []
    for i in range(1, n + 1):
        when = t0 + timedelta(milliseconds=i)
        raw = sentence(i, when)
        out.append(RawChunk(raw, when, "bench"))
        out.append(
            Frame(
                raw,
                when,
                "bench",
                "ukhas",
                "ok",
                None,
                {
                    "callsign": "BENCH",
                    "sentence_id": i,
                    "payload_time": when,
                    "latitude": 52.1,
                    "longitude": 0.12,
                    "altitude": 1000.0 + i,
                },
            )
        )
    return out


def bench_recorder(folder: Path, n: int = 20000) -> float:
    data = items(n)
    with FlightStore(folder / "recorder.sqlite", "bench") as store:
        started = time.perf_counter()
        stats = Recorder(store).run(iter(data))
        elapsed = time.perf_counter() - started
    assert stats.frames_ok == n
    print(f"  recorder+store: {n} frames in {elapsed:.2f} s, {stats.commits} commits")
    return n / elapsed


def bench_full_path(folder: Path, n: int = 20000) -> float:
    replay = folder / "sentences.txt"
    t0 = datetime.now(UTC)
    replay.write_bytes(b"".join(sentence(i, t0 + timedelta(seconds=i)) for i in range(1, n + 1)))
    with FlightStore(folder / "full.sqlite", "bench") as store:
        stop = threading.Event()
        bridge = Bridge(f"file://{replay}", "ukhas")
        started = time.perf_counter()
        stats = Recorder(store).run(bridge.items(stop), stop)
        elapsed = time.perf_counter() - started
    assert stats.frames_ok == n, stats
    print(
        f"  file replay -> bridge -> decoder -> recorder: {n} frames in {elapsed:.2f} s, "
        f"{stats.commits} commits"
    )
    return n / elapsed


def bench_paced(
    folder: Path, rate: float = 2500.0, seconds: float = 5.0
) -> tuple[float, float, float]:
    """Frames arriving steadily at ``rate`` per second: achieved rate, p50/p99 ack latency."""
    n = int(rate * seconds)
    data = items(n)
    produced: dict[int, float] = {}
    latencies: list[float] = []

    def paced():
        burst = max(1, int(rate / 100))  # 100 bursts per second
        started = time.perf_counter()
        for k in range(0, len(data), 2 * burst):
            due = started + (k / 2) / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            for item in data[k : k + 2 * burst]:
                if isinstance(item, Frame):
                    produced[item.fields["sentence_id"]] = time.perf_counter()
                yield item

    def on_commit(result, stats) -> None:
        now = time.perf_counter()
        latencies.extend(now - produced[i] for i in result.sentence_ids)

    with FlightStore(folder / "paced.sqlite", "bench") as store:
        started = time.perf_counter()
        Recorder(store, on_commit=on_commit).run(paced())
        elapsed = time.perf_counter() - started
    latencies.sort()
    assert len(latencies) == n
    return n / elapsed, latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]


def _peak_rss_mb(args: list[str]) -> float:
    """Run a command in a fresh child process and return its peak resident memory [MB]."""
    code = (
        "import resource, subprocess, sys\n"
        "subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip()) / 1024.0  # ru_maxrss is in KiB on Linux


def bench_replay_memory(folder: Path) -> tuple[float, float, int, float]:
    """Peak RSS replaying a 50 MB capture at full speed, the idle RSS, frames, seconds."""
    capture = folder / "capture.jsonl"
    t0 = datetime.now(UTC)
    i = 0
    with RawCaptureWriter(capture) as writer:
        while capture.stat().st_size < CAPTURE_MB * 1e6:
            for _ in range(1000):
                i += 1
                when = t0 + timedelta(milliseconds=200 * i)
                writer.write(sentence(i, when), when, "bench")
    one = folder / "one.txt"
    one.write_bytes(sentence(1, t0))
    log = [sys.executable, "-m", "stratoflight.cli", "log", "--protocol", "ukhas", "--no-live"]
    idle = _peak_rss_mb([*log, f"file://{one}", "--db", str(folder / "one.sqlite")])
    started = time.perf_counter()
    peak = _peak_rss_mb(
        [*log, f"file://{capture}?speed=max", "--db", str(folder / "mem.sqlite"), "--flight", "m"]
    )
    elapsed = time.perf_counter() - started
    data, _ = read_flight(folder / "mem.sqlite", "m")
    assert len(data) == i, (len(data), i)
    return peak, idle, i, elapsed


def bench_poison(folder: Path, n: int = 20000) -> tuple[int, int]:
    """Replay n JSON lines with a poison line every 100; return good sent, good recorded."""
    replay = folder / "poisoned.jsonl"
    t0 = datetime.now(UTC)
    good = 0
    with open(replay, "wb") as handle:
        for i in range(1, n + 1):
            if i % 100 == 0:
                handle.write(POISON)
                continue
            good += 1
            when = (t0 + timedelta(seconds=i)).isoformat().replace("+00:00", "Z")
            handle.write(
                b'{"callsign":"BENCH","sentence_id":%d,"payload_time_utc":"%s",'
                b'"latitude_deg":20.8,"longitude_deg":106.7,"altitude_m":%d}\n'
                % (i, when.encode(), 100 + i % 30000)
            )
    with FlightStore(folder / "poison.sqlite", "bench") as store:
        stop = threading.Event()
        stats = Recorder(store).run(Bridge(f"file://{replay}", "jsonl").items(stop), stop)
    assert stats.spilled == 0 and stats.dropped == 0, stats
    return good, stats.frames_ok


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def bench_cpu_at_1hz(folder: Path, seconds: float = 20.0, warmup: float = 3.0) -> float:
    master, slave = os.openpty()
    tty.setraw(slave)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stratoflight.cli",
            "log",
            os.ttyname(slave),
            "--protocol",
            "ukhas",
            "--db",
            str(folder / "cpu.sqlite"),
            "--flight",
            "cpu",
            "--no-live",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stop = threading.Event()

    def feed() -> None:
        i = 0
        while not stop.wait(1.0):
            i += 1
            os.write(master, sentence(i, datetime.now(UTC)))

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        time.sleep(warmup)  # start-up (imports, opening the database) is not the 1 Hz cost
        cpu0, wall0 = _cpu_seconds(process.pid), time.monotonic()
        time.sleep(seconds)
        cpu1, wall1 = _cpu_seconds(process.pid), time.monotonic()
    finally:
        stop.set()
        feeder.join()
        process.terminate()
        process.wait(timeout=10)
        os.close(master)
        os.close(slave)
    return 100.0 * (cpu1 - cpu0) / (wall1 - wall0)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("flightlog benchmark (WAL, synchronous=FULL; 'recorded' after COMMIT)")
        fps = bench_recorder(folder)
        print(
            f"  -> {fps:,.0f} frames/s recorded durably; goal {GOAL_FPS:,.0f}: "
            f"ratio {fps / GOAL_FPS:.1f}x"
        )
        fps_full = bench_full_path(folder)
        print(
            f"  -> {fps_full:,.0f} frames/s through the whole path; goal {GOAL_FPS:,.0f}: "
            f"ratio {fps_full / GOAL_FPS:.1f}x"
        )
        peak, idle, frames, seconds = bench_replay_memory(folder)
        print(
            f"  strato log replaying a {CAPTURE_MB:.0f} MB capture at full speed ({frames:,} "
            f"frames in {seconds:.1f} s): peak RSS {peak:.0f} MB (the same command on one "
            f"line: {idle:.0f} MB); goal <= {GOAL_PEAK_MB:.0f} MB: ratio "
            f"{peak / GOAL_PEAK_MB:.2f} of the bound"
        )
        sent, recorded = bench_poison(folder)
        print(
            f"  a poison frame every 100: {recorded:,} of {sent:,} good frames recorded "
            f"(ratio {recorded / sent:.3f}; goal 1.000)"
        )
        achieved, p50, p99 = bench_paced(folder)
        print(
            f"  frames arriving at 2,500/s for 5 s: {achieved:,.0f} frames/s recorded, "
            f"ack latency p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"
        )
        cpu = bench_cpu_at_1hz(folder)
        print(f"  strato log at 1 frame/s: {cpu:.2f} % of one core (over 20 s, /proc)")


if __name__ == "__main__":
    main()

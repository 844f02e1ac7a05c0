"""Fuzz harness: a million mutated frames through every parse_* and the StreamDecoder.

Mutations of valid frames of every protocol (UKHAS, NMEA, Horus hex and raw, binary frame,
JSON line): bit flips, byte insertions (random and "interesting" bytes such as 0x00, LF,
'$', '*', ','), deletions, truncations, splices with other frames and duplications. Each
input goes through all five parsers; the same inputs are streamed, in random chunks,
through one StreamDecoder per mode. Nothing may escape: any exception is counted and the
first few are printed with the input that caused them. Reports inputs, time, statuses,
catch-all hits (a safety net that should never fire) and peak memory (ru_maxrss).

Run: make fuzz   (or .venv/bin/python benchmarks/fuzz_decoders.py [--inputs N] [--seed S])
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import traceback
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from firmware_bridge import (  # noqa: E402
    StreamDecoder,
    encode_telemetry,
    parse_frame,
    parse_horus,
    parse_jsonl,
    parse_nmea,
    parse_ukhas,
)
from firmware_bridge.stream_decoder import DECODER_MODES  # noqa: E402
from firmware_bridge.ukhas import STRATO_UKHAS_FIELD_SPEC  # noqa: E402

PARSERS = {
    "ukhas": lambda raw, at: parse_ukhas(raw, STRATO_UKHAS_FIELD_SPEC, received_at=at),
    "nmea": lambda raw, at: parse_nmea(raw, received_at=at),
    "horus": lambda raw, at: parse_horus(raw, received_at=at),
    "frame": lambda raw, at: parse_frame(raw, received_at=at),
    "jsonl": lambda raw, at: parse_jsonl(raw, received_at=at),
}
INTERESTING = b"\x00\n\r$*,{}:.-0123456789ABCDEF\xff\x01\x7f "
T0 = datetime(2026, 7, 8, 23, 59, 50, tzinfo=UTC)
MAX_FRAME_BYTES = 512


def seeds(rng: random.Random) -> list[bytes]:
    """Valid frames of every protocol with varied (synthetic) field values."""
    out = []
    for i in range(40):
        fields = {
            "callsign": rng.choice(["STRATO1", "LetFik2", "31415", "A/B_C-1"]),
            "sentence_id": rng.randrange(0, 70000),
            "payload_time": T0 + timedelta(seconds=rng.randrange(-90000, 90000)),
            "latitude": rng.uniform(-90, 90),
            "longitude": rng.uniform(-180, 180),
            "altitude": rng.uniform(0, 45000),
            "satellites": rng.randrange(0, 20),
            "temperature": rng.uniform(180, 320),
            "pressure": rng.uniform(100, 105000),
            "ground_speed": rng.uniform(0, 80),
            "heading": rng.uniform(0, 359),
            "battery_voltage": rng.uniform(2.5, 4.2),
        }
        out.append(
            encode_telemetry(
                "ukhas",
                fields,
                field_spec=STRATO_UKHAS_FIELD_SPEC,
                checksum="xor" if i % 7 == 0 else "crc16",
                position_format="ddmm" if i % 3 == 0 else "decimal",
            )
        )
        out.extend(encode_telemetry("nmea", fields).splitlines(keepends=True))
        out.append(encode_telemetry("horus", fields, hex_line=bool(i % 2)))
        out.append(encode_telemetry("frame", fields))
        out.append(encode_telemetry("jsonl", fields))
    return out


def mutate(data: bytes, pool: list[bytes], rng: random.Random) -> bytes:
    """Apply 1-4 random mutations."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(7)
        pos = rng.randrange(len(buf) + 1) if buf else 0
        if kind == 0 and buf:  # bit flip
            buf[min(pos, len(buf) - 1)] ^= 1 << rng.randrange(8)
        elif kind == 1:  # insert random bytes
            buf[pos:pos] = rng.randbytes(rng.randint(1, 8))
        elif kind == 2:  # insert an interesting byte
            buf[pos:pos] = bytes([rng.choice(INTERESTING)])
        elif kind == 3 and buf:  # delete a run
            del buf[pos : pos + rng.randint(1, 8)]
        elif kind == 4:  # truncate
            del buf[pos:]
        elif kind == 5:  # splice with another frame
            other = rng.choice(pool)
            buf[pos:] = other[rng.randrange(len(other) + 1) :]
        else:  # duplicate a slice
            end = min(len(buf), pos + rng.randint(1, 16))
            buf[pos:pos] = buf[pos:end]
    return bytes(buf)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20260708)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    pool = seeds(rng)
    decoders = {
        mode: StreamDecoder(mode, max_frame_bytes=MAX_FRAME_BYTES) for mode in DECODER_MODES
    }
    escaped: list[tuple[str, bytes, str]] = []
    statuses: Counter[str] = Counter()
    safety_net = 0
    max_buffered = 0
    streamed: Counter[str] = Counter()
    fed: Counter[str] = Counter()
    start = time.perf_counter()
    report_every = max(args.inputs // 10, 1)
    for n in range(1, args.inputs + 1):
        raw = mutate(rng.choice(pool), pool, rng)
        for name, parse in PARSERS.items():
            try:
                frame = parse(raw, T0)
            except Exception:  # noqa: BLE001 - the point of the harness
                escaped.append((name, raw, traceback.format_exc()))
                continue
            statuses[f"{name}:{frame.status}"] += 1
            if (frame.error or "").startswith("cannot decode"):
                safety_net += 1
        mode = DECODER_MODES[n % len(DECODER_MODES)]
        decoder = decoders[mode]
        try:
            cut = rng.randrange(len(raw) + 1)
            fed[mode] += len(raw)
            for chunk in (raw[:cut], raw[cut:]):
                for frame in decoder.feed(chunk, received_at=T0):
                    streamed[mode] += len(frame.raw)
                    if (frame.error or "").startswith("decoder error"):
                        safety_net += 1
            max_buffered = max(max_buffered, decoder.buffered)
        except Exception:  # noqa: BLE001
            escaped.append((f"stream:{mode}", raw, traceback.format_exc()))
        if n % report_every == 0:
            elapsed = time.perf_counter() - start
            print(f"  {n:>9,} inputs  {elapsed:7.1f} s  escaped {len(escaped)}", flush=True)
    for mode, decoder in decoders.items():
        for frame in decoder.flush(received_at=T0):
            streamed[mode] += len(frame.raw)
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"inputs: {args.inputs:,} mutated frames x {len(PARSERS)} parsers + stream decoders "
        f"({len(DECODER_MODES)} modes), seed {args.seed}"
    )
    print(f"time: {elapsed:.1f} s ({args.inputs / elapsed:,.0f} inputs/s)")
    print("statuses:", ", ".join(f"{k}={v:,}" for k, v in sorted(statuses.items())))
    print(f"exceptions escaped: {len(escaped)}; catch-all safety net hits: {safety_net}")
    print(
        f"stream decoder: largest held buffer {max_buffered} B "
        f"(bound {MAX_FRAME_BYTES} B); bytes out per mode: {dict(streamed)}"
    )
    lost = {m: fed[m] - streamed[m] for m in fed if fed[m] != streamed[m]}
    print(f"bytes fed == bytes out in frames for every mode: {not lost} {lost or ''}")
    print(f"peak memory (ru_maxrss): {peak_kib / 1024:.1f} MiB")
    for name, raw, trace in escaped[:5]:
        print(f"--- {name}: {raw!r}\n{trace}")
    return 1 if escaped or lost or max_buffered > MAX_FRAME_BYTES else 0


if __name__ == "__main__":
    raise SystemExit(main())

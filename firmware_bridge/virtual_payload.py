"""A virtual payload: turns a flight track into telemetry bytes, with reproducible faults.

The payload samples a :class:`FlightTrack` at ``rate`` Hz, adds sensor noise, a draining
battery, satellite counts and sentence ids, encodes each point with
:func:`firmware_bridge.encode.encode_telemetry`, and plans the faults chosen
(``noise``, ``badcrc``, ``drop``, ``disconnect``). Building the plan is pure and
reproducible: the same track, options and seed give the same bytes. :meth:`VirtualPayload.run`
then plays the plan into a sink (see :mod:`firmware_bridge.sinks`) at ``speedup`` times real
time. Everything it sends is SIMULATED.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from localization import _

__all__ = [
    "FAULTS",
    "DEFAULT_FAULT_RATES",
    "FaultSettings",
    "FlightTrack",
    "Outage",
    "PayloadSink",
    "Send",
    "VirtualPayload",
    "corrupt_checksum",
    "parse_faults",
    "telemetry_points",
]

FloatArray = npt.NDArray[np.float64]

#: Fault names accepted by ``--faults``.
FAULTS = ("noise", "badcrc", "drop", "disconnect")

#: Default probability per frame of each fault when it is enabled without a value.
DEFAULT_FAULT_RATES = {"noise": 0.05, "badcrc": 0.03, "drop": 0.03, "disconnect": 0.005}

#: Protocols whose frames carry a checksum that ``badcrc`` can corrupt.
_CHECKSUM_PROTOCOLS = ("ukhas", "nmea", "horus", "frame")

_TRACK_FIELDS = (
    "time",
    "latitude",
    "longitude",
    "altitude",
    "pressure",
    "temperature",
    "relative_humidity",
)


# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FlightTrack:
    """A flight as plain arrays (all the same length, time increasing).

    Attributes
    ----------
    time : ndarray
        Seconds since the Unix epoch, UTC [s].
    latitude, longitude : ndarray
        Position [degree_north], [degree_east].
    altitude : ndarray
        Altitude above mean sea level [m].
    pressure : ndarray
        Air pressure [Pa].
    temperature : ndarray
        Air temperature [K].
    relative_humidity : ndarray
        Relative humidity [%].
    synthetic : bool
        True when the track or its atmosphere is made up (it always is for a simulation).
    description : str
        Where the track came from.
    """

    time: FloatArray
    latitude: FloatArray
    longitude: FloatArray
    altitude: FloatArray
    pressure: FloatArray
    temperature: FloatArray
    relative_humidity: FloatArray
    synthetic: bool = True
    description: str = ""

    def __post_init__(self) -> None:
        arrays = {name: np.asarray(getattr(self, name), dtype=float) for name in _TRACK_FIELDS}
        n = arrays["time"].shape
        for name, values in arrays.items():
            if values.ndim != 1 or values.shape != n:
                raise ValueError(
                    _(
                        "flight track field {name!r} has shape {shape}; every field "
                        "must be one-dimensional with the length of 'time' {n}"
                    ).format(name=name, shape=values.shape, n=n)
                )
            if not np.all(np.isfinite(values)):
                raise ValueError(
                    _("flight track field {name!r} contains NaN or infinity").format(name=name)
                )
            object.__setattr__(self, name, values)
        if n[0] < 2 or np.any(np.diff(arrays["time"]) <= 0):
            raise ValueError(_("a flight track needs at least two points with increasing times"))

    @classmethod
    def from_mapping(
        cls, arrays: Mapping[str, Any], *, synthetic: bool = True, description: str = ""
    ) -> FlightTrack:
        """Build a track from a mapping with the keys of :data:`_TRACK_FIELDS`."""
        missing = [name for name in _TRACK_FIELDS if name not in arrays]
        if missing:
            raise ValueError(
                _("flight track lacks {missing}; needs {value}").format(
                    missing=missing, value=list(_TRACK_FIELDS)
                )
            )
        return cls(
            **{name: arrays[name] for name in _TRACK_FIELDS},
            synthetic=bool(arrays.get("synthetic", synthetic)),
            description=str(arrays.get("description", description)),
        )

    @property
    def duration(self) -> float:
        """Seconds from the first to the last point [s]."""
        return float(self.time[-1] - self.time[0])


# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FaultSettings:
    """Which faults to inject, and how often.

    Attributes
    ----------
    rates : dict
        Fault name -> probability per telemetry point (0..1).
    outage_duration : float
        Simulated time a ``disconnect`` keeps the link closed [s]; frames due then are lost.
    min_outage_wall : float
        Shortest real time the link stays closed [s], so a logger notices even at high
        speed-up.
    noise_max_bytes : int
        Longest burst of garbage [bytes].
    """

    rates: dict[str, float] = field(default_factory=dict)
    outage_duration: float = 20.0
    min_outage_wall: float = 1.0
    noise_max_bytes: int = 48

    def rate(self, name: str) -> float:
        """Probability per point of fault ``name`` (0 when disabled)."""
        return self.rates.get(name, 0.0)


def parse_faults(text: str | None) -> FaultSettings:
    """Parse ``noise,badcrc=0.1,drop,disconnect`` into :class:`FaultSettings`.

    A bare name takes its rate from :data:`DEFAULT_FAULT_RATES`.

    Raises
    ------
    ValueError
        For an unknown fault or a rate outside 0..1.
    """
    rates: dict[str, float] = {}
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        name, _sep, value = item.partition("=")
        name = name.strip().lower()
        if name not in FAULTS:
            raise ValueError(
                _(
                    "unknown fault {name!r}; choose from {items} (optionally with a "
                    "probability per frame, e.g. drop=0.1)"
                ).format(name=name, items=", ".join(FAULTS))
            )
        try:
            rate = float(value) if value else DEFAULT_FAULT_RATES[name]
        except ValueError:
            rate = -1.0
        if not 0.0 <= rate <= 1.0:
            raise ValueError(
                _("fault {name!r}: probability must be in 0..1, not {value!r}").format(
                    name=name, value=value
                )
            )
        rates[name] = rate
    return FaultSettings(rates=rates)


# --------------------------------------------------------------------------------------------
def _resample(track: FlightTrack, times: FloatArray) -> dict[str, FloatArray]:
    out = {}
    for name in _TRACK_FIELDS[1:]:
        values = getattr(track, name)
        if name == "longitude":
            values = np.rad2deg(np.unwrap(np.deg2rad(values)))
        out[name] = np.interp(times, track.time, values)
    out["longitude"] = (out["longitude"] + 180.0) % 360.0 - 180.0
    return out


def telemetry_points(
    track: FlightTrack,
    rate: float,
    rng: np.random.Generator,
    *,
    callsign: str = "STRATOSIM",
    duration: float | None = None,
) -> list[dict[str, Any]]:
    """Sample the track at ``rate`` Hz as a payload would measure it (with noise).

    Parameters
    ----------
    track : FlightTrack
        The flight.
    rate : float
        Telemetry rate [Hz].
    rng : numpy.random.Generator
        Source of sensor noise and satellite counts.
    callsign : str
        Payload callsign.
    duration : float, optional
        Stop after this many seconds from the first point [s].

    Returns
    -------
    list of dict
        Canonical fields (see :mod:`firmware_bridge.fields`) in SI units per point.

    Notes
    -----
    Synthetic sensor models: GNSS position noise 1.5 m (horizontal) and 3 m (vertical) RMS,
    pressure 20 Pa, temperature 0.2 K, humidity 1.5 % RMS; the internal temperature follows
    a quarter of the outside departure from 288 K; battery voltage 4.9 V falling 0.12 V per
    hour plus a cold sag of 4 mV per kelvin of internal temperature below 273.15 K.
    """
    if not rate > 0 or not math.isfinite(rate):
        raise ValueError(
            _("telemetry rate must be a positive number of Hz, not {rate!r}").format(rate=rate)
        )
    span = track.duration if duration is None else min(track.duration, float(duration))
    if span < 0:
        raise ValueError(
            _("duration must not be negative, not {duration!r}").format(duration=duration)
        )
    offsets = np.arange(0.0, span + 1e-9, 1.0 / rate)
    times = track.time[0] + offsets
    state = _resample(track, times)
    n = times.size

    # velocities from the true track, before noise [m s-1]
    earth_radius = 6_371_000.0
    lat_r = np.deg2rad(state["latitude"])
    north = np.gradient(np.deg2rad(state["latitude"]) * earth_radius, times) if n > 1 else [0]
    lon_unwrapped = np.unwrap(np.deg2rad(state["longitude"]))
    east = (np.gradient(lon_unwrapped, times) * earth_radius * np.cos(lat_r)) if n > 1 else [0]
    up = np.gradient(state["altitude"], times) if n > 1 else np.zeros(1)
    speed = np.hypot(east, north)
    heading = np.rad2deg(np.arctan2(east, north)) % 360.0

    metres_per_degree = earth_radius * math.pi / 180.0
    lat = state["latitude"] + rng.normal(0.0, 1.5, n) / metres_per_degree
    lon = state["longitude"] + rng.normal(0.0, 1.5, n) / (
        metres_per_degree * np.maximum(np.cos(lat_r), 1e-6)
    )
    alt = state["altitude"] + rng.normal(0.0, 3.0, n)
    pressure = state["pressure"] + rng.normal(0.0, 20.0, n)
    temperature = state["temperature"] + rng.normal(0.0, 0.2, n)
    humidity = np.clip(state["relative_humidity"] + rng.normal(0.0, 1.5, n), 0.0, 100.0)
    internal = 288.0 + 0.25 * (state["temperature"] - 288.0) + rng.normal(0.0, 0.1, n)
    cold_sag = 0.004 * np.maximum(273.15 - internal, 0.0)
    battery = 4.9 - 0.12 * offsets / 3600.0 - cold_sag + rng.normal(0.0, 0.01, n)
    flying = np.abs(up) > 0.5
    satellites = np.where(flying, rng.integers(9, 13, n), rng.integers(6, 11, n))

    points = []
    for k in range(n):
        points.append(
            {
                "callsign": callsign,
                "sentence_id": k + 1,
                "payload_time": datetime.fromtimestamp(round(float(times[k]), 3), tz=UTC),
                "latitude": float(lat[k]),
                "longitude": float(lon[k]),
                "altitude": float(alt[k]),
                "satellites": int(satellites[k]),
                "gps_fix": 3,
                "ground_speed": float(speed[k]),
                "heading": float(heading[k]),
                "vertical_velocity": float(up[k]),
                "pressure": float(pressure[k]),
                "temperature": float(temperature[k]),
                "relative_humidity": float(humidity[k]),
                "internal_temperature": float(internal[k]),
                "battery_voltage": float(battery[k]),
            }
        )
    return points


# --------------------------------------------------------------------------------------------
def corrupt_checksum(data: bytes, rng: np.random.Generator) -> bytes:
    """Return ``data`` with its checksum (or a checksummed byte) changed.

    Text sentences (UKHAS, NMEA): one hex digit after the first ``*`` changes. Hex lines
    (Horus): the last hex digit (part of the CRC) changes. COBS frames (ending in 0x00): a
    data byte changes to another non-zero value, keeping the COBS structure. Anything else:
    the last byte changes.
    """
    hexdigits = b"0123456789ABCDEF"
    star = data.find(b"*")
    stripped = data.rstrip(b"\r\n")
    if star >= 0 and star + 1 < len(data) and chr(data[star + 1]) in "0123456789ABCDEFabcdef":
        position = star + 1
    elif stripped and all(chr(c) in "0123456789ABCDEFabcdef" for c in stripped):
        position = len(stripped) - 1
    elif data.endswith(b"\x00") and len(data) > 2:
        codes, position = set(), 0
        while position < len(data) - 1:
            codes.add(position)
            position += data[position]
        candidates = [i for i in range(len(data) - 1) if i not in codes]
        if not candidates:
            return data[:-2] + bytes([data[-2] ^ 0x01]) + data[-1:]
        i = candidates[int(rng.integers(0, len(candidates)))]
        new = data[i] ^ int(rng.integers(1, 256))
        new = new if new else data[i] ^ 0x01
        return data[:i] + bytes([new]) + data[i + 1 :]
    else:
        return data[:-1] + bytes([data[-1] ^ 0x01])
    old = data[position : position + 1].upper()
    choices = [d for d in hexdigits if bytes([d]) != old]
    new = choices[int(rng.integers(0, len(choices)))]
    return data[:position] + bytes([new]) + data[position + 1 :]


def _noise_alphabet(protocol: str) -> bytes:
    """Garbage bytes that cannot start or end a frame of ``protocol``."""
    banned = set(b"$\n\r{}\x00*,") | set(b"0123456789ABCDEFabcdef")
    return bytes(b for b in range(256) if b not in banned)


def _noise_delimiter(protocol: str) -> bytes:
    return b"\x00" if protocol == "frame" else b"\n"


# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Send:
    """Bytes to send ``at`` seconds of simulated time after the first point."""

    at: float
    data: bytes
    kind: str  # "frame", "badcrc" or "noise"
    sentence_id: int = 0


@dataclass(frozen=True)
class Outage:
    """Close the link ``at`` seconds after the first point for ``duration`` simulated s."""

    at: float
    duration: float


class PayloadSink(Protocol):
    """Where the payload's bytes go."""

    description: str
    source: str  # what a logger opens to read it

    def write(self, data: bytes, at: datetime) -> None:
        """Send bytes; ``at`` is the simulated payload time."""
        ...

    def disconnect(self) -> None:
        """Make the link vanish."""
        ...

    def reconnect(self) -> None:
        """Bring the link back."""
        ...

    def close(self) -> None:
        """Release everything."""
        ...


def _default_encoder(protocol: str) -> Callable[[dict[str, Any]], bytes]:
    from firmware_bridge.encode import encode_telemetry
    from firmware_bridge.ukhas import STRATO_UKHAS_FIELD_SPEC

    # UKHAS sends our sensor extras; Horus goes as hex lines (as horusdemodlib prints them),
    # which a byte stream can delimit, unlike bare 32-byte packets.
    options: dict[str, Any] = {
        "ukhas": {"field_spec": STRATO_UKHAS_FIELD_SPEC},
        "horus": {"hex_line": True},
    }.get(protocol, {})
    return lambda fields: encode_telemetry(protocol, fields, **options)


class VirtualPayload:
    """A simulated payload flying a track and transmitting telemetry.

    Parameters
    ----------
    track : FlightTrack
        The flight to fly.
    protocol : str
        ``ukhas``, ``nmea``, ``horus``, ``frame`` or ``jsonl``.
    rate : float
        Telemetry points per second of flight [Hz].
    speedup : float
        Playback speed relative to real time; ``inf`` sends as fast as possible.
    seed : int
        Seed of every random choice (sensor noise, satellites, faults).
    faults : FaultSettings or str, optional
        Faults to inject (see :func:`parse_faults`).
    callsign : str
        Payload callsign.
    duration : float, optional
        Fly only this many seconds of the track [s].
    encoder : callable, optional
        ``encoder(fields) -> bytes``; default ``encode_telemetry(protocol, fields)``.

    Raises
    ------
    ValueError
        For an unknown protocol, a non-positive rate or speed-up, or ``badcrc`` with a
        protocol without checksum (``jsonl``).
    """

    def __init__(
        self,
        track: FlightTrack,
        protocol: str = "ukhas",
        *,
        rate: float = 1.0,
        speedup: float = 1.0,
        seed: int = 0,
        faults: FaultSettings | str | None = None,
        callsign: str = "STRATOSIM",
        duration: float | None = None,
        encoder: Callable[[dict[str, Any]], bytes] | None = None,
    ) -> None:
        if protocol not in ("ukhas", "nmea", "horus", "frame", "jsonl"):
            raise ValueError(
                _(
                    "unknown protocol {protocol!r}; choose ukhas, nmea, horus, frame or jsonl"
                ).format(protocol=protocol)
            )
        if not speedup > 0:
            raise ValueError(
                _("speed-up must be positive (1 = real time), not {speedup!r}").format(
                    speedup=speedup
                )
            )
        settings = faults if isinstance(faults, FaultSettings) else parse_faults(faults)
        if settings.rate("badcrc") > 0 and protocol not in _CHECKSUM_PROTOCOLS:
            raise ValueError(
                _(
                    "protocol {protocol!r} has no checksum, so the 'badcrc' fault "
                    "cannot apply; drop it from --faults or pick ukhas, nmea, horus "
                    "or frame"
                ).format(protocol=protocol)
            )
        self.track = track
        self.protocol = protocol
        self.rate = float(rate)
        self.speedup = float(speedup)
        self.seed = int(seed)
        self.faults = settings
        self.callsign = callsign
        self.duration = duration
        self._encode = encoder or _default_encoder(protocol)
        self.counts: dict[str, int] = {}
        self.plan = self._build_plan()
        self._played = 0
        self._sent = self._nothing_sent()

    @staticmethod
    def _nothing_sent() -> dict[str, int]:
        return dict.fromkeys(("frames_sent", "frames_badcrc", "noise_bursts", "outages"), 0)

    def played_counts(self) -> dict[str, int]:
        """Count what the last :meth:`run` really did so far (also after an interruption).

        The planned counts (:attr:`counts`) with ``frames_sent``, ``frames_badcrc``,
        ``noise_bursts`` and ``outages`` replaced by those actually played, plus
        ``frames_planned``, ``steps_played`` and ``steps_planned``.
        """
        return {
            **self.counts,
            "frames_planned": self.counts.get("frames_sent", 0),
            **self._sent,
            "steps_played": self._played,
            "steps_planned": len(self.plan),
        }

    def _build_plan(self) -> list[Send | Outage]:
        streams = [np.random.default_rng(s) for s in np.random.SeedSequence(self.seed).spawn(6)]
        sensors, noise_rng, bad_rng, drop_rng, outage_rng, corrupt_rng = streams
        points = telemetry_points(
            self.track, self.rate, sensors, callsign=self.callsign, duration=self.duration
        )
        alphabet = np.frombuffer(_noise_alphabet(self.protocol), dtype=np.uint8)
        counts = dict.fromkeys(
            (
                "points",
                "frames_sent",
                "frames_badcrc",
                "frames_dropped",
                "noise_bursts",
                "noise_bytes",
                "outages",
                "frames_lost_in_outage",
                "bytes_planned",
            ),
            0,
        )
        plan: list[Send | Outage] = []
        outage_end = -math.inf
        for k, point in enumerate(points):
            at = k / self.rate
            counts["points"] += 1
            # one draw per stream and point whatever is enabled: faults stay independent
            u_noise, u_bad, u_drop, u_out = (
                noise_rng.random(),
                bad_rng.random(),
                drop_rng.random(),
                outage_rng.random(),
            )
            if at < outage_end:
                counts["frames_lost_in_outage"] += 1
                continue
            if u_out < self.faults.rate("disconnect"):
                plan.append(Outage(at, self.faults.outage_duration))
                outage_end = at + self.faults.outage_duration
                counts["outages"] += 1
                counts["frames_lost_in_outage"] += 1
                continue
            if u_drop < self.faults.rate("drop"):
                counts["frames_dropped"] += 1
                continue
            if u_noise < self.faults.rate("noise"):
                size = int(noise_rng.integers(1, self.faults.noise_max_bytes + 1))
                garbage = alphabet[noise_rng.integers(0, alphabet.size, size)].tobytes()
                plan.append(Send(at, garbage + _noise_delimiter(self.protocol), "noise"))
                counts["noise_bursts"] += 1
                counts["noise_bytes"] += size + 1
            data = self._encode(point)
            kind = "frame"
            if u_bad < self.faults.rate("badcrc"):
                data = corrupt_checksum(data, corrupt_rng)
                kind = "badcrc"
                counts["frames_badcrc"] += 1
            else:
                counts["frames_sent"] += 1
            plan.append(Send(at, data, kind, point["sentence_id"]))
        counts["bytes_planned"] = sum(len(s.data) for s in plan if isinstance(s, Send))
        self.counts = counts
        self.points = points
        return plan

    def planned_bytes(self) -> bytes:
        """Every byte the plan sends, in order (outages send nothing)."""
        return b"".join(step.data for step in self.plan if isinstance(step, Send))

    def run(
        self,
        sink: PayloadSink,
        stop: threading.Event | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, int]:
        """Play the plan into ``sink`` at :attr:`speedup` times real time.

        Parameters
        ----------
        sink : PayloadSink
            Where the bytes go.
        stop : threading.Event, optional
            Set it to end early.
        progress : callable, optional
            ``progress(step_index, step_count)`` after each step.

        Returns
        -------
        dict
            :meth:`played_counts`: what was really sent (fewer than planned when stopped).
        """
        stop = stop if stop is not None else threading.Event()
        t0_sim = float(self.track.time[0])
        t0_wall = time.monotonic()
        shift = 0.0  # wall time added by outages that lasted longer than their share
        self._played = 0
        self._sent = sent = self._nothing_sent()
        for index, step in enumerate(self.plan):
            due = t0_wall + shift + step.at / self.speedup
            wait = due - time.monotonic()
            if wait > 0 and stop.wait(wait):
                break
            if stop.is_set():
                break
            if isinstance(step, Outage):
                sink.disconnect()
                wall = max(step.duration / self.speedup, self.faults.min_outage_wall)
                if stop.wait(wall):
                    break
                shift += wall - (0.0 if math.isinf(self.speedup) else step.duration / self.speedup)
                sink.reconnect()
                sent["outages"] += 1
            else:
                sink.write(step.data, datetime.fromtimestamp(t0_sim + step.at, tz=UTC))
                key = {"frame": "frames_sent", "badcrc": "frames_badcrc", "noise": "noise_bursts"}
                sent[key.get(step.kind, "frames_sent")] += 1
            self._played += 1
            if progress is not None:
                progress(index + 1, len(self.plan))
        return self.played_counts()

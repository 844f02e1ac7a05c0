"""Horus Binary from audio: a radio's audio output through horusdemodlib's 4FSK demodulator.

Many teams receive Horus Binary as audio: an SSB/FM receiver or an RTL-SDR (``rtl_fm``)
feeds the sound card, and Project Horus's ``horus_demod`` turns the 4FSK tones into
packets. This transport does the same inside Stratoflight with the demodulator that ships
in the ``horusdemodlib`` wheel (libhorus through CFFI, LGPL-2.1+): audio goes in, and every
packet the modem frames comes out as the hex line ``horus_demod`` prints, so the logger
records it and :func:`firmware_bridge.horus.parse_horus` decodes it (a packet whose CRC
failed is recorded too, as a bad checksum).

Sources (``strato log horus-audio://...``):

- ``horus-audio://PATH.wav``: a WAV recording, 16-bit PCM, any sample rate (resampled to
  the modem's 48 kHz), mono (a stereo file is mixed down);
- ``horus-audio://-``: raw 16-bit little-endian mono PCM at 48 kHz on standard input, e.g.
  ``arecord -t raw -f S16_LE -c 1 -r 48000 | strato log horus-audio://-`` for a sound card,
  or ``rtl_fm -M usb -f 434.2M -s 48000 | ...`` for an RTL-SDR.
"""

from __future__ import annotations

import sys
import warnings
import wave
from collections import deque
from typing import IO, Any

import numpy as np

from firmware_bridge.transports import EndOfStream, Received

__all__ = ["MODEM_SAMPLE_RATE", "HorusAudioTransport"]

#: The modem's own sample rate [Hz]; other rates are resampled to it.
MODEM_SAMPLE_RATE = 48000
#: Audio read per call [frames] (~85 ms at 48 kHz).
_CHUNK_FRAMES = 4096
#: Packets waiting to be read at most (the modem frames a few per second at the most).
_MAX_PENDING = 64


def _demodulator(sample_rate: int, on_frame) -> Any:
    """Open horusdemodlib's 4FSK modem for Horus Binary (v1/v2/v3 framing)."""
    with warnings.catch_warnings():
        # horusdemodlib imports the standard library's audioop (deprecated in 3.11+) to
        # resample; harmless here.
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        from horusdemodlib.demod import HorusLib, Mode

    return HorusLib(mode=Mode.BINARY, sample_rate=sample_rate, callback=on_frame)


class HorusAudioTransport:
    """Byte source that demodulates Horus Binary 4FSK audio into hex lines.

    Parameters
    ----------
    target : str
        A WAV file path, or ``-`` for raw 48 kHz 16-bit mono PCM on standard input.
    label : str
        Source label used in frames (e.g. ``horus-audio:flight.wav``).

    Raises
    ------
    ValueError
        For a WAV file that is not 16-bit PCM (says how to convert it).
    OSError
        When the file cannot be opened.
    """

    def __init__(self, target: str, label: str) -> None:
        self.label = label
        self._pending: deque[bytes] = deque(maxlen=_MAX_PENDING)
        self._wave: wave.Wave_read | None = None
        self._stream: IO[bytes] | None = None
        self._channels = 1
        if target == "-":
            self._stream = sys.stdin.buffer
            rate = MODEM_SAMPLE_RATE
        else:
            try:
                self._wave = wave.open(target, "rb")  # noqa: SIM115 (closed in close())
            except wave.Error as exc:
                raise ValueError(
                    f"{target}: not a WAV file the demodulator can read ({exc}); convert it "
                    "with e.g. 'sox IN -b 16 -e signed-integer OUT.wav'"
                ) from exc
            if self._wave.getsampwidth() != 2:
                width = 8 * self._wave.getsampwidth()
                self._wave.close()
                raise ValueError(
                    f"{target}: {width}-bit samples; the Horus demodulator takes 16-bit PCM. "
                    "Convert with 'sox IN -b 16 -e signed-integer OUT.wav'"
                )
            self._channels = self._wave.getnchannels()
            rate = self._wave.getframerate()
        self._modem = _demodulator(rate, self._on_frame)

    def _on_frame(self, frame: Any) -> None:
        if frame.data:
            self._pending.append(frame.data.hex().upper().encode("ascii") + b"\n")

    def _audio(self) -> bytes:
        if self._wave is not None:
            data = self._wave.readframes(_CHUNK_FRAMES)
            if self._channels > 1 and data:
                samples = np.frombuffer(data, dtype="<i2").reshape(-1, self._channels)
                data = samples.mean(axis=1).astype("<i2").tobytes()
            return data
        assert self._stream is not None
        return self._stream.read(2 * _CHUNK_FRAMES)

    def read(self) -> Received:
        """Return the next demodulated packet as a hex line (empty while none is ready).

        Raises
        ------
        EndOfStream
            When the recording or the piped audio has ended.
        """
        if not self._pending:
            audio = self._audio()
            if not audio:
                raise EndOfStream(self.label)
            self._modem.add_samples(audio[: len(audio) - len(audio) % 2])
        if self._pending:
            return Received(self._pending.popleft(), None, message=True)
        return Received(b"")

    def close(self) -> None:
        """Close the modem and the file; safe to call twice."""
        if self._wave is not None:
            self._wave.close()
            self._wave = None
        modem, self._modem = getattr(self, "_modem", None), None
        if modem is not None:
            modem.close()

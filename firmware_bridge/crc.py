"""Checksums used by the telemetry protocols.

All functions take bytes and return an int; the C implementations in :mod:`binascii` and
:mod:`zlib` do the work, so they are fast enough for the stream decoder's hot path.
"""

from __future__ import annotations

import binascii
import struct
import zlib
from functools import reduce
from operator import xor

__all__ = [
    "crc16_ccitt_false",
    "crc32_ieee",
    "fletcher16_habitat",
    "fletcher16_256_habitat",
    "xor8",
]


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, not reflected, no final XOR).

    The UKHAS default checksum and the Horus Binary CRC. Check value of ``b"123456789"``
    is 0x29B1.

    Parameters
    ----------
    data : bytes
        Covered bytes (for UKHAS: strictly between the leading ``$$`` and ``*``).

    Returns
    -------
    int
        CRC in 0..0xFFFF.
    """
    return binascii.crc_hqx(data, 0xFFFF)


def xor8(data: bytes) -> int:
    """8-bit XOR of every byte: the NMEA checksum and the legacy UKHAS ``xor`` checksum.

    Parameters
    ----------
    data : bytes
        Covered bytes (NMEA: strictly between ``$`` and ``*``).

    Returns
    -------
    int
        Checksum in 0..0xFF.
    """
    if len(data) > 64:
        # Fold 8 bytes at a time: XOR distributes over the byte lanes of a wide integer.
        n = len(data) - len(data) % 8
        acc = 0
        for (word,) in struct.iter_unpack("<Q", data[:n]):
            acc ^= word
        out = 0
        for _ in range(8):
            out ^= acc & 0xFF
            acc >>= 8
        return reduce(xor, data[n:], out)
    return reduce(xor, data, 0)


def fletcher16_habitat(data: bytes) -> int:
    """Fletcher-16 (mod 255) in habitat's byte order (simple sum in the high byte).

    Parameters
    ----------
    data : bytes
        Covered bytes.

    Returns
    -------
    int
        ``(sum1 << 8) | sum2`` as habitat's ``checksums.fletcher_16`` computes it.
    """
    return _fletcher(data, 255)


def fletcher16_256_habitat(data: bytes) -> int:
    """Fletcher-16 modulo 256, habitat byte order (see :func:`fletcher16_habitat`)."""
    return _fletcher(data, 256)


def _fletcher(data: bytes, modulus: int) -> int:
    sum1 = 0
    sum2 = 0
    for byte in data:
        sum1 = (sum1 + byte) % modulus
        sum2 = (sum2 + sum1) % modulus
    return (sum1 << 8) | sum2


def crc32_ieee(data: bytes) -> int:
    """CRC-32 as in IEEE 802.3 / zlib / PNG (reflected poly 0xEDB88320, init and xorout 0xFFFFFFFF).

    Check value of ``b"123456789"`` is 0xCBF43926.

    Parameters
    ----------
    data : bytes
        Covered bytes.

    Returns
    -------
    int
        CRC in 0..0xFFFFFFFF.
    """
    return zlib.crc32(data) & 0xFFFFFFFF

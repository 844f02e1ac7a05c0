"""Consistent Overhead Byte Stuffing (Cheshire & Baker 1999).

COBS removes every 0x00 from a block so that 0x00 can delimit frames on the wire. Overhead
is at most one byte per 254 plus one.
"""

from __future__ import annotations

__all__ = ["CobsError", "cobs_decode", "cobs_encode"]


class CobsError(ValueError):
    """The bytes are not a valid COBS encoding."""


def cobs_encode(data: bytes) -> bytes:
    """Encode ``data`` so that the result contains no 0x00 byte.

    Parameters
    ----------
    data : bytes
        Any bytes.

    Returns
    -------
    bytes
        The COBS encoding, without the trailing 0x00 delimiter.

    Examples
    --------
    >>> cobs_encode(bytes.fromhex("11002200")).hex()
    '0211022201'
    """
    out = bytearray()
    start = 0
    n = len(data)
    while True:
        zero = data.find(0, start, start + 254)
        if zero < 0:
            end = min(start + 254, n)
            out.append(end - start + 1)
            out += data[start:end]
            if end == n:
                # A full 254-byte block at the very end needs no extra code byte.
                return bytes(out)
            start = end
            continue
        out.append(zero - start + 1)
        out += data[start:zero]
        start = zero + 1
        if start == n:
            out.append(1)
            return bytes(out)


def cobs_decode(encoded: bytes) -> bytes:
    """Decode a COBS block (without its 0x00 delimiter).

    Parameters
    ----------
    encoded : bytes
        COBS-encoded bytes; must contain no 0x00.

    Returns
    -------
    bytes
        The original data.

    Raises
    ------
    CobsError
        When ``encoded`` contains 0x00 or a code byte points past the end.
    """
    out = bytearray()
    i = 0
    n = len(encoded)
    if n == 0:
        raise CobsError("empty COBS block")
    while i < n:
        code = encoded[i]
        if code == 0:
            raise CobsError(f"0x00 inside a COBS block at offset {i}")
        end = i + code
        if end > n:
            raise CobsError(f"COBS code {code} at offset {i} points past the end ({n} bytes)")
        block = encoded[i + 1 : end]
        if 0 in block:
            raise CobsError(f"0x00 inside a COBS block near offset {i}")
        out += block
        i = end
        if code != 0xFF and i < n:
            out.append(0)
    return bytes(out)

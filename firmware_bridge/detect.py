"""Protocol detection for ``--protocol auto``: which parser a delimited chunk belongs to.

Rules (first match wins), after skipping leading spaces, tabs, CR and LF:

1. a 0x00 byte anywhere -> ``frame`` (text protocols never contain 0x00);
2. ``$$`` -> ``ukhas``;
3. ``$`` followed by an upper-case letter -> ``nmea``;
4. ``{`` -> ``jsonl``;
5. only hex digits, an even number from 32 to 512 of them -> ``horus`` (the hex line
   horus_demod prints for a v1 (44), v2 (32 or 64) or v3 packet);
6. anything else -> ``unknown``.

Raw 32-byte Horus packets carry no delimiter and cannot be told from noise by their first
bytes; the stream decoder finds them only when told ``protocol="horus-binary"``.
"""

from __future__ import annotations

from collections import Counter

__all__ = ["detect_protocol", "detect_stream_protocol"]

_HEX = frozenset(b"0123456789abcdefABCDEF")
_WS = b" \t\r\n"


def detect_protocol(chunk: bytes) -> str:
    """Name the protocol of one delimited chunk (see the module docstring for the rules).

    Parameters
    ----------
    chunk : bytes
        One line or one 0x00-terminated block.

    Returns
    -------
    str
        ``"frame"``, ``"ukhas"``, ``"nmea"``, ``"jsonl"``, ``"horus"`` or ``"unknown"``.
    """
    if 0 in chunk:
        return "frame"
    text = chunk.strip(_WS)
    if text.startswith(b"$$"):
        return "ukhas"
    if len(text) > 1 and text[0] == 0x24 and 0x41 <= text[1] <= 0x5A:  # '$', 'A'..'Z'
        return "nmea"
    if text.startswith(b"{"):
        return "jsonl"
    if 32 <= len(text) <= 512 and len(text) % 2 == 0 and _HEX.issuperset(text):
        return "horus"
    return "unknown"


def detect_stream_protocol(sample: bytes) -> str:
    """Return the most common protocol among the complete lines/blocks of a stream sample.

    Parameters
    ----------
    sample : bytes
        The first bytes of a stream (a few frames' worth).

    Returns
    -------
    str
        The most frequent detected protocol other than ``unknown``, or ``"unknown"``.
    """
    counts: Counter[str] = Counter()
    for block in sample.split(b"\x00")[:-1]:
        counts["frame"] += 1 if block.strip(_WS) else 0
    for line in sample.replace(b"\x00", b"\n").split(b"\n"):
        kind = detect_protocol(line)
        if kind not in ("unknown", "frame"):
            counts[kind] += 1
    counts.pop("unknown", None)
    return counts.most_common(1)[0][0] if counts else "unknown"

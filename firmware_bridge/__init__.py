"""The link to the payload: bytes in, decoded frames out.

Protocols (pure functions over bytes, never raising): :func:`parse_ukhas`,
:func:`parse_nmea`, :func:`parse_horus`, :func:`parse_frame`, :func:`parse_jsonl`; the
:class:`StreamDecoder` that delimits and decodes a byte stream; and
:func:`encode_telemetry` for the opposite direction.
"""

from firmware_bridge.binary_frame import encode_binary_frame, parse_frame
from firmware_bridge.bridge import Bridge
from firmware_bridge.detect import detect_protocol, detect_stream_protocol
from firmware_bridge.encode import ENCODABLE_PROTOCOLS, encode_telemetry
from firmware_bridge.field_specs import field_spec_for, read_field_spec
from firmware_bridge.frame import Frame, LinkEvent, RawChunk
from firmware_bridge.horus import encode_horus, parse_horus
from firmware_bridge.jsonl import encode_jsonl, parse_jsonl
from firmware_bridge.nmea import encode_nmea, parse_nmea
from firmware_bridge.plausibility import check_plausibility, is_plausible
from firmware_bridge.stream_decoder import DECODER_MODES, StreamDecoder
from firmware_bridge.transports import open_transport
from firmware_bridge.ukhas import STRATO_UKHAS_FIELD_SPEC, encode_ukhas, parse_ukhas
from firmware_bridge.virtual_payload import FlightTrack, VirtualPayload

__all__ = [
    "Bridge",
    "FlightTrack",
    "VirtualPayload",
    "open_transport",
    "DECODER_MODES",
    "ENCODABLE_PROTOCOLS",
    "STRATO_UKHAS_FIELD_SPEC",
    "Frame",
    "LinkEvent",
    "RawChunk",
    "StreamDecoder",
    "check_plausibility",
    "detect_protocol",
    "detect_stream_protocol",
    "encode_binary_frame",
    "encode_horus",
    "encode_jsonl",
    "encode_nmea",
    "encode_telemetry",
    "encode_ukhas",
    "field_spec_for",
    "is_plausible",
    "parse_frame",
    "parse_horus",
    "parse_jsonl",
    "parse_nmea",
    "parse_ukhas",
    "read_field_spec",
]

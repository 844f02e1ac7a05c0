/*
 * strato_frame.h - encoder for the Stratoflight binary telemetry frame, version 1.
 *
 * Portable C99 for payload firmware: no malloc, no libc beyond <stdint.h>, <stddef.h>
 * and <string.h>. Specification: docs/protocol.md in the Stratoflight repository.
 *
 * On the wire: COBS(version | sequence u32 | fields... | CRC-32) followed by 0x00.
 * All integers little-endian; CRC-32 is IEEE 802.3 / zlib (check value CBF43926).
 */
#ifndef STRATO_FRAME_H
#define STRATO_FRAME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define STRATO_FRAME_VERSION 1u
/* Largest frame before COBS (header + fields + CRC) [bytes]. */
#define STRATO_FRAME_MAX_BODY 1024u
/* Largest frame on the wire: COBS overhead plus the 0x00 delimiter [bytes]. */
#define STRATO_FRAME_MAX_WIRE (STRATO_FRAME_MAX_BODY + STRATO_FRAME_MAX_BODY / 254u + 2u)

/* Type codes. */
#define STRATO_TYPE_U8 0x01u
#define STRATO_TYPE_U16 0x02u
#define STRATO_TYPE_U32 0x03u
#define STRATO_TYPE_I16 0x04u
#define STRATO_TYPE_I32 0x05u
#define STRATO_TYPE_I64 0x06u
#define STRATO_TYPE_F32 0x07u
#define STRATO_TYPE_F64 0x08u
#define STRATO_TYPE_STR 0x09u

/* Field ids (integer values are multiplied by the scale to give SI units). */
#define STRATO_ID_CALLSIGN 0x01u             /* str */
#define STRATO_ID_PAYLOAD_TIME 0x02u         /* s since 1970-01-01Z, scale 1 */
#define STRATO_ID_LATITUDE 0x03u             /* degree_north, scale 1e-7 */
#define STRATO_ID_LONGITUDE 0x04u            /* degree_east, scale 1e-7 */
#define STRATO_ID_ALTITUDE 0x05u             /* m above MSL, scale 1e-3 */
#define STRATO_ID_SATELLITES 0x06u           /* count, scale 1 */
#define STRATO_ID_GROUND_SPEED 0x07u         /* m/s, scale 1e-2 */
#define STRATO_ID_HEADING 0x08u              /* degree, scale 1e-2 */
#define STRATO_ID_VERTICAL_VELOCITY 0x09u    /* m/s up, scale 1e-2 */
#define STRATO_ID_PRESSURE 0x0Au             /* Pa, scale 1e-2 */
#define STRATO_ID_TEMPERATURE 0x0Bu          /* K, scale 1e-2 */
#define STRATO_ID_RELATIVE_HUMIDITY 0x0Cu    /* %, scale 1e-2 */
#define STRATO_ID_INTERNAL_TEMPERATURE 0x0Du /* K, scale 1e-2 */
#define STRATO_ID_BATTERY_VOLTAGE 0x0Eu      /* V, scale 1e-3 */
#define STRATO_ID_RADIATION_COUNTS 0x0Fu     /* count, scale 1 */
#define STRATO_ID_GPS_FIX 0x10u              /* 0 none, 2 = 2D, 3 = 3D */
/* Ids 0x11..0xFF are free for payload-specific fields (decoded as extra_<id>). */

#define STRATO_SCALE_LATITUDE 1e-7
#define STRATO_SCALE_LONGITUDE 1e-7
#define STRATO_SCALE_ALTITUDE 1e-3
#define STRATO_SCALE_GROUND_SPEED 1e-2
#define STRATO_SCALE_HEADING 1e-2
#define STRATO_SCALE_VERTICAL_VELOCITY 1e-2
#define STRATO_SCALE_PRESSURE 1e-2
#define STRATO_SCALE_TEMPERATURE 1e-2
#define STRATO_SCALE_RELATIVE_HUMIDITY 1e-2
#define STRATO_SCALE_BATTERY_VOLTAGE 1e-3

/* Error codes (negative). */
#define STRATO_OK 0
#define STRATO_ERR_FULL (-1)     /* the field does not fit in STRATO_FRAME_MAX_BODY */
#define STRATO_ERR_RANGE (-2)    /* a scaled value does not fit in int32 / string > 255 */
#define STRATO_ERR_OUTPUT (-3)   /* the output buffer of finish() is too small */

typedef struct {
    uint8_t body[STRATO_FRAME_MAX_BODY];
    size_t len;
    int error; /* first error met, STRATO_OK if none */
} strato_frame_t;

void strato_frame_begin(strato_frame_t *frame, uint32_t sequence);
int strato_frame_add_u8(strato_frame_t *frame, uint8_t id, uint8_t value);
int strato_frame_add_u16(strato_frame_t *frame, uint8_t id, uint16_t value);
int strato_frame_add_u32(strato_frame_t *frame, uint8_t id, uint32_t value);
int strato_frame_add_i16(strato_frame_t *frame, uint8_t id, int16_t value);
int strato_frame_add_i32(strato_frame_t *frame, uint8_t id, int32_t value);
int strato_frame_add_i64(strato_frame_t *frame, uint8_t id, int64_t value);
int strato_frame_add_f32(strato_frame_t *frame, uint8_t id, float value);
int strato_frame_add_f64(strato_frame_t *frame, uint8_t id, double value);
int strato_frame_add_str(strato_frame_t *frame, uint8_t id, const char *text, size_t length);
/* value / scale rounded half away from zero, sent as i32. */
int strato_frame_add_scaled(strato_frame_t *frame, uint8_t id, double value, double scale);

/* Append the CRC, COBS-encode into out and add the 0x00 delimiter.
 * Returns the number of bytes written, or 0 on any error (frame->error says which). */
size_t strato_frame_finish(strato_frame_t *frame, uint8_t *out, size_t out_size);

uint32_t strato_crc32(const uint8_t *data, size_t length);
/* COBS-encode without delimiter; returns bytes written or 0 if out_size is too small. */
size_t strato_cobs_encode(const uint8_t *data, size_t length, uint8_t *out, size_t out_size);

#ifdef __cplusplus
}
#endif

#endif /* STRATO_FRAME_H */

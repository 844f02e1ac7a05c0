/*
 * strato_frame.c - encoder for the Stratoflight binary telemetry frame, version 1.
 * See strato_frame.h and docs/protocol.md. C99, no malloc.
 */
#include "strato_frame.h"

#include <string.h>

/* CRC-32/IEEE, reflected polynomial 0xEDB88320, 4 bits at a time (64-byte table). */
static const uint32_t crc_nibble[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
};

uint32_t strato_crc32(const uint8_t *data, size_t length)
{
    uint32_t crc = 0xFFFFFFFFu;
    size_t i;
    for (i = 0; i < length; i++) {
        crc ^= data[i];
        crc = (crc >> 4) ^ crc_nibble[crc & 0x0Fu];
        crc = (crc >> 4) ^ crc_nibble[crc & 0x0Fu];
    }
    return crc ^ 0xFFFFFFFFu;
}

size_t strato_cobs_encode(const uint8_t *data, size_t length, uint8_t *out, size_t out_size)
{
    size_t read = 0;
    size_t write = 1;
    size_t code_at = 0;
    uint8_t code = 1;

    if (out_size == 0) {
        return 0;
    }
    while (read < length) {
        if (data[read] == 0) {
            out[code_at] = code;
            code = 1;
            code_at = write++;
            if (write > out_size) {
                return 0;
            }
        } else {
            if (write >= out_size) {
                return 0;
            }
            out[write++] = data[read];
            code++;
            if (code == 0xFF) {
                out[code_at] = code;
                code = 1;
                if (read + 1 < length) {
                    code_at = write++;
                    if (write > out_size) {
                        return 0;
                    }
                } else {
                    return write; /* a full block ends the data: no extra code byte */
                }
            }
        }
        read++;
    }
    out[code_at] = code;
    return write;
}

void strato_frame_begin(strato_frame_t *frame, uint32_t sequence)
{
    frame->body[0] = (uint8_t)STRATO_FRAME_VERSION;
    frame->body[1] = (uint8_t)(sequence & 0xFFu);
    frame->body[2] = (uint8_t)((sequence >> 8) & 0xFFu);
    frame->body[3] = (uint8_t)((sequence >> 16) & 0xFFu);
    frame->body[4] = (uint8_t)((sequence >> 24) & 0xFFu);
    frame->len = 5;
    frame->error = STRATO_OK;
}

/* Room for a field of `size` value bytes plus id and type, keeping 4 bytes for the CRC. */
static int reserve(strato_frame_t *frame, size_t size)
{
    if (frame->error != STRATO_OK) {
        return frame->error;
    }
    if (frame->len + 2u + size + 4u > STRATO_FRAME_MAX_BODY) {
        frame->error = STRATO_ERR_FULL;
        return frame->error;
    }
    return STRATO_OK;
}

static int add_le(strato_frame_t *frame, uint8_t id, uint8_t type, uint64_t bits, size_t size)
{
    size_t i;
    int status = reserve(frame, size);
    if (status != STRATO_OK) {
        return status;
    }
    frame->body[frame->len++] = id;
    frame->body[frame->len++] = type;
    for (i = 0; i < size; i++) {
        frame->body[frame->len++] = (uint8_t)((bits >> (8u * i)) & 0xFFu);
    }
    return STRATO_OK;
}

int strato_frame_add_u8(strato_frame_t *frame, uint8_t id, uint8_t value)
{
    return add_le(frame, id, STRATO_TYPE_U8, value, 1);
}

int strato_frame_add_u16(strato_frame_t *frame, uint8_t id, uint16_t value)
{
    return add_le(frame, id, STRATO_TYPE_U16, value, 2);
}

int strato_frame_add_u32(strato_frame_t *frame, uint8_t id, uint32_t value)
{
    return add_le(frame, id, STRATO_TYPE_U32, value, 4);
}

int strato_frame_add_i16(strato_frame_t *frame, uint8_t id, int16_t value)
{
    return add_le(frame, id, STRATO_TYPE_I16, (uint64_t)(uint16_t)value, 2);
}

int strato_frame_add_i32(strato_frame_t *frame, uint8_t id, int32_t value)
{
    return add_le(frame, id, STRATO_TYPE_I32, (uint64_t)(uint32_t)value, 4);
}

int strato_frame_add_i64(strato_frame_t *frame, uint8_t id, int64_t value)
{
    return add_le(frame, id, STRATO_TYPE_I64, (uint64_t)value, 8);
}

int strato_frame_add_f32(strato_frame_t *frame, uint8_t id, float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits); /* IEEE 754 binary32 assumed */
    return add_le(frame, id, STRATO_TYPE_F32, bits, 4);
}

int strato_frame_add_f64(strato_frame_t *frame, uint8_t id, double value)
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits); /* IEEE 754 binary64 assumed */
    return add_le(frame, id, STRATO_TYPE_F64, bits, 8);
}

int strato_frame_add_str(strato_frame_t *frame, uint8_t id, const char *text, size_t length)
{
    int status;
    if (length > 255u) {
        if (frame->error == STRATO_OK) {
            frame->error = STRATO_ERR_RANGE;
        }
        return STRATO_ERR_RANGE;
    }
    status = reserve(frame, 1u + length);
    if (status != STRATO_OK) {
        return status;
    }
    frame->body[frame->len++] = id;
    frame->body[frame->len++] = (uint8_t)STRATO_TYPE_STR;
    frame->body[frame->len++] = (uint8_t)length;
    memcpy(&frame->body[frame->len], text, length);
    frame->len += length;
    return STRATO_OK;
}

int strato_frame_add_scaled(strato_frame_t *frame, uint8_t id, double value, double scale)
{
    double scaled = value / scale;
    /* Round half away from zero without libm. */
    scaled = scaled >= 0.0 ? scaled + 0.5 : scaled - 0.5;
    if (!(scaled > -2147483649.0 && scaled < 2147483648.0)) { /* also rejects NaN */
        if (frame->error == STRATO_OK) {
            frame->error = STRATO_ERR_RANGE;
        }
        return STRATO_ERR_RANGE;
    }
    return strato_frame_add_i32(frame, id, (int32_t)scaled);
}

size_t strato_frame_finish(strato_frame_t *frame, uint8_t *out, size_t out_size)
{
    uint32_t crc;
    size_t written;
    if (frame->error != STRATO_OK) {
        return 0;
    }
    crc = strato_crc32(frame->body, frame->len);
    frame->body[frame->len + 0] = (uint8_t)(crc & 0xFFu);
    frame->body[frame->len + 1] = (uint8_t)((crc >> 8) & 0xFFu);
    frame->body[frame->len + 2] = (uint8_t)((crc >> 16) & 0xFFu);
    frame->body[frame->len + 3] = (uint8_t)((crc >> 24) & 0xFFu);
    written = out_size > 0 ? strato_cobs_encode(frame->body, frame->len + 4u, out, out_size - 1u)
                           : 0;
    if (written == 0) {
        frame->error = STRATO_ERR_OUTPUT;
        return 0;
    }
    out[written] = 0x00u;
    return written + 1u;
}

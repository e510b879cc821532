/* canopy-serial-codec-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "canopy-message.h"

G_BEGIN_DECLS

/* python-can's `serial` frame format, byte for byte:
 *   0xAA, timestamp (u32 LE, milliseconds), DLC (0–8), id (u32 LE),
 *   DLC data bytes, 0xBB.
 * It carries no flags: ids above 0x7FF are taken as extended. Pure
 * functions over buffers, callable from a fuzz target. */

#define CANOPY_SERIAL_FRAME_START 0xAA
#define CANOPY_SERIAL_FRAME_END   0xBB
#define CANOPY_SERIAL_MAX_FRAME   (1 + 4 + 1 + 4 + 8 + 1)

typedef enum
{
  CANOPY_SERIAL_NEED_MORE,
  CANOPY_SERIAL_FRAME,
  CANOPY_SERIAL_SKIPPED,    /* bytes outside a frame, or a damaged frame */
} CanopySerialResult;

typedef struct
{
  guint8 buf[CANOPY_SERIAL_MAX_FRAME];
  gsize  len;
} CanopySerialDecoder;

void               _canopy_serial_decoder_init (CanopySerialDecoder *decoder);
/* On SKIPPED, *n_skipped says how many bytes were thrown away. */
CanopySerialResult _canopy_serial_decoder_feed (CanopySerialDecoder *decoder,
                                                const guint8        *data,
                                                gsize                len,
                                                gsize               *consumed,
                                                CanopyMessage       *msg,
                                                guint32             *timestamp_ms,
                                                gsize               *n_skipped);
/* Returns the length written, 0 for a frame the format cannot carry. */
gsize              _canopy_serial_encode_frame (guint8              *buf,
                                                const CanopyMessage *msg);

G_END_DECLS

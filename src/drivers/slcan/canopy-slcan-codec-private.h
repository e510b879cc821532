/* canopy-slcan-codec-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "canopy-message.h"

G_BEGIN_DECLS

/* The Lawicel ASCII protocol ("slcan") spoken by CANUSB, CANable, USBtin
 * and many more adapters. Pure functions over buffers: no I/O, no
 * allocation, callable from a fuzz target. */

/* 'T' + 8 id + 1 dlc + 128 data (CAN FD 'D') + 4 timestamp, rounded up. */
#define CANOPY_SLCAN_MAX_LINE 160

/* The longest command the encoder writes, terminator included. */
#define CANOPY_SLCAN_MAX_COMMAND (CANOPY_SLCAN_MAX_LINE + 2)

/* Status flags of the `F` reply. */
#define CANOPY_SLCAN_STATUS_RX_FULL        0x01
#define CANOPY_SLCAN_STATUS_TX_FULL        0x02
#define CANOPY_SLCAN_STATUS_ERROR_WARNING  0x04
#define CANOPY_SLCAN_STATUS_DATA_OVERRUN   0x08
#define CANOPY_SLCAN_STATUS_ERROR_PASSIVE  0x20
#define CANOPY_SLCAN_STATUS_ARB_LOST       0x40
#define CANOPY_SLCAN_STATUS_BUS_ERROR      0x80

typedef enum
{
  CANOPY_SLCAN_NEED_MORE,     /* the buffer ended inside a line */
  CANOPY_SLCAN_FRAME,         /* a received frame: line->msg */
  CANOPY_SLCAN_OK,            /* a bare CR: the last command was accepted */
  CANOPY_SLCAN_BELL,          /* BEL: the last command was refused */
  CANOPY_SLCAN_TX_ACK,        /* `z`/`Z`: a frame was queued for sending */
  CANOPY_SLCAN_VERSION,       /* `Vhhss`: line->text */
  CANOPY_SLCAN_SERIAL,        /* `Nxxxx`: line->text */
  CANOPY_SLCAN_STATUS,        /* `Fxx`: line->status */
  CANOPY_SLCAN_SKIPPED,       /* garbage or an over-long line, skipped */
} CanopySlcanResult;

typedef struct
{
  CanopyMessage msg;
  gboolean      has_timestamp;
  guint         timestamp_ms;     /* 0..59999 when the adapter stamps (Z1) */
  guint8        status;
  char          text[16];
} CanopySlcanLine;

typedef struct
{
  char     buf[CANOPY_SLCAN_MAX_LINE];
  gsize    len;
  gboolean overflow;
} CanopySlcanDecoder;

void              _canopy_slcan_decoder_init  (CanopySlcanDecoder *decoder);
CanopySlcanResult _canopy_slcan_decoder_feed  (CanopySlcanDecoder *decoder,
                                               const guint8       *data,
                                               gsize               len,
                                               gsize              *consumed,
                                               CanopySlcanLine    *line);
CanopySlcanResult _canopy_slcan_parse_line    (const char         *text,
                                               gsize               len,
                                               CanopySlcanLine    *line);

/* Commands, each with its CR. Return the length written, 0 when the value
 * cannot be expressed (a frame longer than the protocol carries, a bit
 * rate without an `S` code). */
gsize             _canopy_slcan_encode_frame   (char                *buf,
                                                const CanopyMessage *msg);
gsize             _canopy_slcan_encode_bitrate (char                *buf,
                                                guint                bitrate);
gsize             _canopy_slcan_encode_btr     (char                *buf,
                                                const char          *btr);

G_END_DECLS

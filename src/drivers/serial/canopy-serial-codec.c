/* canopy-serial-codec.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-serial-codec-private.h"

void
_canopy_serial_decoder_init (CanopySerialDecoder *decoder)
{
  memset (decoder, 0, sizeof *decoder);
}

static inline guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

static inline void
write_le32 (guint8  *p,
            guint32  v)
{
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  p[3] = v >> 24;
}

/* Gives up the start byte of a candidate that was no frame, and the bytes
 * up to the next start byte, so that a real frame that began inside the
 * candidate is found again. Returns how many bytes were thrown away. */
static gsize
shift_to_next_start (CanopySerialDecoder *decoder)
{
  gsize skip = 1;

  while (skip < decoder->len && decoder->buf[skip] != CANOPY_SERIAL_FRAME_START)
    skip++;
  memmove (decoder->buf, decoder->buf + skip, decoder->len - skip);
  decoder->len -= skip;
  return skip;
}

CanopySerialResult
_canopy_serial_decoder_feed (CanopySerialDecoder *decoder,
                             const guint8        *data,
                             gsize                len,
                             gsize               *consumed,
                             CanopyMessage       *msg,
                             guint32             *timestamp_ms,
                             gsize               *n_skipped)
{
  gsize pos = 0;

  *n_skipped = 0;

  for (;;)
    {
      /* Resynchronise on a start byte; what lies before it is garbage. */
      if (decoder->len == 0)
        {
          gsize start = pos;

          while (pos < len && data[pos] != CANOPY_SERIAL_FRAME_START)
            pos++;
          if (pos > start)
            {
              *consumed = pos;
              *n_skipped = pos - start;
              return CANOPY_SERIAL_SKIPPED;
            }
        }

      else if (decoder->buf[0] != CANOPY_SERIAL_FRAME_START)
        {
          /* Bytes left behind a frame found after a resynchronisation. */
          *consumed = pos;
          *n_skipped = shift_to_next_start (decoder);
          return CANOPY_SERIAL_SKIPPED;
        }

      if (decoder->len >= 6)
        {
          const guint8 *b = decoder->buf;
          guint dlc = b[5];
          gsize frame_len = 11 + dlc;

          /* python-can refuses a DLC above 8 too: not a frame start. */
          if (dlc > 8)
            {
              *consumed = pos;
              *n_skipped = shift_to_next_start (decoder);
              return CANOPY_SERIAL_SKIPPED;
            }

          if (decoder->len >= frame_len)
            {
              guint32 id = read_le32 (b + 6);

              *consumed = pos;
              if (b[frame_len - 1] != CANOPY_SERIAL_FRAME_END || id > 0x1FFFFFFFu)
                {
                  *n_skipped = shift_to_next_start (decoder);
                  return CANOPY_SERIAL_SKIPPED;
                }

              memset (msg, 0, sizeof *msg);
              msg->channel = -1;
              msg->arbitration_id = id;
              msg->flags = id > 0x7FF ? CANOPY_MESSAGE_EXTENDED : 0;
              msg->dlc = dlc;
              memcpy (msg->data, b + 10, dlc);
              *timestamp_ms = read_le32 (b + 1);

              memmove (decoder->buf, decoder->buf + frame_len, decoder->len - frame_len);
              decoder->len -= frame_len;
              return CANOPY_SERIAL_FRAME;
            }
        }

      if (pos == len)
        break;
      decoder->buf[decoder->len++] = data[pos++];
    }

  *consumed = pos;
  return CANOPY_SERIAL_NEED_MORE;
}

gsize
_canopy_serial_encode_frame (guint8              *buf,
                             const CanopyMessage *msg)
{
  guint32 timestamp_ms;

  if (msg->dlc > 8 || (msg->flags & (CANOPY_MESSAGE_ERROR | CANOPY_MESSAGE_REMOTE | CANOPY_MESSAGE_FD)))
    return 0;

  /* As python-can: milliseconds of the frame's timestamp, modulo 2^32. */
  timestamp_ms = (guint32) (msg->timestamp_ns / 1000000);

  buf[0] = CANOPY_SERIAL_FRAME_START;
  write_le32 (buf + 1, timestamp_ms);
  buf[5] = msg->dlc;
  write_le32 (buf + 6, msg->arbitration_id);
  memcpy (buf + 10, msg->data, msg->dlc);
  buf[10 + msg->dlc] = CANOPY_SERIAL_FRAME_END;
  return 11 + msg->dlc;
}

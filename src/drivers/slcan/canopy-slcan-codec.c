/* canopy-slcan-codec.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-slcan-codec-private.h"
#include "canopy-wire-hex-private.h"

/* The Lawicel codes of the standard bit rates: `S0` … `S8`. */
static const guint slcan_bitrates[] = {
  10000, 20000, 50000, 100000, 125000, 250000, 500000, 800000, 1000000,
};

static const guint8 fd_lengths[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64 };

static gboolean
parse_hex (const char *text,
           guint       n_digits,
           guint32    *value)
{
  guint32 v = 0;

  for (guint i = 0; i < n_digits; i++)
    {
      int d = _canopy_wire_hex_value (text[i]);

      if (d < 0)
        return FALSE;
      v = (v << 4) | d;
    }
  *value = v;
  return TRUE;
}

void
_canopy_slcan_decoder_init (CanopySlcanDecoder *decoder)
{
  memset (decoder, 0, sizeof *decoder);
}

/* t iii l dd… [tttt] / T iiiiiiii l dd… [tttt], r/R without data,
 * d/D/b/B: CAN FD (with bit-rate switch for b/B) with a DLC code 0–F. */
static CanopySlcanResult
parse_frame (const char      *text,
             gsize            len,
             CanopySlcanLine *line)
{
  CanopyMessage *msg = &line->msg;
  char kind = text[0];
  gboolean extended = kind == 'T' || kind == 'R' || kind == 'D' || kind == 'B';
  gboolean remote = kind == 'r' || kind == 'R';
  gboolean fd = kind == 'd' || kind == 'D' || kind == 'b' || kind == 'B';
  guint id_digits = extended ? 8 : 3;
  gsize pos = 1;
  guint32 value;
  guint data_len;
  int dlc;

  memset (msg, 0, sizeof *msg);
  msg->channel = -1;
  line->has_timestamp = FALSE;

  if (len < pos + id_digits + 1 || !parse_hex (text + pos, id_digits, &value))
    return CANOPY_SLCAN_SKIPPED;
  if (value > (extended ? 0x1FFFFFFFu : 0x7FFu))
    return CANOPY_SLCAN_SKIPPED;
  msg->arbitration_id = value;
  pos += id_digits;

  dlc = _canopy_wire_hex_value (text[pos++]);
  if (dlc < 0 || (!fd && dlc > 8))
    return CANOPY_SLCAN_SKIPPED;
  data_len = fd ? fd_lengths[dlc] : (guint) dlc;

  msg->dlc = data_len;
  msg->flags = (extended ? CANOPY_MESSAGE_EXTENDED : 0) |
               (remote ? CANOPY_MESSAGE_REMOTE : 0) |
               (fd ? CANOPY_MESSAGE_FD : 0) |
               ((kind == 'b' || kind == 'B') ? CANOPY_MESSAGE_BRS : 0);

  if (!remote)
    {
      if (len < pos + 2 * data_len)
        return CANOPY_SLCAN_SKIPPED;
      for (guint i = 0; i < data_len; i++)
        {
          int hi = _canopy_wire_hex_value (text[pos]), lo = _canopy_wire_hex_value (text[pos + 1]);

          if (hi < 0 || lo < 0)
            return CANOPY_SLCAN_SKIPPED;
          msg->data[i] = (hi << 4) | lo;
          pos += 2;
        }
    }

  if (len == pos)
    return CANOPY_SLCAN_FRAME;

  /* With Z1 the adapter appends milliseconds within the minute. */
  if (len == pos + 4 && parse_hex (text + pos, 4, &value) && value < 60000)
    {
      line->has_timestamp = TRUE;
      line->timestamp_ms = value;
      return CANOPY_SLCAN_FRAME;
    }

  return CANOPY_SLCAN_SKIPPED;
}

static CanopySlcanResult
parse_text_reply (const char        *text,
                  gsize              len,
                  CanopySlcanLine   *line,
                  CanopySlcanResult  result)
{
  /* V1013 / N1234: four alphanumeric characters. */
  if (len != 5)
    return CANOPY_SLCAN_SKIPPED;
  for (guint i = 1; i < 5; i++)
    if (!g_ascii_isalnum (text[i]))
      return CANOPY_SLCAN_SKIPPED;
  memcpy (line->text, text + 1, 4);
  line->text[4] = '\0';
  return result;
}

CanopySlcanResult
_canopy_slcan_parse_line (const char      *text,
                          gsize            len,
                          CanopySlcanLine *line)
{
  guint32 value;

  if (len == 0)
    return CANOPY_SLCAN_OK;

  switch (text[0])
    {
    case 't': case 'T': case 'r': case 'R':
    case 'd': case 'D': case 'b': case 'B':
      return parse_frame (text, len, line);

    case 'z': case 'Z':
      return len == 1 ? CANOPY_SLCAN_TX_ACK : CANOPY_SLCAN_SKIPPED;

    case 'V':
      return parse_text_reply (text, len, line, CANOPY_SLCAN_VERSION);

    case 'N':
      return parse_text_reply (text, len, line, CANOPY_SLCAN_SERIAL);

    case 'F':
      if (len != 3 || !parse_hex (text + 1, 2, &value))
        return CANOPY_SLCAN_SKIPPED;
      line->status = value;
      return CANOPY_SLCAN_STATUS;

    default:
      return CANOPY_SLCAN_SKIPPED;
    }
}

CanopySlcanResult
_canopy_slcan_decoder_feed (CanopySlcanDecoder *decoder,
                            const guint8       *data,
                            gsize               len,
                            gsize              *consumed,
                            CanopySlcanLine    *line)
{
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      if (c == '\a')
        {
          /* A refusal stands alone; a half line before it was damaged. */
          *consumed = i + 1;
          if (decoder->len > 0 || decoder->overflow)
            {
              decoder->len = 0;
              decoder->overflow = FALSE;
              return CANOPY_SLCAN_SKIPPED;
            }
          return CANOPY_SLCAN_BELL;
        }

      if (c == '\r' || c == '\n')
        {
          CanopySlcanResult result;

          *consumed = i + 1;
          /* An LF after a CR (CR LF adapters) is no empty reply. */
          if (c == '\n' && decoder->len == 0 && !decoder->overflow)
            continue;

          if (decoder->overflow)
            result = CANOPY_SLCAN_SKIPPED;
          else
            result = _canopy_slcan_parse_line (decoder->buf, decoder->len, line);

          decoder->len = 0;
          decoder->overflow = FALSE;
          return result;
        }

      if (decoder->overflow)
        continue;
      if (decoder->len == sizeof decoder->buf)
        {
          decoder->overflow = TRUE;
          continue;
        }
      decoder->buf[decoder->len++] = c;
    }

  *consumed = len;
  return CANOPY_SLCAN_NEED_MORE;
}

gsize
_canopy_slcan_encode_frame (char                *buf,
                            const CanopyMessage *msg)
{
  gboolean extended = (msg->flags & CANOPY_MESSAGE_EXTENDED) != 0;
  gboolean remote = (msg->flags & CANOPY_MESSAGE_REMOTE) != 0;
  gboolean fd = (msg->flags & CANOPY_MESSAGE_FD) != 0;
  char *p = buf;
  int dlc = -1;

  if (msg->flags & CANOPY_MESSAGE_ERROR)
    return 0;

  if (fd)
    {
      for (guint i = 0; i < G_N_ELEMENTS (fd_lengths); i++)
        if (fd_lengths[i] == msg->dlc)
          dlc = i;
      if (dlc < 0 || remote)
        return 0;
      *p++ = (msg->flags & CANOPY_MESSAGE_BRS) ? (extended ? 'B' : 'b') : (extended ? 'D' : 'd');
    }
  else
    {
      if (msg->dlc > 8)
        return 0;
      dlc = msg->dlc;
      *p++ = remote ? (extended ? 'R' : 'r') : (extended ? 'T' : 't');
    }

  p = _canopy_wire_put_hex (p, msg->arbitration_id & (extended ? 0x1FFFFFFFu : 0x7FFu), extended ? 8 : 3);
  *p++ = _canopy_wire_hex_digit (dlc);
  if (!remote)
    for (guint i = 0; i < msg->dlc; i++)
      p = _canopy_wire_put_hex (p, msg->data[i], 2);
  *p++ = '\r';

  return p - buf;
}

gsize
_canopy_slcan_encode_bitrate (char  *buf,
                              guint  bitrate)
{
  for (guint i = 0; i < G_N_ELEMENTS (slcan_bitrates); i++)
    if (slcan_bitrates[i] == bitrate)
      {
        buf[0] = 'S';
        buf[1] = '0' + i;
        buf[2] = '\r';
        return 3;
      }
  return 0;
}

/* `sxxyy`: the SJA1000's BTR0 and BTR1 registers in hex, as python-can's
 * `btr` option gives them ("031C" for 125 kbit/s at 8 MHz). */
gsize
_canopy_slcan_encode_btr (char       *buf,
                          const char *btr)
{
  guint32 value;

  if (btr == NULL || strlen (btr) != 4 || !parse_hex (btr, 4, &value))
    return 0;
  buf[0] = 's';
  _canopy_wire_put_hex (buf + 1, value, 4);
  buf[5] = '\r';
  return 6;
}

/* canopy-remote-protocol.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "canopy-error.h"

#include "canopy-remote-protocol-private.h"
#include "canopy-socket-io-private.h"

#define FLAG_EXTENDED 0x01
#define FLAG_REMOTE   0x02
#define FLAG_ERROR    0x04

/* A timestamp in seconds that still fits gint64 nanoseconds. */
#define MAX_TIMESTAMP_S 9.2e9

const char *
_canopy_remote_event_type_name (guint type)
{
  switch (type)
    {
    case CANOPY_REMOTE_EVENT_BUS_REQUEST:       return "BusRequest";
    case CANOPY_REMOTE_EVENT_BUS_RESPONSE:      return "BusResponse";
    case CANOPY_REMOTE_EVENT_CAN_MESSAGE:       return "CanMessage";
    case CANOPY_REMOTE_EVENT_TRANSMIT_SUCCESS:  return "TransmitSuccess";
    case CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION:  return "RemoteException";
    case CANOPY_REMOTE_EVENT_FILTER_CONFIG:     return "FilterConfig";
    case CANOPY_REMOTE_EVENT_CONNECTION_CLOSED: return "ConnectionClosed";
    default:                                    return "unknown";
    }
}

static inline void
put_u32 (guint8  *p,
         guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static inline guint32
get_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static inline void
put_f64 (guint8 *p,
         double  v)
{
  union { double d; guint64 u; } bits = { .d = v };

  put_u32 (p, bits.u >> 32);
  put_u32 (p + 4, (guint32) bits.u);
}

static inline double
get_f64 (const guint8 *p)
{
  union { double d; guint64 u; } bits;

  bits.u = ((guint64) get_u32 (p) << 32) | get_u32 (p + 4);
  return bits.d;
}

gsize
_canopy_remote_encode_bus_request (guint8 *buf,
                                   guint8  version,
                                   gint32  bitrate)
{
  buf[0] = CANOPY_REMOTE_EVENT_BUS_REQUEST;
  buf[1] = version;
  put_u32 (buf + 2, (guint32) bitrate);
  return 6;
}

/* Texts longer than a length byte can say are cut at a character boundary,
 * so the peer always receives valid UTF-8. */
gsize
_canopy_remote_encode_text (guint8                *buf,
                            CanopyRemoteEventType  type,
                            const char            *text)
{
  g_autofree char *valid = NULL;
  gsize len;

  if (text == NULL)
    text = "";
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  len = strlen (text);
  if (len > CANOPY_REMOTE_MAX_TEXT)
    {
      len = CANOPY_REMOTE_MAX_TEXT;
      while (len > 0 && ((guint8) text[len] & 0xC0) == 0x80)
        len--;
    }

  buf[0] = type;
  buf[1] = len;
  memcpy (buf + 2, text, len);
  return 2 + len;
}

/* The protocol carries classic frames: at most 8 bytes, no FD flags. */
gboolean
_canopy_remote_message_check (const CanopyMessage  *msg,
                              GError              **error)
{
  if (msg->flags & CANOPY_MESSAGE_FD)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                           "The remote protocol carries classic CAN frames only, not CAN FD");
      return FALSE;
    }
  if (msg->dlc > 8)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "The remote protocol carries at most 8 data bytes, not %u", msg->dlc);
      return FALSE;
    }
  return TRUE;
}

gsize
_canopy_remote_encode_message (guint8              *buf,
                               const CanopyMessage *msg)
{
  guint8 flags = 0;
  guint dlc = MIN (msg->dlc, 8);

  if (msg->flags & CANOPY_MESSAGE_EXTENDED)
    flags |= FLAG_EXTENDED;
  if (msg->flags & CANOPY_MESSAGE_REMOTE)
    flags |= FLAG_REMOTE;
  if (msg->flags & CANOPY_MESSAGE_ERROR)
    flags |= FLAG_ERROR;

  buf[0] = CANOPY_REMOTE_EVENT_CAN_MESSAGE;
  put_f64 (buf + 1, msg->timestamp_ns / 1e9);
  put_u32 (buf + 9, msg->arbitration_id);
  buf[13] = msg->dlc;
  buf[14] = flags;
  memset (buf + 15, 0, 8);
  if (!(msg->flags & CANOPY_MESSAGE_REMOTE))
    memcpy (buf + 15, msg->data, dlc);
  return CANOPY_REMOTE_MESSAGE_SIZE;
}

/* Inverted filters and more than 255 filters cannot travel in a
 * FilterConfig; a client then asks for everything and filters itself. */
gboolean
_canopy_remote_filters_expressible (const CanopyFilter *filters,
                                    guint               n_filters)
{
  if (n_filters > CANOPY_REMOTE_MAX_FILTERS)
    return FALSE;
  for (guint i = 0; i < n_filters; i++)
    if (filters[i].inverted)
      return FALSE;
  return TRUE;
}

gsize
_canopy_remote_encode_filters (guint8             *buf,
                               const CanopyFilter *filters,
                               guint               n_filters)
{
  guint8 *p = buf + 2;

  g_assert (n_filters <= CANOPY_REMOTE_MAX_FILTERS);

  buf[0] = CANOPY_REMOTE_EVENT_FILTER_CONFIG;
  buf[1] = n_filters;
  for (guint i = 0; i < n_filters; i++, p += 8)
    {
      guint32 can_id = filters[i].can_id & 0x1FFFFFFF;
      guint32 can_mask = filters[i].can_mask & 0x1FFFFFFF;

      if (filters[i].match_id_type)
        {
          can_mask |= CANOPY_REMOTE_FILTER_EXTENDED_BIT;
          if (filters[i].extended)
            can_id |= CANOPY_REMOTE_FILTER_EXTENDED_BIT;
        }
      put_u32 (p, can_id);
      put_u32 (p + 4, can_mask);
    }
  return p - buf;
}

gsize
_canopy_remote_encode_simple (guint8                *buf,
                              CanopyRemoteEventType  type)
{
  buf[0] = type;
  return 1;
}

gsize
_canopy_remote_encode_event (guint8                  *buf,
                             const CanopyRemoteEvent *event)
{
  switch (event->type)
    {
    case CANOPY_REMOTE_EVENT_BUS_REQUEST:
      return _canopy_remote_encode_bus_request (buf, event->bus_request.version,
                                                event->bus_request.bitrate);
    case CANOPY_REMOTE_EVENT_BUS_RESPONSE:
    case CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION:
      return _canopy_remote_encode_text (buf, event->type, event->text);
    case CANOPY_REMOTE_EVENT_CAN_MESSAGE:
      return _canopy_remote_encode_message (buf, &event->message);
    case CANOPY_REMOTE_EVENT_FILTER_CONFIG:
      return _canopy_remote_encode_filters (buf, event->filter_config.filters,
                                            event->filter_config.n_filters);
    case CANOPY_REMOTE_EVENT_TRANSMIT_SUCCESS:
    case CANOPY_REMOTE_EVENT_CONNECTION_CLOSED:
    default:
      return _canopy_remote_encode_simple (buf, event->type);
    }
}

void
_canopy_remote_decoder_init (CanopyRemoteDecoder *decoder)
{
  decoder->offset = 0;
  decoder->len = 0;
}

gboolean
_canopy_remote_decoder_is_idle (CanopyRemoteDecoder *decoder)
{
  return decoder->len == 0;
}

/* The size of the event starting at @p: 0 while the bytes that say it have
 * not arrived, -1 for an unknown event id. */
static gssize
event_size (const guint8 *p,
            gsize         len)
{
  switch (p[0])
    {
    case CANOPY_REMOTE_EVENT_BUS_REQUEST:
      return 6;
    case CANOPY_REMOTE_EVENT_BUS_RESPONSE:
    case CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION:
      return len < 2 ? 0 : 2 + p[1];
    case CANOPY_REMOTE_EVENT_CAN_MESSAGE:
      return CANOPY_REMOTE_MESSAGE_SIZE;
    case CANOPY_REMOTE_EVENT_TRANSMIT_SUCCESS:
    case CANOPY_REMOTE_EVENT_CONNECTION_CLOSED:
      return 1;
    case CANOPY_REMOTE_EVENT_FILTER_CONFIG:
      return len < 2 ? 0 : 2 + 8 * (gssize) p[1];
    default:
      return -1;
    }
}

/* @p holds one complete event that started at stream @offset. */
static gboolean
parse_event (const guint8       *p,
             gsize               size,
             guint64             offset,
             CanopyRemoteEvent  *event,
             GError            **error)
{
  event->type = p[0];

  switch (p[0])
    {
    case CANOPY_REMOTE_EVENT_BUS_REQUEST:
      event->bus_request.version = p[1];
      event->bus_request.bitrate = (gint32) get_u32 (p + 2);
      return TRUE;

    case CANOPY_REMOTE_EVENT_BUS_RESPONSE:
    case CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION:
      if (p[1] > 0 && !g_utf8_validate_len ((const char *) p + 2, p[1], NULL))
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                       "offset %" G_GUINT64_FORMAT ": the text of a %s event is not valid UTF-8",
                       offset, _canopy_remote_event_type_name (p[0]));
          return FALSE;
        }
      memcpy (event->text, p + 2, p[1]);
      event->text[p[1]] = '\0';
      return TRUE;

    case CANOPY_REMOTE_EVENT_CAN_MESSAGE:
      {
        CanopyMessage *msg = &event->message;
        double timestamp = get_f64 (p + 1);
        guint32 id = get_u32 (p + 9);
        guint8 dlc = p[13];
        guint8 flags = p[14];

        if (!isfinite (timestamp) || fabs (timestamp) > MAX_TIMESTAMP_S)
          {
            g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                         "offset %" G_GUINT64_FORMAT ": CanMessage timestamp %g is not a usable time",
                         offset + 1, timestamp);
            return FALSE;
          }
        if (id > 0x1FFFFFFF)
          {
            g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                         "offset %" G_GUINT64_FORMAT ": CanMessage arbitration id 0x%X is wider than 29 bits",
                         offset + 9, id);
            return FALSE;
          }
        if (dlc > 8)
          {
            g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                         "offset %" G_GUINT64_FORMAT ": CanMessage DLC %u is larger than 8",
                         offset + 13, dlc);
            return FALSE;
          }

        /* Flag bits above bit 2 are not defined; they are ignored so that
         * a peer that uses them for something new still interoperates. */
        msg->timestamp_ns = (gint64) llround (timestamp * 1e9);
        msg->arbitration_id = id;
        msg->flags = 0;
        if (flags & FLAG_EXTENDED)
          msg->flags |= CANOPY_MESSAGE_EXTENDED;
        if (flags & FLAG_REMOTE)
          msg->flags |= CANOPY_MESSAGE_REMOTE;
        if (flags & FLAG_ERROR)
          msg->flags |= CANOPY_MESSAGE_ERROR;
        msg->dlc = dlc;
        msg->reserved = 0;
        msg->channel = CANOPY_CHANNEL_NONE;
        memset (msg->data, 0, sizeof msg->data);
        if (!(flags & FLAG_REMOTE))
          memcpy (msg->data, p + 15, dlc);
        return TRUE;
      }

    case CANOPY_REMOTE_EVENT_FILTER_CONFIG:
      event->filter_config.n_filters = p[1];
      for (guint i = 0; i < p[1]; i++)
        {
          CanopyFilter *filter = &event->filter_config.filters[i];
          guint32 can_id = get_u32 (p + 2 + 8 * i);
          guint32 can_mask = get_u32 (p + 6 + 8 * i);

          filter->can_id = can_id & 0x1FFFFFFF;
          filter->can_mask = can_mask & 0x1FFFFFFF;
          filter->match_id_type = (can_mask & CANOPY_REMOTE_FILTER_EXTENDED_BIT) != 0;
          filter->extended = filter->match_id_type &&
                             (can_id & CANOPY_REMOTE_FILTER_EXTENDED_BIT) != 0;
          filter->inverted = FALSE;
        }
      return TRUE;

    case CANOPY_REMOTE_EVENT_TRANSMIT_SUCCESS:
    case CANOPY_REMOTE_EVENT_CONNECTION_CLOSED:
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
check_size (const guint8  *p,
            gsize          len,
            guint64        offset,
            gssize        *size,
            GError       **error)
{
  *size = event_size (p, len);
  if (*size < 0)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                   "offset %" G_GUINT64_FORMAT ": unknown event id %u", offset, p[0]);
      return FALSE;
    }
  return TRUE;
}

/**
 * _canopy_remote_decoder_feed:
 *
 * Decodes at most one event from @data. @consumed says how many bytes were
 * used: all of them when the result is NEED_MORE (they are kept), those of
 * the event otherwise. After an ERROR the stream cannot be trusted and the
 * connection should be closed.
 */
CanopyRemoteDecodeResult
_canopy_remote_decoder_feed (CanopyRemoteDecoder  *decoder,
                             const guint8         *data,
                             gsize                 len,
                             gsize                *consumed,
                             CanopyRemoteEvent    *event,
                             GError              **error)
{
  gssize size;

  *consumed = 0;

  if (decoder->len == 0)
    {
      /* The common case: a whole event lies in the caller's buffer. */
      if (len == 0)
        return CANOPY_REMOTE_DECODE_NEED_MORE;
      if (!check_size (data, len, decoder->offset, &size, error))
        return CANOPY_REMOTE_DECODE_ERROR;
      if (size > 0 && (gsize) size <= len)
        {
          if (!parse_event (data, size, decoder->offset, event, error))
            return CANOPY_REMOTE_DECODE_ERROR;
          decoder->offset += size;
          *consumed = size;
          return CANOPY_REMOTE_DECODE_EVENT;
        }

      /* Keep the start of an event that continues in the next read. */
      memcpy (decoder->buf, data, len);
      decoder->len = len;
      *consumed = len;
      return CANOPY_REMOTE_DECODE_NEED_MORE;
    }

  while (*consumed < len)
    {
      gsize want;

      if (!check_size (decoder->buf, decoder->len, decoder->offset, &size, error))
        return CANOPY_REMOTE_DECODE_ERROR;

      /* Until the length byte is in, take one byte at a time. */
      want = size == 0 ? 1 : (gsize) size - decoder->len;
      want = MIN (want, len - *consumed);
      memcpy (decoder->buf + decoder->len, data + *consumed, want);
      decoder->len += want;
      *consumed += want;

      if (size == 0)
        continue;

      if (decoder->len == (gsize) size)
        {
          decoder->len = 0;
          if (!parse_event (decoder->buf, size, decoder->offset, event, error))
            return CANOPY_REMOTE_DECODE_ERROR;
          decoder->offset += size;
          return CANOPY_REMOTE_DECODE_EVENT;
        }
    }

  return CANOPY_REMOTE_DECODE_NEED_MORE;
}

/* Writes all of @data, waiting for the socket as needed; @cancellable ends
 * the wait. */
gboolean
_canopy_remote_write_all (GSocket       *socket,
                          const guint8  *data,
                          gsize          len,
                          GCancellable  *cancellable,
                          GError       **error)
{
  while (len > 0)
    {
      gssize n = _canopy_socket_send_some (socket, data, len, -1, cancellable, error);
      if (n < 0)
        return FALSE;
      data += n;
      len -= n;
    }
  return TRUE;
}

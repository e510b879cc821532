/* canopy-blf-objects.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-error.h"
#include "canopy-blf-private.h"
#include "canopy-log-event-private.h"
#include "canopy-time-private.h"

/* Decoding and encoding of the BLF file header and of single objects.
 * Layouts: shared/formats/blf.md, sections 1, 2, 5 and 6. Decoders are
 * called once per frame on untrusted bytes: they check every length
 * against the object size and never allocate. */

/* SYSTEMTIME <-> nanoseconds */

gboolean
_canopy_blf_systemtime_to_ns (const BlfSystemTime *st,
                              gboolean             utc,
                              gint64              *ns)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) dt = NULL;

  *ns = 0;

  /* Implausible dates mean "no start time", as in Wireshark and
   * python-can; stop times with year 2482 exist in the wild. */
  if (st->year < 1601 || st->year > 9999 ||
      st->month < 1 || st->month > 12 ||
      st->day < 1 || st->day > 31 ||
      st->hour > 23 || st->minute > 59 || st->second > 59 ||
      st->milliseconds > 999)
    return FALSE;

  tz = utc ? g_time_zone_new_utc () : g_time_zone_new_local ();
  dt = g_date_time_new (tz, st->year, st->month, st->day,
                        st->hour, st->minute, st->second);
  if (dt == NULL)
    return FALSE;

  /* Dates after 2262 (third-party files have them) do not fit 64-bit
   * nanoseconds: no start time then, like other implausible dates. */
  return _canopy_time_from_unix (g_date_time_to_unix (dt),
                                 (guint32) st->milliseconds * 1000000, ns);
}

void
_canopy_blf_ns_to_systemtime (gint64         ns,
                              gboolean       utc,
                              BlfSystemTime *st)
{
  g_autoptr(GDateTime) dt = NULL;
  gint64 ms;
  gint64 secs;

  memset (st, 0, sizeof *st);

  /* Floor, not truncation towards zero, so times before 1970 work too. */
  ms = ns >= 0 ? ns / 1000000 : -((-ns + 999999) / 1000000);
  secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);

  dt = utc ? g_date_time_new_from_unix_utc (secs) : g_date_time_new_from_unix_local (secs);
  if (dt == NULL)
    return;

  st->year = g_date_time_get_year (dt);
  st->month = g_date_time_get_month (dt);
  st->day_of_week = g_date_time_get_day_of_week (dt) % 7;
  st->day = g_date_time_get_day_of_month (dt);
  st->hour = g_date_time_get_hour (dt);
  st->minute = g_date_time_get_minute (dt);
  st->second = g_date_time_get_second (dt);
  st->milliseconds = (guint16) (ms - secs * 1000);
}

static void
read_systemtime (const guint8  *p,
                 BlfSystemTime *st)
{
  st->year = blf_read_u16 (p);
  st->month = blf_read_u16 (p + 2);
  st->day_of_week = blf_read_u16 (p + 4);
  st->day = blf_read_u16 (p + 6);
  st->hour = blf_read_u16 (p + 8);
  st->minute = blf_read_u16 (p + 10);
  st->second = blf_read_u16 (p + 12);
  st->milliseconds = blf_read_u16 (p + 14);
}

static void
write_systemtime (guint8              *p,
                  const BlfSystemTime *st)
{
  blf_write_u16 (p, st->year);
  blf_write_u16 (p + 2, st->month);
  blf_write_u16 (p + 4, st->day_of_week);
  blf_write_u16 (p + 6, st->day);
  blf_write_u16 (p + 8, st->hour);
  blf_write_u16 (p + 10, st->minute);
  blf_write_u16 (p + 12, st->second);
  blf_write_u16 (p + 14, st->milliseconds);
}

/* File header */

gboolean
_canopy_blf_file_header_parse (const guint8   *buf,
                               gsize           len,
                               BlfFileHeader  *header,
                               GError        **error)
{
  memset (header, 0, sizeof *header);

  if (len < 4 || blf_read_u32 (buf) != BLF_FILE_SIGNATURE)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                           "offset 0: not a BLF file (no \"LOGG\" signature)");
      return FALSE;
    }

  if (len < 80)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                   "offset %" G_GSIZE_FORMAT ": the file ends inside its %u-byte header",
                   len, BLF_FILE_HEADER_SIZE);
      return FALSE;
    }

  header->header_size = blf_read_u32 (buf + 4);
  /* Everything we read lies in the first 80 bytes; a smaller header would
   * overlap the first object. */
  if (header->header_size < 72 || header->header_size > 1024 * 1024)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                   "offset 4: implausible file header size %u",
                   header->header_size);
      return FALSE;
    }

  memcpy (header->app_bytes, buf + 8, 8);
  header->file_size = blf_read_u64 (buf + 16);
  header->uncompressed_size = blf_read_u64 (buf + 24);
  header->object_count = blf_read_u32 (buf + 32);
  header->objects_read = blf_read_u32 (buf + 36);
  read_systemtime (buf + 40, &header->start);
  read_systemtime (buf + 56, &header->stop);
  if (header->header_size >= 80)
    header->restore_points_offset = blf_read_u64 (buf + 72);

  return TRUE;
}

void
_canopy_blf_file_header_write (const BlfFileHeader *header,
                               guint8               buf[BLF_FILE_HEADER_SIZE])
{
  memset (buf, 0, BLF_FILE_HEADER_SIZE);
  blf_write_u32 (buf, BLF_FILE_SIGNATURE);
  blf_write_u32 (buf + 4, BLF_FILE_HEADER_SIZE);
  memcpy (buf + 8, header->app_bytes, 8);
  blf_write_u64 (buf + 16, header->file_size);
  blf_write_u64 (buf + 24, header->uncompressed_size);
  blf_write_u32 (buf + 32, header->object_count);
  blf_write_u32 (buf + 36, header->objects_read);
  write_systemtime (buf + 40, &header->start);
  write_systemtime (buf + 56, &header->stop);
  blf_write_u64 (buf + 72, header->restore_points_offset);
}

/* Decoding */

static inline gint16
channel_from_blf (guint ch)
{
  /* BLF channels are 1-based; 0 is invalid in Vector tools. python-can
   * subtracts one, so 0 becomes -1, which is our "no channel". */
  if (ch == 0 || ch > G_MAXINT16 + 1u)
    return CANOPY_CHANNEL_NONE;
  return (gint16) (ch - 1);
}

static inline void
set_id (CanopyMessage *msg,
        guint32        raw_id)
{
  msg->arbitration_id = raw_id & 0x1FFFFFFF;
  if (raw_id & BLF_CAN_ID_EXTENDED)
    msg->flags |= CANOPY_MESSAGE_EXTENDED;
}

static inline void
copy_data (CanopyMessage *msg,
           const guint8  *data,
           gsize          available,
           gsize          wanted)
{
  gsize n = MIN (MIN (available, wanted), (gsize) CANOPY_MESSAGE_MAX_DATA);

  memcpy (msg->data, data, n);
}

/* The absolute time of an object whose base header @h was parsed and whose
 * header size fits the object. */
static inline gboolean
decode_time (const guint8     *obj,
             BlfObjectHeader  *h,
             gint64            start_ns,
             gint64           *time_ns,
             const char      **why)
{
  guint64 rel_ns;

  /* Header versions 1 and 3 (32 bytes) and 2 (40 bytes) all keep the flags
   * at 16 and the timestamp at 24. */
  if (h->header_version < 1 || h->header_version > 3)
    {
      *why = "unknown object header version";
      return FALSE;
    }
  if (h->header_size < BLF_OBJ_HEADER_V1_SIZE)
    {
      *why = "object header too small for its version";
      return FALSE;
    }

  h->flags = blf_read_u32 (obj + 16);
  h->timestamp = blf_read_u64 (obj + 24);

  /* python-can's rule: flag 1 is 10 µs, anything else nanoseconds. */
  if (h->flags == BLF_TIME_TEN_MICS)
    rel_ns = h->timestamp <= G_MAXUINT64 / 10000 ? h->timestamp * 10000 : G_MAXUINT64;
  else
    rel_ns = h->timestamp;
  if (rel_ns > (guint64) (G_MAXINT64 - MAX (start_ns, 0)))
    rel_ns = (guint64) (G_MAXINT64 - MAX (start_ns, 0));

  *time_ns = start_ns + (gint64) rel_ns;
  return TRUE;
}

BlfDecodeResult
_canopy_blf_decode_object (const guint8   *obj,
                           gsize           len,
                           gint64          start_ns,
                           CanopyMessage  *msg,
                           const char    **why)
{
  BlfObjectHeader h;
  const guint8 *body;
  gsize blen;
  gint64 time_ns;

  if (len < BLF_BASE_HEADER_SIZE || !blf_base_header_parse (obj, &h))
    {
      *why = "no object signature";
      return BLF_DECODE_BAD;
    }

  if (h.header_size < BLF_BASE_HEADER_SIZE || h.header_size > len)
    {
      *why = "object header size does not fit the object";
      return BLF_DECODE_BAD;
    }

  switch (h.object_type)
    {
    case BLF_OBJ_CAN_MESSAGE:
    case BLF_OBJ_CAN_MESSAGE2:
    case BLF_OBJ_CAN_ERROR:
    case BLF_OBJ_CAN_ERROR_EXT:
    case BLF_OBJ_CAN_FD_MESSAGE:
    case BLF_OBJ_CAN_FD_MESSAGE_64:
    case BLF_OBJ_CAN_FD_ERROR_64:
      break;

    default:
      return BLF_DECODE_SKIP;
    }

  if (!decode_time (obj, &h, start_ns, &time_ns, why))
    return BLF_DECODE_BAD;

  body = obj + h.header_size;
  blen = len - h.header_size;

  memset (msg, 0, sizeof *msg);
  msg->timestamp_ns = time_ns;

  switch (h.object_type)
    {
    case BLF_OBJ_CAN_MESSAGE:
    case BLF_OBJ_CAN_MESSAGE2:
      {
        guint8 flags, dlc;

        if (blen < 16)
          {
            *why = "CAN message object too small";
            return BLF_DECODE_BAD;
          }
        flags = body[2];
        dlc = body[3];
        msg->channel = channel_from_blf (blf_read_u16 (body));
        set_id (msg, blf_read_u32 (body + 4));
        if (flags & BLF_CAN_FLAG_TX)
          msg->flags |= CANOPY_MESSAGE_TX;
        if (flags & BLF_CAN_FLAG_RTR)
          msg->flags |= CANOPY_MESSAGE_REMOTE;
        msg->dlc = MIN (dlc, 8);
        if (!(flags & BLF_CAN_FLAG_RTR))
          copy_data (msg, body + 8, 8, msg->dlc);
        return BLF_DECODE_FRAME;
      }

    case BLF_OBJ_CAN_FD_MESSAGE:
      {
        guint8 flags, code, fd_flags, valid;

        if (blen < 20)
          {
            *why = "CAN FD message object too small";
            return BLF_DECODE_BAD;
          }
        msg->channel = channel_from_blf (blf_read_u16 (body));
        flags = body[2];
        code = MIN (body[3], 15);
        set_id (msg, blf_read_u32 (body + 4));
        fd_flags = body[13];
        valid = body[14];
        if (flags & BLF_CAN_FLAG_TX)
          msg->flags |= CANOPY_MESSAGE_TX;
        if (fd_flags & BLF_FD_FLAG_EDL)
          {
            msg->flags |= CANOPY_MESSAGE_FD;
            if (fd_flags & BLF_FD_FLAG_BRS)
              msg->flags |= CANOPY_MESSAGE_BRS;
            if (fd_flags & BLF_FD_FLAG_ESI)
              msg->flags |= CANOPY_MESSAGE_ESI;
            msg->dlc = canopy_dlc_to_length (code);
          }
        else
          {
            if (flags & BLF_CAN_FLAG_RTR)
              msg->flags |= CANOPY_MESSAGE_REMOTE;
            msg->dlc = MIN (code, 8);
          }
        if (!(msg->flags & CANOPY_MESSAGE_REMOTE))
          copy_data (msg, body + 20, blen - 20, MIN (valid, msg->dlc));
        return BLF_DECODE_FRAME;
      }

    case BLF_OBJ_CAN_FD_MESSAGE_64:
      {
        guint8 code, valid, dir, ext_offset;
        guint32 flags;
        gsize available;

        if (blen < 40)
          {
            *why = "CAN FD 64 message object too small";
            return BLF_DECODE_BAD;
          }
        msg->channel = channel_from_blf (body[0]);
        code = MIN (body[1], 15);
        valid = body[2];
        set_id (msg, blf_read_u32 (body + 4));
        flags = blf_read_u32 (body + 12);
        dir = body[34];
        ext_offset = body[35];
        if (dir != 0)
          msg->flags |= CANOPY_MESSAGE_TX;
        /* The remote bit is honoured even with EDL set, as python-can
         * reads it (Vector's own test files carry both). */
        if (flags & BLF_FD64_FLAG_REMOTE)
          msg->flags |= CANOPY_MESSAGE_REMOTE;
        if (flags & BLF_FD64_FLAG_EDL)
          {
            msg->flags |= CANOPY_MESSAGE_FD;
            if (flags & BLF_FD64_FLAG_BRS)
              msg->flags |= CANOPY_MESSAGE_BRS;
            if (flags & BLF_FD64_FLAG_ESI)
              msg->flags |= CANOPY_MESSAGE_ESI;
            msg->dlc = canopy_dlc_to_length (code);
          }
        else
          msg->dlc = MIN (code, 8);
        /* The data ends where the extension starts (TSMaster writes
         * objects too short for their valid-data count: the rest reads as
         * zeros, as in CANoe). */
        available = blen - 40;
        if (ext_offset != 0 && ext_offset >= h.header_size + 40u &&
            ext_offset - h.header_size - 40u < available)
          available = ext_offset - h.header_size - 40u;
        if (!(msg->flags & CANOPY_MESSAGE_REMOTE))
          copy_data (msg, body + 40, available, MIN (valid, msg->dlc));
        return BLF_DECODE_FRAME;
      }

    case BLF_OBJ_CAN_ERROR_EXT:
      {
        guint16 flags_ext;
        guint8 dlc;

        if (blen < 24)
          {
            *why = "CAN error object too small";
            return BLF_DECODE_BAD;
          }
        msg->channel = channel_from_blf (blf_read_u16 (body));
        /* python-can takes the whole byte (with 8 data bytes). */
        dlc = body[10];
        set_id (msg, blf_read_u32 (body + 16));
        flags_ext = blf_read_u16 (body + 20);
        msg->flags |= CANOPY_MESSAGE_ERROR;
        if (flags_ext & BLF_ERR_EXT_XDIR_TX_BIT)
          msg->flags |= CANOPY_MESSAGE_TX;
        msg->dlc = MIN (dlc, 8);
        copy_data (msg, body + 24, blen - 24, msg->dlc);
        return BLF_DECODE_FRAME;
      }

    case BLF_OBJ_CAN_ERROR:
      {
        /* python-can 2.0 wrote error frames this way; 4.x ignores them. */
        if (blen < 4)
          {
            *why = "CAN error object too small";
            return BLF_DECODE_BAD;
          }
        msg->channel = channel_from_blf (blf_read_u16 (body));
        msg->flags |= CANOPY_MESSAGE_ERROR;
        return BLF_DECODE_FRAME;
      }

    case BLF_OBJ_CAN_FD_ERROR_64:
      {
        guint8 code, valid, ext_offset;
        gsize available;

        if (blen < 44)
          {
            *why = "CAN FD error object too small";
            return BLF_DECODE_BAD;
          }
        msg->channel = channel_from_blf (body[0]);
        code = MIN (body[1], 15);
        valid = body[2];
        ext_offset = body[10];
        set_id (msg, blf_read_u32 (body + 12));
        msg->flags |= CANOPY_MESSAGE_ERROR;
        msg->dlc = MIN (canopy_dlc_to_length (code), valid);
        available = blen - 44;
        if (ext_offset != 0 && ext_offset >= h.header_size + 44u &&
            ext_offset - h.header_size - 44u < available)
          available = ext_offset - h.header_size - 44u;
        copy_data (msg, body + 44, available, msg->dlc);
        return BLF_DECODE_FRAME;
      }

    default:
      g_assert_not_reached ();
    }

  return BLF_DECODE_SKIP;
}

/* Encoding */

static inline gsize
write_header_v1 (guint8  *out,
                 guint32  object_size,
                 guint32  object_type,
                 guint64  rel_ts)
{
  blf_write_u32 (out, BLF_OBJ_SIGNATURE);
  blf_write_u16 (out + 4, BLF_OBJ_HEADER_V1_SIZE);
  blf_write_u16 (out + 6, 1);
  blf_write_u32 (out + 8, object_size);
  blf_write_u32 (out + 12, object_type);
  blf_write_u32 (out + 16, BLF_TIME_ONE_NANS);
  blf_write_u16 (out + 20, 0);  /* client index */
  blf_write_u16 (out + 22, 0);  /* object version */
  blf_write_u64 (out + 24, rel_ts);
  return BLF_OBJ_HEADER_V1_SIZE;
}

static inline guint
channel_to_blf (const CanopyMessage *msg,
                guint                max)
{
  /* python-can writes channel + 1, and channel 1 when there is none. */
  if (msg->channel < 0)
    return 1;
  return MIN ((guint) msg->channel + 1, max);
}

static inline guint32
id_to_blf (const CanopyMessage *msg)
{
  guint32 id = msg->arbitration_id & 0x1FFFFFFF;

  if (msg->flags & CANOPY_MESSAGE_EXTENDED)
    id |= BLF_CAN_ID_EXTENDED;
  return id;
}

gsize
_canopy_blf_encode_frame (guint8              *out,
                          const CanopyMessage *msg,
                          guint64              rel_ts,
                          BlfClassicObject     classic,
                          BlfFdObject          fd)
{
  guint8 *body = out + BLF_OBJ_HEADER_V1_SIZE;
  guint dlc = MIN (msg->dlc, CANOPY_MESSAGE_MAX_DATA);

  if (msg->flags & CANOPY_MESSAGE_ERROR)
    {
      guint16 flags_ext;

      /* Direction in the extended-direction bits (2 RX, 3 TX) and the RX
       * bit, so Wireshark and CANoe show it; python-can writes zeros. */
      flags_ext = (msg->flags & CANOPY_MESSAGE_TX) ? 0x3000 : (0x2000 | BLF_ERR_EXT_DIR_RX);

      write_header_v1 (out, BLF_CAN_ERROR_EXT_SIZE, BLF_OBJ_CAN_ERROR_EXT, rel_ts);
      memset (body, 0, BLF_CAN_ERROR_EXT_SIZE - BLF_OBJ_HEADER_V1_SIZE);
      blf_write_u16 (body, channel_to_blf (msg, G_MAXUINT16));
      body[10] = canopy_length_to_dlc (MIN (dlc, 8));
      blf_write_u32 (body + 16, id_to_blf (msg));
      blf_write_u16 (body + 20, flags_ext);
      memcpy (body + 24, msg->data, MIN (dlc, 8));
      return BLF_CAN_ERROR_EXT_SIZE;
    }

  if (msg->flags & CANOPY_MESSAGE_FD)
    {
      guint code = canopy_length_to_dlc (dlc);
      guint len = canopy_dlc_to_length (code);

      if (fd == BLF_FD_CAN_FD_MESSAGE)
        {
          guint8 fd_flags = BLF_FD_FLAG_EDL;

          if (msg->flags & CANOPY_MESSAGE_BRS)
            fd_flags |= BLF_FD_FLAG_BRS;
          if (msg->flags & CANOPY_MESSAGE_ESI)
            fd_flags |= BLF_FD_FLAG_ESI;

          write_header_v1 (out, BLF_CAN_FD_MESSAGE_SIZE, BLF_OBJ_CAN_FD_MESSAGE, rel_ts);
          memset (body, 0, BLF_CAN_FD_MESSAGE_SIZE - BLF_OBJ_HEADER_V1_SIZE);
          blf_write_u16 (body, channel_to_blf (msg, G_MAXUINT16));
          body[2] = (msg->flags & CANOPY_MESSAGE_TX) ? BLF_CAN_FLAG_TX : 0;
          body[3] = code;
          blf_write_u32 (body + 4, id_to_blf (msg));
          body[13] = fd_flags;
          body[14] = len;
          memcpy (body + 20, msg->data, MIN (dlc, len));
          return BLF_CAN_FD_MESSAGE_SIZE;
        }
      else
        {
          guint32 flags = BLF_FD64_FLAG_EDL;
          guint32 size = BLF_CAN_FD_MESSAGE_64_FIXED + len;

          if (msg->flags & CANOPY_MESSAGE_BRS)
            flags |= BLF_FD64_FLAG_BRS;
          if (msg->flags & CANOPY_MESSAGE_ESI)
            flags |= BLF_FD64_FLAG_ESI;

          /* Lengths up to 8 leave the object unaligned: pad it. */
          write_header_v1 (out, size, BLF_OBJ_CAN_FD_MESSAGE_64, rel_ts);
          memset (body, 0, size - BLF_OBJ_HEADER_V1_SIZE + size % 4);
          body[0] = channel_to_blf (msg, G_MAXUINT8);
          body[1] = code;
          body[2] = len;
          blf_write_u32 (body + 4, id_to_blf (msg));
          blf_write_u32 (body + 12, flags);
          body[34] = (msg->flags & CANOPY_MESSAGE_TX) ? 1 : 0;
          memcpy (body + 40, msg->data, MIN (dlc, len));
          return size + size % 4;
        }
    }

  /* Classic CAN: CAN_MESSAGE or CAN_MESSAGE2, 8 data bytes always. */
  {
    guint32 size = classic == BLF_CLASSIC_CAN_MESSAGE2 ? BLF_CAN_MESSAGE2_SIZE : BLF_CAN_MESSAGE_SIZE;
    guint8 flags = 0;

    if (msg->flags & CANOPY_MESSAGE_TX)
      flags |= BLF_CAN_FLAG_TX;
    if (msg->flags & CANOPY_MESSAGE_REMOTE)
      flags |= BLF_CAN_FLAG_RTR;

    write_header_v1 (out, size,
                     classic == BLF_CLASSIC_CAN_MESSAGE2 ? BLF_OBJ_CAN_MESSAGE2 : BLF_OBJ_CAN_MESSAGE,
                     rel_ts);
    memset (body, 0, size - BLF_OBJ_HEADER_V1_SIZE);
    blf_write_u16 (body, channel_to_blf (msg, G_MAXUINT16));
    body[2] = flags;
    body[3] = MIN (dlc, 15);
    blf_write_u32 (body + 4, id_to_blf (msg));
    if (!(msg->flags & CANOPY_MESSAGE_REMOTE))
      memcpy (body + 8, msg->data, MIN (dlc, 8));
    return size;
  }
}

/* A text of @len bytes as UTF-8: up to its first NUL (fixed-size buffers
 * are NUL-padded), Windows-1252 when it is not UTF-8 already. */
static char *
text_to_utf8 (const guint8 *p,
              gsize         len)
{
  const guint8 *nul = memchr (p, 0, len);
  char *utf8;

  if (nul != NULL)
    len = nul - p;
  if (g_utf8_validate ((const char *) p, len, NULL))
    return g_strndup ((const char *) p, len);
  if ((utf8 = g_convert ((const char *) p, len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL)))
    return utf8;
  return g_utf8_make_valid ((const char *) p, len);
}

CanopyLogEvent *
_canopy_blf_decode_event (const guint8  *obj,
                          gsize          len,
                          gint64         start_ns,
                          const char   **why)
{
  BlfObjectHeader h;
  CanopyLogEvent *event;
  const guint8 *body;
  gsize blen;
  gint64 time_ns;

  if (len < BLF_BASE_HEADER_SIZE || !blf_base_header_parse (obj, &h) ||
      h.header_size < BLF_BASE_HEADER_SIZE || h.header_size > len)
    {
      *why = "object header size does not fit the object";
      return NULL;
    }
  if (!decode_time (obj, &h, start_ns, &time_ns, why))
    return NULL;

  body = obj + h.header_size;
  blen = len - h.header_size;

  /* Strings are cut to the object: the Vector converter declares more
   * than its object size covers (shared/formats/blf.md, 3.1). */
  if (h.object_type == BLF_OBJ_APP_TEXT)
    {
      gsize text_len;

      if (blen < 16)
        {
          *why = "application text object too small";
          return NULL;
        }
      text_len = MIN ((gsize) blf_read_u32 (body + 8), blen - 16);
      event = g_new0 (CanopyLogEvent, 1);
      g_atomic_ref_count_init (&event->ref_count);
      event->kind = CANOPY_LOG_EVENT_TEXT;
      event->source = blf_read_u32 (body);
      event->source_info = blf_read_u32 (body + 4);
      event->text = text_to_utf8 (body + 16, text_len);
    }
  else if (h.object_type == BLF_OBJ_GLOBAL_MARKER)
    {
      gsize lens[3];
      char *strings[3];
      gsize at = 40;

      if (blen < 40)
        {
          *why = "global marker object too small";
          return NULL;
        }
      for (guint i = 0; i < 3; i++)
        {
          lens[i] = MIN ((gsize) blf_read_u32 (body + 16 + 4 * i), blen - at);
          strings[i] = text_to_utf8 (body + at, lens[i]);
          at += lens[i];
        }
      event = g_new0 (CanopyLogEvent, 1);
      g_atomic_ref_count_init (&event->ref_count);
      event->kind = CANOPY_LOG_EVENT_MARKER;
      event->event_type = blf_read_u32 (body);
      event->foreground = blf_read_u32 (body + 4);
      event->background = blf_read_u32 (body + 8);
      event->relocatable = body[12] != 0;
      event->group = strings[0];
      event->marker = strings[1];
      event->description = strings[2];
    }
  else
    {
      *why = "not an event object";
      return NULL;
    }

  event->timestamp_ns = time_ns;
  return event;
}

static inline gsize
string_length (const char *s)
{
  gsize n = s != NULL ? strlen (s) : 0;

  /* Vector tools show a few KiB at most; keep objects sane, and cut
   * before a character, not inside one: readers take a text that is not
   * valid UTF-8 for Windows-1252. */
  if (n > BLF_MAX_EVENT_TEXT)
    {
      n = BLF_MAX_EVENT_TEXT;
      while (n > 0 && ((guchar) s[n] & 0xC0) == 0x80)
        n--;
    }
  return n;
}

gsize
_canopy_blf_encode_event (guint8               *out,
                          const CanopyLogEvent *event,
                          guint64               rel_ts)
{
  guint8 *body;
  gsize size;

  if (event->kind == CANOPY_LOG_EVENT_TEXT)
    {
      gsize text_len = string_length (event->text);

      size = BLF_OBJ_HEADER_V1_SIZE + 16 + text_len;
      if (out == NULL)
        return size + size % 4;

      body = out + BLF_OBJ_HEADER_V1_SIZE;
      write_header_v1 (out, size, BLF_OBJ_APP_TEXT, rel_ts);
      memset (body, 0, 16);
      blf_write_u32 (body, event->source);
      blf_write_u32 (body + 4, event->source_info);
      blf_write_u32 (body + 8, text_len);
      memcpy (body + 16, event->text, text_len);
      memset (body + 16 + text_len, 0, size % 4);
    }
  else
    {
      const char *strings[3] = { event->group, event->marker, event->description };
      gsize lens[3];

      size = BLF_OBJ_HEADER_V1_SIZE + 40;
      for (guint i = 0; i < 3; i++)
        size += lens[i] = string_length (strings[i]);
      if (out == NULL)
        return size + size % 4;

      /* python-can puts the relocatable byte one late; Vector at 12. */
      body = out + BLF_OBJ_HEADER_V1_SIZE;
      write_header_v1 (out, size, BLF_OBJ_GLOBAL_MARKER, rel_ts);
      memset (body, 0, 40);
      blf_write_u32 (body + 0, event->event_type);
      blf_write_u32 (body + 4, event->foreground);
      blf_write_u32 (body + 8, event->background);
      body[12] = event->relocatable ? 1 : 0;
      body += 16;
      for (guint i = 0; i < 3; i++)
        blf_write_u32 (body + 4 * i, lens[i]);
      body += 24;
      for (guint i = 0; i < 3; i++)
        {
          memcpy (body, strings[i], lens[i]);
          body += lens[i];
        }
      memset (body, 0, size % 4);
    }

  return size + size % 4;
}

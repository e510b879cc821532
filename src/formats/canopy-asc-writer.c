/* canopy-asc-writer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-asc-writer.h"
#include "canopy-error.h"
#include "canopy-log-writer-private.h"
#include "canopy-text-io-private.h"

/**
 * CanopyAscWriter:
 *
 * Writes Vector ASC logs with the header CANalyzer writes (`date`, `base hex
 * timestamps absolute`, `internal events logged`, a trigger block), classic
 * lines, CANFD lines for CAN FD frames, remote and error frames, in the
 * column layout python-can and CANoe read.
 *
 * The `date` line and the trigger block carry the first frame's time
 * (milliseconds, local time), and each line the offset from it with
 * microsecond resolution, so absolute times survive a round trip.
 * A name ending in `.gz` is compressed.
 */

struct _CanopyAscWriter
{
  CanopyLogWriter   parent_instance;
  CanopyTextOutput *out;
  gint64            start_ns;
  gint64            last_ns;
  guint             started : 1;
};

G_DEFINE_FINAL_TYPE (CanopyAscWriter, canopy_asc_writer, CANOPY_TYPE_LOG_WRITER)

static char *
format_date (gint64 ns)
{
  static const char *days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr(GDateTime) dt = NULL;
  gint64 ms = ns / 1000000;
  int hour;

  if (ns < 0 || !(dt = g_date_time_new_from_unix_local (ms / 1000)))
    dt = g_date_time_new_from_unix_local (0);

  hour = g_date_time_get_hour (dt) % 12;

  /* English names whatever the locale: what CANalyzer writes and what
   * python-can and can-utils parse. */
  return g_strdup_printf ("%s %s %d %02d:%02d:%02d.%03d %s %d",
                          days[g_date_time_get_day_of_week (dt) - 1],
                          months[g_date_time_get_month (dt) - 1],
                          g_date_time_get_day_of_month (dt),
                          hour == 0 ? 12 : hour,
                          g_date_time_get_minute (dt),
                          g_date_time_get_second (dt),
                          (int) (ms % 1000),
                          g_date_time_get_hour (dt) < 12 ? "am" : "pm",
                          g_date_time_get_year (dt));
}

static gboolean
write_header (CanopyAscWriter  *self,
              gint64            start_ns,
              GError          **error)
{
  g_autofree char *date = NULL;

  /* The header's millisecond time is the origin of every offset. */
  self->start_ns = start_ns < 0 ? 0 : start_ns - start_ns % 1000000;
  self->last_ns = self->start_ns;
  self->started = TRUE;
  date = format_date (self->start_ns);

  return _canopy_text_output_printf (self->out, error,
                                     "date %s\n"
                                     "base hex  timestamps absolute\n"
                                     "internal events logged\n"
                                     "// version 9.0.0\n"
                                     "Begin Triggerblock %s\n"
                                     "   0.000000 Start of measurement\n",
                                     date, date);
}

static gsize
format_offset (CanopyAscWriter *self,
               char            *p,
               gint64           ns)
{
  gsize n;
  /* Offsets are never negative in ASC; an early frame is put at the start.
   * Compared before subtracting: any two gint64 times must not overflow. */
  gint64 offset = ns > self->start_ns ? ns - self->start_ns : 0;

  /* Right-aligned in 11 columns, like "{:11.6f}" in CANalyzer files. */
  n = _canopy_format_seconds (p + 16, offset, 6);
  if (n < 11)
    {
      memset (p, ' ', 11 - n);
      memmove (p + 11 - n, p + 16, n);
      return 11;
    }
  memmove (p, p + 16, n);
  return n;
}

static gsize
format_hex_id (char    *p,
               guint32  id,
               gboolean lower)
{
  const char *hex = lower ? _canopy_hex_lower : _canopy_hex_upper;
  char tmp[8];
  gsize n = 0;

  do
    {
      tmp[n++] = hex[id & 0xf];
      id >>= 4;
    }
  while (id != 0);

  for (gsize i = 0; i < n; i++)
    p[i] = tmp[n - 1 - i];

  return n;
}

static gboolean
canopy_asc_writer_write (CanopyLogWriter      *writer,
                         const CanopyMessage  *msg,
                         GError              **error)
{
  CanopyAscWriter *self = CANOPY_ASC_WRITER (writer);
  guint channel = msg->channel >= 0 ? msg->channel + 1 : 1;
  gsize len = MIN (msg->dlc, CANOPY_MESSAGE_MAX_DATA);
  char *line;
  char *p;

  if (!self->started && !write_header (self, msg->timestamp_ns, error))
    return FALSE;

  if (!(line = _canopy_text_output_reserve (self->out, 512, error)))
    return FALSE;

  p = line;
  p += format_offset (self, p, msg->timestamp_ns);
  *p++ = ' ';

  if (msg->flags & CANOPY_MESSAGE_ERROR)
    {
      p += _canopy_format_uint64 (p, channel);
      memcpy (p, "  ErrorFrame", 12);
      p += 12;
    }
  else if (msg->flags & CANOPY_MESSAGE_FD)
    {
      char id[16];
      gsize id_len = format_hex_id (id, msg->arbitration_id, FALSE);
      guint flags = 0x1000;
      char num[24];
      gsize num_len;

      if (msg->flags & CANOPY_MESSAGE_EXTENDED)
        id[id_len++] = 'x';

      /* "CANFD {ch:>3} {dir:<4} {id:>8}  {name:>32} {brs} {esi} {dlc:x} {len:>2} …" */
      memcpy (p, "CANFD ", 6);
      p += 6;
      num_len = _canopy_format_uint64 (num, channel);
      for (gsize i = num_len; i < 3; i++)
        *p++ = ' ';
      memcpy (p, num, num_len);
      p += num_len;
      memcpy (p, (msg->flags & CANOPY_MESSAGE_TX) ? " Tx   " : " Rx   ", 6);
      p += 6;
      for (gsize i = id_len; i < 8; i++)
        *p++ = ' ';
      memcpy (p, id, id_len);
      p += id_len;
      memset (p, ' ', 35);
      p += 35;
      *p++ = (msg->flags & CANOPY_MESSAGE_BRS) ? '1' : '0';
      *p++ = ' ';
      *p++ = (msg->flags & CANOPY_MESSAGE_ESI) ? '1' : '0';
      *p++ = ' ';
      *p++ = _canopy_hex_lower[canopy_length_to_dlc (len) & 0xf];
      *p++ = ' ';
      if (len < 10)
        *p++ = ' ';
      p += _canopy_format_uint64 (p, len);
      for (gsize i = 0; i < len; i++)
        {
          *p++ = ' ';
          *p++ = _canopy_hex_upper[msg->data[i] >> 4];
          *p++ = _canopy_hex_upper[msg->data[i] & 0xf];
        }

      if (msg->flags & CANOPY_MESSAGE_BRS)
        flags |= 0x2000;
      if (msg->flags & CANOPY_MESSAGE_ESI)
        flags |= 0x4000;
      num_len = g_snprintf (num, sizeof num, "%8X", flags);
      memcpy (p, "        0    0 ", 15);
      p += 15;
      memcpy (p, num, num_len);
      p += num_len;
      memcpy (p, "        0        0        0        0        0", 45);
      p += 45;
    }
  else
    {
      char id[16];
      gsize id_len = format_hex_id (id, msg->arbitration_id, FALSE);

      for (gsize i = 0; i < id_len; i++)
        id[i] = g_ascii_toupper (id[i]);
      if (msg->flags & CANOPY_MESSAGE_EXTENDED)
        id[id_len++] = 'x';

      /* "{ch}  {id:<15} {dir:<4} d {dlc:x} {bytes}" */
      p += _canopy_format_uint64 (p, channel);
      *p++ = ' ';
      *p++ = ' ';
      memcpy (p, id, id_len);
      p += id_len;
      for (gsize i = id_len; i < 16; i++)
        *p++ = ' ';
      memcpy (p, (msg->flags & CANOPY_MESSAGE_TX) ? "Tx   " : "Rx   ", 5);
      p += 5;

      if (msg->flags & CANOPY_MESSAGE_REMOTE)
        {
          *p++ = 'r';
          *p++ = ' ';
          *p++ = _canopy_hex_upper[MIN (msg->dlc, 15) & 0xf];
        }
      else
        {
          len = MIN (len, 8);
          *p++ = 'd';
          *p++ = ' ';
          *p++ = _canopy_hex_lower[len];
          for (gsize i = 0; i < len; i++)
            {
              *p++ = ' ';
              *p++ = _canopy_hex_upper[msg->data[i] >> 4];
              *p++ = _canopy_hex_upper[msg->data[i] & 0xf];
            }
        }
    }

  *p++ = '\n';
  _canopy_text_output_commit (self->out, p - line);
  self->last_ns = msg->timestamp_ns;

  return TRUE;
}

static gboolean
canopy_asc_writer_log_event (CanopyLogWriter  *writer,
                             const char       *text,
                             gint64            timestamp_ns,
                             GError          **error)
{
  CanopyAscWriter *self = CANOPY_ASC_WRITER (writer);
  g_autofree char *clean = g_strdup (text);
  char offset[64];
  gsize n;

  if (!self->started &&
      !write_header (self, timestamp_ns >= 0 ? timestamp_ns : g_get_real_time () * 1000, error))
    return FALSE;

  /* One line: a marker never becomes something a reader parses as a frame. */
  g_strdelimit (clean, "\r\n", ' ');
  n = format_offset (self, offset, timestamp_ns >= 0 ? timestamp_ns : self->last_ns);
  offset[n] = '\0';

  /* A marker must never read back as a frame: text that starts like one
   * (a channel number, CANFD) gets a prefix. */
  g_strstrip (clean);
  return _canopy_text_output_printf (self->out, error, "%s %s%s\n", offset,
                                     (g_ascii_isdigit (clean[0]) ||
                                      g_ascii_strncasecmp (clean, "CAN", 3) == 0) ? "Marker: " : "",
                                     clean);
}

/* At least once a second (the base class decides): the lines so far
 * reach the file. */
static gboolean
canopy_asc_writer_flush (CanopyLogWriter  *writer,
                        GError          **error)
{
  return _canopy_text_output_sync (CANOPY_ASC_WRITER (writer)->out, error);
}

static gboolean
canopy_asc_writer_close (CanopyLogWriter  *writer,
                         GError          **error)
{
  CanopyAscWriter *self = CANOPY_ASC_WRITER (writer);
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  if (self->out == NULL)
    return TRUE;

  if (!self->started)
    write_header (self, g_get_real_time () * 1000, &local_error);
  if (local_error == NULL)
    _canopy_text_output_write (self->out, "End TriggerBlock\n", -1, &local_error);

  ok = _canopy_text_output_close (g_steal_pointer (&self->out), local_error ? NULL : &local_error);
  if (!ok || local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static void
canopy_asc_writer_finalize (GObject *object)
{
  CanopyAscWriter *self = CANOPY_ASC_WRITER (object);

  if (self->out != NULL)
    _canopy_text_output_close (g_steal_pointer (&self->out), NULL);

  G_OBJECT_CLASS (canopy_asc_writer_parent_class)->finalize (object);
}

static guint64
canopy_asc_writer_get_size (CanopyLogWriter *writer)
{
  CanopyAscWriter *self = CANOPY_ASC_WRITER (writer);

  return self->out != NULL ? _canopy_text_output_get_size (self->out) : 0;
}

static void
canopy_asc_writer_class_init (CanopyAscWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogWriterClass *writer_class = CANOPY_LOG_WRITER_CLASS (klass);

  object_class->finalize = canopy_asc_writer_finalize;
  writer_class->write = canopy_asc_writer_write;
  writer_class->log_event = canopy_asc_writer_log_event;
  writer_class->close = canopy_asc_writer_close;
  writer_class->get_size = canopy_asc_writer_get_size;
  writer_class->flush = canopy_asc_writer_flush;
}

static void
canopy_asc_writer_init (CanopyAscWriter *self)
{
}

/**
 * canopy_asc_writer_new:
 * @path: (type filename): the file to create (or truncate); gzip-compressed
 *   when the name ends in `.gz`
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a new writer, or %NULL if @path cannot be created
 */
CanopyAscWriter *
canopy_asc_writer_new (const char  *path,
                       GError     **error)
{
  g_autoptr(CanopyAscWriter) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CANOPY_TYPE_ASC_WRITER, "path", path, NULL);
  if (!(self->out = _canopy_text_output_open (path, error)))
    return NULL;

  return g_steal_pointer (&self);
}

/* canopy-trace-format.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "canopy-trace-format.h"

/* The text of the trace's cells, written into caller buffers: a view that
 * rebinds its visible rows 60 times a second allocates nothing for them. */

/* Timestamps after 2001-09-09 are wall-clock times; smaller ones count from
 * some start (a log recorded relative to its first frame, a boot clock). */
#define WALL_CLOCK_THRESHOLD_NS G_GINT64_CONSTANT (1000000000000000000)

CanopyTimeFormat
canopy_time_format_from_string (const char *nick)
{
  if (g_strcmp0 (nick, "absolute") == 0)
    return CANOPY_TIME_ABSOLUTE;
  if (g_strcmp0 (nick, "delta") == 0)
    return CANOPY_TIME_DELTA;
  return CANOPY_TIME_RELATIVE;
}

static void
format_seconds (char   *buf,
                gsize   size,
                gint64  ns)
{
  gint64 magnitude = ns < 0 ? -ns : ns;

  g_snprintf (buf, size, "%s%" G_GINT64_FORMAT ".%06d",
              ns < 0 ? "-" : "",
              magnitude / G_GINT64_CONSTANT (1000000000),
              (int) ((magnitude % G_GINT64_CONSTANT (1000000000)) / 1000));
}

/**
 * canopy_trace_format_time:
 * @reference_ns: the first frame's time for %CANOPY_TIME_RELATIVE, the
 *   previous frame's of the same id for %CANOPY_TIME_DELTA (negative: none,
 *   the cell stays empty); unused for %CANOPY_TIME_ABSOLUTE
 */
void
canopy_trace_format_time (char             *buf,
                          gsize             size,
                          CanopyTimeFormat  format,
                          gint64            timestamp_ns,
                          gint64            reference_ns)
{
  switch (format)
    {
    case CANOPY_TIME_ABSOLUTE:
      if (timestamp_ns >= WALL_CLOCK_THRESHOLD_NS)
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (timestamp_ns / G_GINT64_CONSTANT (1000000000));
          g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

          if (local != NULL)
            {
              g_snprintf (buf, size, "%02d:%02d:%02d.%06d",
                          g_date_time_get_hour (local),
                          g_date_time_get_minute (local),
                          g_date_time_get_second (local),
                          (int) ((timestamp_ns % G_GINT64_CONSTANT (1000000000)) / 1000));
              return;
            }
        }
      format_seconds (buf, size, timestamp_ns);
      return;

    case CANOPY_TIME_RELATIVE:
      format_seconds (buf, size, timestamp_ns - reference_ns);
      return;

    case CANOPY_TIME_DELTA:
    default:
      if (reference_ns < 0)
        buf[0] = '\0';
      else
        format_seconds (buf, size, timestamp_ns - reference_ns);
      return;
    }
}

/* Standard ids as three hex digits, extended ids as eight with an `x`, the
 * way Vector's ASC logs mark them. */
void
canopy_trace_format_id (char                *buf,
                        gsize                size,
                        const CanopyMessage *msg)
{
  if (msg->flags & CANOPY_MESSAGE_EXTENDED)
    g_snprintf (buf, size, "%08Xx", msg->arbitration_id);
  else
    g_snprintf (buf, size, "%03X", msg->arbitration_id);
}

void
canopy_trace_format_flags (char                *buf,
                           gsize                size,
                           const CanopyMessage *msg)
{
  static const struct { guint32 flag; const char *name; } names[] = {
    { CANOPY_MESSAGE_FD, "FD" },
    { CANOPY_MESSAGE_BRS, "BRS" },
    { CANOPY_MESSAGE_ESI, "ESI" },
    { CANOPY_MESSAGE_REMOTE, "RTR" },
    { CANOPY_MESSAGE_ERROR, "ERR" },
  };
  gsize used = 0;

  buf[0] = '\0';
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if ((msg->flags & names[i].flag) == 0)
        continue;
      used += g_snprintf (buf + used, size > used ? size - used : 0, "%s%s",
                          used > 0 ? " " : "", names[i].name);
      if (used >= size)
        return;
    }
}

const char *
canopy_trace_format_direction (const CanopyMessage *msg)
{
  return (msg->flags & CANOPY_MESSAGE_TX) ? "Tx" : "Rx";
}

static guint
payload_length (const CanopyMessage *msg)
{
  gsize length;

  /* The engine's rule: none for a remote frame, the dlc's bytes otherwise. */
  canopy_message_get_data (msg, &length);
  return MIN (length, CANOPY_MESSAGE_MAX_DATA);
}

/**
 * canopy_trace_format_data:
 * @changed_mask: bit i set: byte i changed since the id's previous frame;
 *   those bytes are highlighted (bytes past 63 are never highlighted)
 *
 * Writes Pango markup: the bytes in hex separated by spaces.
 */
void
canopy_trace_format_data (char                *buf,
                          gsize                size,
                          const CanopyMessage *msg,
                          guint64              changed_mask)
{
  static const char hex[] = "0123456789ABCDEF";
  static const char open[] = "<span weight=\"bold\" bgcolor=\"#3584e4\" bgalpha=\"30%\">";
  static const char close[] = "</span>";
  guint len = payload_length (msg);
  gsize used = 0;

  g_return_if_fail (size >= 1);

  for (guint i = 0; i < len; i++)
    {
      gboolean changed = i < 64 && (changed_mask & (G_GUINT64_CONSTANT (1) << i)) != 0;
      gsize need = 3 + (changed ? sizeof open + sizeof close : 0);

      if (used + need >= size)
        break;
      if (i > 0)
        buf[used++] = ' ';
      if (changed)
        {
          memcpy (buf + used, open, sizeof open - 1);
          used += sizeof open - 1;
        }
      buf[used++] = hex[msg->data[i] >> 4];
      buf[used++] = hex[msg->data[i] & 0xf];
      if (changed)
        {
          memcpy (buf + used, close, sizeof close - 1);
          used += sizeof close - 1;
        }
    }
  buf[used] = '\0';
}

void
canopy_trace_format_ascii (char                *buf,
                           gsize                size,
                           const CanopyMessage *msg)
{
  guint len = MIN (payload_length (msg), size - 1);

  for (guint i = 0; i < len; i++)
    buf[i] = (msg->data[i] >= 0x20 && msg->data[i] < 0x7f) ? (char) msg->data[i] : '.';
  buf[len] = '\0';
}

void
canopy_trace_format_period (char   *buf,
                            gsize   size,
                            gint64  period_ns)
{
  if (period_ns <= 0)
    buf[0] = '\0';
  else if (period_ns < G_GINT64_CONSTANT (10000000))
    g_snprintf (buf, size, "%.2f ms", period_ns / 1e6);
  else if (period_ns < G_GINT64_CONSTANT (10000000000))
    g_snprintf (buf, size, "%.1f ms", period_ns / 1e6);
  else
    g_snprintf (buf, size, "%.1f s", period_ns / 1e9);
}

/* "12,345": counts people read, grouped by the locale. */
char *
canopy_format_count (guint64 n)
{
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

/* Appends what a reader passed over, on lines of their own: the count,
 * then each reason kept (a line or byte offset and why). */
void
canopy_format_skipped (GString            *text,
                       guint64             n_skipped,
                       const char * const *reasons)
{
  g_autofree char *skipped = NULL;

  if (n_skipped == 0)
    return;

  skipped = canopy_format_count (n_skipped);
  if (text->len > 0)
    g_string_append_c (text, '\n');
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                             "%s line or object was skipped:",
                                             "%s lines or objects were skipped:", n_skipped),
                          skipped);
  for (guint i = 0; reasons != NULL && reasons[i] != NULL; i++)
    g_string_append_printf (text, "\n• %s", reasons[i]);
}

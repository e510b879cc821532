/* canopy-convert.c — convert CAN logs between formats
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "canopy-tool-common.h"
#include "canopy-time-private.h"

#ifdef G_OS_WIN32
# include <io.h>
# define isatty _isatty
#else
# include <unistd.h>
#endif

#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 10)

/* A time limit: seconds after the first frame, or an absolute time (Unix
 * seconds larger than 10^9, or ISO 8601 such as 2024-05-01T10:00:00Z). */
typedef struct
{
  gboolean set;
  gboolean absolute;
  gint64   ns;
} TimeLimit;

static gboolean
parse_time_limit (const char  *text,
                  TimeLimit   *limit,
                  GError     **error)
{
  g_autoptr(GDateTime) dt = NULL;
  char *end = NULL;
  double value;

  if (text == NULL)
    return TRUE;

  value = g_ascii_strtod (text, &end);
  if (end != text && *end == '\0' && value == value)
    {
      limit->set = TRUE;
      limit->absolute = value >= 1e9;
      if (_canopy_time_from_double (value, &limit->ns))
        return TRUE;
    }
  else if ((dt = g_date_time_new_from_iso8601 (text, NULL)))
    {
      limit->set = TRUE;
      limit->absolute = TRUE;
      if (_canopy_time_from_unix (g_date_time_to_unix (dt),
                                  g_date_time_get_microsecond (dt) * 1000, &limit->ns))
        return TRUE;
    }

  if (limit->set)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "The time “%s” is out of range (1677 to 2262)", text);
      return FALSE;
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "Cannot read the time “%s”: give seconds after the first frame, "
               "Unix seconds, or an ISO 8601 date and time", text);
  return FALSE;
}

static gint64
resolve_limit (const TimeLimit *limit,
               gint64           first_ns)
{
  gint64 ns;

  if (limit->absolute)
    return limit->ns;
  if (_canopy_time_add (first_ns, limit->ns, &ns))
    return ns;
  return limit->ns > 0 ? G_MAXINT64 : G_MININT64;
}

static void
show_progress (CanopyLogReader *reader,
               guint64          read,
               guint64          written,
               gboolean         done)
{
  g_printerr ("\r%5.1f%%  %" G_GUINT64_FORMAT " frames read, %" G_GUINT64_FORMAT " written%s",
              100.0 * canopy_log_reader_get_fraction (reader), read, written,
              done ? "\n" : "");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) close_error = NULL;
  g_autoptr(CanopyLogReader) reader = NULL;
  g_autoptr(CanopyLogWriter) writer = NULL;
  g_autoptr(GArray) filters = NULL;
  g_auto(GStrv) filter_args = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;
  gboolean quiet = FALSE;
  gboolean verbose = FALSE;
  gboolean progress;
  TimeLimit start = { 0 };
  TimeLimit end = { 0 };
  gint64 first_ns = 0;
  gint64 last_progress = 0;
  guint64 n_read = 0;
  guint64 n_written = 0;
  CanopyMessage msg;
  GOptionEntry entries[] = {
    { "filter", 0, 0, G_OPTION_ARG_STRING_ARRAY, &filter_args,
      "Keep only frames matching these filters: <can_id>:<can_mask> or "
      "<can_id>~<can_mask>, hexadecimal, comma separated (repeatable)", "FILTERS" },
    { "start", 's', 0, G_OPTION_ARG_STRING, &start_text,
      "Drop frames before this time: seconds after the first frame, Unix "
      "seconds, or ISO 8601", "TIME" },
    { "end", 'e', 0, G_OPTION_ARG_STRING, &end_text,
      "Drop frames after this time (same forms as --start)", "TIME" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      "No progress display", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      "Print the formats and counts", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "IN OUT" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = canopy_tool_option_context_new ("Convert a CAN log to another format. The formats follow the "
                                            "extensions:\n.asc .blf .csv .db .log (candump -L) .trc (read "
                                            "only), .gz for text formats;\nany other output name is "
                                            "written as text, one frame per line.",
                                            NULL, entries);

  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !parse_time_limit (start_text, &start, &error) ||
      !parse_time_limit (end_text, &end, &error))
    return canopy_tool_fail ("canopy-convert", error, 2);

  if (files == NULL || g_strv_length (files) != 2)
    {
      g_printerr ("canopy-convert: give one input and one output file (see --help)\n");
      return 2;
    }

  if (!(filters = canopy_tool_parse_filters (filter_args, &error)))
    return canopy_tool_fail ("canopy-convert", error, 2);

  if (g_strcmp0 (files[0], files[1]) == 0)
    {
      g_printerr ("canopy-convert: the output would overwrite the input\n");
      return 2;
    }

  /* Before opening anything: opening can block (a FIFO). */
  canopy_tool_catch_interrupt ();

  if (!(reader = canopy_log_reader_new_for_file (files[0], &error)) ||
      !(writer = canopy_log_writer_new_for_file (files[1], &error)))
    return canopy_tool_fail ("canopy-convert", error, 1);

  if (verbose)
    g_printerr ("Converting %s (%s) to %s (%s)\n",
                files[0], canopy_log_reader_get_format (reader),
                files[1], canopy_log_writer_get_format (writer));

  progress = !quiet && isatty (fileno (stderr));
  canopy_log_reader_set_cancellable (reader, canopy_tool_get_cancellable ());

  while (canopy_log_reader_next (reader, &msg, &error))
    {
      if (n_read++ == 0)
        {
          first_ns = msg.timestamp_ns;
          /* Relative limits become absolute once, saturating at the ends
           * of what a time can be. */
          start.ns = resolve_limit (&start, first_ns);
          end.ns = resolve_limit (&end, first_ns);
          start.absolute = end.absolute = TRUE;
        }

      /* Interrupts are polled with or without a progress display (-q). */
      if ((n_read & 0xfff) == 0)
        {
          gint64 now = g_get_monotonic_time ();

          if (progress && now - last_progress >= PROGRESS_INTERVAL_US)
            {
              last_progress = now;
              show_progress (reader, n_read, n_written, FALSE);
            }
          if (canopy_tool_interrupted ())
            break;
        }

      if (start.set && msg.timestamp_ns < start.ns)
        continue;
      if (end.set && msg.timestamp_ns > end.ns)
        continue;
      if (filters->len > 0 &&
          !canopy_filters_match ((CanopyFilter *) filters->data, filters->len, &msg))
        continue;

      if (!canopy_log_writer_write (writer, &msg, &error))
        break;
      n_written++;
    }

  /* Whatever happened, finish the output so the frames so far are usable. */
  canopy_log_writer_close (writer, &close_error);

  if (progress)
    show_progress (reader, n_read, n_written, TRUE);
  canopy_tool_report_skipped ("canopy-convert", reader);

  if (error != NULL || close_error != NULL)
    {
      g_printerr ("canopy-convert: %s\n", (error ? error : close_error)->message);
      if (error != NULL)
        g_printerr ("canopy-convert: %" G_GUINT64_FORMAT " frames before the problem were written to %s\n",
                    n_written, files[1]);
      return 1;
    }

  if (canopy_tool_interrupted ())
    {
      g_printerr ("canopy-convert: interrupted after %" G_GUINT64_FORMAT " frames\n", n_read);
      return 1;
    }

  if (verbose)
    g_printerr ("%" G_GUINT64_FORMAT " frames read, %" G_GUINT64_FORMAT " written\n",
                n_read, n_written);

  return 0;
}

/* canopy-convert.c — convert CAN logs between formats
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "canopy-time-private.h"
#include "canopy-tool-common.h"

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

typedef struct
{
  CanopyLogConverter *converter;
  GCancellable       *cancellable;
  GAsyncResult       *result;
  gboolean            progress;
} Conversion;

static void
show_progress (CanopyLogConverter *converter,
               gboolean            done)
{
  g_printerr ("\r%5.1f%%  %" G_GUINT64_FORMAT " frames read, %" G_GUINT64_FORMAT " written%s",
              100.0 * canopy_log_converter_get_progress (converter),
              canopy_log_converter_get_frames_read (converter),
              canopy_log_converter_get_frames_written (converter),
              done ? "\n" : "");
}

/* Ten times a second: the progress line, and Ctrl+C cancels. */
static gboolean
tick (gpointer user_data)
{
  Conversion *conversion = user_data;

  if (conversion->progress)
    show_progress (conversion->converter, FALSE);
  if (canopy_tool_interrupted ())
    g_cancellable_cancel (conversion->cancellable);

  return G_SOURCE_CONTINUE;
}

static void
converted (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Conversion *conversion = user_data;

  conversion->result = g_object_ref (result);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogConverter) converter = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GFile) input = NULL;
  g_autoptr(GFile) output = NULL;
  g_autoptr(GArray) filters = NULL;
  g_auto(GStrv) filter_args = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;
  gboolean quiet = FALSE;
  gboolean verbose = FALSE;
  TimeLimit start = { 0 };
  TimeLimit end = { 0 };
  Conversion conversion = { 0 };
  guint tick_id;
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

  /* The engine's converter does the work; this is its command line. */
  input = g_file_new_for_commandline_arg (files[0]);
  output = g_file_new_for_commandline_arg (files[1]);
  converter = canopy_log_converter_new (output);
  canopy_log_converter_add_source (converter, input);
  canopy_log_converter_set_filters (converter, (const CanopyFilter *) (gpointer) filters->data, filters->len);
  if (start.set)
    canopy_log_converter_set_start_time (converter, start.ns, !start.absolute);
  if (end.set)
    canopy_log_converter_set_end_time (converter, end.ns, !end.absolute);

  canopy_tool_catch_interrupt ();
  cancellable = g_object_ref (canopy_tool_get_cancellable ());
  conversion.converter = converter;
  conversion.cancellable = cancellable;
  conversion.progress = !quiet && isatty (fileno (stderr));

  tick_id = g_timeout_add (PROGRESS_INTERVAL_US / 1000, tick, &conversion);
  canopy_log_converter_convert_async (converter, cancellable, converted, &conversion);
  while (conversion.result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick_id);

  canopy_log_converter_convert_finish (converter, conversion.result, &error);
  g_clear_object (&conversion.result);

  if (conversion.progress)
    show_progress (converter, TRUE);
  canopy_tool_report_converter_skipped ("canopy-convert", converter);

  if (canopy_log_converter_get_destination_format (converter) == NULL)
    return canopy_tool_fail ("canopy-convert", error, 1);

  if (verbose)
    g_printerr ("Converting %s (%s) to %s (%s)\n",
                files[0], canopy_log_converter_get_source_format (converter),
                files[1], canopy_log_converter_get_destination_format (converter));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_printerr ("canopy-convert: interrupted after %" G_GUINT64_FORMAT " frames\n",
                  canopy_log_converter_get_frames_read (converter));
      return 1;
    }

  if (error != NULL)
    {
      g_printerr ("canopy-convert: %s\n", error->message);
      g_printerr ("canopy-convert: %" G_GUINT64_FORMAT " frames before the problem were written to %s\n",
                  canopy_log_converter_get_frames_written (converter), files[1]);
      return 1;
    }

  if (verbose)
    g_printerr ("%" G_GUINT64_FORMAT " frames read, %" G_GUINT64_FORMAT " written, %"
                G_GUINT64_FORMAT " texts and markers\n",
                canopy_log_converter_get_frames_read (converter),
                canopy_log_converter_get_frames_written (converter),
                canopy_log_converter_get_events_written (converter));

  return 0;
}

/* canopy-logger.c — log CAN traffic, as python-can's canlogger
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "canopy-per-id-view.h"
#include "canopy-tool-common.h"

int
main (int   argc,
      char *argv[])
{
  g_auto(CanopyToolBusOptions) bus_options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  g_autoptr(CanopyLogWriter) writer = NULL;
  g_autoptr(GArray) filters = NULL;
  g_autofree char *log_file = NULL;
  g_auto(GStrv) filter_args = NULL;
  g_auto(GStrv) remaining = NULL;
  gint64 count = 0;
  double duration = 0;
  guint64 logged = 0;
  gint64 deadline = 0;
  gboolean per_id = FALSE;
  GOptionEntry entries[] = {
    { "file_name", 'f', 0, G_OPTION_ARG_FILENAME, &log_file,
      "Path of the log file; the format follows the extension (.asc, .blf, .csv, "
      ".db, .log, and .gz for text formats; anything else is printed as text). "
      "Without it frames are printed to standard output", "LOG_FILE" },
    { "filter", 0, 0, G_OPTION_ARG_STRING_ARRAY, &filter_args,
      "Comma separated filters: <can_id>:<can_mask> matches when "
      "<received_can_id> & mask == can_id & mask; <can_id>~<can_mask> matches when "
      "<received_can_id> & mask != can_id & mask (hexadecimal; repeatable, and "
      "further filters may follow as arguments)", "FILTERS" },
    { "count", 'n', 0, G_OPTION_ARG_INT64, &count,
      "Exit after logging this many frames", "COUNT" },
    { "duration", 'T', 0, G_OPTION_ARG_DOUBLE, &duration,
      "Exit after this many seconds", "SECONDS" },
    { "per-id", 0, 0, G_OPTION_ARG_NONE, &per_id,
      "Show one line per identifier (count, period, data with the changed bytes "
      "marked), refreshed on a terminal, like cansniffer", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &remaining, NULL, "[FILTERS…]" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = canopy_tool_option_context_new ("Log CAN traffic, printing messages to stdout or to a given file.\n"
                                            "Stop with Ctrl+C.",
                                            &bus_options, entries);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return canopy_tool_fail ("canopy-logger", error, 2);

  if (remaining != NULL)
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      if (filter_args != NULL)
        g_strv_builder_addv (builder, (const char **) filter_args);
      g_strv_builder_addv (builder, (const char **) remaining);
      g_strfreev (filter_args);
      filter_args = g_strv_builder_end (builder);
    }

  if (!(filters = canopy_tool_parse_filters (filter_args, &error)))
    return canopy_tool_fail ("canopy-logger", error, 2);

  if (!(bus = canopy_tool_open_bus (&bus_options, NULL, &error)))
    return canopy_tool_fail ("canopy-logger", error, 1);

  if (!canopy_bus_set_filter_array (bus, (CanopyFilter *) filters->data, filters->len, &error))
    return canopy_tool_fail ("canopy-logger", error, 1);

  if (per_id)
    {
      if (log_file != NULL)
        {
          g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               "--per-id shows a table instead of logging; drop --file_name");
          return canopy_tool_fail ("canopy-logger", error, 2);
        }
      canopy_tool_catch_interrupt ();
      if (duration > 0)
        deadline = g_get_monotonic_time () + (gint64) (duration * G_USEC_PER_SEC);
      if (!canopy_per_id_view_run (bus, count, deadline, &logged, &error))
        return canopy_tool_fail ("canopy-logger", error, 1);
      canopy_bus_shutdown (bus);
      return 0;
    }

  /* As python-can's Logger: the extension chooses the format. */
  if (log_file != NULL)
    writer = canopy_log_writer_new_for_file (log_file, &error);
  else
    writer = CANOPY_LOG_WRITER (canopy_printer_new (NULL, &error));
  if (writer == NULL)
    return canopy_tool_fail ("canopy-logger", error, 1);

  canopy_tool_report_connected (&bus_options, bus);

  canopy_tool_catch_interrupt ();
  if (duration > 0)
    deadline = g_get_monotonic_time () + (gint64) (duration * G_USEC_PER_SEC);

  while (!canopy_tool_interrupted () && (count <= 0 || (gint64) logged < count))
    {
      CanopyMessage msg;

      if (deadline != 0 && g_get_monotonic_time () >= deadline)
        break;

      if (!canopy_bus_recv_into (bus, &msg, 0.1, &error))
        {
          if (error != NULL)
            break;
          continue;
        }

      if (!canopy_log_writer_write (writer, &msg, &error))
        break;
      logged++;
    }

  /* Finishes the file (headers, statistics, queued database rows). */
  if (error == NULL)
    canopy_log_writer_close (writer, &error);
  else
    canopy_log_writer_close (writer, NULL);
  canopy_bus_shutdown (bus);

  if (error != NULL)
    return canopy_tool_fail ("canopy-logger", error, 1);

  if (bus_options.verbosity > 0)
    g_printerr ("Logged %" G_GUINT64_FORMAT " frames\n", logged);

  return 0;
}

/* canopy-logger.c — log CAN traffic, as python-can's canlogger
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "canopy-per-id-view.h"
#include "canopy-tool-common.h"

/* --dbc: the signals of a printed frame, one per line under it. */
static void
print_signals (CanopyDatabase      *db,
               const CanopyMessage *msg,
               CanopySignalValue   *values,
               guint                n_values)
{
  CanopyMessageDef *def = canopy_database_lookup_frame (db, msg);
  guint n;

  if (def == NULL)
    return;
  n = canopy_message_def_decode_values (def, msg, values, n_values);
  for (guint i = 0; i < n; i++)
    {
      const char *unit = canopy_signal_value_get_unit (&values[i]);
      const char *text = canopy_signal_value_get_text (&values[i]);
      char value[32];

      canopy_signal_value_format (&values[i], value, sizeof value);
      fprintf (stdout, "    %s.%s = %s%s%s%s%s%s\n", canopy_message_def_get_name (def),
               canopy_signal_value_get_name (&values[i]), value, *unit ? " " : "", unit,
               text ? " (" : "", text ? text : "", text ? ")" : "");
    }
}

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
  g_autofree char *dbc_file = NULL;
  g_autoptr(CanopyDatabase) db = NULL;
  g_autofree CanopySignalValue *values = NULL;
  guint n_values = 0;
  g_auto(GStrv) filter_args = NULL;
  g_auto(GStrv) remaining = NULL;
  gint64 count = 0;
  double duration = 0;
  guint64 logged = 0;
  gint64 deadline = 0;
  gboolean per_id = FALSE;
  gint64 rotate_size = 0;
  double rotate_time = 0;
  gint64 last_flush = g_get_monotonic_time ();
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
    { "rotate-size", 0, 0, G_OPTION_ARG_INT64, &rotate_size,
      "With -f: once a file holds this many bytes, go on in a numbered file "
      "(LOG-001.EXT, LOG-002.EXT, …)", "BYTES" },
    { "rotate-time", 0, 0, G_OPTION_ARG_DOUBLE, &rotate_time,
      "With -f: once a file spans this many seconds of frames, go on in a "
      "numbered file (with --rotate-size, whichever comes first)", "SECONDS" },
    { "per-id", 0, 0, G_OPTION_ARG_NONE, &per_id,
      "Show one line per identifier (count, period, data with the changed bytes "
      "marked), refreshed on a terminal, like cansniffer", NULL },
    { "dbc", 0, 0, G_OPTION_ARG_FILENAME, &dbc_file,
      "Decode frames with this DBC file and print their signals under each frame", "FILE" },
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

  if (rotate_size < 0 || rotate_time < 0 || rotate_time > 9e9 ||
      ((rotate_size > 0 || rotate_time > 0) && log_file == NULL))
    {
      g_set_error_literal (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           rotate_size < 0 || rotate_time < 0 || rotate_time > 9e9
                           ? "--rotate-size and --rotate-time take a positive number"
                           : "--rotate-size and --rotate-time split a log file: give one with -f");
      return canopy_tool_fail ("canopy-logger", error, 2);
    }

  if (dbc_file != NULL)
    {
      if (!(db = canopy_database_new_from_file (dbc_file, &error)))
        return canopy_tool_fail ("canopy-logger", error, 1);
      for (guint i = 0; i < canopy_database_get_n_messages (db); i++)
        n_values = MAX (n_values, canopy_message_def_get_n_signals (canopy_database_get_message (db, i)));
      values = g_new (CanopySignalValue, MAX (n_values, 1));
    }
  /* Before opening anything: a configuration file or the log can block. */
  canopy_tool_catch_interrupt ();

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
  if (log_file != NULL && (rotate_size > 0 || rotate_time > 0))
    writer = CANOPY_LOG_WRITER (canopy_rotating_writer_new (log_file, rotate_size, rotate_time, &error));
  else if (log_file != NULL)
    writer = canopy_log_writer_new_for_file (log_file, &error);
  else
    writer = CANOPY_LOG_WRITER (canopy_printer_new (NULL, &error));
  if (writer == NULL)
    return canopy_tool_fail ("canopy-logger", error, 1);

  canopy_tool_report_connected (&bus_options, bus);

  if (duration > 0)
    deadline = g_get_monotonic_time () + (gint64) (duration * G_USEC_PER_SEC);

  while (!canopy_tool_interrupted () && (count <= 0 || (gint64) logged < count))
    {
      CanopyMessage msg;

      if (deadline != 0 && g_get_monotonic_time () >= deadline)
        break;

      /* Crash safety: whatever was logged is in the file within a second,
       * also when the bus goes quiet (writers flush on their own only
       * while frames arrive). */
      if (g_get_monotonic_time () - last_flush >= G_USEC_PER_SEC)
        {
          last_flush = g_get_monotonic_time ();
          if (!canopy_log_writer_flush (writer, &error))
            break;
        }

      if (!canopy_bus_recv_into (bus, &msg, 0.1, &error))
        {
          if (error != NULL)
            break;
          continue;
        }

      if (!canopy_log_writer_write (writer, &msg, &error))
        break;
      if (db != NULL && log_file == NULL)
        print_signals (db, &msg, values, n_values);
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

  if (bus_options.verbosity > 0 && CANOPY_IS_ROTATING_WRITER (writer))
    g_printerr ("Logged %" G_GUINT64_FORMAT " frames in %u files\n", logged,
                canopy_rotating_writer_get_n_files (CANOPY_ROTATING_WRITER (writer)));
  else if (bus_options.verbosity > 0)
    g_printerr ("Logged %" G_GUINT64_FORMAT " frames\n", logged);

  return 0;
}

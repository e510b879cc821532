/* canopy-info.c — summarise CAN logs, like Wireshark's capinfos
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "canopy-tool-common.h"

#ifdef G_OS_WIN32
# include <io.h>
# define isatty _isatty
#else
# include <unistd.h>
#endif

static char *
format_time (gint64 ns)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *date = NULL;

  /* Logs without a wall-clock start count from zero: no date then. Any
   * gint64 time (up to 2262) is a valid GDateTime from 1971 on. */
  if (ns < G_GINT64_CONSTANT (86400000000000) * 365 ||
      !(dt = g_date_time_new_from_unix_utc (ns / 1000000000)))
    return g_strdup_printf ("%.6f s", ns / 1e9);

  date = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
  return g_strdup_printf ("%s.%06d UTC (%" G_GINT64_FORMAT ".%06d)",
                          date, (int) ((ns % 1000000000) / 1000),
                          ns / 1000000000, (int) ((ns % 1000000000) / 1000));
}

/* BLF objects that are not frames (texts, markers, LIN, …), by type. */
static void
print_blf_objects (CanopyBlfReader *reader)
{
  g_autofree guint *types = NULL;
  guint n_types = 0;
  guint64 total = 0;

  types = canopy_blf_reader_dup_object_types (reader, &n_types);
  for (guint i = 0; i < n_types; i++)
    total += canopy_blf_reader_get_n_objects_of_type (reader, types[i]);

  g_print ("Other objects:       %" G_GUINT64_FORMAT "\n", total);
  for (guint i = 0; i < n_types; i++)
    {
      const char *name = canopy_blf_reader_get_object_type_name (types[i]);
      g_autofree char *label = g_strdup_printf ("%s (%u):", name ? name : "type", types[i]);

      g_print ("  %-30s %" G_GUINT64_FORMAT "\n", label,
               canopy_blf_reader_get_n_objects_of_type (reader, types[i]));
    }
}

static void
print_stats (const char             *path,
             CanopyLogReader        *reader,
             const CanopyLogSummary *stats)
{
  GStatBuf st;
  guint64 frames = canopy_log_summary_get_n_frames (stats);
  guint64 std_ids = canopy_log_summary_get_n_distinct_standard_ids (stats);
  guint64 ext_ids = canopy_log_summary_get_n_distinct_extended_ids (stats);
  /* Beyond 65536 extended ids the summary estimates (flat memory). */
  const char *about = canopy_log_summary_get_distinct_ids_exact (stats) ? "" : "about ";
  g_autoptr(GString) channels = g_string_new (NULL);

  g_print ("File name:           %s\n", path);
  g_print ("File format:         %s\n", canopy_log_reader_get_format (reader));
  if (g_stat (path, &st) == 0)
    g_print ("File size:           %" G_GUINT64_FORMAT " bytes\n", (guint64) st.st_size);
  g_print ("Number of frames:    %" G_GUINT64_FORMAT "\n", frames);

  if (frames > 0)
    {
      g_autofree char *first = format_time (canopy_log_summary_get_first_time_ns (stats));
      g_autofree char *last = format_time (canopy_log_summary_get_last_time_ns (stats));
      /* In doubles: the span of two gint64 times can exceed a gint64. */
      double duration = ((double) canopy_log_summary_get_max_time_ns (stats) -
                         (double) canopy_log_summary_get_min_time_ns (stats)) / 1e9;
      guint64 out_of_order = canopy_log_summary_get_n_out_of_order (stats);

      g_print ("First frame time:    %s\n", first);
      g_print ("Last frame time:     %s\n", last);
      g_print ("Duration:            %.6f s\n", duration);
      if (duration > 0)
        g_print ("Average frame rate:  %.1f frames/s\n", (frames - 1) / duration);
      if (out_of_order > 0)
        g_print ("Out of time order:   %" G_GUINT64_FORMAT " frames\n", out_of_order);
    }

  for (guint i = 0; i < CANOPY_LOG_SUMMARY_MAX_CHANNELS; i++)
    if (canopy_log_summary_get_channel_frames (stats, i) > 0)
      g_string_append_printf (channels, "%s%u: %" G_GUINT64_FORMAT,
                              channels->len ? ", " : "", i,
                              canopy_log_summary_get_channel_frames (stats, i));
  if (canopy_log_summary_get_other_channel_frames (stats) > 0)
    g_string_append_printf (channels, "%s>%u: %" G_GUINT64_FORMAT,
                            channels->len ? ", " : "", CANOPY_LOG_SUMMARY_MAX_CHANNELS - 1,
                            canopy_log_summary_get_other_channel_frames (stats));
  if (canopy_log_summary_get_channel_frames (stats, CANOPY_CHANNEL_NONE) > 0)
    g_string_append_printf (channels, "%snone: %" G_GUINT64_FORMAT,
                            channels->len ? ", " : "",
                            canopy_log_summary_get_channel_frames (stats, CANOPY_CHANNEL_NONE));
  g_print ("Frames per channel:  %s\n", channels->len ? channels->str : "-");

  g_print ("Distinct ids:        %s%" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " standard, %s%"
           G_GUINT64_FORMAT " extended)\n",
           about, std_ids + ext_ids, std_ids, about, ext_ids);
  g_print ("Extended id frames:  %" G_GUINT64_FORMAT "\n", canopy_log_summary_get_n_extended_frames (stats));
  g_print ("Error frames:        %" G_GUINT64_FORMAT "\n", canopy_log_summary_get_n_error_frames (stats));
  g_print ("Remote frames:       %" G_GUINT64_FORMAT "\n", canopy_log_summary_get_n_remote_frames (stats));
  g_print ("CAN FD frames:       %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT " with bit-rate switch)\n",
           canopy_log_summary_get_n_fd_frames (stats), canopy_log_summary_get_n_brs_frames (stats));
  g_print ("Transmitted frames:  %" G_GUINT64_FORMAT "\n", canopy_log_summary_get_n_tx_frames (stats));
  g_print ("Payload bytes:       %" G_GUINT64_FORMAT "\n", canopy_log_summary_get_payload_bytes (stats));

  if (CANOPY_IS_BLF_READER (reader))
    print_blf_objects (CANOPY_BLF_READER (reader));

  if (canopy_log_reader_get_n_skipped (reader) > 0)
    {
      const char * const *reasons = canopy_log_reader_get_skip_reasons (reader);

      g_print ("Skipped:             %" G_GUINT64_FORMAT " unreadable lines or objects\n",
               canopy_log_reader_get_n_skipped (reader));
      for (guint i = 0; reasons[i] != NULL; i++)
        g_print ("  %s\n", reasons[i]);
    }
}

static int
info_file (const char *path,
           gboolean    progress)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogReader) reader = NULL;
  g_autoptr(CanopyLogSummary) stats = canopy_log_summary_new ();
  gint64 last_progress = 0;
  CanopyMessage msg;

  if (!(reader = canopy_log_reader_new_for_file (path, &error)))
    return canopy_tool_fail ("canopy-info", error, 1);

  /* Ctrl+C also stops a read that is busy inside the library. */
  canopy_log_reader_set_cancellable (reader, canopy_tool_get_cancellable ());

  while (canopy_log_reader_next (reader, &msg, &error))
    {
      canopy_log_summary_add (stats, &msg);

      /* Interrupts are polled with or without a progress display (-q). */
      if ((canopy_log_summary_get_n_frames (stats) & 0xffff) == 0)
        {
          gint64 now = g_get_monotonic_time ();

          if (progress && now - last_progress > G_USEC_PER_SEC / 10)
            {
              last_progress = now;
              g_printerr ("\r%5.1f%%", 100.0 * canopy_log_reader_get_fraction (reader));
            }
          if (canopy_tool_interrupted ())
            break;
        }
    }

  if (progress && last_progress != 0)
    g_printerr ("\r       \r");

  if (canopy_tool_interrupted ())
    {
      g_printerr ("canopy-info: interrupted\n");
      return 130;
    }

  print_stats (path, reader, stats);

  if (error != NULL)
    {
      g_print ("Damage:              %s\n", error->message);
      g_printerr ("canopy-info: %s\n", error->message);
      return 1;
    }

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) files = NULL;
  gboolean quiet = FALSE;
  int status = 0;
  GOptionEntry entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "No progress display", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "FILE…" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = canopy_tool_option_context_new ("Summarise CAN logs: format, frame count, first and last "
                                            "timestamp, duration,\nframes per channel, distinct ids, "
                                            "error, remote and CAN FD frames.",
                                            NULL, entries);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return canopy_tool_fail ("canopy-info", error, 2);

  if (files == NULL || files[0] == NULL)
    {
      g_printerr ("canopy-info: give at least one log file (see --help)\n");
      return 2;
    }

  canopy_tool_catch_interrupt ();

  for (guint i = 0; files[i] != NULL && !canopy_tool_interrupted (); i++)
    {
      int file_status;

      if (i > 0)
        g_print ("\n");
      if ((file_status = info_file (files[i], !quiet && isatty (fileno (stderr)))) != 0)
        status = file_status;
    }

  return status;
}

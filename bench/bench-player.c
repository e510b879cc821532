/* bench-player.c — how closely a replay keeps the recorded timing: Canopy's
 * player and python3-can 4.1's (LogReader + MessageSync), measured the same
 * way.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A candump log of -d seconds is generated (a fixed seed): frames mostly
 * 0.2–4 ms apart, bursts of back-to-back frames 150 µs apart, and now and
 * then a pause of 20–50 ms. Each player replays it onto a virtual bus,
 * which stamps every frame with the wall clock as it is sent. For frame k,
 * the deviation is (sent[k] - sent[0]) - (recorded[k] - recorded[0]),
 * counted from the earliest frame (no player sends early): p50 / p99 / max,
 * and the drift (median deviation of the last frames minus that of the
 * first). Not a test: the figures depend on the machine and its load.
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include <canopy.h>

#include "bench-common.h"

/* Recorded timestamps in microseconds, as written to the file. */
static GArray *
write_recording (const char *path,
                 double      duration)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  GArray *recorded = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 t = G_GINT64_CONSTANT (1700000000000000);
  gint64 end = t + (gint64) (duration * 1e6);
  guint burst = 0;

  for (guint i = 0; t < end; i++)
    {
      double r;

      g_array_append_val (recorded, t);
      g_string_append_printf (text, "(%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT ") vcan0 %03X#%016" G_GINT64_MODIFIER "X\n",
                              t / 1000000, t % 1000000, i & 0x7ff, (gint64) i);

      r = g_rand_double (rand);
      if (burst > 0)
        {
          burst--;
          t += 150;
        }
      else if (r < 0.05)
        {
          burst = g_rand_int_range (rand, 3, 12);
          t += 150;
        }
      else if (r < 0.07)
        t += g_rand_int_range (rand, 20000, 50000);
      else
        t += g_rand_int_range (rand, 200, 4000);
    }

  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);

  return recorded;
}

static void
report (const char *impl,
        GArray     *recorded_us,
        GArray     *sent_ns)
{
  g_autoptr(GArray) dev = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) sorted = NULL;
  const gint64 *r = (const gint64 *) (gpointer) recorded_us->data;
  const gint64 *s = (const gint64 *) (gpointer) sent_ns->data;
  gint64 min_dev = G_MAXINT64;
  guint n = MIN (recorded_us->len, sent_ns->len), edge;
  double drift;

  if (sent_ns->len != recorded_us->len)
    g_print ("%-11s received %u of %u frames\n", impl, sent_ns->len, recorded_us->len);
  if (n < 3)
    return;

  for (guint i = 0; i < n; i++)
    {
      gint64 d = (s[i] - s[0]) - (r[i] - r[0]) * 1000;

      g_array_append_val (dev, d);
      min_dev = MIN (min_dev, d);
    }

  edge = MIN (MAX (n / 10, 1), 100);
  drift = (bench_median_of ((const gint64 *) (gpointer) dev->data + n - edge, edge) -
           bench_median_of ((const gint64 *) (gpointer) dev->data, edge)) / 1000.0;

  sorted = g_array_copy (dev);
  for (guint i = 0; i < n; i++)
    g_array_index (sorted, gint64, i) -= min_dev;
  g_array_sort (sorted, bench_compare_gint64);

  g_print ("%-11s %7u  %8.1f %8.1f %9.1f   %+10.1f µs   %.3f s\n",
           impl, n,
           bench_percentile_us (sorted, 0.50), bench_percentile_us (sorted, 0.99), bench_percentile_us (sorted, 1.0),
           drift, (s[n - 1] - s[0]) / 1e9);
}

static void
on_played (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError **error = user_data;

  if (!canopy_player_play_file_finish (CANOPY_PLAYER (object), result, error) && *error == NULL)
    g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_FAILED, "failed");
  g_object_set_data (object, "done", GINT_TO_POINTER (1));
}

static void
run_canopy (const char *path,
            GArray     *recorded)
{
  g_autoptr(CanopyVirtualBus) tx = NULL;
  g_autoptr(CanopyVirtualBus) rx = NULL;
  g_autoptr(CanopyPlayer) player = NULL;
  g_autoptr(GArray) sent = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;

  tx = canopy_virtual_bus_new ("bench-player", FALSE, 0);
  rx = canopy_virtual_bus_new ("bench-player", FALSE, recorded->len + 1024);
  player = canopy_player_new (CANOPY_BUS (tx));

  /* On the player's own thread, which CANOPY_REALTIME_PRIORITY affects. */
  canopy_player_play_file_async (player, path, NULL, on_played, &error);
  while (g_object_get_data (G_OBJECT (player), "done") == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (error != NULL)
    {
      g_printerr ("canopy: %s\n", error->message);
      return;
    }

  while (canopy_bus_recv_into (CANOPY_BUS (rx), &msg, 0, NULL))
    g_array_append_val (sent, msg.timestamp_ns);

  report ("canopy", recorded, sent);

  canopy_bus_shutdown (CANOPY_BUS (tx));
  canopy_bus_shutdown (CANOPY_BUS (rx));
}

static void
run_python_can (const char *path,
                GArray     *recorded)
{
  g_autofree char *out = NULL;
  g_autoptr(GArray) sent = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(GStrv) lines = NULL;
  const char *args[] = { path, NULL };

  if (!(out = bench_run_python ("bench_player_pythoncan.py", args)))
    return;

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      double ts;
      gint64 ns;

      if (sscanf (lines[i], "%lf", &ts) != 1)
        continue;
      ns = (gint64) llround (ts * 1e9);
      g_array_append_val (sent, ns);
    }

  report ("python-can", recorded, sent);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) recorded = NULL;
  g_autofree char *path = NULL;
  double duration = 30;
  gboolean no_python = FALSE;
  int fd;
  GOptionEntry entries[] = {
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration, "Seconds of recording (default 30)", "SECONDS" },
    { "no-python", 0, 0, G_OPTION_ARG_NONE, &no_python, "Do not measure python-can", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Timing accuracy of log replay on the virtual bus");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !(duration > 0))
    {
      g_printerr ("bench-player: %s\n", error ? error->message : "bad duration");
      return 2;
    }

  fd = g_file_open_tmp ("bench-player-XXXXXX.log", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  recorded = write_recording (path, duration);

  g_print ("%u frames over %.0f s, %u processors", recorded->len, duration, g_get_num_processors ());
  if (g_getenv ("CANOPY_REALTIME_PRIORITY") != NULL)
    g_print (", CANOPY_REALTIME_PRIORITY=%s", g_getenv ("CANOPY_REALTIME_PRIORITY"));
  bench_print_load_average ();
  g_print ("\n%-11s %7s  %-28s   %13s   %s\n", "", "frames", "deviation p50/p99/max µs", "drift", "replay span");

  run_canopy (path, recorded);
  if (!no_python)
    run_python_can (path, recorded);

  g_unlink (path);

  return 0;
}

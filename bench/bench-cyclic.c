/* bench-cyclic.c — how exactly cyclic tasks keep their period: Canopy's
 * scheduler and python3-can 4.1's send_periodic, measured the same way.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A 1 ms and a 10 ms task run together on a virtual bus for -d seconds
 * (first Canopy's, then python-can's, never both at once). Both virtual
 * buses stamp each frame with the wall clock as it is sent; from those
 * stamps, per task:
 *
 *   mean period   the least-squares slope of send time over slot (missed
 *                 slots included), and its error in ppm
 *   grid dev.     how late frame k is against the ideal send time
 *                 t0 + k × period, t0 placed so that the earliest 1% of
 *                 the frames are on time (no scheduler sends early):
 *                 p50 / p99 / max µs. When Canopy skipped deadlines, k is
 *                 the slot a frame belongs to, not its index; a frame late
 *                 by almost a whole period then lands in the next slot,
 *                 looking early, which is why the reference is the 1st
 *                 percentile and not the single earliest frame.
 *   interval dev. |(t[k] - t[k-1]) - period|: p50 / p99 / max µs
 *   drift         how far the task fell behind (or ran ahead) during the
 *                 run: the median grid deviation of the last frames minus
 *                 that of the first (a tenth of the frames, at most 100)
 *
 * Not a test: the figures depend on the machine and its load.
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <canopy.h>

#include "bench-common.h"

#define FAST_ID 0x001
#define SLOW_ID 0x010

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static void
report (const char *impl,
        double      period_s,
        GArray     *stamps,
        guint64     missed)
{
  g_autoptr(GArray) grid = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) sorted = NULL;
  g_autoptr(GArray) intervals = g_array_new (FALSE, FALSE, sizeof (gint64));
  const gint64 *t = (const gint64 *) (gpointer) stamps->data;
  gint64 period = (gint64) llround (period_s * 1e9);
  g_autoptr(GArray) slots = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 origin = 0, min_dev;
  guint n = stamps->len, edge;
  double mean, drift;

  if (n < 3)
    {
      g_print ("%-11s %5.0f ms  only %u frames\n", impl, period_s * 1e3, n);
      return;
    }

  if (missed > 0)
    {
      /* Canopy skips deadlines it missed, so frame i is not slot i: place
       * each frame in the last slot that began before it (it never sends
       * early), on a grid whose phase is the typical one of the frames
       * rather than that of the first frame, which may itself be late. */
      g_autoptr(GArray) phase = g_array_new (FALSE, FALSE, sizeof (gint64));

      for (guint i = 0; i < n; i++)
        {
          gint64 rel = t[i] - t[0];
          gint64 r = rel - llround ((double) rel / period) * period;
          g_array_append_val (phase, r);
        }
      origin = bench_median_of ((const gint64 *) (gpointer) phase->data, n);
    }

  for (guint i = 0; i < n; i++)
    {
      gint64 rel = t[i] - t[0] - origin;
      gint64 k = missed > 0 ? floor_div (rel + period / 20, period) : i;
      gint64 dev = rel - k * period;

      g_array_append_val (grid, dev);
      g_array_append_val (slots, k);

      if (i > 0)
        {
          gint64 interval = llabs (t[i] - t[i - 1] - period);
          g_array_append_val (intervals, interval);
        }
    }

  /* Drift: how far the end of the run is behind its start, each taken as
   * the median deviation of its frames (a tenth, at most 100). */
  edge = MIN (MAX (n / 10, 1), 100);
  drift = (bench_median_of ((const gint64 *) (gpointer) grid->data + n - edge, edge) -
           bench_median_of ((const gint64 *) (gpointer) grid->data, edge)) / 1000.0;

  /* Lateness: the earliest 1% count as on time (see the top). */
  sorted = g_array_copy (grid);
  g_array_sort (sorted, bench_compare_gint64);
  min_dev = g_array_index (sorted, gint64, sorted->len / 100);
  for (guint i = 0; i < sorted->len; i++)
    g_array_index (sorted, gint64, i) -= min_dev;
  g_array_sort (intervals, bench_compare_gint64);

  /* Per slot of the schedule, missed ones included: the least-squares
   * slope of send time over slot, which a late first or last frame does
   * not skew. */
  {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;

    for (guint i = 0; i < n; i++)
      {
        double x = (double) g_array_index (slots, gint64, i);
        double y = (double) (t[i] - t[0]);

        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
      }
    mean = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }

  g_print ("%-11s %5.0f ms %7u %6" G_GUINT64_FORMAT "  %10.6f ms %+9.1f ppm"
           "  %7.1f %8.1f %9.1f   %7.1f %8.1f %9.1f   %+12.1f µs\n",
           impl, period_s * 1e3, n, missed,
           mean / 1e6, (mean - period) / period * 1e6,
           bench_percentile_us (sorted, 0.50), bench_percentile_us (sorted, 0.99), bench_percentile_us (sorted, 1.0),
           bench_percentile_us (intervals, 0.50), bench_percentile_us (intervals, 0.99), bench_percentile_us (intervals, 1.0),
           drift);
}

static void
print_header (void)
{
  g_print ("%-11s %8s %7s %6s  %13s %13s  %-26s  %-26s  %15s\n",
           "", "period", "frames", "missed", "mean period", "error",
           "grid dev p50/p99/max µs", "interval dev p50/p99/max µs", "drift at end");
}

static void
run_canopy (double duration)
{
  g_autoptr(CanopyVirtualBus) tx = NULL;
  g_autoptr(CanopyVirtualBus) rx = NULL;
  g_autoptr(CanopyCyclicTask) fast = NULL;
  g_autoptr(CanopyCyclicTask) slow = NULL;
  g_autoptr(GArray) fast_stamps = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) slow_stamps = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  guint8 data[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
  CanopyMessage msg;

  tx = canopy_virtual_bus_new ("bench-cyclic", FALSE, 0);
  /* Room for every frame of the run: nothing reads until the end. */
  rx = canopy_virtual_bus_new ("bench-cyclic", FALSE, (guint) (duration * 1100 * 1.5) + 1024);

  canopy_message_init (&msg, FAST_ID, FALSE, data, sizeof data);
  fast = canopy_bus_send_periodic (CANOPY_BUS (tx), &msg, 0.001, 0, &error);
  g_assert_no_error (error);
  canopy_message_init (&msg, SLOW_ID, FALSE, data, sizeof data);
  slow = canopy_bus_send_periodic (CANOPY_BUS (tx), &msg, 0.010, 0, &error);
  g_assert_no_error (error);

  g_usleep ((gulong) (duration * G_USEC_PER_SEC));
  canopy_cyclic_task_stop (fast);
  canopy_cyclic_task_stop (slow);

  while (canopy_bus_recv_into (CANOPY_BUS (rx), &msg, 0, NULL))
    g_array_append_val (msg.arbitration_id == FAST_ID ? fast_stamps : slow_stamps, msg.timestamp_ns);

  if (canopy_virtual_bus_get_dropped (rx) > 0)
    g_printerr ("warning: the receiving bus dropped %" G_GUINT64_FORMAT " frames\n",
                canopy_virtual_bus_get_dropped (rx));

  report ("canopy", 0.001, fast_stamps, canopy_cyclic_task_get_missed (fast));
  report ("canopy", 0.010, slow_stamps, canopy_cyclic_task_get_missed (slow));

  canopy_bus_shutdown (CANOPY_BUS (tx));
  canopy_bus_shutdown (CANOPY_BUS (rx));
}

static void
run_python_can (double duration)
{
  g_autofree char *seconds = g_strdup_printf ("%g", duration);
  g_autofree char *out = NULL;
  g_autoptr(GArray) fast_stamps = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) slow_stamps = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto(GStrv) lines = NULL;
  const char *args[] = { seconds, NULL };

  if (!(out = bench_run_python ("bench_cyclic_pythoncan.py", args)))
    return;

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint id;
      double ts;
      gint64 ns;

      if (sscanf (lines[i], "%x %lf", &id, &ts) != 2)
        continue;
      ns = (gint64) llround (ts * 1e9);
      g_array_append_val (id == FAST_ID ? fast_stamps : slow_stamps, ns);
    }

  report ("python-can", 0.001, fast_stamps, 0);
  report ("python-can", 0.010, slow_stamps, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  double duration = 60;
  gboolean no_python = FALSE;
  gboolean no_canopy = FALSE;
  GOptionEntry entries[] = {
    { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration, "Seconds per run (default 60)", "SECONDS" },
    { "no-python", 0, 0, G_OPTION_ARG_NONE, &no_python, "Do not measure python-can", NULL },
    { "no-canopy", 0, 0, G_OPTION_ARG_NONE, &no_canopy, "Do not measure Canopy", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, "Period accuracy of cyclic tasks on the virtual bus");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !(duration > 0))
    {
      g_printerr ("bench-cyclic: %s\n", error ? error->message : "bad duration");
      return 2;
    }

  g_print ("1 ms and 10 ms tasks together for %.0f s each run, %u processors",
           duration, g_get_num_processors ());
  if (g_getenv ("CANOPY_REALTIME_PRIORITY") != NULL)
    g_print (", CANOPY_REALTIME_PRIORITY=%s (Canopy only)", g_getenv ("CANOPY_REALTIME_PRIORITY"));
  bench_print_load_average ();
  g_print ("\n");
  print_header ();

  if (!no_canopy)
    run_canopy (duration);
  if (!no_python)
    run_python_can (duration);

  return 0;
}

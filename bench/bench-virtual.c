/* bench-virtual.c — frames/s and latency through two virtual buses, a
 * notifier and a listener; python3-can 4.1 measured the same way.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <canopy.h>

#include "canopy-clock-private.h"

#include "bench-common.h"

/* Counts frames, keeps latencies while there is room for them, and
 * signals when the target count is reached. */
static void
count_with_latency (BenchCounter        *self,
                    const CanopyMessage *msg)
{
  gint64 now = _canopy_clock_monotonic_ns ();

  self->received++;
  self->last_ns = now;

  if (self->latencies != NULL && self->n_latencies < self->max_latencies)
    {
      gint64 sent;

      memcpy (&sent, msg->data, sizeof sent);
      self->latencies[self->n_latencies++] = now - sent;
    }

  if (self->received == self->target)
    {
      g_mutex_lock (&self->mutex);
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->mutex);
    }
}

static CanopyBus *
open_bus (guint queue_size)
{
  g_autoptr(GHashTable) options = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GError) error = NULL;
  CanopyBus *bus;

  g_hash_table_insert (options, "queue_size", g_strdup_printf ("%u", queue_size));
  bus = canopy_bus_new ("virtual", "bench", options, &error);
  if (bus == NULL)
    g_error ("%s", error->message);
  return bus;
}

static double
throughput (guint64 n_frames,
            guint64 *dropped)
{
  g_autoptr(CanopyBus) sender = open_bus (1024);
  g_autoptr(CanopyBus) receiver = open_bus (MIN (n_frames, 4u * 1024 * 1024));
  g_autoptr(BenchCounter) counter = bench_counter_new (count_with_latency);
  CanopyListener *listener = CANOPY_LISTENER (counter);
  g_autoptr(CanopyNotifier) notifier = NULL;
  CanopyMessage msg;
  gint64 start, deadline;
  const guint8 data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

  counter->target = n_frames;
  notifier = canopy_notifier_new (&receiver, 1, &listener, 1);

  canopy_message_init (&msg, 0x123, FALSE, data, sizeof data);
  start = _canopy_clock_monotonic_ns ();
  for (guint64 i = 0; i < n_frames; i++)
    {
      msg.arbitration_id = i & 0x7ff;
      canopy_bus_send (sender, &msg, 0, NULL);
    }

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_mutex_lock (&counter->mutex);
  while (counter->received < n_frames && g_get_monotonic_time () < deadline)
    g_cond_wait_until (&counter->cond, &counter->mutex, MIN (deadline, g_get_monotonic_time () + 10000));
  g_mutex_unlock (&counter->mutex);

  canopy_notifier_stop (notifier, 5.0);
  *dropped = canopy_virtual_bus_get_dropped (CANOPY_VIRTUAL_BUS (receiver));

  return counter->received / ((counter->last_ns - start) / 1e9);
}

static void
latency (guint n_samples,
         double *p50_us,
         double *p99_us,
         double *max_us)
{
  g_autoptr(CanopyBus) sender = open_bus (1024);
  g_autoptr(CanopyBus) receiver = open_bus (1024);
  g_autoptr(BenchCounter) counter = bench_counter_new (count_with_latency);
  CanopyListener *listener = CANOPY_LISTENER (counter);
  g_autoptr(CanopyNotifier) notifier = NULL;
  g_autofree gint64 *latencies = g_new0 (gint64, n_samples);
  gint64 p50, p99, max;
  CanopyMessage msg;

  counter->latencies = latencies;
  counter->max_latencies = n_samples;
  counter->target = n_samples;
  notifier = canopy_notifier_new (&receiver, 1, &listener, 1);

  /* One frame in flight at a time, 200 µs apart: the receiver sleeps
   * between frames, as it does on a real bus. */
  for (guint i = 0; i < n_samples; i++)
    {
      gint64 now = _canopy_clock_monotonic_ns ();

      canopy_message_init (&msg, 0x100, FALSE, (guint8 *) &now, sizeof now);
      canopy_bus_send (sender, &msg, 0, NULL);
      g_usleep (200);
    }
  g_usleep (100 * 1000);
  canopy_notifier_stop (notifier, 5.0);

  bench_sort_summary (latencies, counter->n_latencies, &p50, &p99, &max);
  *p50_us = p50 / 1000.0;
  *p99_us = p99 / 1000.0;
  *max_us = max / 1000.0;
}

static gboolean
run_python_can (guint64  n_frames,
                guint    n_samples,
                double  *fps,
                double  *p50_us,
                double  *p99_us)
{
  g_autofree char *frames = g_strdup_printf ("%" G_GUINT64_FORMAT, n_frames);
  g_autofree char *samples = g_strdup_printf ("%u", n_samples);
  const char *args[] = { frames, samples, NULL };
  g_autofree char *out = NULL;

  if (!(out = bench_run_python ("bench_virtual_pythoncan.py", args)))
    return FALSE;
  if (sscanf (out, "%lf %lf %lf", fps, p50_us, p99_us) != 3)
    {
      g_printerr ("python3-can run failed: %s\n", out);
      return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  gint64 n_frames = 2000000;
  int n_samples = 20000;
  gboolean no_python = FALSE;
  GOptionEntry entries[] = {
    { "frames", 'n', 0, G_OPTION_ARG_INT64, &n_frames, "Frames for the throughput run", "N" },
    { "samples", 's', 0, G_OPTION_ARG_INT, &n_samples, "Frames for the latency run", "N" },
    { "no-python", 0, 0, G_OPTION_ARG_NONE, &no_python, "Do not measure python-can", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  double fps, p50, p99, max;
  double py_fps, py_p50, py_p99;
  guint64 dropped;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  fps = throughput (n_frames, &dropped);
  latency (n_samples, &p50, &p99, &max);

  g_print ("virtual bus -> Notifier -> listener, %" G_GINT64_FORMAT " frames, %u cores\n",
           n_frames, g_get_num_processors ());
  g_print ("  canopy:      %12.0f frames/s (dropped %" G_GUINT64_FORMAT ")   latency p50 %6.1f µs  p99 %6.1f µs  max %7.1f µs\n",
           fps, dropped, p50, p99, max);
  g_print ("  bytes/frame in the queue: %zu (CanopyMessage, no allocation per frame)\n",
           sizeof (CanopyMessage));

  if (!no_python && run_python_can (MIN (n_frames, 200000), MIN (n_samples, 5000), &py_fps, &py_p50, &py_p99))
    {
      g_print ("  python3-can: %12.0f frames/s                 latency p50 %6.1f µs  p99 %6.1f µs\n",
               py_fps, py_p50, py_p99);
      g_print ("  ratio:       %12.1f× frames/s, %.1f× lower p99 latency\n",
               fps / py_fps, py_p99 / p99);
    }

  return 0;
}

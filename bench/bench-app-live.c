/* bench-app-live.c — how many frames a second the real application window
 * shows without losing one, with its UI thread below half a core.
 *
 * Opens Canopy's main window (under Xvfb: run it inside
 * ../shared/tools/gui-session/run), connects it to the virtual channel
 * `bench-app` through the window's own connect path, and sends frames onto
 * that channel from a producer thread at rising rates. For each rate it
 * reports the rate actually sent, the frames the window's capture store
 * holds, the frames lost anywhere (bus queue, store), and the CPU time of the
 * UI thread (GTK's main loop: store batches, the column view following the
 * end, the status bar) as a share of one core.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <time.h>

#include <gtk/gtk.h>

#include <canopy.h>

#include "bench-common.h"
#include "canopy-application.h"
#include "canopy-connection.h"
#include "canopy-window.h"

#define STEP_SECONDS      3.0
#define UI_CPU_LIMIT      0.5
#define TARGET_RATE       200000.0

typedef struct
{
  double   rate;
  double   seconds;
  guint64  sent;
  gboolean done;
} Producer;

static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sends @rate frames a second for @seconds, in 1 ms slices, so the load is
 * steady rather than one burst. */
static gpointer
produce (gpointer data)
{
  Producer *producer = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = canopy_bus_new ("virtual", "bench-app", NULL, &error);
  const guint8 payload[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
  CanopyMessage msg;
  gint64 start = g_get_monotonic_time ();
  gint64 end = start + (gint64) (producer->seconds * G_USEC_PER_SEC);

  if (bus == NULL)
    g_error ("%s", error->message);

  canopy_message_init (&msg, 0x100, FALSE, payload, sizeof payload);
  for (gint64 now = start; now < end; now = g_get_monotonic_time ())
    {
      guint64 due = (guint64) ((now - start) / 1e6 * producer->rate);

      while (producer->sent < due)
        {
          msg.arbitration_id = 0x100 + (producer->sent & 0x3f);
          msg.data[0] = (guint8) producer->sent;
          canopy_bus_send (bus, &msg, 0, NULL);
          producer->sent++;
        }
      g_usleep (1000);
    }

  canopy_bus_shutdown (bus);
  g_atomic_int_set (&producer->done, TRUE);
  return NULL;
}

static void
iterate_until (gint64 deadline_us)
{
  while (g_get_monotonic_time () < deadline_us)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (500), TRUE);
}

static void
connect_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GError **error = user_data;

  if (!canopy_window_connect_finish (CANOPY_WINDOW (source), result, error) && *error == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "connect failed");
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "connected");
}

int
main (int   argc,
      char *argv[])
{
  static const double rates[] = { 10000, 25000, 50000, 100000, 150000, 200000, 300000, 400000, 600000, 800000 };
  g_autoptr(CanopyApplication) app = NULL;
  g_autoptr(GHashTable) options = NULL;
  g_autoptr(GError) error = NULL;
  CanopyWindow *window;
  CanopyConnection *connection;
  GListModel *trace;
  CanopyBus *bus;
  double best = 0;
  guint64 shown_before;

  g_setenv ("GSETTINGS_BACKEND", "memory", FALSE);
  gtk_init ();

  app = canopy_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);

  window = canopy_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1240, 760);
  gtk_window_present (GTK_WINDOW (window));

  /* The receiving bus's queue holds a second of the fastest step. */
  options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (options, g_strdup ("queue_size"), g_strdup ("1048576"));
  canopy_window_connect_async (window, "virtual", "bench-app", options, NULL, connect_ready, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_error ("%s", error->message);
  g_clear_error (&error);

  connection = canopy_window_get_connection (window);
  trace = canopy_connection_get_trace (connection);
  bus = canopy_connection_get_bus (connection);
  iterate_until (g_get_monotonic_time () + G_USEC_PER_SEC);

  g_print ("Canopy window, virtual bus -> capture store -> column view following the end, %u cores",
           g_get_num_processors ());
  bench_print_load_average ();
  g_print ("\n%10s %12s %12s %10s %10s %10s  %s\n", "target/s", "sent/s", "shown", "lost", "UI CPU", "following", "holds");

  shown_before = g_list_model_get_n_items (trace);
  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      Producer producer = { .rate = rates[i], .seconds = STEP_SECONDS };
      g_autoptr(GThread) thread = NULL;
      g_autoptr(CanopyBusStatistics) statistics = NULL;
      double cpu_start, cpu;
      gint64 start, wall;
      guint64 shown, lost;
      gboolean holds, following;

      cpu_start = thread_cpu_seconds ();
      start = g_get_monotonic_time ();
      thread = g_thread_new ("bench-producer", produce, &producer);
      while (!g_atomic_int_get (&producer.done))
        g_main_context_iteration (NULL, FALSE) || (g_usleep (200), TRUE);
      g_thread_join (g_steal_pointer (&thread));

      /* Let the last batches arrive: 0.5 s, or until everything is there. */
      {
        gint64 settle = g_get_monotonic_time () + G_USEC_PER_SEC / 2;

        while (g_get_monotonic_time () < settle &&
               g_list_model_get_n_items (trace) - shown_before < producer.sent)
          g_main_context_iteration (NULL, FALSE) || (g_usleep (200), TRUE);
      }
      wall = g_get_monotonic_time () - start;
      cpu = (thread_cpu_seconds () - cpu_start) / (wall / 1e6);

      /* The last batch is laid out in the next frame or two. */
      iterate_until (g_get_monotonic_time () + G_USEC_PER_SEC / 5);
      following = canopy_window_is_following (window);

      shown = g_list_model_get_n_items (trace) - shown_before;
      statistics = canopy_bus_get_statistics (bus);
      lost = producer.sent > shown ? producer.sent - shown : 0;
      /* Only a view that followed the newest frame all along did the work. */
      holds = lost == 0 && canopy_bus_statistics_get_dropped (statistics) == 0 && cpu < UI_CPU_LIMIT &&
              following;
      if (holds)
        best = MAX (best, producer.sent / STEP_SECONDS);

      g_print ("%10.0f %12.0f %12" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT " %9.1f%% %10s  %s\n",
               rates[i], producer.sent / STEP_SECONDS, shown, lost, cpu * 100.0,
               following ? "yes" : "NO", holds ? "yes" : "no");
      shown_before = g_list_model_get_n_items (trace);
    }

  g_print ("highest rate shown with no frame lost and the UI thread below %.0f%% of a core: %.0f frames/s (target %.0f)\n",
           UI_CPU_LIMIT * 100, best, TARGET_RATE);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

/* bench-capture.c — the capture store: append rate from a producer thread
 * while the main context publishes, and resident bytes per frame, classic
 * and CAN FD; python3-can keeping the same frames in a list of can.Message
 * beside it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <canopy.h>

#include "bench-common.h"

typedef struct
{
  CanopyCaptureStore *store;
  guint               n_frames;
  gboolean            fd;
  gint64              elapsed_usec;
  gint                done;
} Producer;

/* The same frames as bench_capture_pythoncan.py. */
static guint64
mix (guint64 x)
{
  x ^= x >> 33;
  x *= G_GUINT64_CONSTANT (0xFF51AFD7ED558CCD);
  x ^= x >> 33;
  return x;
}

static gpointer
produce (gpointer data)
{
  Producer *producer = data;
  gint64 start = g_get_monotonic_time ();
  CanopyMessage msg = { 0 };

  msg.channel = CANOPY_CHANNEL_NONE;
  for (guint i = 0; i < producer->n_frames; i++)
    {
      guint64 h = mix (i + 1);

      msg.timestamp_ns = G_GINT64_CONSTANT (1700000000000000000) + (gint64) i * 100000;
      msg.arbitration_id = (h >> 12) & 0x7FF;
      if (producer->fd)
        {
          msg.flags = CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS;
          msg.dlc = 64;
          for (guint j = 0; j < 64; j += 8)
            memcpy (msg.data + j, &h, 8);
        }
      else
        {
          msg.dlc = 8;
          memcpy (msg.data, &h, 8);
        }
      /* One call per frame, as a notifier's listener makes it. */
      canopy_capture_store_append (producer->store, &msg);
    }

  producer->elapsed_usec = g_get_monotonic_time () - start;
  g_atomic_int_set (&producer->done, 1);

  return NULL;
}

static guint64
resident_bytes (void)
{
#ifdef __linux__
  g_autofree char *statm = NULL;
  guint64 size, resident;

  if (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) &&
      sscanf (statm, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &size, &resident) == 2)
    return resident * 4096;
#endif
  return 0;
}

/* n-items is notified once per publication (which may emit ::items-changed
 * twice: the ring's removal at the front, then the appended frames). */
static void
count_publication (GObject    *store,
                   GParamSpec *pspec,
                   guint      *n_publications)
{
  (*n_publications)++;
}

static void
run_canopy (guint    n_frames,
            gboolean fd,
            guint64  memory_limit)
{
  g_autoptr(CanopyCaptureStore) store = NULL;
  g_autoptr(GThread) thread = NULL;
  Producer producer = { NULL, n_frames, fd, 0, 0 };
  guint64 before = resident_bytes ();
  guint n_publications = 0;
  gint64 start = g_get_monotonic_time ();
  g_autofree char *ring = NULL;
  guint64 resident, held;
  guint n_items;

  store = canopy_capture_store_new ();
  canopy_capture_store_set_memory_limit (store, memory_limit);
  g_signal_connect (store, "notify::n-items", G_CALLBACK (count_publication), &n_publications);
  producer.store = store;

  /* The main context publishes while the producer appends, as a window's
   * would; the store is the only work it has. */
  thread = g_thread_new ("producer", produce, &producer);
  while (!g_atomic_int_get (&producer.done) ||
         g_list_model_get_n_items (G_LIST_MODEL (store)) + canopy_capture_store_get_n_dropped (store) < n_frames)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (g_steal_pointer (&thread));

  n_items = g_list_model_get_n_items (G_LIST_MODEL (store));
  held = canopy_capture_store_get_memory_used (store);
  resident = resident_bytes () - before;
  if (memory_limit != 0)
    ring = g_strdup_printf (", %u kept, %" G_GUINT64_FORMAT " dropped", n_items,
                            canopy_capture_store_get_n_dropped (store));

  printf ("  canopy   %-9s %9u frames %s: %6.2f M frames/s appended, all published in %.2f s "
          "(%u publications, %.0f/s), store %.2f B/frame, resident %.2f B/frame%s\n",
          fd ? "FD 64 B" : "classic", n_frames,
          memory_limit ? "(ring)" : "      ",
          n_frames / (producer.elapsed_usec / 1e6) / 1e6,
          (g_get_monotonic_time () - start) / 1e6,
          n_publications, n_publications / ((g_get_monotonic_time () - start) / 1e6),
          (double) held / n_items, (double) resident / n_items,
          ring != NULL ? ring : "");
}

/* The id table, fed one frame per call as a listener is, from 2000 ids on
 * two channels, while the main context publishes. */
static void
run_id_table (guint n_frames)
{
  g_autoptr(CanopyIdTable) table = canopy_id_table_new ();
  CanopyMessage msg = { 0 };
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  msg.dlc = 8;
  for (guint i = 0; i < n_frames; i++)
    {
      guint64 h = mix (i + 1);

      msg.timestamp_ns = G_GINT64_CONSTANT (1700000000000000000) + (gint64) i * 100000;
      msg.arbitration_id = i % 1000;
      msg.channel = (i / 1000) % 2;
      memcpy (msg.data, &h, 8);
      canopy_id_table_feed (table, &msg, 1);
      if (i % 65536 == 0)
        g_main_context_iteration (NULL, FALSE);
    }
  elapsed = g_get_monotonic_time () - start;

  while (g_list_model_get_n_items (G_LIST_MODEL (table)) < 2000)
    g_main_context_iteration (NULL, TRUE);

  printf ("  canopy   id table  %9u frames       : %6.2f M frames/s fed (2000 ids: count, periods, changed bytes)\n",
          n_frames, n_frames / (elapsed / 1e6) / 1e6);
}

static void
run_python_id_table (guint n_frames)
{
  g_autofree char *n = g_strdup_printf ("%u", n_frames);
  const char *args[] = { n, "id-table", NULL };
  g_autofree char *out = bench_run_python ("bench_capture_pythoncan.py", args);
  guint64 frames, resident;
  double seconds;

  if (out == NULL || sscanf (out, "%" G_GUINT64_FORMAT " %lf %" G_GUINT64_FORMAT,
                             &frames, &seconds, &resident) != 3)
    {
      printf ("  python   id table: not measured\n");
      return;
    }

  printf ("  python   id table  %9" G_GUINT64_FORMAT " frames       : %6.2f M frames/s fed "
          "(a dict of the same statistics, can.Message per frame)\n",
          frames, frames / seconds / 1e6);
}

static void
run_python (guint    n_frames,
            gboolean fd)
{
  g_autofree char *n = g_strdup_printf ("%u", n_frames);
  const char *args[] = { n, fd ? "fd" : "classic", NULL };
  g_autofree char *out = bench_run_python ("bench_capture_pythoncan.py", args);
  guint64 frames, resident;
  double seconds;

  if (out == NULL || sscanf (out, "%" G_GUINT64_FORMAT " %lf %" G_GUINT64_FORMAT,
                             &frames, &seconds, &resident) != 3)
    {
      printf ("  python-can %-7s: not measured\n", fd ? "FD 64 B" : "classic");
      return;
    }

  printf ("  python-can %-7s %9" G_GUINT64_FORMAT " frames       : %6.2f M frames/s appended "
          "(can.Message made and appended to a list), resident %.2f B/frame\n",
          fd ? "FD 64 B" : "classic", frames, frames / seconds / 1e6, (double) resident / frames);
}

/* bench-capture [FRAMES [PYTHON_FRAMES]]: 10 M and 1 M by default; a
 * quarter as many CAN FD frames; PYTHON_FRAMES 0 leaves python3-can out. */
int
main (int   argc,
      char *argv[])
{
  guint n_frames = argc > 1 ? (guint) strtoul (argv[1], NULL, 10) : 10000000;
  guint n_python = argc > 2 ? (guint) strtoul (argv[2], NULL, 10) : 1000000;

  setlocale (LC_ALL, "");

  printf ("Capture store: a producer thread appends one frame per call while the main "
          "context publishes (≤ 60 publications/s)");
  bench_print_load_average ();
  printf ("\n");

  run_canopy (n_frames, FALSE, 0);
  run_canopy (n_frames / 4, TRUE, 0);
  run_canopy (n_frames, FALSE, 64 * 1024 * 1024);
  run_id_table (n_frames);
  if (n_python > 0)
    {
      run_python (n_python, FALSE);
      run_python (n_python / 4, TRUE);
      run_python_id_table (n_python);
    }

  return 0;
}

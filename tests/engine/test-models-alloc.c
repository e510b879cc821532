/* test-models-alloc.c — the capture store and the id table allocate nothing
 * per frame in steady state
 *
 * Counts the allocations of the appending/feeding thread only
 * (canopy-test-alloc.h); publications on the main context run between the
 * counted stretches, as they would on another thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <canopy.h>

#include "canopy-test-alloc.h"

#define WARM_UP 200000
#define COUNTED 200000
#define STRETCH 1000

#ifdef COUNT_ALLOCATIONS
static void
make_frame (CanopyMessage *msg,
            guint          i,
            guint          n_ids,
            gboolean       with_fd)
{
  guint32 h = g_int_hash (&i) * 2654435761u;

  memset (msg, 0, sizeof *msg);
  msg->timestamp_ns = G_GINT64_CONSTANT (1765000000000000000) + (gint64) i * 100000;
  msg->arbitration_id = i % n_ids;
  msg->channel = i % 2;
  if (with_fd && i % 10 == 0)
    {
      msg->flags = CANOPY_MESSAGE_FD;
      msg->dlc = 64;
    }
  else
    msg->dlc = 8;
  for (guint j = 0; j < msg->dlc; j++)
    msg->data[j] = (guint8) (h >> (j % 4 * 8));
}

static void
run_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
count_publication (GObject    *store,
                   GParamSpec *pspec,
                   guint      *n_publications)
{
  (*n_publications)++;
}

/* Appends at least @n frames from @first, across at least 5 publications
 * (the ring's steady state spans publications: each one pins what the
 * model shows); returns the allocations of the appending calls and sets
 * @first past the frames appended. */
static gint
append_frames (CanopyCaptureStore *store,
               guint              *first,
               guint               n,
               gboolean            with_fd,
               gboolean            counting)
{
  guint n_publications = 0;
  gulong handler = g_signal_connect (store, "notify::n-items", G_CALLBACK (count_publication), &n_publications);
  guint end = *first + n;
  gint counted = 0;

  for (guint i = *first; i < end || n_publications < 5; i += STRETCH)
    {
      allocations = 0;
      trap = counting && g_getenv ("ALLOC_TRAP") != NULL;
      for (guint j = i; j < i + STRETCH; j++)
        {
          CanopyMessage msg;

          make_frame (&msg, j, 2000, with_fd);
          canopy_capture_store_append (store, &msg);
        }
      trap = FALSE;
      counted += allocations;
      *first = i + STRETCH;
      run_main_context ();
    }

  g_signal_handler_disconnect (store, handler);

  return counted;
}
#endif

static void
test_capture_store_ring (void)
{
#ifdef COUNT_ALLOCATIONS
  for (guint with_fd = 0; with_fd < 2; with_fd++)
    {
      g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
      guint next = 0;
      gint counted;

      canopy_capture_store_set_memory_limit (store, 1024 * 1024);
      append_frames (store, &next, WARM_UP, with_fd, FALSE);
      g_assert_cmpuint (canopy_capture_store_get_n_dropped (store), >, 0);
      counted = append_frames (store, &next, COUNTED, with_fd, TRUE);
      g_test_message ("ring%s: %d allocations appending %u frames",
                      with_fd ? " with FD frames" : "", counted, next - WARM_UP);
      /* A ring reuses the chunks it drops, and their arenas. */
      g_assert_cmpint (counted, ==, 0);
    }
#else
  g_test_skip ("allocation counting needs glibc");
#endif
}

static void
test_capture_store_growing (void)
{
#ifdef COUNT_ALLOCATIONS
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  guint next = 0;
  guint first_counted;
  gint counted;

  append_frames (store, &next, WARM_UP, TRUE, FALSE);
  first_counted = next;
  counted = append_frames (store, &next, COUNTED, TRUE, FALSE);
  g_test_message ("growing: %d allocations appending %u frames", counted, next - first_counted);
  /* A chunk and the growth of its FD arena (4 to 32 KiB: 4) per 4096
   * frames, and now and then the chunk array: never one per frame. */
  g_assert_cmpint (counted, <=, 6 * ((next - first_counted) / 4096 + 1));
#else
  g_test_skip ("allocation counting needs glibc");
#endif
}

static void
test_id_table (void)
{
#ifdef COUNT_ALLOCATIONS
  g_autoptr(CanopyIdTable) table = canopy_id_table_new ();
  gint counted = 0;

  /* 2000 ids on 2 channels: every id known after the warm-up. */
  for (guint i = 0; i < WARM_UP + COUNTED; i += STRETCH)
    {
      gint before = allocations;

      for (guint j = i; j < i + STRETCH; j++)
        {
          CanopyMessage msg;

          make_frame (&msg, j, 2000, TRUE);
          canopy_id_table_feed (table, &msg, 1);
        }
      if (i >= WARM_UP)
        counted += allocations - before;
      run_main_context ();
    }

  g_test_message ("id table: %d allocations feeding %u frames", counted, COUNTED);
  g_assert_cmpint (counted, ==, 0);
  g_assert_cmpuint (canopy_id_table_get_n_frames (table), ==, WARM_UP + COUNTED);
#else
  g_test_skip ("allocation counting needs glibc");
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/models/no-per-frame-allocation/capture-store-ring", test_capture_store_ring);
  g_test_add_func ("/models/no-per-frame-allocation/capture-store-growing", test_capture_store_growing);
  g_test_add_func ("/models/no-per-frame-allocation/id-table", test_id_table);

  return g_test_run ();
}

/* test-capture-store.c — the live trace model
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <canopy.h>

#include "models-test-common.h"

#include "../formats/formats-test-common.h"

#define CHUNK_FRAMES 4096

/* A frame with every field random: any flag combination (the store keeps
 * what it is given, valid for a bus or not), classic and FD lengths, any
 * channel. Bytes past the payload stay zero, so whole structs compare. */
static void
random_frame (GRand         *rand,
              gint64         timestamp_ns,
              CanopyMessage *msg)
{
  static const guint8 lengths[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64 };

  memset (msg, 0, sizeof *msg);
  msg->timestamp_ns = timestamp_ns;
  msg->flags = g_rand_int_range (rand, 0, CANOPY_MESSAGE_TX << 1);
  msg->arbitration_id = (msg->flags & CANOPY_MESSAGE_EXTENDED)
                        ? g_rand_int_range (rand, 0, 0x20000000)
                        : g_rand_int_range (rand, 0, 0x800);
  msg->dlc = (msg->flags & CANOPY_MESSAGE_FD)
             ? lengths[g_rand_int_range (rand, 0, G_N_ELEMENTS (lengths))]
             : g_rand_int_range (rand, 0, 9);
  msg->channel = g_rand_int_range (rand, -1, 300);
  for (guint i = 0; i < msg->dlc; i++)
    msg->data[i] = g_rand_int_range (rand, 0, 256);
}

static GArray *
random_frames (guint n,
               guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GArray *frames = g_array_sized_new (FALSE, TRUE, sizeof (CanopyMessage), n);
  gint64 ts = G_GINT64_CONSTANT (1765000000000000000);

  g_array_set_size (frames, n);
  for (guint i = 0; i < n; i++)
    {
      ts += g_rand_int_range (rand, 1, 2000000);
      random_frame (rand, ts, &g_array_index (frames, CanopyMessage, i));
    }

  return frames;
}

static void
assert_same_frame (const CanopyMessage *want,
                   const CanopyMessage *got,
                   guint                position)
{
  if (memcmp (want, got, sizeof *want) != 0)
    {
      g_autofree char *a = test_frame_to_string (want);
      g_autofree char *b = test_frame_to_string (got);

      g_error ("item %u differs:\n  want %s flags 0x%x\n  got  %s flags 0x%x",
               position, a, want->flags, b, got->flags);
    }
}

static void
test_round_trip (void)
{
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(GArray) frames = random_frames (3 * CHUNK_FRAMES + 123, 17);
  guint n_fd = 0;

  for (guint i = 0; i < frames->len; i++)
    {
      canopy_capture_store_append (store, &g_array_index (frames, CanopyMessage, i));
      n_fd += g_array_index (frames, CanopyMessage, i).dlc > 8;
    }
  g_assert_cmpuint (n_fd, >, 1000);

  /* Nothing is published outside the main context. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_assert_cmpuint (canopy_capture_store_get_n_captured (store), ==, frames->len);

  models_test_wait_for_n_items (G_LIST_MODEL (store), frames->len);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (store)) == CANOPY_TYPE_FRAME_ITEM);

  for (guint i = 0; i < frames->len; i++)
    {
      CanopyMessage got;

      g_assert_true (canopy_capture_store_get_message (store, i, &got));
      assert_same_frame (&g_array_index (frames, CanopyMessage, i), &got, i);
    }

  for (guint i = 0; i < frames->len; i += 97)
    {
      g_autoptr(CanopyFrameItem) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_assert_cmpuint (canopy_frame_item_get_position (item), ==, i);
      assert_same_frame (&g_array_index (frames, CanopyMessage, i),
                         canopy_frame_item_get_message (item), i);
    }

  {
    CanopyMessage got;

    g_assert_null (g_list_model_get_item (G_LIST_MODEL (store), frames->len));
    g_assert_false (canopy_capture_store_get_message (store, frames->len, &got));
  }

  /* 24 bytes a record, plus the arenas of the FD payloads. */
  g_assert_cmpuint (canopy_capture_store_get_memory_used (store), >=, frames->len * 24);
}

typedef struct
{
  GArray       *frames;
  CanopyCaptureStore *store;
} Producer;

static gpointer
produce (gpointer data)
{
  Producer *producer = data;

  for (guint i = 0; i < producer->frames->len; i++)
    {
      canopy_capture_store_append (producer->store, &g_array_index (producer->frames, CanopyMessage, i));
      if (i % 5000 == 0)
        g_usleep (1000);
    }

  return NULL;
}

typedef struct
{
  GThread *main_thread;
  guint    n_emissions;
  guint    n_items;
  gboolean bad_change;
} ChangeLog;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  ChangeLog  *log)
{
  /* Appends only, at the end, on the main thread, model already updated. */
  if (g_thread_self () != log->main_thread || removed != 0 ||
      position != log->n_items ||
      g_list_model_get_n_items (model) != log->n_items + added)
    log->bad_change = TRUE;
  log->n_items += added;
  log->n_emissions++;
}

static void
test_batches_from_a_thread (void)
{
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(GArray) frames = random_frames (200000, 23);
  ChangeLog log = { g_thread_self (), 0, 0, FALSE };
  Producer producer = { frames, store };
  g_autoptr(GThread) thread = NULL;
  gint64 start, elapsed;

  g_signal_connect (store, "items-changed", G_CALLBACK (on_items_changed), &log);

  start = g_get_monotonic_time ();
  thread = g_thread_new ("producer", produce, &producer);
  models_test_wait_for_n_items (G_LIST_MODEL (store), frames->len);
  elapsed = g_get_monotonic_time () - start;
  g_thread_join (g_steal_pointer (&thread));

  g_assert_false (log.bad_change);
  g_assert_cmpuint (log.n_items, ==, frames->len);
  /* Batched: at most one publication per 1/60 s (plus the first). */
  g_assert_cmpuint (log.n_emissions, <=, elapsed * 60 / G_USEC_PER_SEC + 2);
  g_assert_cmpuint (log.n_emissions, <, frames->len / 100);

  for (guint i = 0; i < frames->len; i += 7)
    {
      CanopyMessage got;

      g_assert_true (canopy_capture_store_get_message (store, i, &got));
      assert_same_frame (&g_array_index (frames, CanopyMessage, i), &got, i);
    }
}

static void
test_ring (void)
{
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(GArray) frames = random_frames (20 * CHUNK_FRAMES + 1000, 29);
  /* Room for about 4 chunks of records and their FD arenas. */
  const guint64 limit = 4 * CHUNK_FRAMES * 24 + 4 * CHUNK_FRAMES * 20;
  guint64 n_dropped, first;
  guint n_items;

  canopy_capture_store_set_memory_limit (store, limit);
  g_assert_cmpuint (canopy_capture_store_get_memory_limit (store), ==, limit);

  for (guint i = 0; i < frames->len; i++)
    {
      canopy_capture_store_append (store, &g_array_index (frames, CanopyMessage, i));
      /* The live chunks fit the limit (but for the arena of the one being
       * filled); the model may still show as much again. */
      g_assert_cmpuint (canopy_capture_store_get_memory_used (store), <=,
                        2 * limit + CHUNK_FRAMES * (24 + 64));
      /* Publish now and then, as a running user interface would. */
      if (i % 10000 == 0)
        models_test_settle ();
    }
  models_test_settle ();
  g_assert_cmpuint (canopy_capture_store_get_memory_used (store), <=, limit + CHUNK_FRAMES * 64);

  n_dropped = canopy_capture_store_get_n_dropped (store);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (store));
  first = canopy_capture_store_get_first_frame (store);

  /* Whole chunks dropped, oldest first, and counted. */
  g_assert_cmpuint (n_dropped, >, 0);
  g_assert_cmpuint (n_dropped % CHUNK_FRAMES, ==, 0);
  g_assert_cmpuint (first, ==, n_dropped);
  g_assert_cmpuint (n_items + n_dropped, ==, frames->len);
  /* … and no more than the limit asks: it holds about four chunks. */
  g_assert_cmpuint (n_items, <, 5 * CHUNK_FRAMES);
  g_assert_cmpuint (n_items, >, 2 * CHUNK_FRAMES);
  g_assert_cmpuint (canopy_capture_store_get_n_captured (store), ==, frames->len);

  /* What is left is the newest frames, numbered as captured. */
  for (guint i = 0; i < n_items; i += 13)
    {
      g_autoptr(CanopyFrameItem) item = g_list_model_get_item (G_LIST_MODEL (store), i);

      g_assert_cmpuint (canopy_frame_item_get_position (item), ==, first + i);
      assert_same_frame (&g_array_index (frames, CanopyMessage, first + i),
                         canopy_frame_item_get_message (item), i);
    }

  /* Lowering the limit drops at once; 0 removes it. */
  canopy_capture_store_set_memory_limit (store, 1);
  models_test_settle ();
  g_assert_cmpuint (canopy_capture_store_get_n_dropped (store), >, n_dropped);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), <=, CHUNK_FRAMES);
  canopy_capture_store_set_memory_limit (store, 0);
}

/* Items the model still shows stay readable when the ring drops them
 * between two publications. */
static void
test_ring_keeps_published_items (void)
{
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(GArray) frames = random_frames (8 * CHUNK_FRAMES, 31);

  canopy_capture_store_append_many (store, (CanopyMessage *) frames->data, 2 * CHUNK_FRAMES);
  models_test_wait_for_n_items (G_LIST_MODEL (store), 2 * CHUNK_FRAMES);
  /* Room for what it holds now, two chunks (with their FD arenas). */
  canopy_capture_store_set_memory_limit (store, canopy_capture_store_get_memory_used (store));
  g_assert_cmpuint (canopy_capture_store_get_n_dropped (store), ==, 0);

  /* Six more chunks: the published two are dropped from the store. */
  canopy_capture_store_append_many (store, &g_array_index (frames, CanopyMessage, 2 * CHUNK_FRAMES),
                                    6 * CHUNK_FRAMES);
  g_assert_cmpuint (canopy_capture_store_get_n_dropped (store), >=, 4 * CHUNK_FRAMES);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 2 * CHUNK_FRAMES);
  for (guint i = 0; i < 2 * CHUNK_FRAMES; i += 101)
    {
      CanopyMessage got;

      g_assert_true (canopy_capture_store_get_message (store, i, &got));
      assert_same_frame (&g_array_index (frames, CanopyMessage, i), &got, i);
    }

  models_test_settle ();
  g_assert_cmpuint (canopy_capture_store_get_first_frame (store), ==,
                    canopy_capture_store_get_n_dropped (store));
}

/* Paused under a memory limit, the store keeps the frames the model shows
 * and its newest ones, and nothing in between: memory stays bounded. */
static void
test_ring_paused_is_bounded (void)
{
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(GArray) frames = random_frames (40 * CHUNK_FRAMES, 43);
  guint64 limit;

  canopy_capture_store_append_many (store, (CanopyMessage *) frames->data, 3 * CHUNK_FRAMES);
  models_test_wait_for_n_items (G_LIST_MODEL (store), 3 * CHUNK_FRAMES);
  limit = canopy_capture_store_get_memory_used (store);
  canopy_capture_store_set_memory_limit (store, limit);
  canopy_capture_store_set_paused (store, TRUE);

  for (guint i = 3; i < 40; i++)
    {
      canopy_capture_store_append_many (store, &g_array_index (frames, CanopyMessage, i * CHUNK_FRAMES),
                                        CHUNK_FRAMES);
      /* The three shown chunks, at most three live ones and the one being
       * filled, each with an FD arena of up to 256 KiB. */
      g_assert_cmpuint (canopy_capture_store_get_memory_used (store), <=,
                        2 * limit + CHUNK_FRAMES * (24 + 64));
    }
  models_test_settle ();

  /* The frozen model still reads its frames, all of them intact. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 3 * CHUNK_FRAMES);
  for (guint i = 0; i < 3 * CHUNK_FRAMES; i += 37)
    {
      CanopyMessage got;

      g_assert_true (canopy_capture_store_get_message (store, i, &got));
      assert_same_frame (&g_array_index (frames, CanopyMessage, i), &got, i);
    }

  /* Unpaused: the newest frames, numbered as captured. */
  canopy_capture_store_set_paused (store, FALSE);
  models_test_settle ();
  g_assert_cmpuint (canopy_capture_store_get_first_frame (store), ==,
                    canopy_capture_store_get_n_dropped (store));
  g_assert_cmpuint (canopy_capture_store_get_n_dropped (store) + g_list_model_get_n_items (G_LIST_MODEL (store)),
                    ==, frames->len);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i += 37)
    {
      CanopyMessage got;
      guint64 frame = canopy_capture_store_get_first_frame (store) + i;

      g_assert_true (canopy_capture_store_get_message (store, i, &got));
      assert_same_frame (&g_array_index (frames, CanopyMessage, frame), &got, i);
    }
  g_assert_cmpuint (canopy_capture_store_get_memory_used (store), <=, limit + CHUNK_FRAMES * (24 + 64));
}

static void
test_paused (void)
{
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(GArray) frames = random_frames (3000, 37);
  guint n_emissions = 0;

  canopy_capture_store_append_many (store, (CanopyMessage *) frames->data, 1000);
  models_test_wait_for_n_items (G_LIST_MODEL (store), 1000);

  g_signal_connect (store, "items-changed", G_CALLBACK (models_test_count_items_changed), &n_emissions);
  canopy_capture_store_set_paused (store, TRUE);
  g_assert_true (canopy_capture_store_get_paused (store));
  canopy_capture_store_append_many (store, &g_array_index (frames, CanopyMessage, 1000), 2000);
  models_test_settle ();

  /* Captured and counted, but the model is frozen. */
  g_assert_cmpuint (canopy_capture_store_get_n_captured (store), ==, 3000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 1000);
  g_assert_cmpuint (n_emissions, ==, 0);

  canopy_capture_store_set_paused (store, FALSE);
  models_test_wait_for_n_items (G_LIST_MODEL (store), 3000);
  g_assert_cmpuint (n_emissions, ==, 1);
  for (guint i = 0; i < frames->len; i += 11)
    {
      CanopyMessage got;

      g_assert_true (canopy_capture_store_get_message (store, i, &got));
      assert_same_frame (&g_array_index (frames, CanopyMessage, i), &got, i);
    }
}

static void
test_clear (void)
{
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(GArray) frames = random_frames (6000, 41);
  g_autoptr(CanopyFrameItem) item = NULL;

  canopy_capture_store_append_many (store, (CanopyMessage *) frames->data, 5000);
  models_test_wait_for_n_items (G_LIST_MODEL (store), 5000);

  /* From a thread that does not own the main context: at the next
   * publication. */
  canopy_capture_store_clear (store);
  models_test_wait_for_n_items (G_LIST_MODEL (store), 0);
  g_assert_cmpuint (canopy_capture_store_get_memory_used (store), <=, sizeof (CanopyMessage) * CHUNK_FRAMES);

  /* Frame numbers go on. */
  canopy_capture_store_append_many (store, &g_array_index (frames, CanopyMessage, 5000), 1000);
  models_test_wait_for_n_items (G_LIST_MODEL (store), 1000);
  item = g_list_model_get_item (G_LIST_MODEL (store), 0);
  g_assert_cmpuint (canopy_frame_item_get_position (item), ==, 5000);
  assert_same_frame (&g_array_index (frames, CanopyMessage, 5000), canopy_frame_item_get_message (item), 0);
  g_assert_cmpuint (canopy_capture_store_get_n_captured (store), ==, 6000);
  g_assert_cmpuint (canopy_capture_store_get_n_dropped (store), ==, 0);

  /* On the owner of the main context: at once. */
  g_assert_true (g_main_context_acquire (NULL));
  canopy_capture_store_clear (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (store)), ==, 0);
  g_main_context_release (NULL);
}

static const FormatCaps blf_caps = { "blf", ".blf", 0, TRUE, TRUE, TRUE, TRUE, TRUE };

static void
write_and_compare (CanopyCaptureStore *store,
                   GArray             *frames,
                   const FormatCaps   *caps,
                   const char         *dir)
{
  g_autofree char *whole_path = g_strdup_printf ("%s/whole%s", dir, caps->ext);
  g_autofree char *range_path = g_strdup_printf ("%s/range%s", dir, caps->ext);
  g_autoptr(CanopyLogWriter) whole = NULL;
  g_autoptr(CanopyLogWriter) range = NULL;
  g_autoptr(GArray) got = NULL;
  g_autoptr(GArray) want = NULL;
  g_autoptr(GError) error = NULL;

  whole = canopy_log_writer_new_for_file (whole_path, &error);
  g_assert_no_error (error);
  g_assert_true (canopy_capture_store_write (store, whole, 0, G_MAXUINT, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (canopy_log_writer_close (whole, &error));
  g_assert_no_error (error);

  got = test_read_frames (whole_path, &error);
  g_assert_no_error (error);
  test_assert_frames (frames, got, caps, caps->ts_tolerance_ns, whole_path);
  g_clear_pointer (&got, g_array_unref);

  /* A range: items 1000 … 1499. */
  range = canopy_log_writer_new_for_file (range_path, &error);
  g_assert_no_error (error);
  g_assert_true (canopy_capture_store_write (store, range, 1000, 500, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (canopy_log_writer_close (range, &error));
  g_assert_no_error (error);

  want = g_array_sized_new (FALSE, FALSE, sizeof (CanopyMessage), 500);
  g_array_append_vals (want, &g_array_index (frames, CanopyMessage, 1000), 500);
  got = test_read_frames (range_path, &error);
  g_assert_no_error (error);
  test_assert_frames (want, got, caps, caps->ts_tolerance_ns, range_path);
}

static void
test_write (void)
{
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(GArray) frames = test_make_frames (2 * CHUNK_FRAMES + 500, TRUE, TRUE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CanopyLogWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "cancelled.asc", NULL);

  canopy_capture_store_append_many (store, (CanopyMessage *) frames->data, frames->len);
  models_test_wait_for_n_items (G_LIST_MODEL (store), frames->len);

  write_and_compare (store, frames, &blf_caps, dir);
  for (guint i = 0; i < n_test_formats; i++)
    write_and_compare (store, frames, &test_formats[i], dir);

  /* Past the end, cancelled: errors, nothing written. */
  writer = canopy_log_writer_new_for_file (path, &error);
  g_assert_no_error (error);
  g_assert_false (canopy_capture_store_write (store, writer, frames->len + 1, 1, NULL, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_cancellable_cancel (cancellable);
  g_assert_false (canopy_capture_store_write (store, writer, 0, G_MAXUINT, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (canopy_log_writer_get_written (writer), ==, 0);
  canopy_log_writer_close (writer, NULL);

  test_rmdir (dir);
}

static void
test_notifier (void)
{
  g_autoptr(CanopyCaptureStore) store = canopy_capture_store_new ();
  g_autoptr(CanopyBus) sender = NULL;
  g_autoptr(CanopyBus) receiver = NULL;
  g_autoptr(CanopyNotifier) notifier = NULL;
  g_autoptr(GError) error = NULL;
  CanopyListener *listeners[1] = { CANOPY_LISTENER (store) };
  const guint n = 2000;

  sender = canopy_bus_new ("virtual", "capture-store", NULL, &error);
  g_assert_no_error (error);
  receiver = canopy_bus_new ("virtual", "capture-store", NULL, &error);
  g_assert_no_error (error);
  notifier = canopy_notifier_new (&receiver, 1, listeners, 1);

  for (guint i = 0; i < n; i++)
    {
      CanopyMessage msg;
      guint8 data[4] = { i >> 24, i >> 16, i >> 8, i };

      canopy_message_init (&msg, i % 0x800, FALSE, data, 4);
      g_assert_true (canopy_bus_send (sender, &msg, 1.0, &error));
      g_assert_no_error (error);
    }

  models_test_wait_for_n_items (G_LIST_MODEL (store), n);
  g_assert_true (canopy_notifier_stop (notifier, 5.0));

  for (guint i = 0; i < n; i++)
    {
      CanopyMessage got;

      g_assert_true (canopy_capture_store_get_message (store, i, &got));
      g_assert_cmpuint (got.arbitration_id, ==, i % 0x800);
      g_assert_cmpuint (got.dlc, ==, 4);
      g_assert_cmpuint (GUINT32_FROM_BE (*(guint32 *) got.data), ==, i);
      g_assert_cmpint (got.timestamp_ns, >, 0);
    }

  canopy_bus_shutdown (sender);
  canopy_bus_shutdown (receiver);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/capture-store/round-trip", test_round_trip);
  g_test_add_func ("/capture-store/batches-from-a-thread", test_batches_from_a_thread);
  g_test_add_func ("/capture-store/ring", test_ring);
  g_test_add_func ("/capture-store/ring-keeps-published-items", test_ring_keeps_published_items);
  g_test_add_func ("/capture-store/ring-paused-is-bounded", test_ring_paused_is_bounded);
  g_test_add_func ("/capture-store/paused", test_paused);
  g_test_add_func ("/capture-store/clear", test_clear);
  g_test_add_func ("/capture-store/write", test_write);
  g_test_add_func ("/capture-store/notifier", test_notifier);

  return g_test_run ();
}

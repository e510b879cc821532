/* test-player.c — replaying logs onto a bus
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Timing is only asserted in the direction that cannot flake: the player
 * never sends a frame before its recorded time, so a replay takes at least
 * the recorded span. Upper bounds only tell "ignored a 10 s pause" from
 * "waited for it".
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <canopy.h>

#include "canopy-bus-private.h"

#define NS_PER_MS G_GINT64_CONSTANT (1000000)

/* A reader over frames in memory. */

#define TEST_TYPE_ARRAY_READER (test_array_reader_get_type ())
G_DECLARE_FINAL_TYPE (TestArrayReader, test_array_reader, TEST, ARRAY_READER, CanopyLogReader)

struct _TestArrayReader
{
  CanopyLogReader parent_instance;
  GArray         *frames;
  guint           next;
};

G_DEFINE_FINAL_TYPE (TestArrayReader, test_array_reader, CANOPY_TYPE_LOG_READER)

static gboolean
array_reader_next (CanopyLogReader  *reader,
                   CanopyMessage    *msg,
                   GError          **error)
{
  TestArrayReader *self = TEST_ARRAY_READER (reader);

  if (self->next >= self->frames->len)
    return FALSE;
  *msg = g_array_index (self->frames, CanopyMessage, self->next++);
  return TRUE;
}

static void
test_array_reader_finalize (GObject *object)
{
  g_clear_pointer (&TEST_ARRAY_READER (object)->frames, g_array_unref);
  G_OBJECT_CLASS (test_array_reader_parent_class)->finalize (object);
}

static void
test_array_reader_class_init (TestArrayReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_array_reader_finalize;
  CANOPY_LOG_READER_CLASS (klass)->next = array_reader_next;
}

static void
test_array_reader_init (TestArrayReader *self)
{
  self->frames = g_array_new (FALSE, FALSE, sizeof (CanopyMessage));
}

/* Frame i has id 0x100 + i (mod 0x700), data [i, i >> 8], timestamp
 * base + offsets_ms[i]. */
static CanopyLogReader *
reader_new (const double *offsets_ms,
            guint         n)
{
  TestArrayReader *self = g_object_new (TEST_TYPE_ARRAY_READER, NULL);
  const gint64 base = G_GINT64_CONSTANT (1700000000) * 1000000000;

  for (guint i = 0; i < n; i++)
    {
      CanopyMessage msg;
      guint8 data[2] = { i & 0xff, i >> 8 };

      canopy_message_init (&msg, 0x100 + i % 0x700, FALSE, data, sizeof data);
      msg.timestamp_ns = base + (gint64) (offsets_ms[i] * NS_PER_MS);
      g_array_append_val (self->frames, msg);
    }

  return CANOPY_LOG_READER (self);
}

static CanopyLogReader *
reader_new_regular (guint  n,
                    double step_ms)
{
  g_autofree double *offsets = g_new (double, n);

  for (guint i = 0; i < n; i++)
    offsets[i] = i * step_ms;
  return reader_new (offsets, n);
}

typedef struct
{
  CanopyBus    *tx;
  CanopyBus    *rx;
  CanopyPlayer *player;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *channel = g_strdup_printf ("player-%s", g_test_get_path ());

  f->tx = CANOPY_BUS (canopy_virtual_bus_new (channel, FALSE, 0));
  f->rx = CANOPY_BUS (canopy_virtual_bus_new (channel, FALSE, 0));
  f->player = canopy_player_new (f->tx);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->player);
  canopy_bus_shutdown (f->tx);
  canopy_bus_shutdown (f->rx);
  g_clear_object (&f->tx);
  g_clear_object (&f->rx);
}

/* Receives what is queued and checks it is frames first, first + 1, … */
static guint
expect_in_order (CanopyBus *bus,
                 guint      first,
                 guint      modulo)
{
  CanopyMessage msg;
  guint n = 0;

  while (canopy_bus_recv_into (bus, &msg, 0, NULL))
    {
      guint i = (first + n) % modulo;

      g_assert_cmphex (msg.arbitration_id, ==, 0x100 + i % 0x700);
      g_assert_cmpuint (msg.dlc, ==, 2);
      g_assert_cmpuint (msg.data[0], ==, i & 0xff);
      g_assert_cmpuint (msg.data[1], ==, i >> 8);
      n++;
    }

  return n;
}

static double
seconds_since (gint64 t0_usec)
{
  return (g_get_monotonic_time () - t0_usec) / (double) G_USEC_PER_SEC;
}

static void
test_order (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(CanopyLogReader) reader = reader_new_regular (500, 0.2);
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok;

  g_assert_false (canopy_player_is_playing (f->player));
  g_assert_cmpfloat (canopy_player_get_duration (f->player), ==, -1);

  ok = canopy_player_play_reader (f->player, reader, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  /* Never ahead of the recording: 499 × 0.2 ms. */
  g_assert_cmpfloat (seconds_since (t0), >=, 0.0998);
  g_assert_false (canopy_player_is_playing (f->player));
  g_assert_cmpuint (canopy_player_get_frames_sent (f->player), ==, 500);
  g_assert_cmpuint (expect_in_order (f->rx, 0, 500), ==, 500);
  g_assert_cmpfloat_with_epsilon (canopy_player_get_duration (f->player), 0.0998, 1e-6);
  g_assert_cmpfloat_with_epsilon (canopy_player_get_position (f->player), 0.0998, 1e-6);
}

static void
test_left_out (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CanopyLogReader) reader = reader_new_regular (5, 1);
  g_autoptr(GError) error = NULL;
  TestArrayReader *array = TEST_ARRAY_READER (reader);
  CanopyMessage msg;

  /* Frame 2 claims a standard id no CAN bus has: left out and counted,
   * the others replayed. */
  g_array_index (array->frames, CanopyMessage, 2).arbitration_id = 0x15555555;

  g_assert_true (canopy_player_play_reader (f->player, reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (canopy_player_get_frames_sent (f->player), ==, 4);
  g_assert_cmpuint (canopy_player_get_frames_left_out (f->player), ==, 1);

  for (guint i = 0; i < 5; i++)
    {
      if (i == 2)
        continue;
      g_assert_true (canopy_bus_recv_into (f->rx, &msg, 0, NULL));
      g_assert_cmphex (msg.arbitration_id, ==, 0x100 + i);
    }
  g_assert_false (canopy_bus_recv_into (f->rx, &msg, 0, NULL));
}

static void
test_recorded_timing (Fixture       *f,
                      gconstpointer  data)
{
  static const double offsets[] = { 0, 100, 100, 300 };
  g_autoptr(CanopyLogReader) reader = reader_new (offsets, G_N_ELEMENTS (offsets));
  g_autoptr(GError) error = NULL;
  CanopyMessage got[4];
  gint64 t0 = g_get_monotonic_time ();

  g_assert_true (canopy_player_play_reader (f->player, reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (seconds_since (t0), >=, 0.3);

  for (guint i = 0; i < 4; i++)
    g_assert_true (canopy_bus_recv_into (f->rx, &got[i], 0, NULL));
  /* Sent no earlier than recorded, relative to the first frame. */
  g_assert_cmpint (got[1].timestamp_ns - got[0].timestamp_ns, >=, 99 * NS_PER_MS);
  g_assert_cmpint (got[3].timestamp_ns - got[0].timestamp_ns, >=, 299 * NS_PER_MS);
  g_assert_cmpuint (expect_in_order (f->rx, 4, 4), ==, 0);
}

static void
test_ignore_timestamps (Fixture       *f,
                        gconstpointer  data)
{
  static const double offsets[] = { 0, 10000, 20000, 30000, 40000, 50000 };
  g_autoptr(CanopyLogReader) reader = reader_new (offsets, G_N_ELEMENTS (offsets));
  g_autoptr(CanopyLogReader) again = reader_new (offsets, G_N_ELEMENTS (offsets));
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  /* 50 s of recording, sent at once. */
  canopy_player_set_ignore_timestamps (f->player, TRUE);
  g_assert_true (canopy_player_play_reader (f->player, reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (seconds_since (t0), <, 10.0);
  g_assert_cmpuint (expect_in_order (f->rx, 0, 6), ==, 6);

  /* With a minimum gap of 40 ms: 5 gaps. */
  canopy_player_set_gap (f->player, 40);
  g_assert_cmpfloat (canopy_player_get_gap (f->player), ==, 40);
  t0 = g_get_monotonic_time ();
  g_assert_true (canopy_player_play_reader (f->player, again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (seconds_since (t0), >=, 0.2);
  g_assert_cmpfloat (seconds_since (t0), <, 10.0);
  g_assert_cmpuint (expect_in_order (f->rx, 0, 6), ==, 6);
}

static void
test_gap (Fixture       *f,
          gconstpointer  data)
{
  static const double offsets[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  g_autoptr(CanopyLogReader) reader = reader_new (offsets, G_N_ELEMENTS (offsets));
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  CanopyMessage prev, msg;

  /* Ten frames recorded at once still go out 20 ms apart. */
  g_object_set (f->player, "gap", 20.0, NULL);
  g_assert_true (canopy_player_play_reader (f->player, reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (seconds_since (t0), >=, 0.18);

  g_assert_true (canopy_bus_recv_into (f->rx, &prev, 0, NULL));
  for (guint i = 1; i < 10; i++)
    {
      g_assert_true (canopy_bus_recv_into (f->rx, &msg, 0, NULL));
      g_assert_cmphex (msg.arbitration_id, ==, prev.arbitration_id + 1);
      prev = msg;
    }
}

static void
test_skip (Fixture       *f,
           gconstpointer  data)
{
  static const double offsets[] = { 0, 50, 30050, 30100, 60000 };
  g_autoptr(CanopyLogReader) reader = reader_new (offsets, G_N_ELEMENTS (offsets));
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  /* Pauses over 0.1 s shrink to 0.1 s: 50 + 100 + 50 + 100 ms. */
  canopy_player_set_skip (f->player, 0.1);
  g_assert_true (canopy_player_play_reader (f->player, reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (seconds_since (t0), >=, 0.3);
  g_assert_cmpfloat (seconds_since (t0), <, 20.0);
  g_assert_cmpuint (expect_in_order (f->rx, 0, 5), ==, 5);
  /* The position is that of the recording. */
  g_assert_cmpfloat_with_epsilon (canopy_player_get_position (f->player), 60.0, 1e-6);
}

static void
test_speed (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(CanopyLogReader) reader = reader_new_regular (101, 20);  /* 2 s */
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  canopy_player_set_speed (f->player, 20);
  g_assert_true (canopy_player_play_reader (f->player, reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (seconds_since (t0), >=, 0.099);
  g_assert_cmpfloat (seconds_since (t0), <, 1.5);
  g_assert_cmpuint (expect_in_order (f->rx, 0, 101), ==, 101);
}

static void on_play_done (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data);
static void iterate_until_done (CanopyPlayer *player);

static void
test_speed_change (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CanopyLogReader) reader = reader_new_regular (100, 20);  /* 1.98 s */
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  CanopyMessage msg;
  guint n = 0;

  canopy_player_play_reader_async (f->player, reader, NULL, on_play_done, &error);
  while (n < 10)
    {
      g_assert_true (canopy_bus_recv_into (f->rx, &msg, 10.0, NULL));
      g_assert_cmphex (msg.arbitration_id, ==, 0x100 + n);
      n++;
    }

  /* The rest, 1.78 s of recording, at 20×: about 90 ms. */
  canopy_player_set_speed (f->player, 20);
  iterate_until_done (f->player);
  g_assert_no_error (error);
  g_assert_cmpfloat (seconds_since (t0), >=, 0.18 + 0.089);
  g_assert_cmpfloat (seconds_since (t0), <, 1.7);
  g_assert_cmpuint (expect_in_order (f->rx, n, 100) + n, ==, 100);
}

static void
on_play_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError **error = user_data;
  gboolean ok;

  ok = canopy_player_play_reader_finish (CANOPY_PLAYER (object), result, error);
  g_assert_true (ok == (*error == NULL));
  /* Mark completion for the caller's loop. */
  g_object_set_data (object, "done", GINT_TO_POINTER (1));
}

static void
on_file_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError **error = user_data;
  gboolean ok;

  ok = canopy_player_play_file_finish (CANOPY_PLAYER (object), result, error);
  g_assert_true (ok == (*error == NULL));
  g_object_set_data (object, "done", GINT_TO_POINTER (1));
}

static void
iterate_until_done (CanopyPlayer *player)
{
  while (g_object_get_data (G_OBJECT (player), "done") == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_object_set_data (G_OBJECT (player), "done", NULL);
}

static void
iterate_for (guint msec)
{
  gint64 end = g_get_monotonic_time () + msec * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
test_pause (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(CanopyLogReader) reader = reader_new_regular (100, 5);  /* 0.5 s */
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  guint n = 0;

  canopy_player_play_reader_async (f->player, reader, NULL, on_play_done, &error);

  /* Wait for some frames. */
  while (n < 10)
    {
      g_assert_true (canopy_bus_recv_into (f->rx, &msg, 10.0, NULL));
      g_assert_cmphex (msg.arbitration_id, ==, 0x100 + n);
      n++;
    }

  canopy_player_pause (f->player);
  g_assert_true (canopy_player_get_paused (f->player));
  /* A frame already on its way may still arrive; then nothing. */
  iterate_for (30);
  n += expect_in_order (f->rx, n, 100);
  iterate_for (150);
  g_assert_cmpuint (expect_in_order (f->rx, n, 100), ==, 0);
  g_assert_true (canopy_player_is_playing (f->player));
  g_assert_cmpuint (canopy_player_get_frames_sent (f->player), ==, n);

  canopy_player_resume (f->player);
  iterate_until_done (f->player);
  g_assert_no_error (error);
  n += expect_in_order (f->rx, n, 100);
  g_assert_cmpuint (n, ==, 100);
}

static void
test_stop_and_cancel (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CanopyLogReader) reader = reader_new_regular (100, 100);  /* 10 s */
  g_autoptr(CanopyLogReader) reader2 = reader_new_regular (100, 100);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  gint64 t0 = g_get_monotonic_time ();

  canopy_player_play_reader_async (f->player, reader, NULL, on_play_done, &error);
  g_assert_true (canopy_bus_recv_into (f->rx, &msg, 10.0, NULL));

  /* A second replay at the same time is refused. */
  {
    g_autoptr(GError) busy = NULL;
    g_autoptr(CanopyLogReader) other = reader_new_regular (1, 1);

    /* is_playing becomes TRUE before the first frame is sent */
    g_assert_true (canopy_player_is_playing (f->player));
    g_assert_false (canopy_player_play_reader (f->player, other, NULL, &busy));
    g_assert_error (busy, CANOPY_ERROR, CANOPY_ERROR_FAILED);
  }

  /* stop() ends it early, successfully. */
  canopy_player_stop (f->player);
  iterate_until_done (f->player);
  g_assert_no_error (error);
  g_assert_cmpfloat (seconds_since (t0), <, 8.0);
  g_assert_cmpuint (canopy_player_get_frames_sent (f->player), <, 100);

  /* Cancelling ends it with G_IO_ERROR_CANCELLED. */
  canopy_player_play_reader_async (f->player, reader2, cancellable, on_play_done, &error);
  g_assert_true (canopy_bus_recv_into (f->rx, &msg, 10.0, NULL));
  g_cancellable_cancel (cancellable);
  iterate_until_done (f->player);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (canopy_player_is_playing (f->player));
}

/* candump -l format: (seconds) interface id#data */
static char *
write_candump (guint  n,
               double step_s)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char *path;
  int fd;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "(%.6f) vcan0 %03X#%02X%02X\n",
                            1700000000.0 + i * step_s, 0x100 + i % 0x700, i & 0xff, i >> 8);

  fd = g_file_open_tmp ("canopy-player-XXXXXX.log", &path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);

  return path;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *n = user_data;

  (*n)++;
}

static void
test_file (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *path = write_candump (50, 0.004);  /* 0.196 s */
  g_autoptr(GError) error = NULL;
  guint n_position = 0, n_duration = 0, n_playing = 0;

  g_signal_connect (f->player, "notify::position", G_CALLBACK (count_notify), &n_position);
  g_signal_connect (f->player, "notify::duration", G_CALLBACK (count_notify), &n_duration);
  g_signal_connect (f->player, "notify::playing", G_CALLBACK (count_notify), &n_playing);

  /* Blocking. */
  g_assert_true (canopy_player_play_file (f->player, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (expect_in_order (f->rx, 0, 50), ==, 50);
  g_assert_cmpfloat_with_epsilon (canopy_player_get_duration (f->player), 0.196, 1e-5);

  /* Asynchronous, with progress notified on this main context. */
  n_position = n_duration = n_playing = 0;
  canopy_player_play_file_async (f->player, path, NULL, on_file_done, &error);
  iterate_until_done (f->player);
  g_assert_no_error (error);
  iterate_for (150);  /* the last, rate-limited notifications */
  g_assert_cmpuint (expect_in_order (f->rx, 0, 50), ==, 50);
  g_assert_cmpuint (n_position, >=, 1);
  g_assert_cmpuint (n_duration, >=, 1);
  g_assert_cmpuint (n_playing, >=, 1);
  g_assert_false (canopy_player_is_playing (f->player));
  g_assert_cmpfloat_with_epsilon (canopy_player_get_position (f->player), 0.196, 1e-5);
  g_assert_cmpfloat_with_epsilon (canopy_player_get_duration (f->player), 0.196, 1e-5);

  /* A missing file is an error, not a crash. */
  g_assert_false (canopy_player_play_file (f->player, "/nonexistent/x.log", NULL, &error));
  g_assert_nonnull (error);

  g_unlink (path);
}

static void
test_loop (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *path = write_candump (5, 0.002);
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  guint n = 0;

  canopy_player_set_loop (f->player, TRUE);
  canopy_player_play_file_async (f->player, path, NULL, on_file_done, &error);

  /* Three passes over the file, in order. */
  while (n < 15)
    {
      g_assert_true (canopy_bus_recv_into (f->rx, &msg, 10.0, NULL));
      g_assert_cmphex (msg.arbitration_id, ==, 0x100 + n % 5);
      n++;
    }
  g_assert_cmpuint (canopy_player_get_loops_done (f->player), >=, 2);

  canopy_player_stop (f->player);
  iterate_until_done (f->player);
  g_assert_no_error (error);
  n += expect_in_order (f->rx, n % 5, 5);
  g_assert_cmpuint (canopy_player_get_frames_sent (f->player), ==, n);

  g_unlink (path);
}

static void
test_channel_map (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(CanopyLogReader) reader = reader_new_regular (9, 1);
  g_autoptr(CanopyLogReader) again = reader_new_regular (3, 1);
  g_autoptr(GError) error = NULL;
  TestArrayReader *array = TEST_ARRAY_READER (reader);
  CanopyMessage msg;
  int bus_channel = 42;

  /* Frames on log channels 0, 1, 2, 0, 1, 2, … */
  for (guint i = 0; i < 9; i++)
    g_array_index (array->frames, CanopyMessage, i).channel = i % 3;

  /* An empty map sends everything as recorded. */
  g_assert_true (canopy_player_lookup_channel (f->player, 2, &bus_channel));
  g_assert_cmpint (bus_channel, ==, 2);

  /* 1 → 0 and 2 → 5; channel 0 is not named, so it stays off the bus. */
  canopy_player_map_channel (f->player, 1, 0);
  canopy_player_map_channel (f->player, 2, 7);
  canopy_player_map_channel (f->player, 2, 5);   /* replaces 2 → 7 */
  g_assert_true (canopy_player_lookup_channel (f->player, 2, &bus_channel));
  g_assert_cmpint (bus_channel, ==, 5);
  g_assert_false (canopy_player_lookup_channel (f->player, 0, &bus_channel));
  g_assert_cmpint (bus_channel, ==, CANOPY_CHANNEL_NONE);

  g_assert_true (canopy_player_play_reader (f->player, reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (canopy_player_get_frames_sent (f->player), ==, 6);
  g_assert_cmpuint (canopy_player_get_frames_left_out (f->player), ==, 3);

  for (guint i = 0; i < 9; i++)
    {
      if (i % 3 == 0)
        continue;
      g_assert_true (canopy_bus_recv_into (f->rx, &msg, 0, NULL));
      g_assert_cmphex (msg.arbitration_id, ==, 0x100 + i);
      g_assert_cmpint (msg.channel, ==, i % 3 == 1 ? 0 : 5);
    }
  g_assert_false (canopy_bus_recv_into (f->rx, &msg, 0, NULL));

  /* Unmapping the last channels empties the map: all frames again, on
   * their own channels (here none). */
  canopy_player_unmap_channel (f->player, 1);
  g_assert_false (canopy_player_lookup_channel (f->player, 1, NULL));
  canopy_player_unmap_channel (f->player, 2);
  g_assert_true (canopy_player_lookup_channel (f->player, 1, &bus_channel));
  g_assert_cmpint (bus_channel, ==, 1);
  g_assert_true (canopy_player_play_reader (f->player, again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (canopy_player_get_frames_left_out (f->player), ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (canopy_bus_recv_into (f->rx, &msg, 0, NULL));
      g_assert_cmpint (msg.channel, ==, CANOPY_CHANNEL_NONE);
    }

  /* Frames that name no channel can be mapped too. */
  canopy_player_map_channel (f->player, CANOPY_CHANNEL_NONE, 3);
  g_assert_true (canopy_player_lookup_channel (f->player, CANOPY_CHANNEL_NONE, &bus_channel));
  g_assert_cmpint (bus_channel, ==, 3);
  canopy_player_clear_channel_map (f->player);
  g_assert_true (canopy_player_lookup_channel (f->player, 9, &bus_channel));
  g_assert_cmpint (bus_channel, ==, 9);
}

/* A bus that takes SLOW_SEND_MS to send each frame: a replay of frames
 * 1 ms apart falls further behind with every frame. */

#define SLOW_SEND_MS 20

#define TEST_TYPE_SLOW_BUS (test_slow_bus_get_type ())
G_DECLARE_FINAL_TYPE (TestSlowBus, test_slow_bus, TEST, SLOW_BUS, CanopyBus)

struct _TestSlowBus
{
  CanopyBus parent_instance;
  guint     n_sent;
};

G_DEFINE_FINAL_TYPE (TestSlowBus, test_slow_bus, CANOPY_TYPE_BUS)

static gboolean
slow_bus_send (CanopyBus            *bus,
               const CanopyMessage  *msg,
               double                timeout,
               GError              **error)
{
  g_usleep (SLOW_SEND_MS * 1000);
  TEST_SLOW_BUS (bus)->n_sent++;
  return TRUE;
}

static gboolean
slow_bus_recv (CanopyBus      *bus,
               CanopyMessage  *msg,
               double          timeout,
               GError        **error)
{
  return FALSE;
}

static void
test_slow_bus_class_init (TestSlowBusClass *klass)
{
  CANOPY_BUS_CLASS (klass)->send = slow_bus_send;
  CANOPY_BUS_CLASS (klass)->recv = slow_bus_recv;
}

static void
test_slow_bus_init (TestSlowBus *self)
{
}

static void
test_lag (void)
{
  g_autoptr(TestSlowBus) bus = g_initable_new (TEST_TYPE_SLOW_BUS, NULL, NULL, NULL);
  g_autoptr(CanopyPlayer) player = canopy_player_new (CANOPY_BUS (bus));
  g_autoptr(CanopyLogReader) reader = reader_new_regular (6, 1);
  g_autoptr(CanopyLogReader) again = reader_new_regular (6, 1);
  g_autoptr(GError) error = NULL;
  guint n_lag = 0, n_max_lag = 0;
  double max_lag = -1;

  g_assert_cmpfloat (canopy_player_get_lag (player), ==, 0);
  g_assert_cmpfloat (canopy_player_get_max_lag (player), ==, 0);
  g_signal_connect (player, "notify::lag", G_CALLBACK (count_notify), &n_lag);
  g_signal_connect (player, "notify::max-lag", G_CALLBACK (count_notify), &n_max_lag);

  /* Frame i is due i ms after the first and goes out no earlier than
   * (i + 1) × 20 ms after it: the last one (i = 5) at least 115 ms late. */
  canopy_player_play_reader_async (player, reader, NULL, on_play_done, &error);
  iterate_until_done (player);
  g_assert_no_error (error);
  g_assert_cmpuint (bus->n_sent, ==, 6);
  g_assert_cmpfloat (canopy_player_get_lag (player), >=, 5 * (SLOW_SEND_MS - 1) + SLOW_SEND_MS);
  g_assert_cmpfloat (canopy_player_get_max_lag (player), >=, canopy_player_get_lag (player));
  g_object_get (player, "max-lag", &max_lag, NULL);
  g_assert_cmpfloat (max_lag, ==, canopy_player_get_max_lag (player));
  iterate_for (150);  /* the last, rate-limited notifications */
  g_assert_cmpuint (n_lag, >=, 1);
  g_assert_cmpuint (n_max_lag, >=, 1);

  /* Without timestamps nothing is due at a time: no lag, and the maximum
   * starts again with the replay. */
  canopy_player_set_ignore_timestamps (player, TRUE);
  g_assert_true (canopy_player_play_reader (player, again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bus->n_sent, ==, 12);
  g_assert_cmpfloat (canopy_player_get_lag (player), ==, 0);
  g_assert_cmpfloat (canopy_player_get_max_lag (player), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/player/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("order", test_order);
  ADD ("left-out", test_left_out);
  ADD ("recorded-timing", test_recorded_timing);
  ADD ("ignore-timestamps", test_ignore_timestamps);
  ADD ("gap", test_gap);
  ADD ("skip", test_skip);
  ADD ("speed", test_speed);
  ADD ("speed-change", test_speed_change);
  ADD ("pause", test_pause);
  ADD ("stop-and-cancel", test_stop_and_cancel);
  ADD ("file", test_file);
  ADD ("loop", test_loop);
  ADD ("channel-map", test_channel_map);
  g_test_add_func ("/player/lag", test_lag);

  return g_test_run ();
}

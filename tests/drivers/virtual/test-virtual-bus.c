/* test-virtual-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <canopy.h>

#include "canopy-bus-private.h"
#include "canopy-test-bus.h"

static void
test_virtual_delivery (void)
{
  g_autoptr(CanopyBus) a = canopy_test_open_bus ("virtual", "t-delivery", NULL, NULL);
  g_autoptr(CanopyBus) b = canopy_test_open_bus ("virtual", "t-delivery", NULL, NULL);
  g_autoptr(CanopyBus) other = canopy_test_open_bus ("virtual", "t-delivery-other", NULL, NULL);
  g_autoptr(CanopyMessage) sent = NULL;
  g_autoptr(CanopyMessage) received = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 data[] = { 1, 2, 3 };
  gint64 before, after;

  sent = canopy_message_new (0xabcde, TRUE, data, sizeof data);
  before = g_get_real_time ();
  g_assert_true (canopy_bus_send (a, sent, 1.0, &error));
  after = g_get_real_time ();
  g_assert_no_error (error);

  received = canopy_bus_recv (b, 1.0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (received);
  g_assert_true (canopy_message_equal (sent, received));
  g_assert_true (canopy_message_is_rx (received));
  /* A receive timestamp: wall-clock seconds since the epoch */
  g_assert_cmpint (canopy_message_get_timestamp_ns (received) / 1000, >=, before - 1);
  g_assert_cmpint (canopy_message_get_timestamp_ns (received) / 1000, <=, after + 1);

  /* not to the sender, not to another channel */
  g_assert_null (canopy_bus_recv (a, 0, &error));
  g_assert_no_error (error);
  g_assert_null (canopy_bus_recv (other, 0.01, &error));
  g_assert_no_error (error);
}

static void
test_virtual_own_messages (void)
{
  g_autoptr(CanopyBus) a = canopy_test_open_bus ("virtual", "t-own", "receive_own_messages", "true");
  g_autoptr(CanopyBus) b = canopy_test_open_bus ("virtual", "t-own", NULL, NULL);
  g_autoptr(CanopyMessage) own = NULL;
  g_autoptr(CanopyMessage) msg = canopy_message_new (0x7, FALSE, NULL, 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (canopy_bus_send (a, msg, 0, &error));
  own = canopy_bus_recv (a, 1.0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (own);
  g_assert_true (canopy_message_equal (msg, own));
  g_assert_false (canopy_message_is_rx (own));
  g_clear_pointer (&own, canopy_message_free);

  own = canopy_bus_recv (b, 1.0, &error);
  g_assert_nonnull (own);
  g_assert_true (canopy_message_is_rx (own));
}

static void
test_virtual_ordering (void)
{
  g_autoptr(CanopyBus) a = canopy_test_open_bus ("virtual", "t-order", NULL, NULL);
  g_autoptr(CanopyBus) b = canopy_test_open_bus ("virtual", "t-order", NULL, NULL);
  g_autoptr(GError) error = NULL;
  gint64 last = 0;

  for (guint32 i = 0; i < 5000; i++)
    {
      CanopyMessage msg;
      guint8 data[4] = { i >> 24, i >> 16, i >> 8, i };

      canopy_message_init (&msg, i & 0x7ff, FALSE, data, sizeof data);
      g_assert_true (canopy_bus_send (a, &msg, 0, &error));
    }

  for (guint32 i = 0; i < 5000; i++)
    {
      CanopyMessage msg;
      guint8 expected[4] = { i >> 24, i >> 16, i >> 8, i };
      const guint8 *data;
      gsize len;

      g_assert_true (canopy_bus_recv_into (b, &msg, 1.0, &error));
      g_assert_cmpuint (msg.arbitration_id, ==, i & 0x7ff);
      data = canopy_message_get_data (&msg, &len);
      g_assert_cmpmem (data, len, expected, 4);
      g_assert_cmpint (msg.timestamp_ns, >=, last);
      last = msg.timestamp_ns;
    }
}

/* A consumer that takes frames on the sender's thread when it can
 * (_canopy_bus_set_handoff()) and reads the rest with recv(): frames that
 * had to be queued are never overtaken by frames handed over later. */
#define HANDOFF_FRAMES 200000

typedef struct
{
  GMutex     mutex;
  guint32    next;       /* the number the next frame must carry */
  guint32    taken;      /* handed over */
  guint32    received;   /* by recv() */
  guint32    out_of_order;
  CanopyBus *bus;
} HandoffLog;

static void
handoff_log_add (HandoffLog          *log,
                 const CanopyMessage *msg)
{
  guint32 n = (guint32) msg->data[0] << 24 | msg->data[1] << 16 | msg->data[2] << 8 | msg->data[3];

  g_mutex_lock (&log->mutex);
  if (n != log->next)
    log->out_of_order++;
  log->next = n + 1;
  g_mutex_unlock (&log->mutex);
}

static gboolean
take_some (const CanopyMessage *msg,
           gpointer             user_data)
{
  HandoffLog *log = user_data;
  guint32 n = (guint32) msg->data[0] << 24 | msg->data[1] << 16 | msg->data[2] << 8 | msg->data[3];

  /* Refuse a run of frames now and then, as a consumer with a full queue
   * does: the next ones find frames queued, until recv() took them all. */
  if ((n / 512) % 3 == 0)
    return FALSE;
  handoff_log_add (log, msg);
  log->taken++;
  return TRUE;
}

static gpointer
handoff_reader (gpointer data)
{
  HandoffLog *log = data;
  CanopyMessage msg;

  while (canopy_bus_recv_into (log->bus, &msg, 0.5, NULL))
    {
      handoff_log_add (log, &msg);
      g_atomic_int_inc (&log->received);
      /* A slow consumer, now and then: frames queue up behind it. */
      if (msg.data[3] == 0 && msg.data[2] % 16 == 0)
        g_usleep (200);
    }
  return NULL;
}

static void
test_virtual_handoff_keeps_order (void)
{
  g_autoptr(CanopyBus) a = canopy_test_open_bus ("virtual", "t-handoff", NULL, NULL);
  g_autoptr(CanopyBus) b = canopy_test_open_bus ("virtual", "t-handoff", NULL, NULL);
  g_autoptr(GError) error = NULL;
  HandoffLog log = { .bus = b };
  GThread *reader;

  g_mutex_init (&log.mutex);
  g_assert_true (_canopy_bus_set_handoff (b, take_some, &log));
  reader = g_thread_new ("reader", handoff_reader, &log);

  for (guint32 i = 0; i < HANDOFF_FRAMES; i++)
    {
      CanopyMessage msg;
      guint8 data[4] = { i >> 24, i >> 16, i >> 8, i };

      canopy_message_init (&msg, 0x123, FALSE, data, sizeof data);
      g_assert_true (canopy_bus_send (a, &msg, 0, &error));
      /* Stay within the queue (nothing dropped), and let the reader catch
       * up now and then, so that frames go both ways. */
      if (i % 1024 == 0)
        {
          guint32 next;

          do
            {
              g_usleep (i % 8192 == 0 ? 2000 : 50);
              g_mutex_lock (&log.mutex);
              next = log.next;
              g_mutex_unlock (&log.mutex);
            }
          while ((gint64) i - (gint64) next > 16384);
        }
    }
  g_thread_join (reader);

  g_test_message ("%u frames handed over, %u by recv()", log.taken, log.received);
  g_assert_cmpuint (canopy_virtual_bus_get_dropped (CANOPY_VIRTUAL_BUS (b)), ==, 0);
  g_assert_cmpuint (log.out_of_order, ==, 0);
  g_assert_cmpuint (log.next, ==, HANDOFF_FRAMES);
  g_assert_cmpuint (log.taken + log.received, ==, HANDOFF_FRAMES);
  g_assert_cmpuint (log.taken, >, HANDOFF_FRAMES / 20);
  g_assert_cmpuint (log.received, >, HANDOFF_FRAMES / 20);
  /* A shut-down bus hands nothing over. */
  canopy_bus_shutdown (b);
  g_assert_false (_canopy_bus_set_handoff (b, take_some, &log));
  g_mutex_clear (&log.mutex);
}

static void
test_virtual_filters (void)
{
  g_autoptr(CanopyBus) a = canopy_test_open_bus ("virtual", "t-filter", NULL, NULL);
  g_autoptr(CanopyBus) b = canopy_test_open_bus ("virtual", "t-filter", NULL, NULL);
  g_autoptr(CanopyFilter) standard = canopy_filter_new (0x100, 0x700, FALSE);
  g_autoptr(CanopyFilter) extended = canopy_filter_new (0x18FF0000, 0x1FFF0000, TRUE);
  const CanopyFilter *filters[] = { standard, extended };
  static const struct { guint32 id; gboolean extended; gboolean passes; } frames[] = {
    { 0x123, FALSE, TRUE },
    { 0x223, FALSE, FALSE },
    { 0x123, TRUE, FALSE },     /* right id, wrong width */
    { 0x18FF50E5, TRUE, TRUE },
    { 0x18FE50E5, TRUE, FALSE },
    { 0x1FF, FALSE, TRUE },
  };
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;

  g_assert_true (canopy_bus_set_filters (b, filters, G_N_ELEMENTS (filters), &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      canopy_message_init (&msg, frames[i].id, frames[i].extended, NULL, 0);
      g_assert_true (canopy_bus_send (a, &msg, 0, &error));
    }

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      if (!frames[i].passes)
        continue;
      g_assert_true (canopy_bus_recv_into (b, &msg, 1.0, &error));
      g_assert_cmpuint (msg.arbitration_id, ==, frames[i].id);
      g_assert_cmpint (canopy_message_is_extended (&msg), ==, frames[i].extended);
    }
  g_assert_false (canopy_bus_recv_into (b, &msg, 0.01, &error));
  g_assert_no_error (error);

  /* No filters: everything passes again. */
  g_assert_true (canopy_bus_set_filters (b, NULL, 0, &error));
  canopy_message_init (&msg, 0x223, FALSE, NULL, 0);
  g_assert_true (canopy_bus_send (a, &msg, 0, &error));
  g_assert_true (canopy_bus_recv_into (b, &msg, 1.0, &error));
  g_assert_cmpuint (msg.arbitration_id, ==, 0x223);
}

static gpointer
send_later (gpointer data)
{
  CanopyBus *bus = data;
  CanopyMessage msg;

  g_usleep (50 * 1000);
  canopy_message_init (&msg, 0x42, FALSE, NULL, 0);
  canopy_bus_send (bus, &msg, 0, NULL);
  return NULL;
}

static void
test_virtual_timeouts (void)
{
  g_autoptr(CanopyBus) a = canopy_test_open_bus ("virtual", "t-timeout", NULL, NULL);
  g_autoptr(CanopyBus) b = canopy_test_open_bus ("virtual", "t-timeout", NULL, NULL);
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  GThread *thread;

  /* 0 polls; a positive timeout returns nothing without an error */
  g_assert_false (canopy_bus_recv_into (b, &msg, 0, &error));
  g_assert_no_error (error);
  g_assert_false (canopy_bus_recv_into (b, &msg, 0.02, &error));
  g_assert_no_error (error);

  /* a negative timeout blocks until a frame arrives */
  thread = g_thread_new ("sender", send_later, a);
  g_assert_true (canopy_bus_recv_into (b, &msg, -1, &error));
  g_assert_cmpuint (msg.arbitration_id, ==, 0x42);
  g_thread_join (thread);
}

static gpointer
shutdown_later (gpointer data)
{
  g_usleep (50 * 1000);
  canopy_bus_shutdown (data);
  return NULL;
}

static void
test_virtual_shutdown (void)
{
  g_autoptr(CanopyBus) a = canopy_test_open_bus ("virtual", "t-shutdown", NULL, NULL);
  g_autoptr(CanopyBus) b = canopy_test_open_bus ("virtual", "t-shutdown", NULL, NULL);
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  GThread *thread;

  /* Shutting down wakes a blocked receiver with an error. */
  thread = g_thread_new ("shutdown", shutdown_later, b);
  g_assert_false (canopy_bus_recv_into (b, &msg, -1, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
  g_clear_error (&error);
  g_thread_join (thread);

  /* Idempotent; everything afterwards fails clearly. */
  canopy_bus_shutdown (b);
  canopy_message_init (&msg, 1, FALSE, NULL, 0);
  g_assert_false (canopy_bus_send (b, &msg, 0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
  g_clear_error (&error);
  g_assert_false (canopy_bus_set_filter_array (b, NULL, 0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
  g_clear_error (&error);

  /* The other bus goes on working and no longer delivers to b. */
  g_assert_true (canopy_bus_send (a, &msg, 0, &error));
  g_assert_no_error (error);
}

static void
test_virtual_bounded_queue (void)
{
  g_autoptr(CanopyBus) a = canopy_test_open_bus ("virtual", "t-bounded", NULL, NULL);
  g_autoptr(CanopyBus) b = canopy_test_open_bus ("virtual", "t-bounded", "queue_size", "100");
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  guint received = 0;

  for (guint i = 0; i < 250; i++)
    {
      canopy_message_init (&msg, i, FALSE, NULL, 0);
      g_assert_true (canopy_bus_send (a, &msg, 0, &error));
    }

  /* The oldest 100 are kept, the rest are counted as dropped. */
  g_assert_cmpuint (canopy_virtual_bus_get_dropped (CANOPY_VIRTUAL_BUS (b)), ==, 150);
  while (canopy_bus_recv_into (b, &msg, 0, &error))
    g_assert_cmpuint (msg.arbitration_id, ==, received++);
  g_assert_cmpuint (received, ==, 100);
}

static void
test_virtual_invalid_frames (void)
{
  g_autoptr(CanopyBus) a = canopy_test_open_bus ("virtual", "t-invalid", NULL, NULL);
  g_autoptr(CanopyBus) b = canopy_test_open_bus ("virtual", "t-invalid", NULL, NULL);
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;

  canopy_message_init (&msg, 0x800, FALSE, NULL, 0);
  g_assert_false (canopy_bus_send (a, &msg, 0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  canopy_message_init (&msg, 0x1, FALSE, NULL, 0);
  msg.dlc = 12;
  g_assert_false (canopy_bus_send (a, &msg, 0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_false (canopy_bus_recv_into (b, &msg, 0.01, &error));
  g_assert_no_error (error);
}

/* The demo channel carries living traffic: several ECUs, standard and
 * extended ids, periods from 10 ms, changing payloads. */
static void
test_virtual_demo_traffic (void)
{
  g_autoptr(CanopyBus) bus = canopy_test_open_bus ("virtual", "demo", NULL, NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  guint n_extended = 0, n_engine = 0;
  guint8 first_engine[8] = { 0 };
  gboolean engine_changed = FALSE;
  gint64 end = g_get_monotonic_time () + 1200 * 1000;

  while (g_get_monotonic_time () < end)
    {
      CanopyMessage msg;

      if (!canopy_bus_recv_into (bus, &msg, 0.1, &error))
        {
          g_assert_no_error (error);
          continue;
        }
      g_assert_true (canopy_message_validate (&msg, NULL));
      g_hash_table_add (ids, GUINT_TO_POINTER (msg.arbitration_id));
      if (canopy_message_is_extended (&msg))
        n_extended++;
      if (msg.arbitration_id == 0x0C9)
        {
          if (n_engine++ == 0)
            memcpy (first_engine, msg.data, 8);
          else if (memcmp (first_engine, msg.data, 8) != 0)
            engine_changed = TRUE;
        }
    }

  g_assert_cmpuint (g_hash_table_size (ids), >=, 8);
  g_assert_cmpuint (n_extended, >, 0);
  /* 10 ms period over 1.2 s, with room for a loaded machine */
  g_assert_cmpuint (n_engine, >=, 40);
  g_assert_true (engine_changed);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/virtual/delivery", test_virtual_delivery);
  g_test_add_func ("/virtual/own-messages", test_virtual_own_messages);
  g_test_add_func ("/virtual/ordering", test_virtual_ordering);
  g_test_add_func ("/virtual/handoff-keeps-order", test_virtual_handoff_keeps_order);
  g_test_add_func ("/virtual/filters", test_virtual_filters);
  g_test_add_func ("/virtual/timeouts", test_virtual_timeouts);
  g_test_add_func ("/virtual/shutdown", test_virtual_shutdown);
  g_test_add_func ("/virtual/bounded-queue", test_virtual_bounded_queue);
  g_test_add_func ("/virtual/invalid-frames", test_virtual_invalid_frames);
  g_test_add_func ("/virtual/demo-traffic", test_virtual_demo_traffic);

  return g_test_run ();
}

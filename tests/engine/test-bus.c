/* test-bus.c: the CanopyBus base class, the interface registry, statistics
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <canopy.h>

#include "canopy-bus-private.h"
#include "canopy-bus-statistics-private.h"

/* Every registered bus type can be made with g_object_new() and dropped
 * without opening it, at any point, without a crash or a warning. */
static void
test_construct_every_type (void)
{
  g_autoptr(GListModel) infos = canopy_interface_info_list ();
  guint n_available = 0;

  g_assert_cmpuint (g_list_model_get_n_items (infos), >=, 11);

  for (guint i = 0; i < g_list_model_get_n_items (infos); i++)
    {
      g_autoptr(CanopyInterfaceInfo) info = g_list_model_get_item (infos, i);
      GType type = canopy_interface_info_get_bus_type (info);
      g_autoptr(GError) error = NULL;
      CanopyMessage msg;
      CanopyBus *bus;

      g_assert_nonnull (canopy_interface_info_get_description (info));
      g_assert_nonnull (canopy_interface_info_get_requirement (info));
      if (!canopy_interface_info_get_available (info))
        continue;
      n_available++;
      g_assert_true (g_type_is_a (type, CANOPY_TYPE_BUS));

      /* Made and dropped. */
      bus = g_object_new (type, NULL);
      g_assert_false (canopy_bus_is_shut_down (bus));
      g_object_unref (bus);

      /* Made, used unopened, disposed twice, dropped. */
      bus = g_object_new (type, NULL);
      canopy_message_init (&msg, 0x123, FALSE, NULL, 0);
      g_assert_false (canopy_bus_send (bus, &msg, 0, &error));
      g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
      g_clear_error (&error);
      g_assert_false (canopy_bus_recv_into (bus, &msg, 0, &error));
      g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
      g_clear_error (&error);
      g_object_run_dispose (G_OBJECT (bus));
      g_object_run_dispose (G_OBJECT (bus));
      g_assert_true (canopy_bus_is_shut_down (bus));
      g_assert_false (canopy_bus_send (bus, &msg, 0, &error));
      g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
      g_clear_error (&error);
      g_object_unref (bus);

      /* Shut down before it was ever opened: opening then fails cleanly. */
      bus = g_object_new (type, NULL);
      canopy_bus_shutdown (bus);
      g_assert_false (g_initable_init (G_INITABLE (bus), NULL, &error));
      g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
      g_clear_error (&error);
      g_object_unref (bus);
    }

  /* virtual and remote everywhere, socketcan on Linux. */
  g_assert_cmpuint (n_available, >=, 2);
}

static void
test_registry_names (void)
{
  const char * const *names = canopy_bus_list_interfaces ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  CanopyInterfaceInfo *info;

  /* python-can 2.0's names, every one. */
  for (const char * const *n = (const char * const[]) { "socketcan", "kvaser", "serial", "slcan",
                                                        "ixxat", "pcan", "usb2can", "nican",
                                                        "neovi", "remote", "virtual", NULL };
       *n != NULL; n++)
    g_assert_true (g_strv_contains (names, *n));

  /* Aliases lead to the same driver. */
  info = canopy_interface_info_lookup ("socketcan_native");
  g_assert_nonnull (info);
  g_assert_cmpstr (canopy_interface_info_get_name (info), ==, "socketcan");
  g_assert_true (canopy_interface_info_lookup ("socketcan_ctypes") == info);
  g_assert_null (canopy_interface_info_lookup ("no-such-bus"));

  /* Known everywhere, even where the driver cannot be built. */
  g_assert_true (canopy_interface_info_get_available (info) == (canopy_interface_info_get_bus_type (info) != G_TYPE_INVALID));

  info = canopy_interface_info_lookup ("virtual");
  g_assert_true (canopy_interface_info_get_bus_type (info) == CANOPY_TYPE_VIRTUAL_BUS);

  bus = canopy_bus_new ("no-such-bus", "x", NULL, &error);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNKNOWN_INTERFACE);
  g_assert_null (bus);
  g_clear_error (&error);

  /* A name python-can knows that this build has no driver for. */
  info = canopy_interface_info_lookup ("neovi");
  if (!canopy_interface_info_get_available (info))
    {
      bus = canopy_bus_new ("neovi", "1", NULL, &error);
      g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
      g_assert_null (bus);
      g_clear_error (&error);
    }
}

/* Frame lengths in bits with worst-case stuffing, as can-utils'
 * canframelen counts them: 55 + 10 n (standard), 80 + 10 n (extended) for
 * the full classic lengths. */
static void
test_wire_bits (void)
{
  CanopyMessage msg;
  guint arbitration, data;

  canopy_message_init (&msg, 0x123, FALSE, NULL, 0);
  _canopy_message_wire_bits (&msg, &arbitration, &data);
  g_assert_cmpuint (arbitration, ==, 55);
  g_assert_cmpuint (data, ==, 0);

  canopy_message_init (&msg, 0x123, FALSE, (const guint8 *) "\0\0\0\0\0\0\0\0", 8);
  _canopy_message_wire_bits (&msg, &arbitration, &data);
  g_assert_cmpuint (arbitration, ==, 135);

  canopy_message_init (&msg, 0x1234567, TRUE, NULL, 0);
  _canopy_message_wire_bits (&msg, &arbitration, &data);
  g_assert_cmpuint (arbitration, ==, 80);

  canopy_message_init (&msg, 0x1234567, TRUE, (const guint8 *) "\0\0\0\0\0\0\0\0", 8);
  _canopy_message_wire_bits (&msg, &arbitration, &data);
  g_assert_cmpuint (arbitration, ==, 160);

  /* A remote frame carries no data, whatever its DLC asks for. */
  canopy_message_init (&msg, 0x123, FALSE, NULL, 0);
  msg.flags |= CANOPY_MESSAGE_REMOTE;
  msg.dlc = 8;
  _canopy_message_wire_bits (&msg, &arbitration, &data);
  g_assert_cmpuint (arbitration, ==, 55);

  /* CAN FD, 64 bytes with bit-rate switch: most of the frame in the data
   * phase; without, all of it at the nominal rate. */
  canopy_message_init (&msg, 0x123, FALSE, NULL, 0);
  msg.flags |= CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS;
  msg.dlc = 64;
  _canopy_message_wire_bits (&msg, &arbitration, &data);
  g_assert_cmpuint (arbitration, ==, 17 + 4 + 12);
  g_assert_cmpuint (arbitration + data, >, 22 + 512 + 25);
  {
    guint with_brs = arbitration + data;

    msg.flags &= ~CANOPY_MESSAGE_BRS;
    _canopy_message_wire_bits (&msg, &arbitration, &data);
    g_assert_cmpuint (data, ==, 0);
    /* The same bits, one more: the CRC delimiter counted in the data phase
     * with BRS is in the 13-bit tail without. */
    g_assert_cmpuint (arbitration, ==, with_brs);
  }
}

static void
test_statistics_virtual (void)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) tx = NULL;
  g_autoptr(CanopyBus) rx = NULL;
  g_autoptr(CanopyBusStatistics) tx_stats = NULL;
  g_autoptr(CanopyBusStatistics) rx_stats = NULL;
  CanopyMessage msg;
  guint received = 0;

  g_hash_table_insert (options, "bitrate", "500000");
  tx = canopy_bus_new ("virtual", "test-statistics", options, &error);
  g_assert_no_error (error);
  rx = canopy_bus_new ("virtual", "test-statistics", options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (canopy_bus_get_bitrate (tx), ==, 500000);

  canopy_message_init (&msg, 0x123, FALSE, (const guint8 *) "\1\2\3\4\5\6\7\10", 8);
  for (guint i = 0; i < 1000; i++)
    g_assert_true (canopy_bus_send (tx, &msg, 0, &error));
  while (canopy_bus_recv_into (rx, &msg, 0, &error))
    received++;
  g_assert_no_error (error);
  g_assert_cmpuint (received, ==, 1000);

  tx_stats = canopy_bus_get_statistics (tx);
  rx_stats = canopy_bus_get_statistics (rx);
  g_assert_cmpuint (canopy_bus_statistics_get_tx_frames (tx_stats), ==, 1000);
  g_assert_cmpuint (canopy_bus_statistics_get_rx_frames (tx_stats), ==, 0);
  g_assert_cmpuint (canopy_bus_statistics_get_rx_frames (rx_stats), ==, 1000);
  g_assert_cmpuint (canopy_bus_statistics_get_tx_frames (rx_stats), ==, 0);
  g_assert_cmpuint (canopy_bus_statistics_get_error_frames (rx_stats), ==, 0);
  g_assert_cmpuint (canopy_bus_statistics_get_dropped (rx_stats), ==, 0);
  g_assert_cmpfloat (canopy_bus_statistics_get_frame_rate (rx_stats), >, 0);
  /* 1000 frames of 135 bits at 500 kbit/s take 0.27 s of wire time: sent
   * in far less, the bus was full. */
  g_assert_cmpfloat (canopy_bus_statistics_get_bus_load (rx_stats), >, 0);
  g_assert_cmpfloat (canopy_bus_statistics_get_bus_load (rx_stats), <=, 100);
  g_assert_cmpint (canopy_bus_statistics_get_state (rx_stats), ==, CANOPY_BUS_STATE_UNKNOWN);

  /* Without a bit rate there is no load, but still a rate. */
  canopy_bus_set_bitrate (rx, 0);
  g_clear_pointer (&rx_stats, canopy_bus_statistics_free);
  rx_stats = canopy_bus_get_statistics (rx);
  g_assert_cmpfloat (canopy_bus_statistics_get_bus_load (rx_stats), ==, 0);
  g_assert_cmpfloat (canopy_bus_statistics_get_frame_rate (rx_stats), >, 0);
}

/* A full queue: what could not be queued is counted as dropped. */
static void
test_statistics_dropped (void)
{
  g_autoptr(CanopyVirtualBus) tx = canopy_virtual_bus_new ("test-dropped", FALSE, 0);
  g_autoptr(CanopyVirtualBus) rx = canopy_virtual_bus_new ("test-dropped", FALSE, 10);
  g_autoptr(CanopyBusStatistics) stats = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;

  canopy_message_init (&msg, 0x42, FALSE, NULL, 0);
  for (guint i = 0; i < 25; i++)
    g_assert_true (canopy_bus_send (CANOPY_BUS (tx), &msg, 0, &error));

  stats = canopy_bus_get_statistics (CANOPY_BUS (rx));
  g_assert_cmpuint (canopy_bus_statistics_get_dropped (stats), ==, 15);
}

/* Filters set in software by the base: the same frames pass as with a
 * driver's own filtering. */
#define TEST_TYPE_LOOP_BUS (test_loop_bus_get_type ())
G_DECLARE_FINAL_TYPE (TestLoopBus, test_loop_bus, TEST, LOOP_BUS, CanopyBus)

struct _TestLoopBus
{
  CanopyBus     parent_instance;
  GQueue        frames;
};

G_DEFINE_FINAL_TYPE (TestLoopBus, test_loop_bus, CANOPY_TYPE_BUS)

static gboolean
loop_bus_send (CanopyBus            *bus,
               const CanopyMessage  *msg,
               double                timeout,
               GError              **error)
{
  g_queue_push_tail (&TEST_LOOP_BUS (bus)->frames, canopy_message_copy (msg));
  return TRUE;
}

static gboolean
loop_bus_recv (CanopyBus      *bus,
               CanopyMessage  *msg,
               double          timeout,
               GError        **error)
{
  g_autoptr(CanopyMessage) next = g_queue_pop_head (&TEST_LOOP_BUS (bus)->frames);

  if (next == NULL)
    return FALSE;
  *msg = *next;
  return TRUE;
}

static void
test_loop_bus_finalize (GObject *object)
{
  g_queue_clear_full (&TEST_LOOP_BUS (object)->frames, (GDestroyNotify) canopy_message_free);
  G_OBJECT_CLASS (test_loop_bus_parent_class)->finalize (object);
}

static void
test_loop_bus_class_init (TestLoopBusClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_loop_bus_finalize;
  CANOPY_BUS_CLASS (klass)->send = loop_bus_send;
  CANOPY_BUS_CLASS (klass)->recv = loop_bus_recv;
}

static void
test_loop_bus_init (TestLoopBus *self)
{
  g_queue_init (&self->frames);
}

static void
test_software_filters (void)
{
  g_autoptr(TestLoopBus) bus = g_initable_new (TEST_TYPE_LOOP_BUS, NULL, NULL, NULL);
  g_autoptr(CanopyBusStatistics) stats = NULL;
  g_autoptr(GError) error = NULL;
  CanopyFilter filter = { .can_id = 0x100, .can_mask = 0x700 };
  CanopyMessage msg;
  guint32 seen[8];
  guint n_seen = 0;

  g_assert_true (canopy_bus_set_filter_array (CANOPY_BUS (bus), &filter, 1, &error));
  g_assert_no_error (error);

  for (guint32 id = 0x0FE; id < 0x104; id++)
    {
      canopy_message_init (&msg, id, FALSE, NULL, 0);
      g_assert_true (canopy_bus_send (CANOPY_BUS (bus), &msg, 0, &error));
    }
  canopy_message_init (&msg, 0x7FF, FALSE, NULL, 0);
  msg.flags |= CANOPY_MESSAGE_ERROR;
  g_assert_true (canopy_bus_send (CANOPY_BUS (bus), &msg, 0, &error));

  while (n_seen < G_N_ELEMENTS (seen) && canopy_bus_recv_into (CANOPY_BUS (bus), &msg, 0, &error))
    seen[n_seen++] = msg.arbitration_id;
  g_assert_no_error (error);

  /* 0x100..0x103 pass, 0x0FE and 0x0FF do not; the error frame always does. */
  g_assert_cmpuint (n_seen, ==, 5);
  g_assert_cmphex (seen[0], ==, 0x100);
  g_assert_cmphex (seen[3], ==, 0x103);
  g_assert_cmphex (seen[4], ==, 0x7FF);

  stats = canopy_bus_get_statistics (CANOPY_BUS (bus));
  g_assert_cmpuint (canopy_bus_statistics_get_rx_frames (stats), ==, 5);
  g_assert_cmpuint (canopy_bus_statistics_get_error_frames (stats), ==, 1);
  g_assert_cmpuint (canopy_bus_statistics_get_tx_frames (stats), ==, 7);
}

/* A tx listener sees what the bus sent, by anyone, marked Tx and stamped;
 * a frame the driver refused is not shown; removed, it sees nothing. */
static void
test_tx_listener (void)
{
  static const guint8 payload[] = { 1, 2, 3, 4 };
  g_autoptr(CanopyBus) tx = CANOPY_BUS (canopy_virtual_bus_new ("bus-tx-listener", FALSE, 0));
  g_autoptr(CanopyBus) rx = CANOPY_BUS (canopy_virtual_bus_new ("bus-tx-listener", FALSE, 0));
  g_autoptr(CanopyBufferedReader) seen = canopy_buffered_reader_new ();
  g_autoptr(CanopyBufferedReader) other = canopy_buffered_reader_new ();
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CanopyBufferedReader *weak;
  CanopyBus *other_bus;
  CanopyMessage msg, got, bad;
  gint64 before, after;

  canopy_message_init (&msg, 0x321, FALSE, payload, sizeof payload);

  /* Nothing is told before a listener is added. */
  g_assert_true (canopy_bus_send (tx, &msg, 0, &error));
  g_assert_no_error (error);
  canopy_bus_add_tx_listener (tx, CANOPY_LISTENER (seen));
  canopy_bus_add_tx_listener (tx, CANOPY_LISTENER (other));
  g_assert_false (canopy_buffered_reader_get_message_into (seen, &got, 0));

  before = g_get_real_time () * 1000;
  g_assert_true (canopy_bus_send (tx, &msg, 0, &error));
  g_assert_no_error (error);
  after = g_get_real_time () * 1000;

  g_assert_true (canopy_buffered_reader_get_message_into (seen, &got, 0));
  g_assert_cmphex (got.arbitration_id, ==, 0x321);
  g_assert_cmpmem (got.data, got.dlc, payload, sizeof payload);
  g_assert_true (got.flags & CANOPY_MESSAGE_TX);
  g_assert_cmpint (got.timestamp_ns, >=, before - 1000);
  g_assert_cmpint (got.timestamp_ns, <=, after + 1000);
  g_assert_true (canopy_buffered_reader_get_message_into (other, &got, 0));
  /* The other side received it as usual, not as Tx. */
  g_assert_true (canopy_bus_recv_into (rx, &got, 1.0, &error));
  g_assert_false (got.flags & CANOPY_MESSAGE_TX);
  while (canopy_bus_recv_into (rx, &got, 0, NULL))
    ;

  /* A frame the bus refuses is not shown as sent. */
  canopy_message_init (&bad, 0x800, FALSE, payload, sizeof payload);
  g_assert_false (canopy_bus_send (tx, &bad, 0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (canopy_buffered_reader_get_message_into (seen, &got, 0));

  /* Frames of a cyclic task on Canopy's scheduler, from its thread. */
  canopy_bus_remove_tx_listener (tx, CANOPY_LISTENER (other));
  task = canopy_bus_send_periodic (tx, &msg, 0.002, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (canopy_buffered_reader_get_message_into (seen, &got, 10.0));
      g_assert_cmphex (got.arbitration_id, ==, 0x321);
      g_assert_true (got.flags & CANOPY_MESSAGE_TX);
    }
  canopy_cyclic_task_stop (task);
  while (canopy_buffered_reader_get_message_into (seen, &got, 0))
    ;
  g_assert_false (canopy_buffered_reader_get_message_into (other, &got, 0));

  /* Removed: told no more. */
  canopy_bus_remove_tx_listener (tx, CANOPY_LISTENER (seen));
  g_assert_true (canopy_bus_send (tx, &msg, 0, &error));
  g_assert_no_error (error);
  g_assert_false (canopy_buffered_reader_get_message_into (seen, &got, 0));

  canopy_bus_shutdown (tx);
  canopy_bus_shutdown (rx);

  /* A bus dropped with a listener in place lets go of it. (A fresh bus:
   * the scheduler thread may hold the stopped task, and so its bus, a
   * moment longer.) */
  other_bus = CANOPY_BUS (canopy_virtual_bus_new ("bus-tx-listener-drop", FALSE, 0));
  canopy_bus_add_tx_listener (other_bus, CANOPY_LISTENER (seen));
  weak = seen;
  g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);
  g_clear_object (&seen);
  g_assert_nonnull (weak);
  canopy_bus_shutdown (other_bus);
  g_clear_object (&other_bus);
  g_assert_null (weak);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bus/registry/construct-every-type", test_construct_every_type);
  g_test_add_func ("/bus/registry/names", test_registry_names);
  g_test_add_func ("/bus/statistics/wire-bits", test_wire_bits);
  g_test_add_func ("/bus/statistics/virtual", test_statistics_virtual);
  g_test_add_func ("/bus/statistics/dropped", test_statistics_dropped);
  g_test_add_func ("/bus/filters/software", test_software_filters);
  g_test_add_func ("/bus/tx-listener", test_tx_listener);

  return g_test_run ();
}

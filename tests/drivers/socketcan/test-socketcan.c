/* test-socketcan.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The SocketCAN driver against a real kernel CAN stack: run inside the
 * vcan-vm guest (vcan0 and vcan1 up, CAN FD MTU) by `meson test --suite
 * socketcan`.
 */

#include "config.h"

#include "socketcan-test-util.h"
#include "filter-table.h"

#include <linux/can/error.h>

static void
assert_same_frame (const CanopyMessage *received,
                   const CanopyMessage *sent)
{
  g_assert_cmphex (received->arbitration_id, ==, sent->arbitration_id);
  g_assert_cmphex (received->flags & ~CANOPY_MESSAGE_TX, ==, sent->flags & ~CANOPY_MESSAGE_TX);
  g_assert_cmpuint (received->dlc, ==, sent->dlc);
  if (!(sent->flags & CANOPY_MESSAGE_REMOTE))
    g_assert_cmpmem (received->data, received->dlc, sent->data, sent->dlc);
  g_assert_true (canopy_message_equal_within (received, sent, G_MAXDOUBLE, FALSE));
}

static void
drain (CanopyBus *bus)
{
  CanopyMessage msg;
  g_autoptr(GError) error = NULL;

  while (canopy_bus_recv_into (bus, &msg, 0, &error))
    ;
  g_assert_no_error (error);
}

static void
test_list_interfaces (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = canopy_socketcan_list_interfaces (&error);

  g_assert_no_error (error);
  g_assert_nonnull (names);
  g_assert_true (g_strv_contains ((const char * const *) names, "vcan0"));
  g_assert_true (g_strv_contains ((const char * const *) names, "vcan1"));
  g_assert_false (g_strv_contains ((const char * const *) names, "lo"));
}

static void
test_open_by_name (void)
{
  static const char *const names[] = { "socketcan", "socketcan_native", "socketcan_ctypes" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CanopyBus) bus = canopy_bus_new (names[i], "vcan0", NULL, &error);
      g_autofree char *info = NULL;

      g_assert_no_error (error);
      g_assert_true (CANOPY_IS_SOCKETCAN_BUS (bus));
      info = canopy_bus_dup_channel_info (bus);
      g_assert_nonnull (strstr (info, "vcan0"));
      g_assert_cmpstr (canopy_socketcan_bus_get_interface_name (CANOPY_SOCKETCAN_BUS (bus)), ==, "vcan0");
      g_assert_true (canopy_socketcan_bus_get_fd_capable (CANOPY_SOCKETCAN_BUS (bus)));
    }
}

static void
test_open_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  g_autoptr(CanopySocketcanBus) direct = NULL;

  bus = canopy_bus_new ("socketcan", "vcan9", NULL, &error);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_IO);
  g_test_message ("missing interface: %s", error->message);
  g_assert_nonnull (strstr (error->message, "vcan9"));
  g_assert_nonnull (strstr (error->message, "does not exist"));
  /* The message tells what is there instead. */
  g_assert_nonnull (strstr (error->message, "vcan0"));
  g_clear_error (&error);

  direct = canopy_socketcan_bus_new ("lo", FALSE, &error);
  g_assert_null (direct);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_IO);
  g_test_message ("not CAN: %s", error->message);
  g_assert_nonnull (strstr (error->message, "not a CAN interface"));
  g_clear_error (&error);

  direct = canopy_socketcan_bus_new ("", FALSE, &error);
  g_assert_null (direct);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  direct = canopy_socketcan_bus_new ("a-name-longer-than-ifnamsiz", FALSE, &error);
  g_assert_null (direct);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
}

static void
test_interface_down (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  g_autoptr(CanopyBus) peer = NULL;
  CanopyMessage msg, received;
  const guint8 data[] = { 1, 2, 3 };

  /* Opening a down interface fails and says how to bring it up. */
  set_interface_up ("vcan1", FALSE);
  bus = canopy_bus_new ("socketcan", "vcan1", NULL, &error);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_IO);
  g_test_message ("down at open: %s", error->message);
  g_assert_nonnull (strstr (error->message, "is down"));
  g_assert_nonnull (strstr (error->message, "ip link set vcan1 up"));
  g_clear_error (&error);
  set_interface_up ("vcan1", TRUE);

  /* Going down while open: send and receive fail with the same words,
   * and the bus works again once the interface is back up. */
  bus = open_socketcan ("vcan1", NULL, NULL);
  peer = open_socketcan ("vcan1", NULL, NULL);
  canopy_message_init (&msg, 0x321, FALSE, data, sizeof data);

  set_interface_up ("vcan1", FALSE);
  g_assert_false (canopy_bus_send (peer, &msg, 0.1, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_IO);
  g_test_message ("down at send: %s", error->message);
  g_assert_nonnull (strstr (error->message, "is down"));
  g_clear_error (&error);

  g_assert_false (canopy_bus_recv_into (bus, &received, 0.1, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_IO);
  g_test_message ("down at receive: %s", error->message);
  g_assert_nonnull (strstr (error->message, "is down"));
  g_clear_error (&error);

  set_interface_up ("vcan1", TRUE);
  g_assert_true (canopy_bus_send (peer, &msg, 1, &error));
  g_assert_no_error (error);
  g_assert_true (canopy_bus_recv_into (bus, &received, 2, &error));
  g_assert_no_error (error);
  assert_same_frame (&received, &msg);
}

static void
test_classic_send_recv (void)
{
  g_autoptr(CanopyBus) a = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyBus) b = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sent = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  int raw = raw_socket_open ("vcan0", TRUE);

  for (guint len = 0; len <= 8; len++)
    {
      CanopyMessage msg;
      guint8 data[8];

      for (guint i = 0; i < len; i++)
        data[i] = (guint8) (0x10 * len + i);
      canopy_message_init (&msg, 0x100 + len, FALSE, data, len);
      g_array_append_val (sent, msg);
      canopy_message_init (&msg, 0x1ABCDE00 + len, TRUE, data, len);
      g_array_append_val (sent, msg);
    }
  {
    CanopyMessage msg;

    canopy_message_init (&msg, 0x7FF, FALSE, NULL, 0);
    canopy_message_set_remote (&msg, TRUE);
    canopy_message_set_dlc (&msg, 6);
    g_array_append_val (sent, msg);
    canopy_message_init (&msg, 0x1FFFFFFF, TRUE, NULL, 0);
    canopy_message_set_remote (&msg, TRUE);
    canopy_message_set_dlc (&msg, 0);
    g_array_append_val (sent, msg);
  }

  for (guint i = 0; i < sent->len; i++)
    {
      g_assert_true (canopy_bus_send (a, &g_array_index (sent, CanopyMessage, i), 1, &error));
      g_assert_no_error (error);
    }

  /* In order, intact, through the driver… */
  for (guint i = 0; i < sent->len; i++)
    {
      CanopyMessage received;

      g_assert_true (canopy_bus_recv_into (b, &received, 2, &error));
      g_assert_no_error (error);
      assert_same_frame (&received, &g_array_index (sent, CanopyMessage, i));
      g_assert_false (received.flags & CANOPY_MESSAGE_TX);
      g_assert_cmpint (received.channel, ==, CANOPY_CHANNEL_NONE);
    }

  /* …and as the kernel sees them. */
  for (guint i = 0; i < sent->len; i++)
    {
      const CanopyMessage *msg = &g_array_index (sent, CanopyMessage, i);
      struct canfd_frame frame;
      gint64 ts;
      canid_t expected_id;

      g_assert_true (raw_socket_recv (raw, &frame, &ts, 2000));
      expected_id = msg->arbitration_id;
      if (msg->flags & CANOPY_MESSAGE_EXTENDED)
        expected_id |= CAN_EFF_FLAG;
      if (msg->flags & CANOPY_MESSAGE_REMOTE)
        expected_id |= CAN_RTR_FLAG;
      g_assert_cmphex (frame.can_id, ==, expected_id);
      g_assert_cmpuint (frame.len, ==, msg->dlc);
      if (!(msg->flags & CANOPY_MESSAGE_REMOTE))
        g_assert_cmpmem (frame.data, frame.len, msg->data, msg->dlc);
    }

  close (raw);
}

static void
test_fd_send_recv (void)
{
  static const guint lengths[] = { 0, 5, 8, 12, 16, 20, 24, 32, 48, 64 };
  g_autoptr(CanopyBus) a = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyBus) b = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sent = g_array_new (FALSE, TRUE, sizeof (CanopyMessage));
  int raw = raw_socket_open ("vcan0", TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      CanopyMessage msg;
      guint8 data[64];

      for (guint j = 0; j < lengths[i]; j++)
        data[j] = (guint8) (i * 7 + j);
      canopy_message_init (&msg, i % 2 ? 0x18DAF100 + i : 0x600 + i, i % 2, data, lengths[i]);
      canopy_message_set_fd (&msg, TRUE);
      canopy_message_set_bitrate_switch (&msg, i % 3 != 0);
      canopy_message_set_error_state_indicator (&msg, i % 4 == 1);
      g_array_append_val (sent, msg);
    }

  for (guint i = 0; i < sent->len; i++)
    {
      g_assert_true (canopy_bus_send (a, &g_array_index (sent, CanopyMessage, i), 1, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < sent->len; i++)
    {
      const CanopyMessage *msg = &g_array_index (sent, CanopyMessage, i);
      CanopyMessage received;
      struct canfd_frame frame;
      gint64 ts;

      g_assert_true (canopy_bus_recv_into (b, &received, 2, &error));
      g_assert_no_error (error);
      assert_same_frame (&received, msg);
      g_assert_true (canopy_message_is_fd (&received));

      g_assert_true (raw_socket_recv (raw, &frame, &ts, 2000));
      g_assert_cmpuint (frame.len, ==, msg->dlc);
      g_assert_cmpint (!!(frame.flags & CANFD_BRS), ==, !!(msg->flags & CANOPY_MESSAGE_BRS));
      g_assert_cmpint (!!(frame.flags & CANFD_ESI), ==, !!(msg->flags & CANOPY_MESSAGE_ESI));
      g_assert_cmpmem (frame.data, frame.len, msg->data, msg->dlc);
    }

  /* A frame from another program (as cansend would) reads the same. */
  {
    struct canfd_frame frame = { .can_id = 0x42, .len = 12, .flags = CANFD_BRS | CANFD_FDF };
    CanopyMessage received;

    memset (frame.data, 0xEE, 12);
    raw_socket_send (raw, &frame, CANFD_MTU);
    g_assert_true (canopy_bus_recv_into (b, &received, 2, &error));
    g_assert_no_error (error);
    g_assert_cmphex (received.arbitration_id, ==, 0x42);
    g_assert_cmphex (received.flags, ==, CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS);
    g_assert_cmpuint (received.dlc, ==, 12);
    g_assert_cmpuint (received.data[11], ==, 0xEE);
  }

  close (raw);
}

static void
test_fd_on_classic_interface (void)
{
  g_autoptr(CanopyBus) bus = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  const guint8 data[12] = { 0 };

  set_interface_up ("vcan1", FALSE);
  set_interface_mtu ("vcan1", CAN_MTU);
  set_interface_up ("vcan1", TRUE);

  bus = open_socketcan ("vcan1", NULL, NULL);
  g_assert_false (canopy_socketcan_bus_get_fd_capable (CANOPY_SOCKETCAN_BUS (bus)));

  canopy_message_init (&msg, 0x10, FALSE, data, sizeof data);
  canopy_message_set_fd (&msg, TRUE);
  g_assert_false (canopy_bus_send (bus, &msg, 0.1, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
  g_test_message ("FD on a classic interface: %s", error->message);
  g_clear_error (&error);

  /* Nor does the broadcast manager take an FD task there. */
  {
    g_autoptr(CanopyCyclicTask) task = canopy_bus_send_periodic (bus, &msg, 0.01, 0, &error);

    g_assert_null (task);
    g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
    g_clear_error (&error);
  }

  /* Classic frames still go. */
  canopy_message_init (&msg, 0x10, FALSE, data, 8);
  g_assert_true (canopy_bus_send (bus, &msg, 0.1, &error));
  g_assert_no_error (error);

  g_clear_object (&bus);
  set_interface_up ("vcan1", FALSE);
  set_interface_mtu ("vcan1", CANFD_MTU);
  set_interface_up ("vcan1", TRUE);
}

static guint32
collect_passing (CanopyBus *bus)
{
  g_autoptr(GError) error = NULL;
  guint32 seen = 0;
  int last = -1;
  CanopyMessage msg;

  while (canopy_bus_recv_into (bus, &msg, 0.3, &error))
    {
      guint index = msg.data[0];

      /* Remote frames carry no data: find them by id and width. */
      if (msg.flags & CANOPY_MESSAGE_REMOTE)
        for (index = 0; index < G_N_ELEMENTS (filter_test_frames); index++)
          if (filter_test_frames[index].remote &&
              filter_test_frames[index].id == msg.arbitration_id &&
              filter_test_frames[index].extended == !!(msg.flags & CANOPY_MESSAGE_EXTENDED))
            break;

      g_assert_cmpuint (index, <, G_N_ELEMENTS (filter_test_frames));
      g_assert_cmpint ((int) index, >, last);   /* in order, each once */
      last = index;
      seen |= 1u << index;
    }
  g_assert_no_error (error);

  return seen;
}

/* The same table, once through canopy_filters_match() and once through the
 * kernel: both accept exactly the expected frames. */
static void
test_filters_table (void)
{
  g_autoptr(CanopyBus) sender = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyBus) receiver = open_socketcan ("vcan0", NULL, NULL);

  for (guint c = 0; c < G_N_ELEMENTS (filter_test_cases); c++)
    {
      const FilterTestCase *test_case = &filter_test_cases[c];
      g_autoptr(GError) error = NULL;
      g_autofree CanopyFilter *filters = NULL;
      guint n_filters;
      guint32 software = 0, kernel;

      filters = filter_test_case_build (test_case, &n_filters);

      for (guint i = 0; i < G_N_ELEMENTS (filter_test_frames); i++)
        {
          CanopyMessage msg;

          filter_test_frame_to_message (&filter_test_frames[i], i, &msg);
          if (canopy_filters_match (filters, n_filters, &msg))
            software |= 1u << i;
        }

      drain (receiver);
      g_assert_true (canopy_bus_set_filter_array (receiver, filters, n_filters, &error));
      g_assert_no_error (error);

      for (guint i = 0; i < G_N_ELEMENTS (filter_test_frames); i++)
        {
          CanopyMessage msg;

          filter_test_frame_to_message (&filter_test_frames[i], i, &msg);
          g_assert_true (canopy_bus_send (sender, &msg, 1, &error));
          g_assert_no_error (error);
        }
      kernel = collect_passing (receiver);

      g_test_message ("%-30s expected 0x%03x software 0x%03x kernel 0x%03x",
                      test_case->name, test_case->expected, software, kernel);
      g_assert_cmphex (software, ==, test_case->expected);
      g_assert_cmphex (kernel, ==, test_case->expected);
    }
}

static void
send_error_frame (int     raw,
                  guint32 classes,
                  guint8  controller)
{
  struct canfd_frame frame = { .can_id = CAN_ERR_FLAG | classes, .len = CAN_ERR_DLC };

  frame.data[1] = controller;
  frame.data[6] = 130;
  frame.data[7] = 5;
  raw_socket_send (raw, &frame, CAN_MTU);
}

static void
test_error_frames (void)
{
  g_autoptr(CanopyBus) all = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyBus) none = open_socketcan ("vcan0", "error_frames", "false");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  CanopyFilter nothing = { 0x800, 0xFFF, FALSE, TRUE, FALSE };
  CanopyMessage msg;
  int raw = raw_socket_open ("vcan0", FALSE);

  /* Acceptance filters do not hold error frames back. */
  g_assert_true (canopy_bus_set_filter_array (all, &nothing, 1, &error));
  g_assert_no_error (error);

  send_error_frame (raw, CAN_ERR_BUSOFF | CAN_ERR_CRTL | CAN_ERR_CNT, CAN_ERR_CRTL_TX_PASSIVE);

  g_assert_true (canopy_bus_recv_into (all, &msg, 2, &error));
  g_assert_no_error (error);
  g_assert_true (canopy_message_is_error (&msg));
  g_assert_cmphex (canopy_socketcan_error_class (&msg), ==,
                   CANOPY_SOCKETCAN_ERROR_BUS_OFF | CANOPY_SOCKETCAN_ERROR_CONTROLLER | CANOPY_SOCKETCAN_ERROR_COUNTER);
  g_assert_cmpuint (msg.dlc, ==, CAN_ERR_DLC);
  g_assert_cmpuint (msg.data[1], ==, CAN_ERR_CRTL_TX_PASSIVE);
  text = canopy_socketcan_describe_error (&msg);
  g_test_message ("error frame: %s", text);
  g_assert_cmpstr (text, ==, "bus off; controller problem (TX error passive); error counters TX 130 RX 5");

  /* error_frames=false: none arrive. */
  g_assert_cmpuint (canopy_socketcan_bus_get_error_mask (CANOPY_SOCKETCAN_BUS (none)), ==, 0);
  g_assert_false (canopy_bus_recv_into (none, &msg, 0.3, &error));
  g_assert_no_error (error);

  /* A mask of some classes lets only those through. */
  g_assert_true (canopy_socketcan_bus_set_error_mask (CANOPY_SOCKETCAN_BUS (all),
                                                      CANOPY_SOCKETCAN_ERROR_BUS_OFF, &error));
  g_assert_no_error (error);
  send_error_frame (raw, CAN_ERR_CRTL, CAN_ERR_CRTL_RX_OVERFLOW);
  send_error_frame (raw, CAN_ERR_BUSOFF, 0);
  g_assert_true (canopy_bus_recv_into (all, &msg, 2, &error));
  g_assert_no_error (error);
  g_assert_cmphex (canopy_socketcan_error_class (&msg), ==, CANOPY_SOCKETCAN_ERROR_BUS_OFF);
  g_assert_false (canopy_bus_recv_into (all, &msg, 0.3, &error));
  g_assert_no_error (error);

  /* A data frame is no error frame. */
  canopy_message_init (&msg, 0x40, FALSE, NULL, 0);
  g_assert_cmpuint (canopy_socketcan_error_class (&msg), ==, 0);
  g_assert_null (canopy_socketcan_describe_error (&msg));

  close (raw);
}

static void
test_own_messages (void)
{
  g_autoptr(CanopyBus) own = open_socketcan ("vcan0", "receive_own_messages", "true");
  g_autoptr(CanopyBus) other = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(GError) error = NULL;
  const guint8 data[] = { 0xCA, 0xFE };
  CanopyMessage msg, received;

  g_assert_true (canopy_socketcan_bus_get_receive_own_messages (CANOPY_SOCKETCAN_BUS (own)));
  g_assert_false (canopy_socketcan_bus_get_receive_own_messages (CANOPY_SOCKETCAN_BUS (other)));

  canopy_message_init (&msg, 0x555, FALSE, data, sizeof data);
  g_assert_true (canopy_bus_send (own, &msg, 1, &error));
  g_assert_no_error (error);

  /* The sender sees its own frame, marked as sent… */
  g_assert_true (canopy_bus_recv_into (own, &received, 2, &error));
  g_assert_no_error (error);
  assert_same_frame (&received, &msg);
  g_assert_true (received.flags & CANOPY_MESSAGE_TX);
  g_assert_false (canopy_message_is_rx (&received));

  /* …the others as received. */
  g_assert_true (canopy_bus_recv_into (other, &received, 2, &error));
  g_assert_no_error (error);
  assert_same_frame (&received, &msg);
  g_assert_false (received.flags & CANOPY_MESSAGE_TX);

  /* Without the option a bus does not hear itself. */
  g_assert_true (canopy_bus_send (other, &msg, 1, &error));
  g_assert_no_error (error);
  g_assert_false (canopy_bus_recv_into (other, &received, 0.3, &error));
  g_assert_no_error (error);
  /* The other bus's frame reaches the own-messages bus as received. */
  g_assert_true (canopy_bus_recv_into (own, &received, 2, &error));
  g_assert_no_error (error);
  g_assert_false (received.flags & CANOPY_MESSAGE_TX);
}

static void
test_timestamps (void)
{
  g_autoptr(CanopyBus) a = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyBus) b = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(GError) error = NULL;
  CanopyMessage msg, received;
  gint64 before, after, ts_first;

  canopy_message_init (&msg, 0x10, FALSE, NULL, 0);

  before = g_get_real_time () * 1000;
  g_assert_true (canopy_bus_send (a, &msg, 1, &error));
  g_assert_no_error (error);
  after = g_get_real_time () * 1000 + 1000;

  /* Received later: the stamp is when the kernel got the frame, in ns. */
  g_usleep (200 * 1000);
  g_assert_true (canopy_bus_recv_into (b, &received, 2, &error));
  g_assert_no_error (error);
  g_test_message ("send window [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "], stamp %" G_GINT64_FORMAT,
                  before, after, received.timestamp_ns);
  g_assert_cmpint (received.timestamp_ns, >=, before - 1000);
  g_assert_cmpint (received.timestamp_ns, <=, after);
  g_assert_cmpfloat_with_epsilon (canopy_message_get_timestamp (&received),
                                  received.timestamp_ns / 1e9, 1e-6);
  ts_first = received.timestamp_ns;

  /* Nanosecond stamps that increase from frame to frame. */
  g_assert_true (canopy_bus_send (a, &msg, 1, &error));
  g_assert_true (canopy_bus_recv_into (b, &received, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (received.timestamp_ns, >, ts_first);
}

typedef struct
{
  CanopyBus *bus;
  GError    *error;
  gboolean   got_frame;
} BlockedRecv;

static gpointer
blocked_recv_thread (gpointer data)
{
  BlockedRecv *blocked = data;
  CanopyMessage msg;

  blocked->got_frame = canopy_bus_recv_into (blocked->bus, &msg, -1, &blocked->error);
  return NULL;
}

static void
test_recv_timeout_and_shutdown (void)
{
  g_autoptr(CanopyBus) bus = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(GError) error = NULL;
  BlockedRecv blocked = { bus, NULL, FALSE };
  CanopyMessage msg;
  GThread *thread;

  /* Nothing there: a poll and a short wait return without an error. */
  drain (bus);
  g_assert_false (canopy_bus_recv_into (bus, &msg, 0, &error));
  g_assert_no_error (error);
  g_assert_false (canopy_bus_recv_into (bus, &msg, 0.05, &error));
  g_assert_no_error (error);

  /* A receive blocked without a limit wakes up for shut-down. */
  thread = g_thread_new ("blocked-recv", blocked_recv_thread, &blocked);
  g_usleep (200 * 1000);
  canopy_bus_shutdown (bus);
  g_thread_join (thread);
  g_assert_false (blocked.got_frame);
  g_assert_error (blocked.error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
  g_clear_error (&blocked.error);

  /* Twice is fine; afterwards everything reports the shut-down. */
  canopy_bus_shutdown (bus);
  canopy_message_init (&msg, 0x1, FALSE, NULL, 0);
  g_assert_false (canopy_bus_send (bus, &msg, 0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
  g_clear_error (&error);
  g_assert_false (canopy_bus_recv_into (bus, &msg, 0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
}

static void
test_notifier (void)
{
  g_autoptr(CanopyBus) a = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyBus) b = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyBufferedReader) reader = canopy_buffered_reader_new ();
  g_autoptr(CanopyNotifier) notifier = NULL;
  g_autoptr(GError) error = NULL;
  CanopyBus *buses[] = { b };
  CanopyListener *listeners[] = { CANOPY_LISTENER (reader) };
  const guint n = 500;

  notifier = canopy_notifier_new (buses, 1, listeners, 1);

  /* In batches that fit the socket's receive buffer: an emulated CPU may
   * read slower than vcan delivers. */
  for (guint batch = 0; batch < n; batch += 50)
    {
      for (guint i = batch; i < batch + 50; i++)
        {
          CanopyMessage msg;
          guint8 data[4] = { i >> 24, i >> 16, i >> 8, i };

          canopy_message_init (&msg, 0x200, FALSE, data, sizeof data);
          g_assert_true (canopy_bus_send (a, &msg, 1, &error));
          g_assert_no_error (error);
        }

      for (guint i = batch; i < batch + 50; i++)
        {
          CanopyMessage msg;

          g_assert_true (canopy_buffered_reader_get_message_into (reader, &msg, 5));
          g_assert_cmpuint (((guint) msg.data[2] << 8) | msg.data[3], ==, i);
        }
    }
  g_assert_cmpuint (canopy_socketcan_bus_get_dropped (CANOPY_SOCKETCAN_BUS (b)), ==, 0);

  g_assert_true (canopy_notifier_stop (notifier, 5));
  g_assert_null (canopy_notifier_get_exception (notifier));
}

static void
test_controller (void)
{
  g_autoptr(CanopyBus) bus = open_socketcan ("vcan0", NULL, NULL);
  CanopySocketcanBus *sc = CANOPY_SOCKETCAN_BUS (bus);
  g_autoptr(GError) error = NULL;
  CanopySocketcanStatistics before, after;
  CanopySocketcanState state = CANOPY_SOCKETCAN_STATE_ERROR_ACTIVE;
  guint32 bitrate = 1;
  guint bitrate_prop = 1;
  CanopySocketcanState state_prop = CANOPY_SOCKETCAN_STATE_ERROR_ACTIVE;

  /* vcan has no controller: no bit rate, no state, no restart, each a
   * clear error; the properties read as unknown. */
  g_assert_false (canopy_socketcan_bus_get_bitrate (sc, &bitrate, &error));
  g_assert_nonnull (error);
  g_test_message ("bit rate of vcan0: %s", error->message);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "virtual vcan interface"));
  g_clear_error (&error);

  g_assert_false (canopy_socketcan_bus_get_state (sc, &state, &error));
  g_assert_nonnull (error);
  g_test_message ("state of vcan0: %s", error->message);
  g_clear_error (&error);

  g_assert_false (canopy_socketcan_bus_restart (sc, &error));
  g_assert_nonnull (error);
  g_test_message ("restart of vcan0: %s", error->message);
  g_clear_error (&error);

  g_assert_false (canopy_socketcan_set_bitrate ("vcan0", 500000, &error));
  g_assert_nonnull (error);
  g_test_message ("set bit rate of vcan0: %s", error->message);
  g_clear_error (&error);

  g_object_get (bus, "bitrate", &bitrate_prop, "state", &state_prop, NULL);
  g_assert_cmpuint (bitrate_prop, ==, 0);
  g_assert_cmpint (state_prop, ==, CANOPY_SOCKETCAN_STATE_UNKNOWN);

  /* The frame counters are there, and count. */
  g_assert_true (canopy_socketcan_bus_get_statistics (sc, &before, &error));
  g_assert_no_error (error);
  g_assert_false (before.has_controller_statistics);
  for (guint i = 0; i < 10; i++)
    {
      CanopyMessage msg;
      const guint8 data[8] = { 0 };

      canopy_message_init (&msg, 0x1, FALSE, data, sizeof data);
      g_assert_true (canopy_bus_send (bus, &msg, 1, &error));
      g_assert_no_error (error);
    }
  g_assert_true (canopy_socketcan_bus_get_statistics (sc, &after, &error));
  g_assert_no_error (error);
  g_test_message ("vcan0 tx frames %" G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT ", tx bytes %"
                  G_GUINT64_FORMAT " -> %" G_GUINT64_FORMAT,
                  before.tx_frames, after.tx_frames, before.tx_bytes, after.tx_bytes);
  g_assert_cmpuint (after.tx_frames, >=, before.tx_frames + 10);
  g_assert_cmpuint (after.tx_bytes, >=, before.tx_bytes + 80);
  g_assert_cmpuint (canopy_socketcan_bus_get_dropped (sc), ==, 0);
}

/* The base counts frames; the kernel's count of frames it dropped for a
 * full receive buffer (SO_RXQ_OVFL) is the bus's `dropped`. */
static void
test_statistics (void)
{
  g_autoptr(CanopyBus) tx = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyBus) rx = open_socketcan ("vcan0", NULL, NULL);
  g_autoptr(CanopyBusStatistics) stats = NULL;
  g_autoptr(GError) error = NULL;
  struct can_frame frame = { .can_id = 0x321, .len = 8 };
  CanopyMessage msg;
  guint64 n_read = 0;
  const guint n_flood = 5000;
  int raw = raw_socket_open ("vcan0", FALSE);

  canopy_message_init (&msg, 0x123, FALSE, (const guint8 *) "\1\2\3\4", 4);
  for (guint i = 0; i < 10; i++)
    g_assert_true (canopy_bus_send (tx, &msg, 1, &error));
  for (guint i = 0; i < 10; i++)
    g_assert_true (canopy_bus_recv_into (rx, &msg, 2, &error));
  g_assert_no_error (error);

  stats = canopy_bus_get_statistics (tx);
  g_assert_cmpuint (canopy_bus_statistics_get_tx_frames (stats), ==, 10);
  g_clear_pointer (&stats, canopy_bus_statistics_free);
  stats = canopy_bus_get_statistics (rx);
  g_assert_cmpuint (canopy_bus_statistics_get_rx_frames (stats), ==, 10);
  g_assert_cmpuint (canopy_bus_statistics_get_dropped (stats), ==, 0);
  /* vcan has no controller. */
  g_assert_cmpint (canopy_bus_statistics_get_state (stats), ==, CANOPY_BUS_STATE_UNKNOWN);
  g_clear_pointer (&stats, canopy_bus_statistics_free);

  /* Flood rx while nobody reads it, then drain it. */
  for (guint i = 0; i < n_flood; i++)
    {
      frame.data[0] = (guint8) i;
      while (write (raw, &frame, CAN_MTU) != CAN_MTU)
        {
          g_assert_cmpint (errno, ==, ENOBUFS);
          g_usleep (100);
        }
    }
  while (canopy_bus_recv_into (rx, &msg, 0, &error))
    n_read++;
  g_assert_no_error (error);
  g_assert_cmpuint (n_read, <, n_flood);

  /* The kernel reports its count with the next frame that arrives. */
  raw_socket_send (raw, (const struct canfd_frame *) &frame, CAN_MTU);
  g_assert_true (canopy_bus_recv_into (rx, &msg, 2, &error));
  g_assert_no_error (error);

  stats = canopy_bus_get_statistics (rx);
  g_assert_cmpuint (canopy_bus_statistics_get_dropped (stats), ==, n_flood - n_read);
  g_assert_cmpuint (canopy_bus_statistics_get_rx_frames (stats), ==, 10 + n_read + 1);

  close (raw);
}

int
main (int   argc,
      char *argv[])
{
  if (socketcan_test_should_skip ())
    return 0;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/socketcan/interfaces/list", test_list_interfaces);
  g_test_add_func ("/socketcan/open/by-name", test_open_by_name);
  g_test_add_func ("/socketcan/open/missing", test_open_missing);
  g_test_add_func ("/socketcan/open/down", test_interface_down);
  g_test_add_func ("/socketcan/frames/classic", test_classic_send_recv);
  g_test_add_func ("/socketcan/frames/fd", test_fd_send_recv);
  g_test_add_func ("/socketcan/frames/fd-on-classic-interface", test_fd_on_classic_interface);
  g_test_add_func ("/socketcan/filters/table", test_filters_table);
  g_test_add_func ("/socketcan/error-frames", test_error_frames);
  g_test_add_func ("/socketcan/own-messages", test_own_messages);
  g_test_add_func ("/socketcan/timestamps", test_timestamps);
  g_test_add_func ("/socketcan/recv-timeout-and-shutdown", test_recv_timeout_and_shutdown);
  g_test_add_func ("/socketcan/notifier", test_notifier);
  g_test_add_func ("/socketcan/controller", test_controller);
  g_test_add_func ("/socketcan/statistics", test_statistics);

  return g_test_run ();
}

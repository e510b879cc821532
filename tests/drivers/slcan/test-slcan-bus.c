/* test-slcan-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The slcan driver through the public API against a simulated adapter on a
 * pseudo-terminal.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <canopy.h>

#include "drivers-test-util.h"
#include "slcan-adapter-sim.h"

static gboolean
has_command (SlcanAdapterSim *sim,
             const char      *command)
{
  g_autoptr(GPtrArray) commands = slcan_adapter_sim_dup_commands (sim);

  for (guint i = 0; i < commands->len; i++)
    if (g_str_equal (commands->pdata[i], command))
      return TRUE;
  return FALSE;
}

/* The adapter handles commands on its own thread. */
static gboolean
wait_closed (SlcanAdapterSim *sim)
{
  for (guint i = 0; i < 500 && slcan_adapter_sim_is_open (sim); i++)
    g_usleep (10000);
  return !slcan_adapter_sim_is_open (sim);
}

static void
test_open_and_info (void)
{
  g_autoptr(SlcanAdapterSim) sim = slcan_adapter_sim_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, "bitrate", "500000", NULL);
  g_autofree char *info = NULL;

  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_SLCAN_BUS (bus));
  g_assert_true (slcan_adapter_sim_is_open (sim));
  g_assert_true (has_command (sim, "S6"));
  g_assert_true (has_command (sim, "O"));
  g_assert_cmpstr (canopy_slcan_bus_get_version (CANOPY_SLCAN_BUS (bus)), ==, "1013");
  g_assert_cmpstr (canopy_slcan_bus_get_serial_number (CANOPY_SLCAN_BUS (bus)), ==, "A123");
  info = canopy_bus_dup_channel_info (bus);
  g_assert_nonnull (strstr (info, slcan_adapter_sim_get_path (sim)));
  g_assert_nonnull (strstr (info, "1013"));

  canopy_bus_shutdown (bus);
  g_assert_true (wait_closed (sim));
  g_assert_true (has_command (sim, "C"));
}

static void
test_send_receive (void)
{
  g_autoptr(SlcanAdapterSim) sim = slcan_adapter_sim_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, NULL);

  g_assert_no_error (error);

  /* Standard, extended, remote, empty: each comes back intact, in order. */
  for (guint i = 0; i < 200; i++)
    {
      CanopyMessage msg = { .channel = -1 };

      msg.arbitration_id = (i % 4 == 1) ? 0x1ABCDE00 + i : 0x100 + i;
      msg.flags = (i % 4 == 1) ? CANOPY_MESSAGE_EXTENDED : (i % 4 == 2) ? CANOPY_MESSAGE_REMOTE : 0;
      msg.dlc = (i % 4 == 3) ? 0 : 1 + i % 8;
      if (!(msg.flags & CANOPY_MESSAGE_REMOTE))
        for (guint b = 0; b < msg.dlc; b++)
          msg.data[b] = i + b;
      g_assert_true (canopy_bus_send (bus, &msg, 1.0, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < 200; i++)
    {
      CanopyMessage got;
      gint64 now = g_get_real_time () * 1000;

      g_assert_true (canopy_bus_recv_into (bus, &got, 5.0, &error));
      g_assert_no_error (error);
      g_assert_cmphex (got.arbitration_id, ==, (i % 4 == 1) ? 0x1ABCDE00 + i : 0x100 + i);
      g_assert_cmpuint (got.dlc, ==, (i % 4 == 3) ? 0 : 1 + i % 8);
      if (i % 4 == 0)
        g_assert_cmphex (got.data[got.dlc - 1], ==, (guint8) (i + got.dlc - 1));
      g_assert_cmpint (!!(got.flags & CANOPY_MESSAGE_EXTENDED), ==, i % 4 == 1);
      g_assert_cmpint (!!(got.flags & CANOPY_MESSAGE_REMOTE), ==, i % 4 == 2);
      /* Received now, in Unix time. */
      g_assert_cmpint (ABS (now - got.timestamp_ns), <, 10 * G_GINT64_CONSTANT (1000000000));
    }

  g_assert_cmpuint (canopy_slcan_bus_get_skipped (CANOPY_SLCAN_BUS (bus)), ==, 0);
}

static void
test_filters (void)
{
  g_autoptr(SlcanAdapterSim) sim = slcan_adapter_sim_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, NULL);
  CanopyFilter filter = { .can_id = 0x120, .can_mask = 0x7F0 };
  CanopyMessage msg = { .dlc = 1, .channel = -1 };
  CanopyMessage got;

  g_assert_no_error (error);
  g_assert_true (canopy_bus_set_filter_array (bus, &filter, 1, &error));

  for (guint32 id = 0x100; id < 0x140; id += 8)
    {
      msg.arbitration_id = id;
      g_assert_true (canopy_bus_send (bus, &msg, 1.0, &error));
    }

  g_assert_true (canopy_bus_recv_into (bus, &got, 5.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x120);
  g_assert_true (canopy_bus_recv_into (bus, &got, 5.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x128);
  g_assert_false (canopy_bus_recv_into (bus, &got, 0.3, &error));
  g_assert_no_error (error);
}

static void
test_bitrates (void)
{
  g_autoptr(SlcanAdapterSim) sim = slcan_adapter_sim_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;

  bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, "bitrate", "33333", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "33333"));
  g_assert_null (bus);
  g_clear_error (&error);

  bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, "btr", "031C", NULL);
  g_assert_no_error (error);
  g_assert_true (has_command (sim, "s031C"));
  g_clear_object (&bus);

  bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, "bitrate", "10000", NULL);
  g_assert_no_error (error);
  g_assert_true (has_command (sim, "S0"));
  g_clear_object (&bus);

  bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, "bitrate", "125000", "btr", "031C", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* The adapter refuses: the error says what. */
  slcan_adapter_sim_refuse (sim, "S");
  bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, "bitrate", "1000000", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "bit rate"));
  g_assert_null (bus);
}

static void
test_adapter_timestamps (void)
{
  g_autoptr(SlcanAdapterSim) sim = slcan_adapter_sim_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, "timestamps", "true", NULL);
  CanopyMessage msg = { .arbitration_id = 0x7, .dlc = 0, .channel = -1 };
  gint64 stamps[5];

  g_assert_no_error (error);
  g_assert_true (has_command (sim, "Z1"));

  for (guint i = 0; i < 5; i++)
    g_assert_true (canopy_bus_send (bus, &msg, 1.0, &error));
  for (guint i = 0; i < 5; i++)
    {
      CanopyMessage got;

      g_assert_true (canopy_bus_recv_into (bus, &got, 5.0, &error));
      stamps[i] = got.timestamp_ns;
    }
  /* Sent at once, stamped 250 ms apart by the adapter: its clock wins. */
  for (guint i = 1; i < 5; i++)
    g_assert_cmpint (stamps[i] - stamps[i - 1], ==, 250 * 1000000);
}

static void
test_error_frames (void)
{
  g_autoptr(SlcanAdapterSim) sim = slcan_adapter_sim_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, "status_interval", "0.05", NULL);
  CanopyMessage got;

  g_assert_no_error (error);
  slcan_adapter_sim_set_status (sim, 0x08 | 0x80 | 0x20);   /* overrun, bus error, passive */

  g_assert_true (canopy_bus_recv_into (bus, &got, 5.0, &error));
  g_assert_true (got.flags & CANOPY_MESSAGE_ERROR);
  g_assert_cmphex (got.arbitration_id, ==, 0x004 | 0x080);
  g_assert_cmphex (got.data[1], ==, 0x01 | 0x10 | 0x20);

  /* A quiet controller reports nothing more. */
  g_assert_false (canopy_bus_recv_into (bus, &got, 0.3, &error));
  g_assert_no_error (error);
}

static void
test_garbage_and_split (void)
{
  g_autoptr(SlcanAdapterSim) sim = slcan_adapter_sim_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, NULL);
  g_autoptr(GString) input = g_string_new (NULL);
  CanopyMessage got;

  g_assert_no_error (error);

  g_string_append (input, "t1112AABB\r");
  g_string_append (input, "\x01\x02garbage\r");
  g_string_append (input, "t9992AABB\r");
  for (guint i = 0; i < 5000; i++)
    g_string_append_c (input, 'T');
  g_string_append (input, "\r");
  g_string_append (input, "T1234567881122334455667788\r");
  g_string_append (input, "t2228AA\r");

  /* In pieces of 7 bytes, so frames cross reads. */
  slcan_adapter_sim_inject (sim, input->str, input->len, 7);

  g_assert_true (canopy_bus_recv_into (bus, &got, 5.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x111);
  g_assert_cmphex (got.data[1], ==, 0xBB);
  g_assert_true (canopy_bus_recv_into (bus, &got, 5.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x12345678);
  g_assert_cmphex (got.data[7], ==, 0x88);
  g_assert_false (canopy_bus_recv_into (bus, &got, 0.3, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (canopy_slcan_bus_get_skipped (CANOPY_SLCAN_BUS (bus)), ==, 4);
}

static void
test_device_vanishes (void)
{
  g_autoptr(SlcanAdapterSim) sim = slcan_adapter_sim_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, NULL);
  CanopyMessage msg = { .arbitration_id = 0x1, .channel = -1 };
  GThread *thread;
  GError *recv_error;

  g_assert_no_error (error);
  thread = g_thread_new ("recv", drivers_test_blocked_recv, bus);
  g_usleep (G_USEC_PER_SEC / 10);

  slcan_adapter_sim_vanish (sim);

  /* The blocked reader wakes with the reason; so does every later call. */
  recv_error = g_thread_join (thread);
  g_assert_error (recv_error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (recv_error->message, slcan_adapter_sim_get_path (sim)));
  g_error_free (recv_error);

  g_assert_false (canopy_bus_send (bus, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_clear_error (&error);

  canopy_bus_shutdown (bus);
}

static void
test_shutdown_wakes_reader (void)
{
  g_autoptr(SlcanAdapterSim) sim = slcan_adapter_sim_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = drivers_test_open_bus ("slcan", slcan_adapter_sim_get_path (sim), &error, NULL);
  CanopyMessage msg = { .arbitration_id = 0x1, .channel = -1 };
  GThread *thread;
  GError *recv_error;

  g_assert_no_error (error);
  thread = g_thread_new ("recv", drivers_test_blocked_recv, bus);
  g_usleep (G_USEC_PER_SEC / 10);
  canopy_bus_shutdown (bus);

  recv_error = g_thread_join (thread);
  g_assert_error (recv_error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
  g_error_free (recv_error);

  g_assert_false (canopy_bus_send (bus, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);
}

static void
test_missing_device (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = canopy_bus_new ("slcan", "/dev/canopy-no-such-tty", NULL, &error);

  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_assert_nonnull (strstr (error->message, "/dev/canopy-no-such-tty"));
  g_clear_error (&error);

  bus = canopy_bus_new ("slcan", NULL, NULL, &error);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
}

/* A serial device that never answers (not an slcan adapter): a clear
 * error in bounded time, not a hang. */
static void
test_silent_device (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  int master = posix_openpt (O_RDWR | O_NOCTTY);
  gint64 start;

  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);

  start = g_get_monotonic_time ();
  bus = canopy_bus_new ("slcan", ptsname (master), NULL, &error);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  close (master);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/slcan/bus/open-and-info", test_open_and_info);
  g_test_add_func ("/slcan/bus/send-receive", test_send_receive);
  g_test_add_func ("/slcan/bus/filters", test_filters);
  g_test_add_func ("/slcan/bus/bitrates", test_bitrates);
  g_test_add_func ("/slcan/bus/adapter-timestamps", test_adapter_timestamps);
  g_test_add_func ("/slcan/bus/error-frames", test_error_frames);
  g_test_add_func ("/slcan/bus/garbage-and-split", test_garbage_and_split);
  g_test_add_func ("/slcan/bus/device-vanishes", test_device_vanishes);
  g_test_add_func ("/slcan/bus/shutdown-wakes-reader", test_shutdown_wakes_reader);
  g_test_add_func ("/slcan/bus/missing-device", test_missing_device);
  g_test_add_func ("/slcan/bus/silent-device", test_silent_device);

  return g_test_run ();
}

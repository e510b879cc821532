/* test-neovi-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The neovi driver through the public API against the simulated icsneo40
 * library (CANOPY_NEOVI_LIBRARY names it): two devices on one cable.
 */

#include <string.h>

#include <gmodule.h>

#include <canopy.h>

#include "drivers-test-util.h"

static int      (*sim_get_bitrate)  (int, int);
static int      (*sim_get_fd_bitrate) (int, int);
static gboolean (*sim_is_open)      (int);
static void     (*sim_inject_error) (int, guint32);
static void     (*sim_unplug)       (int);

static void
test_send_receive (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("neovi", "1", &error, "serial", "100001", "bitrate", "250000", NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("neovi", "1", &error, "serial", "100002", NULL);
  g_autofree char *info = NULL;

  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_NEOVI_BUS (a));
  g_assert_cmpint (sim_get_bitrate (100001, 1), ==, 250000);
  info = canopy_bus_dup_channel_info (a);
  g_assert_cmpstr (info, ==, "neoVI 100001 network 1");

  /* The device's report of what a sent is not received by a. */
  drivers_test_exchange_frames (a, b);
  {
    CanopyMessage got;

    g_assert_false (canopy_bus_recv_into (a, &got, 0.15, &error));
    g_assert_no_error (error);
  }
}

static void
test_own_messages_and_filters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("neovi", "1", &error, "serial", "100001",
                                                  "receive_own_messages", "true", NULL);
  CanopyFilter filter = { .can_id = 0x42, .can_mask = 0x7FF };
  CanopyMessage msg = { .arbitration_id = 0x42, .dlc = 1, .data = { 7 }, .channel = -1 };
  CanopyMessage got;

  g_assert_no_error (error);
  g_assert_true (canopy_bus_set_filter_array (a, &filter, 1, &error));
  g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
  msg.arbitration_id = 0x43;
  g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
  g_assert_true (canopy_bus_recv_into (a, &got, 2.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x42);
  g_assert_true (got.flags & CANOPY_MESSAGE_TX);
  g_assert_false (canopy_bus_recv_into (a, &got, 0.15, &error));
  g_assert_no_error (error);
}

static void
test_error_frames (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("neovi", NULL, &error, NULL);      /* first device, HS-CAN */
  CanopyMessage got;

  g_assert_no_error (error);
  g_assert_true (sim_is_open (100001));
  sim_inject_error (100001, 0x200);     /* SPY_STATUS_CAN_BUS_OFF */
  g_assert_true (canopy_bus_recv_into (a, &got, 2.0, &error));
  g_assert_true (got.flags & CANOPY_MESSAGE_ERROR);
  g_assert_cmphex (got.arbitration_id, ==, 0x040);
  g_assert_cmpint (ABS (got.timestamp_ns - g_get_real_time () * 1000), <, G_GINT64_CONSTANT (1000000000));
}

static void
test_shutdown_and_unplug (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("neovi", "1", &error, "serial", "100001", NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("neovi", "1", &error, "serial", "100002", NULL);
  CanopyMessage msg = { .arbitration_id = 0x1, .channel = -1 };
  GThread *thread;
  GError *recv_error;

  g_assert_no_error (error);

  drivers_test_assert_shutdown_wakes_reader (b);
  g_assert_false (sim_is_open (100002));

  thread = g_thread_new ("recv", drivers_test_blocked_recv, a);
  g_usleep (G_USEC_PER_SEC / 10);
  sim_unplug (100001);
  recv_error = g_thread_join (thread);
  g_assert_error (recv_error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_error_free (recv_error);
  g_assert_false (canopy_bus_send (a, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
}

static void
test_bad_arguments (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;

  bus = drivers_test_open_bus ("neovi", "1", &error, "serial", "424242", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_assert_nonnull (strstr (error->message, "424242"));
  g_clear_error (&error);

  bus = drivers_test_open_bus ("neovi", "HS-CAN", &error, NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Network ids are one byte. */
  bus = drivers_test_open_bus ("neovi", "256", &error, NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "neoVI network id"));
  g_clear_error (&error);

  bus = drivers_test_open_bus ("neovi", "1", &error, "library", "/nonexistent/icsneo40.dll", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_assert_nonnull (strstr (error->message, "neovi"));
  g_assert_nonnull (strstr (error->message, "/nonexistent/icsneo40.dll"));
}

static void
test_fd (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("neovi", "1", &error, "serial", "100001", "fd", "true",
                                                  "bitrate", "500000", "data_bitrate", "5000000", NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("neovi", "1", &error, "serial", "100002", "fd", "true", NULL);
  g_autofree char *info = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sim_get_bitrate (100001, 1), ==, 500000);
  g_assert_cmpint (sim_get_fd_bitrate (100001, 1), ==, 5000000);
  g_assert_cmpuint (canopy_bus_get_data_bitrate (a), ==, 5000000);
  info = canopy_bus_dup_channel_info (a);
  g_assert_cmpstr (info, ==, "neoVI 100001 network 1, CAN FD");

  drivers_test_exchange_fd_frames (a, b);
  /* Classic frames still pass on a CAN FD network. */
  drivers_test_exchange_frames (a, b);
}

static void
test_fd_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  CanopyMessage msg = { .arbitration_id = 0x10, .flags = CANOPY_MESSAGE_FD, .dlc = 12, .channel = -1 };

  /* A CAN FD frame on a bus not opened for it. */
  bus = drivers_test_open_bus ("neovi", "1", &error, "serial", "100001", NULL);
  g_assert_no_error (error);
  g_assert_false (canopy_bus_send (bus, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_clear_object (&bus);

  /* A length that is no DLC code. */
  bus = drivers_test_open_bus ("neovi", "1", &error, "serial", "100001", "fd", "true", NULL);
  g_assert_no_error (error);
  msg.dlc = 33;
  g_assert_false (canopy_bus_send (bus, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_object (&bus);

  /* A data rate the device refuses. */
  bus = drivers_test_open_bus ("neovi", "1", &error, "serial", "100001", "fd", "true",
                               "data_bitrate", "20000000", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A library without icsneoSetFDBitRate. */
  bus = drivers_test_open_bus ("neovi", "1", &error, "serial", "100001", "fd", "true",
                               "library", g_getenv ("CANOPY_NEOVI_CLASSIC_SIM"), NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "CAN FD"));
  g_assert_nonnull (strstr (error->message, "icsneoSetFDBitRate"));
  g_clear_error (&error);

  /* ... which still opens classic CAN. */
  bus = drivers_test_open_bus ("neovi", "1", &error, "serial", "100001",
                               "library", g_getenv ("CANOPY_NEOVI_CLASSIC_SIM"), NULL);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  GModule *sim;

  g_test_init (&argc, &argv, NULL);

  sim = g_module_open (g_getenv ("CANOPY_NEOVI_LIBRARY"), G_MODULE_BIND_LOCAL);
  g_assert_nonnull (sim);
  g_assert_true (g_module_symbol (sim, "neovi_sim_get_bitrate", (gpointer *) &sim_get_bitrate));
  g_assert_true (g_module_symbol (sim, "neovi_sim_get_fd_bitrate", (gpointer *) &sim_get_fd_bitrate));
  g_assert_true (g_module_symbol (sim, "neovi_sim_is_open", (gpointer *) &sim_is_open));
  g_assert_true (g_module_symbol (sim, "neovi_sim_inject_error", (gpointer *) &sim_inject_error));
  g_assert_true (g_module_symbol (sim, "neovi_sim_unplug", (gpointer *) &sim_unplug));

  g_test_add_func ("/neovi/bus/send-receive", test_send_receive);
  g_test_add_func ("/neovi/bus/own-messages-and-filters", test_own_messages_and_filters);
  g_test_add_func ("/neovi/bus/error-frames", test_error_frames);
  g_test_add_func ("/neovi/bus/shutdown-and-unplug", test_shutdown_and_unplug);
  g_test_add_func ("/neovi/bus/bad-arguments", test_bad_arguments);
  g_test_add_func ("/neovi/bus/fd", test_fd);
  g_test_add_func ("/neovi/bus/fd-refused", test_fd_refused);

  return g_test_run ();
}

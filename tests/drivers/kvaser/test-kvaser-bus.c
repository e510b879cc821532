/* test-kvaser-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The kvaser driver through the public API against the simulated CANlib
 * (CANOPY_KVASER_LIBRARY names it): channels 0 and 1 on one cable.
 */

#include <string.h>

#include <gmodule.h>

#include <canopy.h>

#include "drivers-test-util.h"

static GModule *sim;
static long     (*sim_get_bitrate_code)   (int);
static long     (*sim_get_fd_code)        (int);
static gboolean (*sim_is_open)            (int);
static void     (*sim_get_filter)         (int, int, unsigned int *, unsigned int *);
static void     (*sim_inject_error_frame) (int);
static void     (*sim_set_status)         (int, unsigned long);
static void     (*sim_unplug)             (int);

static void
test_send_receive (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("kvaser", "0", &error, "bitrate", "250000", NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("kvaser", "1", &error, "bitrate", "250000", NULL);
  g_autofree char *info = NULL;

  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_KVASER_BUS (a));
  g_assert_cmpint (sim_get_bitrate_code (0), ==, -3);     /* canBITRATE_250K */
  g_assert_cmpuint (canopy_bus_get_bitrate (a), ==, 250000);
  info = canopy_bus_dup_channel_info (a);
  g_assert_nonnull (strstr (info, "Kvaser Leaf simulated"));

  drivers_test_exchange_frames (a, b);
}

static void
test_fd (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("kvaser", "0", &error, "fd", "true", "data_bitrate", "2000000", NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("kvaser", "1", &error, "fd", "true", "data_bitrate", "2000000", NULL);
  CanopyMessage msg = { .arbitration_id = 0x321, .flags = CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS, .dlc = 48,
                        .channel = -1 };
  CanopyMessage got;

  g_assert_no_error (error);
  g_assert_cmpint (sim_get_fd_code (0), ==, -1002);        /* canFD_BITRATE_2M_80P */
  g_assert_cmpuint (canopy_bus_get_data_bitrate (a), ==, 2000000);
  for (guint i = 0; i < 48; i++)
    msg.data[i] = 0x30 + i;
  g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
  g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
  g_assert_true (got.flags & CANOPY_MESSAGE_FD);
  g_assert_true (got.flags & CANOPY_MESSAGE_BRS);
  g_assert_cmpuint (got.dlc, ==, 48);
  g_assert_cmpmem (got.data, 48, msg.data, 48);

  g_clear_object (&a);
  a = drivers_test_open_bus ("kvaser", "0", &error, "fd", "true", "data_bitrate", "3000000", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
}

static void
test_filters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("kvaser", "0", &error, NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("kvaser", "1", &error, NULL);
  CanopyFilter one = { .can_id = 0x120, .can_mask = 0x7F0 };
  CanopyFilter two[2] = { { .can_id = 0x200, .can_mask = 0x7FF }, { .can_id = 0x300, .can_mask = 0x7FF } };
  CanopyMessage msg = { .dlc = 1, .channel = -1 };
  CanopyMessage got;
  unsigned int code, mask;

  g_assert_no_error (error);

  /* One filter per kind reaches the controller. */
  g_assert_true (canopy_bus_set_filter_array (b, &one, 1, &error));
  sim_get_filter (1, FALSE, &code, &mask);
  g_assert_cmphex (code, ==, 0x120);
  g_assert_cmphex (mask, ==, 0x7F0);
  for (guint32 id = 0x11E; id <= 0x131; id++)
    {
      msg.arbitration_id = id;
      g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
    }
  for (guint32 id = 0x120; id <= 0x12F; id++)
    {
      g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
      g_assert_cmphex (got.arbitration_id, ==, id);
    }
  g_assert_false (canopy_bus_recv_into (b, &got, 0.15, &error));

  /* Two open the controller and filter here, with the same result. */
  g_assert_true (canopy_bus_set_filter_array (b, two, 2, &error));
  sim_get_filter (1, FALSE, &code, &mask);
  g_assert_cmphex (mask, ==, 0);
  for (guint32 id = 0x1FF; id <= 0x301; id++)
    {
      msg.arbitration_id = id;
      g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
    }
  g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x200);
  g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x300);
  g_assert_false (canopy_bus_recv_into (b, &got, 0.15, &error));
  g_assert_no_error (error);
}

static void
test_error_frames_and_state (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("kvaser", "0", &error, NULL);
  g_autoptr(CanopyBusStatistics) stats = NULL;
  CanopyMessage got;

  g_assert_no_error (error);
  sim_inject_error_frame (0);
  g_assert_true (canopy_bus_recv_into (a, &got, 2.0, &error));
  g_assert_true (got.flags & CANOPY_MESSAGE_ERROR);
  g_assert_cmphex (got.arbitration_id, ==, 0x008 | 0x080);

  sim_set_status (0, 0x02);     /* canSTAT_BUS_OFF */
  stats = canopy_bus_get_statistics (a);
  g_assert_cmpint (canopy_bus_statistics_get_state (stats), ==, CANOPY_BUS_STATE_BUS_OFF);
  g_assert_cmpuint (canopy_bus_statistics_get_error_frames (stats), ==, 1);
}

static void
test_blocking_and_shutdown (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("kvaser", "0", &error, NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("kvaser", "1", &error, NULL);
  CanopyMessage msg = { .arbitration_id = 0x555, .channel = -1 };
  GThread *thread;

  g_assert_no_error (error);
  thread = g_thread_new ("recv", drivers_test_blocked_recv, b);
  g_usleep (G_USEC_PER_SEC / 10);
  g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
  g_assert_cmphex (GPOINTER_TO_UINT (g_thread_join (thread)), ==, 0x555);

  drivers_test_assert_shutdown_wakes_reader (b);
  g_assert_false (sim_is_open (1));
}

static void
test_unplugged (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("kvaser", "0", &error, NULL);
  CanopyMessage msg = { .arbitration_id = 0x1, .channel = -1 };
  GThread *thread;
  GError *recv_error;

  g_assert_no_error (error);
  thread = g_thread_new ("recv", drivers_test_blocked_recv, a);
  g_usleep (G_USEC_PER_SEC / 10);
  sim_unplug (0);

  recv_error = g_thread_join (thread);
  g_assert_error (recv_error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (recv_error->message, "Kvaser channel 0"));
  g_error_free (recv_error);

  g_assert_false (canopy_bus_send (a, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
}

static void
test_bad_arguments (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;

  bus = drivers_test_open_bus ("kvaser", "0", &error, "bitrate", "33333", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bus = drivers_test_open_bus ("kvaser", "zero", &error, NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bus = drivers_test_open_bus ("kvaser", "9", &error, NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_clear_error (&error);

  bus = drivers_test_open_bus ("kvaser", "library-missing", &error, NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bus = drivers_test_open_bus ("kvaser", "0", &error, "library", "/nonexistent/libcanlib.so.1", NULL);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_assert_nonnull (strstr (error->message, "kvaser"));
  g_assert_nonnull (strstr (error->message, "/nonexistent/libcanlib.so.1"));
}

int
main (int   argc,
      char *argv[])
{
  const char *path = g_getenv ("CANOPY_KVASER_LIBRARY");

  g_test_init (&argc, &argv, NULL);

  g_assert_nonnull (path);
  sim = g_module_open (path, G_MODULE_BIND_LOCAL);
  g_assert_nonnull (sim);
  g_assert_true (g_module_symbol (sim, "kvaser_sim_get_bitrate_code", (gpointer *) &sim_get_bitrate_code));
  g_assert_true (g_module_symbol (sim, "kvaser_sim_get_fd_code", (gpointer *) &sim_get_fd_code));
  g_assert_true (g_module_symbol (sim, "kvaser_sim_is_open", (gpointer *) &sim_is_open));
  g_assert_true (g_module_symbol (sim, "kvaser_sim_get_filter", (gpointer *) &sim_get_filter));
  g_assert_true (g_module_symbol (sim, "kvaser_sim_inject_error_frame", (gpointer *) &sim_inject_error_frame));
  g_assert_true (g_module_symbol (sim, "kvaser_sim_set_status", (gpointer *) &sim_set_status));
  g_assert_true (g_module_symbol (sim, "kvaser_sim_unplug", (gpointer *) &sim_unplug));

  g_test_add_func ("/kvaser/bus/send-receive", test_send_receive);
  g_test_add_func ("/kvaser/bus/fd", test_fd);
  g_test_add_func ("/kvaser/bus/filters", test_filters);
  g_test_add_func ("/kvaser/bus/error-frames-and-state", test_error_frames_and_state);
  g_test_add_func ("/kvaser/bus/blocking-and-shutdown", test_blocking_and_shutdown);
  g_test_add_func ("/kvaser/bus/unplugged", test_unplugged);
  g_test_add_func ("/kvaser/bus/bad-arguments", test_bad_arguments);

  return g_test_run ();
}

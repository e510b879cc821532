/* test-ixxat-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ixxat driver through the public API against the simulated VCI V3
 * library (CANOPY_IXXAT_LIBRARY names it): two adapters on one cable.
 */

#include <string.h>

#include <gmodule.h>

#include <canopy.h>

#include "drivers-test-util.h"

static guint16  (*sim_get_btr)      (const char *);
static guint8   (*sim_get_mode)     (const char *);
static gboolean (*sim_is_open)      (const char *);
static void     (*sim_inject_error) (const char *, guint8);
static void     (*sim_set_status)   (const char *, guint32);
static void     (*sim_unplug)       (const char *);

#define OPEN(id, ...) drivers_test_open_bus ("ixxat", "0", &error, "unique_hardware_id", id, __VA_ARGS__)

static void
test_send_receive (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = OPEN ("HW000001", "bitrate", "125000", NULL);
  g_autoptr(CanopyBus) b = OPEN ("HW000002", "bitrate", "125000", NULL);
  g_autofree char *info = NULL;

  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_IXXAT_BUS (a));
  g_assert_cmphex (sim_get_btr ("HW000001"), ==, 0x031C);
  g_assert_cmphex (sim_get_mode ("HW000001"), ==, 0x01 | 0x02 | 0x04);
  info = canopy_bus_dup_channel_info (a);
  g_assert_nonnull (strstr (info, "HW000001"));

  drivers_test_exchange_frames (a, b);
}

static void
test_first_adapter_and_filters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("ixxat", "0", &error, NULL);   /* the first: HW000001 */
  g_autoptr(CanopyBus) b = OPEN ("HW000002", NULL);
  CanopyFilter filter = { .can_id = 0x18FEF100, .can_mask = 0x1FFFFF00, .extended = TRUE };
  CanopyMessage msg = { .flags = CANOPY_MESSAGE_EXTENDED, .dlc = 8, .channel = -1 };
  CanopyMessage got;

  g_assert_no_error (error);
  g_assert_true (sim_is_open ("HW000001"));
  g_assert_true (canopy_bus_set_filter_array (b, &filter, 1, &error));
  for (guint32 id = 0x18FEF0FE; id <= 0x18FEF201; id += 0x81)
    {
      msg.arbitration_id = id;
      g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
    }
  g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x18FEF17F);
  g_assert_false (canopy_bus_recv_into (b, &got, 0.15, &error));
  g_assert_no_error (error);
}

static void
test_error_frames_and_state (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = OPEN ("HW000001", NULL);
  g_autoptr(CanopyBusStatistics) stats = NULL;
  CanopyMessage got;
  gint64 now = g_get_real_time () * 1000;

  g_assert_no_error (error);
  sim_inject_error ("HW000001", 6);      /* CRC */
  g_assert_true (canopy_bus_recv_into (a, &got, 2.0, &error));
  g_assert_true (got.flags & CANOPY_MESSAGE_ERROR);
  g_assert_cmphex (got.arbitration_id, ==, 0x008 | 0x080);
  g_assert_cmphex (got.data[2], ==, 6);
  /* Ticks of 2 µs, in Unix time. */
  g_assert_cmpint (ABS (got.timestamp_ns - now), <, G_GINT64_CONSTANT (1000000000));

  sim_set_status ("HW000001", 0x04);    /* CAN_STATUS_ERRLIM */
  g_assert_true (canopy_bus_recv_into (a, &got, 2.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x004);
  g_assert_cmphex (got.data[1], ==, 0x04 | 0x08);

  stats = canopy_bus_get_statistics (a);
  g_assert_cmpint (canopy_bus_statistics_get_state (stats), ==, CANOPY_BUS_STATE_ERROR_WARNING);
}

static void
test_shutdown_and_unplug (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = OPEN ("HW000001", NULL);
  g_autoptr(CanopyBus) b = OPEN ("HW000002", NULL);
  CanopyMessage msg = { .arbitration_id = 0x1, .channel = -1 };
  GThread *thread;
  GError *recv_error;

  g_assert_no_error (error);

  drivers_test_assert_shutdown_wakes_reader (b);
  g_assert_false (sim_is_open ("HW000002"));

  thread = g_thread_new ("recv", drivers_test_blocked_recv, a);
  g_usleep (G_USEC_PER_SEC / 10);
  sim_unplug ("HW000001");
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

  bus = OPEN ("HW000009", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_assert_nonnull (strstr (error->message, "HW000009"));
  g_clear_error (&error);

  bus = OPEN ("HW000001", "bitrate", "33333", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bus = drivers_test_open_bus ("ixxat", "7", &error, NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_clear_error (&error);

  /* CAN lines are numbered 0 to 255. */
  bus = drivers_test_open_bus ("ixxat", "256", &error, NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "IXXAT CAN line"));
  g_clear_error (&error);

  bus = drivers_test_open_bus ("ixxat", "0", &error, "library", "/nonexistent/vcinpl.dll", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_assert_nonnull (strstr (error->message, "ixxat"));
  g_assert_nonnull (strstr (error->message, "/nonexistent/vcinpl.dll"));
}

int
main (int   argc,
      char *argv[])
{
  GModule *sim;

  g_test_init (&argc, &argv, NULL);

  sim = g_module_open (g_getenv ("CANOPY_IXXAT_LIBRARY"), G_MODULE_BIND_LOCAL);
  g_assert_nonnull (sim);
  g_assert_true (g_module_symbol (sim, "ixxat_sim_get_btr", (gpointer *) &sim_get_btr));
  g_assert_true (g_module_symbol (sim, "ixxat_sim_get_mode", (gpointer *) &sim_get_mode));
  g_assert_true (g_module_symbol (sim, "ixxat_sim_is_open", (gpointer *) &sim_is_open));
  g_assert_true (g_module_symbol (sim, "ixxat_sim_inject_error", (gpointer *) &sim_inject_error));
  g_assert_true (g_module_symbol (sim, "ixxat_sim_set_status", (gpointer *) &sim_set_status));
  g_assert_true (g_module_symbol (sim, "ixxat_sim_unplug", (gpointer *) &sim_unplug));

  g_test_add_func ("/ixxat/bus/send-receive", test_send_receive);
  g_test_add_func ("/ixxat/bus/first-adapter-and-filters", test_first_adapter_and_filters);
  g_test_add_func ("/ixxat/bus/error-frames-and-state", test_error_frames_and_state);
  g_test_add_func ("/ixxat/bus/shutdown-and-unplug", test_shutdown_and_unplug);
  g_test_add_func ("/ixxat/bus/bad-arguments", test_bad_arguments);

  return g_test_run ();
}

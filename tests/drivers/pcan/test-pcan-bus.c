/* test-pcan-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The pcan driver through the public API against the simulated PCAN-Basic
 * library (CANOPY_PCAN_LIBRARY names it): two channels on one cable.
 */

#include <string.h>

#include <gmodule.h>

#include <canopy.h>

#include "drivers-test-util.h"

static GModule *sim;
static guint16     (*sim_get_btr0btr1)     (guint16);
static const char *(*sim_get_fd_timing)    (guint16);
static guint       (*sim_get_n_filter_ranges) (guint16);
static gboolean    (*sim_is_initialized)   (guint16);
static void        (*sim_inject_error_frame) (guint16, guint8);
static void        (*sim_set_status)       (guint16, guint32);
static void        (*sim_unplug)           (guint16);

#define USB1 0x51
#define USB2 0x52

static void
test_send_receive (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("pcan", "PCAN_USBBUS1", &error, "bitrate", "250000", NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("pcan", "PCAN_USBBUS2", &error, "bitrate", "250000", NULL);
  g_autofree char *info = NULL;

  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_PCAN_BUS (a));
  g_assert_cmphex (sim_get_btr0btr1 (USB1), ==, 0x011C);
  info = canopy_bus_dup_channel_info (a);
  g_assert_nonnull (strstr (info, "PCAN_USBBUS1"));
  g_assert_nonnull (strstr (info, "simulated"));

  drivers_test_exchange_frames (a, b);
}

static void
test_fd (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = NULL;
  g_autoptr(CanopyBus) b = NULL;
  CanopyMessage msg = { .arbitration_id = 0x123, .flags = CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS, .dlc = 64,
                        .channel = -1 };
  CanopyMessage got;

#define FD_TIMING "fd", "true", "f_clock_mhz", "80", "nom_brp", "10", "nom_tseg1", "12", "nom_tseg2", "3", \
                  "nom_sjw", "1", "data_brp", "4", "data_tseg1", "7", "data_tseg2", "2", "data_sjw", "1"
  a = drivers_test_open_bus ("pcan", "PCAN_USBBUS1", &error, FD_TIMING, NULL);
  g_assert_no_error (error);
  b = drivers_test_open_bus ("pcan", "PCAN_USBBUS2", &error, FD_TIMING, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (sim_get_fd_timing (USB1), "nom_brp=10"));
  g_assert_nonnull (strstr (sim_get_fd_timing (USB1), "data_tseg1=7"));

  for (guint i = 0; i < 64; i++)
    msg.data[i] = 0xC0 ^ i;
  g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
  g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
  g_assert_no_error (error);
  g_assert_true (got.flags & CANOPY_MESSAGE_FD);
  g_assert_true (got.flags & CANOPY_MESSAGE_BRS);
  g_assert_cmpuint (got.dlc, ==, 64);
  g_assert_cmpmem (got.data, 64, msg.data, 64);

  g_clear_object (&a);
  a = drivers_test_open_bus ("pcan", "PCAN_USBBUS1", &error, "fd", "true", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
}

static void
test_filters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("pcan", "PCAN_USBBUS1", &error, NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("pcan", "PCAN_USBBUS2", &error, NULL);
  CanopyFilter exact[2] = { { .can_id = 0x10, .can_mask = 0x7FF }, { .can_id = 0x20, .can_mask = 0x7FF } };
  CanopyFilter masked = { .can_id = 0x30, .can_mask = 0x7F0 };
  CanopyMessage msg = { .dlc = 1, .channel = -1 };
  CanopyMessage got;

  g_assert_no_error (error);

  /* Single identifiers reach the adapter's filter. */
  g_assert_true (canopy_bus_set_filter_array (b, exact, 2, &error));
  g_assert_cmpuint (sim_get_n_filter_ranges (USB2), ==, 2);
  for (guint32 id = 0x0F; id <= 0x21; id++)
    {
      msg.arbitration_id = id;
      g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
    }
  g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x10);
  g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x20);
  g_assert_false (canopy_bus_recv_into (b, &got, 0.1, &error));

  /* A mask opens the adapter and filters here, with the same result. */
  g_assert_true (canopy_bus_set_filter_array (b, &masked, 1, &error));
  g_assert_cmpuint (sim_get_n_filter_ranges (USB2), ==, 0);
  for (guint32 id = 0x2E; id <= 0x41; id++)
    {
      msg.arbitration_id = id;
      g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
    }
  for (guint32 id = 0x30; id <= 0x3F; id++)
    {
      g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
      g_assert_cmphex (got.arbitration_id, ==, id);
    }
  g_assert_false (canopy_bus_recv_into (b, &got, 0.1, &error));
  g_assert_no_error (error);
}

static void
test_error_frames_and_state (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("pcan", "PCAN_USBBUS1", &error, NULL);
  g_autoptr(CanopyBusStatistics) stats = NULL;
  CanopyMessage got;

  g_assert_no_error (error);

  sim_inject_error_frame (USB1, 4);     /* stuff error */
  g_assert_true (canopy_bus_recv_into (a, &got, 2.0, &error));
  g_assert_true (got.flags & CANOPY_MESSAGE_ERROR);
  g_assert_cmphex (got.arbitration_id, ==, 0x008 | 0x080);
  g_assert_cmphex (got.data[2], ==, 4);

  sim_set_status (USB1, 0x40000);       /* PCAN_ERROR_BUSPASSIVE */
  g_assert_true (canopy_bus_recv_into (a, &got, 2.0, &error));
  g_assert_true (got.flags & CANOPY_MESSAGE_ERROR);
  g_assert_cmphex (got.arbitration_id, ==, 0x004);
  g_assert_cmphex (got.data[1], ==, 0x10 | 0x20);

  stats = canopy_bus_get_statistics (a);
  g_assert_cmpint (canopy_bus_statistics_get_state (stats), ==, CANOPY_BUS_STATE_ERROR_PASSIVE);
  g_assert_cmpuint (canopy_bus_statistics_get_error_frames (stats), ==, 2);
}

static void
test_blocking_and_shutdown (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("pcan", "PCAN_USBBUS1", &error, NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("pcan", "PCAN_USBBUS2", &error, NULL);
  CanopyMessage msg = { .arbitration_id = 0x555, .channel = -1 };
  GThread *thread;

  g_assert_no_error (error);

  /* A blocked reader wakes on the receive event. */
  thread = g_thread_new ("recv", drivers_test_blocked_recv, b);
  g_usleep (G_USEC_PER_SEC / 10);
  g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
  g_assert_cmphex (GPOINTER_TO_UINT (g_thread_join (thread)), ==, 0x555);

  /* shutdown() wakes it and releases the channel. */
  drivers_test_assert_shutdown_wakes_reader (b);
  g_assert_false (sim_is_initialized (USB2));
}

static void
test_unplugged (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("pcan", "PCAN_USBBUS1", &error, NULL);
  CanopyMessage msg = { .arbitration_id = 0x1, .channel = -1 };
  GThread *thread;
  GError *recv_error;

  g_assert_no_error (error);
  thread = g_thread_new ("recv", drivers_test_blocked_recv, a);
  g_usleep (G_USEC_PER_SEC / 10);
  sim_unplug (USB1);

  recv_error = g_thread_join (thread);
  g_assert_error (recv_error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (recv_error->message, "PCAN_USBBUS1"));
  g_error_free (recv_error);

  g_assert_false (canopy_bus_send (a, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
}

static void
test_bad_arguments (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;

  bus = drivers_test_open_bus ("pcan", "PCAN_USBBUS1", &error, "bitrate", "33333", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "33333"));
  g_clear_error (&error);

  bus = drivers_test_open_bus ("pcan", "PCAN_USBBUS99", &error, NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Error frames cannot be sent. */
  bus = drivers_test_open_bus ("pcan", "PCAN_USBBUS3", &error, NULL);
  g_assert_no_error (error);
  {
    CanopyMessage msg = { .flags = CANOPY_MESSAGE_ERROR, .dlc = 8, .channel = -1 };

    g_assert_false (canopy_bus_send (bus, &msg, 1.0, &error));
    g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
  }
}

static void
test_missing_library (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("CANOPY_PCAN_LIBRARY"));

  bus = drivers_test_open_bus ("pcan", "PCAN_USBBUS1", &error, "library", "/nonexistent/libpcanbasic.so", NULL);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_assert_nonnull (strstr (error->message, "pcan"));
  g_assert_nonnull (strstr (error->message, "/nonexistent/libpcanbasic.so"));
  g_clear_error (&error);

  /* Without a hint, the vendor's own names. */
  g_unsetenv ("CANOPY_PCAN_LIBRARY");
  bus = drivers_test_open_bus ("pcan", "PCAN_USBBUS1", &error, NULL);
  g_setenv ("CANOPY_PCAN_LIBRARY", saved, TRUE);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
#ifdef G_OS_WIN32
  g_assert_nonnull (strstr (error->message, "PCANBasic.dll"));
#else
  g_assert_nonnull (strstr (error->message, "libpcanbasic.so"));
#endif
  g_assert_nonnull (strstr (error->message, "CANOPY_PCAN_LIBRARY"));
}

int
main (int   argc,
      char *argv[])
{
  const char *path = g_getenv ("CANOPY_PCAN_LIBRARY");

  g_test_init (&argc, &argv, NULL);

  g_assert_nonnull (path);
  sim = g_module_open (path, G_MODULE_BIND_LOCAL);
  g_assert_nonnull (sim);
  g_assert_true (g_module_symbol (sim, "pcan_sim_get_btr0btr1", (gpointer *) &sim_get_btr0btr1));
  g_assert_true (g_module_symbol (sim, "pcan_sim_get_fd_timing", (gpointer *) &sim_get_fd_timing));
  g_assert_true (g_module_symbol (sim, "pcan_sim_get_n_filter_ranges", (gpointer *) &sim_get_n_filter_ranges));
  g_assert_true (g_module_symbol (sim, "pcan_sim_is_initialized", (gpointer *) &sim_is_initialized));
  g_assert_true (g_module_symbol (sim, "pcan_sim_inject_error_frame", (gpointer *) &sim_inject_error_frame));
  g_assert_true (g_module_symbol (sim, "pcan_sim_set_status", (gpointer *) &sim_set_status));
  g_assert_true (g_module_symbol (sim, "pcan_sim_unplug", (gpointer *) &sim_unplug));

  g_test_add_func ("/pcan/bus/send-receive", test_send_receive);
  g_test_add_func ("/pcan/bus/fd", test_fd);
  g_test_add_func ("/pcan/bus/filters", test_filters);
  g_test_add_func ("/pcan/bus/error-frames-and-state", test_error_frames_and_state);
  g_test_add_func ("/pcan/bus/blocking-and-shutdown", test_blocking_and_shutdown);
  g_test_add_func ("/pcan/bus/unplugged", test_unplugged);
  g_test_add_func ("/pcan/bus/bad-arguments", test_bad_arguments);
  g_test_add_func ("/pcan/bus/missing-library", test_missing_library);

  return g_test_run ();
}

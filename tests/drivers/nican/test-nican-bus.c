/* test-nican-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The nican driver through the public API against the simulated NI-CAN
 * Frame API (CANOPY_NICAN_LIBRARY names it): CAN0 and CAN1 on one cable.
 */

#include <string.h>

#include <gmodule.h>

#include <canopy.h>

#include "drivers-test-util.h"

static guint32  (*sim_get_baud)         (const char *);
static void     (*sim_inject_comm_error) (const char *);
static gboolean (*sim_is_open)          (const char *);
static void     (*sim_unplug)           (const char *);

static void
test_send_receive (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("nican", "CAN0", &error, "bitrate", "125000", NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("nican", "CAN1", &error, "bitrate", "125000", NULL);

  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_NICAN_BUS (a));
  g_assert_cmpuint (sim_get_baud ("CAN0"), ==, 125000);
  g_assert_cmpuint (canopy_bus_get_bitrate (a), ==, 125000);

  /* Classic CAN only: the vendor API has no CAN FD. */
  drivers_test_assert_fd_refused (a);
  drivers_test_exchange_frames (a, b);
}

static void
test_filters_and_error_frames (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("nican", "CAN0", &error, NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("nican", "CAN1", &error, NULL);
  CanopyFilter filter = { .can_id = 0x600, .can_mask = 0x700 };
  CanopyMessage msg = { .dlc = 2, .channel = -1 };
  CanopyMessage got;

  g_assert_no_error (error);
  g_assert_true (canopy_bus_set_filter_array (b, &filter, 1, &error));
  for (guint32 id = 0x5FE; id <= 0x701; id += 0x81)
    {
      msg.arbitration_id = id;
      g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
    }
  g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
  g_assert_cmphex (got.arbitration_id, ==, 0x67F);

  /* Communication errors pass every filter. */
  sim_inject_comm_error ("CAN1");
  g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
  g_assert_true (got.flags & CANOPY_MESSAGE_ERROR);
  g_assert_cmphex (got.arbitration_id, ==, 0x008 | 0x080);
  g_assert_false (canopy_bus_recv_into (b, &got, 0.15, &error));
  g_assert_no_error (error);
}

static void
test_shutdown_and_unplug (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("nican", "CAN0", &error, NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("nican", "CAN1", &error, NULL);
  CanopyMessage msg = { .arbitration_id = 0x1, .channel = -1 };
  GThread *thread;
  GError *recv_error;

  g_assert_no_error (error);

  drivers_test_assert_shutdown_wakes_reader (b);
  g_assert_false (sim_is_open ("CAN1"));

  thread = g_thread_new ("recv", drivers_test_blocked_recv, a);
  g_usleep (G_USEC_PER_SEC / 10);
  sim_unplug ("CAN0");
  recv_error = g_thread_join (thread);
  g_assert_error (recv_error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (recv_error->message, "Hardware failure"));
  g_error_free (recv_error);
  g_assert_false (canopy_bus_send (a, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_IO);
}

static void
test_bad_arguments (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;

  bus = drivers_test_open_bus ("nican", "LIN0", &error, NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bus = drivers_test_open_bus ("nican", "CAN0", &error, "library", "/nonexistent/nican.dll", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_assert_nonnull (strstr (error->message, "nican"));
  g_assert_nonnull (strstr (error->message, "/nonexistent/nican.dll"));
}

int
main (int   argc,
      char *argv[])
{
  GModule *sim;

  g_test_init (&argc, &argv, NULL);

  sim = g_module_open (g_getenv ("CANOPY_NICAN_LIBRARY"), G_MODULE_BIND_LOCAL);
  g_assert_nonnull (sim);
  g_assert_true (g_module_symbol (sim, "nican_sim_get_baud", (gpointer *) &sim_get_baud));
  g_assert_true (g_module_symbol (sim, "nican_sim_inject_comm_error", (gpointer *) &sim_inject_comm_error));
  g_assert_true (g_module_symbol (sim, "nican_sim_is_open", (gpointer *) &sim_is_open));
  g_assert_true (g_module_symbol (sim, "nican_sim_unplug", (gpointer *) &sim_unplug));

  g_test_add_func ("/nican/bus/send-receive", test_send_receive);
  g_test_add_func ("/nican/bus/filters-and-error-frames", test_filters_and_error_frames);
  g_test_add_func ("/nican/bus/shutdown-and-unplug", test_shutdown_and_unplug);
  g_test_add_func ("/nican/bus/bad-arguments", test_bad_arguments);

  return g_test_run ();
}

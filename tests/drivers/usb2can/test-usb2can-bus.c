/* test-usb2can-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The usb2can driver through the public API against the simulated CANAL
 * library (CANOPY_USB2CAN_LIBRARY names it): adapters SIM1 and SIM2 on
 * one cable.
 */

#include <string.h>

#include <gmodule.h>

#include <canopy.h>

#include "drivers-test-util.h"

static const char *(*sim_get_config) (const char *);
static void        (*sim_set_status) (const char *, guint32);
static void        (*sim_unplug)     (const char *);

static void
test_send_receive (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("usb2can", "SIM1", &error, "bitrate", "250000", NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("usb2can", "SIM2", &error, "bitrate", "250000", NULL);

  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_USB2CAN_BUS (a));
  g_assert_cmpstr (sim_get_config ("SIM1"), ==, "SIM1; 250");
  g_assert_cmpuint (canopy_bus_get_bitrate (a), ==, 250000);

  /* Classic CAN only: the vendor API has no CAN FD. */
  drivers_test_assert_fd_refused (a);
  drivers_test_exchange_frames (a, b);
}

static void
test_filters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("usb2can", "SIM1", &error, NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("usb2can", "SIM2", &error, NULL);
  CanopyFilter filter = { .can_id = 0x1F0, .can_mask = 0x7F8 };
  CanopyMessage msg = { .dlc = 1, .channel = -1 };
  CanopyMessage got;

  g_assert_no_error (error);
  g_assert_true (canopy_bus_set_filter_array (b, &filter, 1, &error));
  for (guint32 id = 0x1E0; id < 0x200; id++)
    {
      msg.arbitration_id = id;
      g_assert_true (canopy_bus_send (a, &msg, 1.0, &error));
    }
  for (guint32 id = 0x1F0; id < 0x1F8; id++)
    {
      g_assert_true (canopy_bus_recv_into (b, &got, 2.0, &error));
      g_assert_cmphex (got.arbitration_id, ==, id);
    }
  g_assert_false (canopy_bus_recv_into (b, &got, 0.15, &error));
  g_assert_no_error (error);
}

static void
test_status_and_state (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("usb2can", "SIM1", &error, NULL);
  g_autoptr(CanopyBusStatistics) stats = NULL;
  CanopyMessage got;

  g_assert_no_error (error);
  sim_set_status ("SIM1", 0x80000000u);      /* CANAL_STATUS_BUS_OFF */
  g_assert_true (canopy_bus_recv_into (a, &got, 2.0, &error));
  g_assert_true (got.flags & CANOPY_MESSAGE_ERROR);
  g_assert_cmphex (got.arbitration_id, ==, 0x040);

  stats = canopy_bus_get_statistics (a);
  g_assert_cmpint (canopy_bus_statistics_get_state (stats), ==, CANOPY_BUS_STATE_BUS_OFF);
}

static void
test_shutdown_and_unplug (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = drivers_test_open_bus ("usb2can", "SIM1", &error, NULL);
  g_autoptr(CanopyBus) b = drivers_test_open_bus ("usb2can", "SIM2", &error, NULL);
  CanopyMessage msg = { .arbitration_id = 0x1, .channel = -1 };
  GThread *thread;
  GError *recv_error;

  g_assert_no_error (error);

  drivers_test_assert_shutdown_wakes_reader (b);
  g_assert_null (sim_get_config ("SIM2"));

  thread = g_thread_new ("recv", drivers_test_blocked_recv, a);
  g_usleep (G_USEC_PER_SEC / 10);
  sim_unplug ("SIM1");
  recv_error = g_thread_join (thread);
  g_assert_error (recv_error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
  g_assert_nonnull (strstr (recv_error->message, "SIM1"));
  g_error_free (recv_error);
  g_assert_false (canopy_bus_send (a, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST);
}

static void
test_bad_arguments (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;

  bus = drivers_test_open_bus ("usb2can", NULL, &error, NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bus = drivers_test_open_bus ("usb2can", "SIM1", &error, "bitrate", "83333", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  bus = drivers_test_open_bus ("usb2can", "NOTPLUGGED", &error, NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_clear_error (&error);

  bus = drivers_test_open_bus ("usb2can", "SIM1", &error, "library", "/nonexistent/usb2can.dll", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_assert_nonnull (strstr (error->message, "usb2can"));
  g_assert_nonnull (strstr (error->message, "/nonexistent/usb2can.dll"));
}

int
main (int   argc,
      char *argv[])
{
  GModule *sim;

  g_test_init (&argc, &argv, NULL);

  sim = g_module_open (g_getenv ("CANOPY_USB2CAN_LIBRARY"), G_MODULE_BIND_LOCAL);
  g_assert_nonnull (sim);
  g_assert_true (g_module_symbol (sim, "usb2can_sim_get_config", (gpointer *) &sim_get_config));
  g_assert_true (g_module_symbol (sim, "usb2can_sim_set_status", (gpointer *) &sim_set_status));
  g_assert_true (g_module_symbol (sim, "usb2can_sim_unplug", (gpointer *) &sim_unplug));

  g_test_add_func ("/usb2can/bus/send-receive", test_send_receive);
  g_test_add_func ("/usb2can/bus/filters", test_filters);
  g_test_add_func ("/usb2can/bus/status-and-state", test_status_and_state);
  g_test_add_func ("/usb2can/bus/shutdown-and-unplug", test_shutdown_and_unplug);
  g_test_add_func ("/usb2can/bus/bad-arguments", test_bad_arguments);

  return g_test_run ();
}

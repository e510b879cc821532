/* test-ixxat-fd-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The ixxat driver's CAN FD path (option fd) against the simulated VCI V4
 * library (CANOPY_IXXAT_FD_LIBRARY names it): two adapters on one cable.
 */

#include <string.h>

#include <gmodule.h>

#include <canopy.h>

#include "drivers-test-util.h"

static void (*sim_get_fd_timing) (const char *, guint32 *, guint32 *, guint8 *);

#define OPEN_FD(id, ...) drivers_test_open_bus ("ixxat", "0", &error, "unique_hardware_id", id, "fd", "true", \
                                                __VA_ARGS__)

static void
test_fd_frames (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = OPEN_FD ("HW000001", "bitrate", "250000", "data_bitrate", "4000000", NULL);
  g_autoptr(CanopyBus) b = OPEN_FD ("HW000002", "bitrate", "250000", "data_bitrate", "4000000", NULL);
  g_autofree char *info = NULL;
  guint32 nominal = 0, data = 0;
  guint8 ex_mode = 0;

  g_assert_no_error (error);
  sim_get_fd_timing ("HW000001", &nominal, &data, &ex_mode);
  g_assert_cmpuint (nominal, ==, 250000);
  g_assert_cmpuint (data, ==, 4000000);
  g_assert_cmphex (ex_mode, ==, 0x01 | 0x02);     /* CAN_EXMODE_EXTDATALEN | CAN_EXMODE_FASTDATA */
  g_assert_cmpuint (canopy_bus_get_bitrate (a), ==, 250000);
  g_assert_cmpuint (canopy_bus_get_data_bitrate (a), ==, 4000000);
  info = canopy_bus_dup_channel_info (a);
  g_assert_nonnull (strstr (info, "CAN FD"));

  drivers_test_exchange_fd_frames (a, b);
  /* Classic frames still pass on a CAN FD line. */
  drivers_test_exchange_frames (a, b);
}

static void
test_fd_default_data_bitrate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = OPEN_FD ("HW000001", NULL);
  guint32 nominal = 0, data = 0;
  guint8 ex_mode = 0;

  g_assert_no_error (error);
  sim_get_fd_timing ("HW000001", &nominal, &data, &ex_mode);
  g_assert_cmpuint (nominal, ==, 500000);
  g_assert_cmpuint (data, ==, 2000000);
}

static void
test_fd_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  CanopyMessage msg = { .arbitration_id = 0x10, .flags = CANOPY_MESSAGE_FD, .dlc = 13, .channel = -1 };
  g_autofree char *fd_sim = g_strdup (g_getenv ("CANOPY_IXXAT_FD_LIBRARY"));

  /* A length that is no DLC code. */
  bus = OPEN_FD ("HW000001", NULL);
  g_assert_no_error (error);
  g_assert_false (canopy_bus_send (bus, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_clear_object (&bus);

  /* A data rate below the nominal one. */
  bus = OPEN_FD ("HW000001", "bitrate", "1000000", "data_bitrate", "500000", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A CAN FD frame on a classic line (the V3 library). */
  bus = drivers_test_open_bus ("ixxat", "0", &error, "unique_hardware_id", "HW000001", NULL);
  g_assert_no_error (error);
  msg.dlc = 12;
  g_assert_false (canopy_bus_send (bus, &msg, 1.0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_clear_object (&bus);

  /* No VCI V4 library: fd says what it needs, and the classic path is not
   * taken in its place. */
  g_setenv ("CANOPY_IXXAT_FD_LIBRARY", "/nonexistent/vcinpl2.dll", TRUE);
  bus = OPEN_FD ("HW000001", NULL);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE);
  g_assert_nonnull (strstr (error->message, "CAN FD"));
  g_assert_nonnull (strstr (error->message, "vcinpl2"));
  g_setenv ("CANOPY_IXXAT_FD_LIBRARY", fd_sim, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  GModule *sim;

  g_test_init (&argc, &argv, NULL);

  sim = g_module_open (g_getenv ("CANOPY_IXXAT_FD_LIBRARY"), G_MODULE_BIND_LOCAL);
  g_assert_nonnull (sim);
  g_assert_true (g_module_symbol (sim, "ixxat_sim_get_fd_timing", (gpointer *) &sim_get_fd_timing));

  g_test_add_func ("/ixxat/fd-bus/frames", test_fd_frames);
  g_test_add_func ("/ixxat/fd-bus/default-data-bitrate", test_fd_default_data_bitrate);
  g_test_add_func ("/ixxat/fd-bus/refused", test_fd_refused);

  return g_test_run ();
}

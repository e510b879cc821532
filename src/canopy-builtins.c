/* canopy-builtins.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-interface-info-private.h"

#include "canopy-formats-private.h"

#include "canopy-remote-bus-private.h"
#include "canopy-virtual-bus-private.h"
#ifdef HAVE_SOCKETCAN
# include "canopy-socketcan-bus-private.h"
#endif

/* The one place above the layers that knows every built-in driver and log
 * format (as GIO's giomodule.c knows its built-in extensions): the engine
 * owns the registries and calls this before its first lookup, each driver
 * and format registers itself. Adding a driver is a folder under
 * src/drivers/ and one line here; adding a format, a file pair under
 * src/formats/ and one line here. */

static void
register_unavailable (const char *name,
                      const char *description,
                      const char *requirement)
{
  _canopy_interface_register (name, NULL, G_TYPE_INVALID, description, requirement);
}

void
_canopy_builtins_ensure_registered (void)
{
  static gsize registered;

  if (!g_once_init_enter (&registered))
    return;

  /* Interfaces, by python-can's names. */
  _canopy_virtual_bus_register ();
#ifdef HAVE_SOCKETCAN
  _canopy_socketcan_bus_register ();
#else
  {
    /* The same names as on Linux, so that a config file reads alike. */
    static const char * const socketcan_aliases[] = { "socketcan_native", "socketcan_ctypes", NULL };

    _canopy_interface_register ("socketcan", socketcan_aliases, G_TYPE_INVALID,
                                "Linux SocketCAN", "Linux with a CAN network interface");
  }
#endif
  register_unavailable ("kvaser", "Kvaser CANlib", "the Kvaser CANlib library");
  register_unavailable ("serial", "Serial port CAN adapter", "a serial device path");
  register_unavailable ("slcan", "Serial-line CAN (Lawicel) adapter", "a serial device path");
  register_unavailable ("ixxat", "IXXAT VCI", "the IXXAT VCI library");
  register_unavailable ("pcan", "PEAK-System PCAN", "the PCANBasic library");
  register_unavailable ("usb2can", "8devices USB2CAN", "the USB2CAN library");
  register_unavailable ("nican", "National Instruments NI-CAN", "the NI-CAN library");
  register_unavailable ("neovi", "Intrepid neoVI", "the icsneo library");
  _canopy_remote_bus_register ();

  /* Log formats: the first whose extension matches a file name wins. */
  _canopy_asc_format_register ();
  _canopy_blf_format_register ();
  _canopy_csv_format_register ();
  _canopy_sqlite_format_register ();
  _canopy_candump_format_register ();
  _canopy_trc_format_register ();
  _canopy_printer_format_register ();

  g_once_init_leave (&registered, 1);
}

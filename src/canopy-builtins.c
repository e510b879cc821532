/* canopy-builtins.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-interface-info-private.h"

#include "canopy-formats-private.h"

#include "canopy-ixxat-bus-private.h"
#include "canopy-kvaser-bus-private.h"
#include "canopy-neovi-bus-private.h"
#include "canopy-nican-bus-private.h"
#include "canopy-pcan-bus-private.h"
#include "canopy-remote-bus-private.h"
#include "canopy-usb2can-bus-private.h"
#include "canopy-serial-bus-private.h"
#include "canopy-slcan-bus-private.h"
#include "canopy-socketcand-bus-private.h"
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
  _canopy_kvaser_bus_register ();
  _canopy_serial_bus_register ();
  _canopy_slcan_bus_register ();
  _canopy_ixxat_bus_register ();
  _canopy_pcan_bus_register ();
  _canopy_usb2can_bus_register ();
  _canopy_nican_bus_register ();
  _canopy_neovi_bus_register ();
  _canopy_remote_bus_register ();
  _canopy_socketcand_bus_register ();

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

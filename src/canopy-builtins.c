/* canopy-builtins.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-interface-info-private.h"

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

#ifndef HAVE_SOCKETCAN
static void
register_unavailable (const char *name,
                      const char *description,
                      const char *requirement)
{
  _canopy_interface_register (name, NULL, G_TYPE_INVALID, description, requirement);
}
#endif

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
  register_unavailable ("socketcan", "Linux SocketCAN", "Linux with a CAN network interface");
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

  g_once_init_leave (&registered, 1);
}

/* canopy-drivers.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-bus-private.h"
#include "canopy-virtual-bus-private.h"
#include "canopy-remote-bus-private.h"
#include "canopy-serial-bus-private.h"
#include "canopy-slcan-bus-private.h"
#ifdef HAVE_SOCKETCAN
# include "canopy-socketcan-bus-private.h"
# define SOCKETCAN_NEW _canopy_socketcan_bus_new_from_options
#else
# define SOCKETCAN_NEW NULL
#endif

/* The one table of interface drivers, by python-can's names. Adding a driver
 * is a new folder under src/drivers/ and one line here. An entry without a
 * constructor is a name python-can knows that this build cannot open. */
static const CanopyDriverEntry drivers[] = {
  { "virtual",          _canopy_virtual_bus_new_from_options },
  { "socketcan",        SOCKETCAN_NEW },
  { "socketcan_native", SOCKETCAN_NEW },
  { "socketcan_ctypes", SOCKETCAN_NEW },
  { "kvaser",           NULL },
  { "serial",           _canopy_serial_bus_new_from_options },
  { "slcan",            _canopy_slcan_bus_new_from_options },
  { "ixxat",            NULL },
  { "pcan",             NULL },
  { "usb2can",          NULL },
  { "nican",            NULL },
  { "neovi",            NULL },
  { "remote",           _canopy_remote_bus_new_from_options },
};

const CanopyDriverEntry *
_canopy_driver_table (guint *n_entries)
{
  *n_entries = G_N_ELEMENTS (drivers);
  return drivers;
}

const CanopyDriverEntry *
_canopy_driver_lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (drivers); i++)
    if (g_strcmp0 (drivers[i].name, name) == 0)
      return &drivers[i];
  return NULL;
}

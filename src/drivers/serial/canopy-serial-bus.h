/* canopy-serial-bus.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-bus.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_SERIAL_BUS (canopy_serial_bus_get_type ())

/**
 * CANOPY_SERIAL_BUS_DEFAULT_TTY_BAUDRATE:
 *
 * The serial speed when neither the channel (`/dev/rfcomm0@115200`) nor
 * the option `tty_baudrate` names one: python-can's default.
 */
#define CANOPY_SERIAL_BUS_DEFAULT_TTY_BAUDRATE 115200

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopySerialBus, canopy_serial_bus, CANOPY, SERIAL_BUS, GObject)

CANOPY_AVAILABLE_IN_ALL
guint64 canopy_serial_bus_get_skipped (CanopySerialBus *self);
CANOPY_AVAILABLE_IN_ALL
guint64 canopy_serial_bus_get_dropped (CanopySerialBus *self);

G_END_DECLS

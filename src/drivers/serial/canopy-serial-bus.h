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

/* Written out rather than G_DECLARE_FINAL_TYPE: that needs the class
 * struct of CanopyBus, which is private to the library. */
#define CANOPY_SERIAL_BUS(obj)    (G_TYPE_CHECK_INSTANCE_CAST ((obj), CANOPY_TYPE_SERIAL_BUS, CanopySerialBus))
#define CANOPY_IS_SERIAL_BUS(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), CANOPY_TYPE_SERIAL_BUS))

typedef struct _CanopySerialBus      CanopySerialBus;
typedef struct _CanopySerialBusClass CanopySerialBusClass;

CANOPY_AVAILABLE_IN_ALL
GType canopy_serial_bus_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopySerialBus, g_object_unref)

CANOPY_AVAILABLE_IN_ALL
guint64 canopy_serial_bus_get_skipped (CanopySerialBus *self);
CANOPY_AVAILABLE_IN_ALL
guint64 canopy_serial_bus_get_dropped (CanopySerialBus *self);

G_END_DECLS

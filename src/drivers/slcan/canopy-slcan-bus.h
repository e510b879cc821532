/* canopy-slcan-bus.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-bus.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_SLCAN_BUS (canopy_slcan_bus_get_type ())

/**
 * CANOPY_SLCAN_BUS_DEFAULT_TTY_BAUDRATE:
 *
 * The serial speed of an slcan adapter when neither the channel
 * (`/dev/ttyACM0@115200`) nor the option `tty_baudrate` names one.
 */
#define CANOPY_SLCAN_BUS_DEFAULT_TTY_BAUDRATE 115200

/* Written out rather than G_DECLARE_FINAL_TYPE: that needs the class
 * struct of CanopyBus, which is private to the library. */
#define CANOPY_SLCAN_BUS(obj)    (G_TYPE_CHECK_INSTANCE_CAST ((obj), CANOPY_TYPE_SLCAN_BUS, CanopySlcanBus))
#define CANOPY_IS_SLCAN_BUS(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), CANOPY_TYPE_SLCAN_BUS))

typedef struct _CanopySlcanBus      CanopySlcanBus;
typedef struct _CanopySlcanBusClass CanopySlcanBusClass;

CANOPY_AVAILABLE_IN_ALL
GType canopy_slcan_bus_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopySlcanBus, g_object_unref)

CANOPY_AVAILABLE_IN_ALL
const char *canopy_slcan_bus_get_version       (CanopySlcanBus *self);
CANOPY_AVAILABLE_IN_ALL
const char *canopy_slcan_bus_get_serial_number (CanopySlcanBus *self);
CANOPY_AVAILABLE_IN_ALL
guint64     canopy_slcan_bus_get_skipped       (CanopySlcanBus *self);
CANOPY_AVAILABLE_IN_ALL
guint64     canopy_slcan_bus_get_dropped       (CanopySlcanBus *self);

G_END_DECLS

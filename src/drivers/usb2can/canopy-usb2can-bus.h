/* canopy-usb2can-bus.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-bus.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_USB2CAN_BUS (canopy_usb2can_bus_get_type ())

/* Written out rather than G_DECLARE_FINAL_TYPE: that needs the class
 * struct of CanopyBus, which is private to the library. */
#define CANOPY_USB2CAN_BUS(obj)    (G_TYPE_CHECK_INSTANCE_CAST ((obj), CANOPY_TYPE_USB2CAN_BUS, CanopyUsb2canBus))
#define CANOPY_IS_USB2CAN_BUS(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), CANOPY_TYPE_USB2CAN_BUS))

typedef struct _CanopyUsb2canBus      CanopyUsb2canBus;
typedef struct _CanopyUsb2canBusClass CanopyUsb2canBusClass;

CANOPY_AVAILABLE_IN_ALL
GType canopy_usb2can_bus_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyUsb2canBus, g_object_unref)

G_END_DECLS

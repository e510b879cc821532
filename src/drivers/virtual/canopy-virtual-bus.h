/* canopy-virtual-bus.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-bus.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_VIRTUAL_BUS (canopy_virtual_bus_get_type ())

/**
 * CANOPY_VIRTUAL_BUS_DEFAULT_QUEUE_SIZE:
 *
 * How many received frames a virtual bus holds by default before it drops.
 */
#define CANOPY_VIRTUAL_BUS_DEFAULT_QUEUE_SIZE 65536

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyVirtualBus, canopy_virtual_bus, CANOPY, VIRTUAL_BUS, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyVirtualBus *canopy_virtual_bus_new              (const char        *channel,
                                                       gboolean           receive_own_messages,
                                                       guint              queue_size);
CANOPY_AVAILABLE_IN_ALL
const char       *canopy_virtual_bus_get_channel      (CanopyVirtualBus  *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_virtual_bus_get_dropped      (CanopyVirtualBus  *self);

G_END_DECLS

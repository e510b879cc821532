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

/* Written out rather than G_DECLARE_FINAL_TYPE: that needs the class
 * struct of CanopyBus, which is private to the library. */
#define CANOPY_VIRTUAL_BUS(obj)    (G_TYPE_CHECK_INSTANCE_CAST ((obj), CANOPY_TYPE_VIRTUAL_BUS, CanopyVirtualBus))
#define CANOPY_IS_VIRTUAL_BUS(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), CANOPY_TYPE_VIRTUAL_BUS))

typedef struct _CanopyVirtualBus      CanopyVirtualBus;
typedef struct _CanopyVirtualBusClass CanopyVirtualBusClass;

CANOPY_AVAILABLE_IN_ALL
GType canopy_virtual_bus_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyVirtualBus, g_object_unref)

CANOPY_AVAILABLE_IN_ALL
CanopyVirtualBus *canopy_virtual_bus_new              (const char        *channel,
                                                       gboolean           receive_own_messages,
                                                       guint              queue_size);
CANOPY_AVAILABLE_IN_ALL
const char       *canopy_virtual_bus_get_channel      (CanopyVirtualBus  *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_virtual_bus_get_dropped      (CanopyVirtualBus  *self);

G_END_DECLS

/* canopy-remote-bus.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-bus.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_REMOTE_BUS (canopy_remote_bus_get_type ())

/**
 * CANOPY_REMOTE_BUS_DEFAULT_PORT:
 *
 * The TCP port of a remote CAN server when the channel names none.
 */
#define CANOPY_REMOTE_BUS_DEFAULT_PORT 54701

/**
 * CANOPY_REMOTE_BUS_DEFAULT_QUEUE_SIZE:
 *
 * How many received frames a remote bus holds by default before it drops.
 */
#define CANOPY_REMOTE_BUS_DEFAULT_QUEUE_SIZE 16384

/* Written out rather than G_DECLARE_FINAL_TYPE: that needs the class
 * struct of CanopyBus, which is private to the library. */
#define CANOPY_REMOTE_BUS(obj)    (G_TYPE_CHECK_INSTANCE_CAST ((obj), CANOPY_TYPE_REMOTE_BUS, CanopyRemoteBus))
#define CANOPY_IS_REMOTE_BUS(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), CANOPY_TYPE_REMOTE_BUS))

typedef struct _CanopyRemoteBus      CanopyRemoteBus;
typedef struct _CanopyRemoteBusClass CanopyRemoteBusClass;

CANOPY_AVAILABLE_IN_ALL
GType canopy_remote_bus_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyRemoteBus, g_object_unref)

CANOPY_AVAILABLE_IN_ALL
CanopyRemoteBus *canopy_remote_bus_new                (const char          *channel,
                                                       gint32               bitrate,
                                                       const CanopyFilter  *filters,
                                                       guint                n_filters,
                                                       GError             **error);
CANOPY_AVAILABLE_IN_ALL
const char      *canopy_remote_bus_get_server_address (CanopyRemoteBus     *self);
CANOPY_AVAILABLE_IN_ALL
guint64          canopy_remote_bus_get_dropped        (CanopyRemoteBus     *self);

G_END_DECLS

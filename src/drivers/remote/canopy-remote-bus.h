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

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyRemoteBus, canopy_remote_bus, CANOPY, REMOTE_BUS, GObject)

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

/* canopy-remote-client.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib-object.h>

#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_REMOTE_CLIENT (canopy_remote_client_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyRemoteClient, canopy_remote_client, CANOPY, REMOTE_CLIENT, GObject)

CANOPY_AVAILABLE_IN_ALL
const char *canopy_remote_client_get_address           (CanopyRemoteClient *self);
CANOPY_AVAILABLE_IN_ALL
const char *canopy_remote_client_get_channel_info      (CanopyRemoteClient *self);
CANOPY_AVAILABLE_IN_ALL
gint32      canopy_remote_client_get_requested_bitrate (CanopyRemoteClient *self);
CANOPY_AVAILABLE_IN_ALL
gint64      canopy_remote_client_get_connected_at      (CanopyRemoteClient *self);
CANOPY_AVAILABLE_IN_ALL
guint64     canopy_remote_client_get_dropped           (CanopyRemoteClient *self);

G_END_DECLS

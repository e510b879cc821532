/* canopy-remote-connection-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "canopy-bus.h"
#include "canopy-remote-server.h"

G_BEGIN_DECLS

/* One client of a remote server, with its threads and counters. */
typedef struct _CanopyRemoteConnection CanopyRemoteConnection;

CanopyRemoteConnection *_canopy_remote_connection_new           (CanopyRemoteServer      *server,
                                                                 GSocketConnection       *connection,
                                                                 guint                    queue_size);
void                    _canopy_remote_connection_start         (CanopyRemoteConnection  *connection);
void                    _canopy_remote_connection_cancel        (CanopyRemoteConnection  *connection);
void                    _canopy_remote_connection_join          (CanopyRemoteConnection  *connection);
CanopyRemoteClientInfo *_canopy_remote_connection_get_info      (CanopyRemoteConnection  *connection);

/* The server's side of the bargain. */
CanopyBus              *_canopy_remote_server_open_bus          (CanopyRemoteServer      *self,
                                                                 gint32                   requested_bitrate,
                                                                 GError                 **error);
void                    _canopy_remote_server_client_connected  (CanopyRemoteServer      *self,
                                                                 CanopyRemoteConnection  *connection);
void                    _canopy_remote_server_connection_closed (CanopyRemoteServer      *self,
                                                                 CanopyRemoteConnection  *connection);
void                    _canopy_remote_server_client_dropped    (CanopyRemoteServer      *self,
                                                                 CanopyRemoteConnection  *connection,
                                                                 guint64                  dropped);

G_END_DECLS

/* canopy-remote-port-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-bus.h"
#include "canopy-remote-server.h"

#include "canopy-bus-private.h"

G_BEGIN_DECLS

/* A client's view of a bus that a remote server shares (one made with
 * canopy_remote_server_new_for_bus()): frames the server is fed arrive in a
 * queue of the port's own; frames the client sends go to the shared bus. */
#define CANOPY_TYPE_REMOTE_PORT (_canopy_remote_port_get_type ())

G_DECLARE_FINAL_TYPE (CanopyRemotePort, _canopy_remote_port, CANOPY, REMOTE_PORT, CanopyBus)

CanopyBus *_canopy_remote_port_new     (CanopyRemoteServer  *server,
                                        CanopyBus           *shared,
                                        guint                queue_size,
                                        GError             **error);
void       _canopy_remote_port_deliver (CanopyRemotePort    *self,
                                        const CanopyMessage *msg);
void       _canopy_remote_port_fail    (CanopyRemotePort    *self,
                                        const GError        *error);

G_END_DECLS

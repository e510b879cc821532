/* canopy-remote-client-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-remote-client.h"
#include "canopy-remote-server.h"

G_BEGIN_DECLS

CanopyRemoteClient *_canopy_remote_client_new         (const CanopyRemoteClientInfo *info);
void                _canopy_remote_client_set_dropped (CanopyRemoteClient           *self,
                                                       guint64                       dropped);

G_END_DECLS

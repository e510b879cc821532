/* canopy-socketcand-server-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-remote-connection-private.h"

G_BEGIN_DECLS

/* The socketcand daemon's side of its text protocol, as a wire protocol of
 * CanopyRemoteServer (CANOPY_REMOTE_PROTOCOL_SOCKETCAND). */
extern const CanopyRemoteWire _canopy_socketcand_wire;

G_END_DECLS

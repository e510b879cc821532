/* canopy-message-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-message.h"

G_BEGIN_DECLS

/* How many bytes of @msg->data are payload, the rule behind
 * canopy_message_get_data(): none for a remote frame (its DLC is a
 * request), the DLC's bytes otherwise. Inline for the per-frame paths
 * (comparison, hashing, the per-identifier rows). */
static inline guint
_canopy_message_payload_length (const CanopyMessage *msg)
{
  if (msg->flags & CANOPY_MESSAGE_REMOTE)
    return 0;
  return MIN (msg->dlc, CANOPY_MESSAGE_MAX_DATA);
}

G_END_DECLS

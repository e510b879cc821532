/* canopy-error-frame.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-error-frame-private.h"

void
_canopy_error_frame_init (CanopyMessage *msg,
                          guint32        classes,
                          guint8         controller_flags,
                          gint64         timestamp_ns)
{
  memset (msg, 0, sizeof *msg);
  msg->timestamp_ns = timestamp_ns;
  msg->channel = CANOPY_CHANNEL_NONE;
  msg->flags = CANOPY_MESSAGE_ERROR;
  msg->arbitration_id = classes;
  msg->dlc = 8;
  msg->data[1] = controller_flags;
}

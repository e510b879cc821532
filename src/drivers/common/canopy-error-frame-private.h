/* canopy-error-frame-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-message.h"

G_BEGIN_DECLS

/* Error frames in SocketCAN's layout (linux/can/error.h), so that a frame
 * means the same whichever driver reported it: the error classes in the
 * identifier, details in the data bytes. Drivers whose adapters report
 * status words (slcan `F`, PCAN status, Kvaser bus status) translate them
 * here. */

#define CANOPY_ERROR_CLASS_TX_TIMEOUT   0x001u
#define CANOPY_ERROR_CLASS_LOST_ARB     0x002u
#define CANOPY_ERROR_CLASS_CONTROLLER   0x004u
#define CANOPY_ERROR_CLASS_PROTOCOL     0x008u
#define CANOPY_ERROR_CLASS_BUS_OFF      0x040u
#define CANOPY_ERROR_CLASS_BUS_ERROR    0x080u

/* data[1] with CANOPY_ERROR_CLASS_CONTROLLER */
#define CANOPY_ERROR_CTRL_RX_OVERFLOW   0x01u
#define CANOPY_ERROR_CTRL_TX_OVERFLOW   0x02u
#define CANOPY_ERROR_CTRL_RX_WARNING    0x04u
#define CANOPY_ERROR_CTRL_TX_WARNING    0x08u
#define CANOPY_ERROR_CTRL_RX_PASSIVE    0x10u
#define CANOPY_ERROR_CTRL_TX_PASSIVE    0x20u

void _canopy_error_frame_init (CanopyMessage *msg,
                               guint32        classes,
                               guint8         controller_flags,
                               gint64         timestamp_ns);

G_END_DECLS

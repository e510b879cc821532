/* canopy-serial-channel-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "canopy-serial-port-private.h"
#include "canopy-stream-link-private.h"

G_BEGIN_DECLS

/* A serial port as the byte stream of a CanopyStreamLink. */
extern const CanopyStreamTransport _canopy_serial_port_transport;

/* Opens the device a serial-based driver's channel names: python-can's
 * `PATH@BAUD`, or PATH with the option `tty_baudrate` (python-can 2.0's
 * `ttyBaudrate`, or `baudrate`), or @default_baudrate. */
CanopySerialPort *_canopy_serial_channel_open (const char  *interface,
                                               const char  *channel,
                                               GHashTable  *options,
                                               guint        default_baudrate,
                                               GError     **error);

G_END_DECLS

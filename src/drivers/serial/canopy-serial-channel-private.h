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

/* The device and speed a serial-based driver's channel names: python-can's
 * `PATH@BAUD`, or PATH with the option `tty_baudrate` (python-can 2.0's
 * `ttyBaudrate`, or `baudrate`), or @default_baudrate. */
gboolean          _canopy_serial_channel_parse (const char  *interface,
                                                const char  *channel,
                                                GHashTable  *options,
                                                guint        default_baudrate,
                                                char       **path,
                                                guint       *baudrate,
                                                GError     **error);
/* Opens what _canopy_serial_channel_parse() found (or a property set). */
CanopySerialPort *_canopy_serial_channel_open  (const char  *interface,
                                                const char  *path,
                                                guint        baudrate,
                                                GError     **error);

G_END_DECLS

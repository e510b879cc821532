/* canopy-serial-port-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A serial device opened raw (8N1, no flow control, no echo): termios on
 * POSIX, the Win32 communications API on Windows. One thread may read while
 * another writes; _canopy_serial_port_interrupt() wakes a blocked reader
 * from any thread so that a bus can shut down without waiting for a byte. */
typedef struct _CanopySerialPort CanopySerialPort;

CanopySerialPort *_canopy_serial_port_open      (const char        *path,
                                                 guint              baudrate,
                                                 GError           **error);
/* Returns the number of bytes read (> 0), 0 when @timeout_ms passed (-1
 * waits forever) or the port was interrupted, -1 with @error set when the
 * device failed or vanished (%CANOPY_ERROR_CONNECTION_LOST). */
gssize            _canopy_serial_port_read      (CanopySerialPort  *port,
                                                 guint8            *buf,
                                                 gsize              len,
                                                 int                timeout_ms,
                                                 GError           **error);
gboolean          _canopy_serial_port_write_all (CanopySerialPort  *port,
                                                 const guint8      *buf,
                                                 gsize              len,
                                                 int                timeout_ms,
                                                 GError           **error);
void              _canopy_serial_port_interrupt (CanopySerialPort  *port);
gboolean          _canopy_serial_port_is_interrupted (CanopySerialPort *port);
const char       *_canopy_serial_port_get_path  (CanopySerialPort  *port);
void              _canopy_serial_port_close     (CanopySerialPort  *port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopySerialPort, _canopy_serial_port_close)

G_END_DECLS

/* canopy-serial-channel.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-error.h"

#include "canopy-options-private.h"
#include "canopy-serial-channel-private.h"

static gssize
transport_read (gpointer   transport,
                guint8    *buf,
                gsize      len,
                int        timeout_ms,
                GError   **error)
{
  return _canopy_serial_port_read (transport, buf, len, timeout_ms, error);
}

static gboolean
transport_write_all (gpointer       transport,
                     const guint8  *buf,
                     gsize          len,
                     int            timeout_ms,
                     GError       **error)
{
  return _canopy_serial_port_write_all (transport, buf, len, timeout_ms, error);
}

static void
transport_interrupt (gpointer transport)
{
  _canopy_serial_port_interrupt (transport);
}

static void
transport_close (gpointer transport)
{
  _canopy_serial_port_close (transport);
}

const CanopyStreamTransport _canopy_serial_port_transport = {
  transport_read,
  transport_write_all,
  transport_interrupt,
  transport_close,
};

gboolean
_canopy_serial_channel_parse (const char  *interface,
                              const char  *channel,
                              GHashTable  *options,
                              guint        default_baudrate,
                              char       **path,
                              guint       *baudrate,
                              GError     **error)
{
  const char *at;
  guint64 value;

  if (channel == NULL || *channel == '\0')
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Interface %s needs a serial device as its channel (/dev/ttyUSB0, COM3)", interface);
      return FALSE;
    }

  at = strrchr (channel, '@');
  if (at != NULL)
    {
      char *end = NULL;

      value = g_ascii_strtoull (at + 1, &end, 10);
      if (end == at + 1 || *end != '\0' || value == 0 || value > G_MAXUINT)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       "Channel %s: “%s” is not a serial speed", channel, at + 1);
          return FALSE;
        }
      g_free (*path);
      *path = g_strndup (channel, at - channel);
      *baudrate = value;
      return TRUE;
    }

  if (!_canopy_options_get_uint (options, "tty_baudrate", 0, G_MAXUINT, &value, error) ||
      (value == 0 && !_canopy_options_get_uint (options, "ttyBaudrate", 0, G_MAXUINT, &value, error)) ||
      (value == 0 && !_canopy_options_get_uint (options, "baudrate", default_baudrate, G_MAXUINT, &value, error)))
    return FALSE;

  g_free (*path);
  *path = g_strdup (channel);
  *baudrate = value;
  return TRUE;
}

CanopySerialPort *
_canopy_serial_channel_open (const char  *interface,
                             const char  *path,
                             guint        baudrate,
                             GError     **error)
{
  g_autofree char *device = NULL;
  const char *at;

  if (path == NULL || *path == '\0')
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Interface %s needs a serial device as its channel (/dev/ttyUSB0, COM3)", interface);
      return NULL;
    }

  /* A channel property may carry python-can's PATH@BAUD too. */
  at = strrchr (path, '@');
  if (at != NULL)
    {
      guint parsed = baudrate;

      if (!_canopy_serial_channel_parse (interface, path, NULL, baudrate, &device, &parsed, error))
        return NULL;
      return _canopy_serial_port_open (device, parsed, error);
    }

  return _canopy_serial_port_open (path, baudrate, error);
}

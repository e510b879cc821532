/* canopy-serial-port-win32.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <windows.h>

#include <glib.h>

#include "canopy-error.h"

#include "canopy-serial-port-private.h"

/* Windows COM ports: overlapped I/O on a handle opened with CreateFileW,
 * waited on together with an event that _canopy_serial_port_interrupt()
 * sets. `COM10` and above need the `\\.\` prefix, which is added. */

struct _CanopySerialPort
{
  char   *path;
  HANDLE  handle;
  HANDLE  read_event;
  HANDLE  write_event;
  HANDLE  wake_event;
  int     interrupted;
};

static void
set_win32_error (GError     **error,
                 int          code,
                 const char  *path,
                 const char  *what,
                 DWORD        last_error)
{
  g_autofree char *text = g_win32_error_message (last_error);

  g_set_error (error, CANOPY_ERROR, code, "Serial device %s: %s: %s", path, what, text);
}

static gboolean
is_vanished (DWORD last_error)
{
  return last_error == ERROR_ACCESS_DENIED || last_error == ERROR_BAD_COMMAND ||
         last_error == ERROR_DEVICE_NOT_CONNECTED || last_error == ERROR_OPERATION_ABORTED ||
         last_error == ERROR_GEN_FAILURE || last_error == ERROR_FILE_NOT_FOUND;
}

CanopySerialPort *
_canopy_serial_port_open (const char  *path,
                          guint        baudrate,
                          GError     **error)
{
  g_autoptr(CanopySerialPort) port = g_new0 (CanopySerialPort, 1);
  g_autofree char *device = NULL;
  g_autofree gunichar2 *wide = NULL;
  COMMTIMEOUTS timeouts = { 0 };
  DCB dcb = { .DCBlength = sizeof (DCB) };

  port->path = g_strdup (path);
  port->handle = INVALID_HANDLE_VALUE;

  device = g_str_has_prefix (path, "\\\\.\\") ? g_strdup (path) : g_strconcat ("\\\\.\\", path, NULL);
  wide = g_utf8_to_utf16 (device, -1, NULL, NULL, NULL);
  if (wide == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Serial device %s: not a valid name", path);
      return NULL;
    }

  port->handle = CreateFileW (wide, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                              FILE_FLAG_OVERLAPPED, NULL);
  if (port->handle == INVALID_HANDLE_VALUE)
    {
      DWORD last_error = GetLastError ();
      set_win32_error (error, last_error == ERROR_FILE_NOT_FOUND ? CANOPY_ERROR_NOT_AVAILABLE : CANOPY_ERROR_IO,
                       path, "cannot open", last_error);
      return NULL;
    }

  if (!GetCommState (port->handle, &dcb))
    {
      set_win32_error (error, CANOPY_ERROR_IO, path, "not a serial device", GetLastError ());
      return NULL;
    }
  if (baudrate != 0)
    dcb.BaudRate = baudrate;
  dcb.fBinary = TRUE;
  dcb.fParity = FALSE;
  dcb.ByteSize = 8;
  dcb.Parity = NOPARITY;
  dcb.StopBits = ONESTOPBIT;
  dcb.fOutxCtsFlow = FALSE;
  dcb.fOutxDsrFlow = FALSE;
  dcb.fDtrControl = DTR_CONTROL_ENABLE;
  dcb.fRtsControl = RTS_CONTROL_ENABLE;
  dcb.fOutX = FALSE;
  dcb.fInX = FALSE;
  if (!SetCommState (port->handle, &dcb))
    {
      set_win32_error (error, CANOPY_ERROR_INVALID_ARGUMENT, path, "cannot configure", GetLastError ());
      return NULL;
    }

  /* A read returns as soon as any byte is there (MAXDWORD/MAXDWORD/n). */
  timeouts.ReadIntervalTimeout = MAXDWORD;
  timeouts.ReadTotalTimeoutMultiplier = MAXDWORD;
  timeouts.ReadTotalTimeoutConstant = MAXDWORD - 1;
  SetCommTimeouts (port->handle, &timeouts);
  PurgeComm (port->handle, PURGE_RXCLEAR | PURGE_TXCLEAR);

  port->read_event = CreateEventW (NULL, TRUE, FALSE, NULL);
  port->write_event = CreateEventW (NULL, TRUE, FALSE, NULL);
  port->wake_event = CreateEventW (NULL, TRUE, FALSE, NULL);
  if (port->read_event == NULL || port->write_event == NULL || port->wake_event == NULL)
    {
      set_win32_error (error, CANOPY_ERROR_IO, path, "cannot create events", GetLastError ());
      return NULL;
    }

  return g_steal_pointer (&port);
}

/* Waits for overlapped I/O: 1 done (*transferred set), 0 timed out or
 * interrupted (the I/O is cancelled), -1 failed. */
static int
wait_overlapped (CanopySerialPort  *port,
                 OVERLAPPED        *ov,
                 int                timeout_ms,
                 DWORD             *transferred,
                 GError           **error)
{
  HANDLE handles[2] = { ov->hEvent, port->wake_event };
  DWORD r = WaitForMultipleObjects (2, handles, FALSE, timeout_ms < 0 ? INFINITE : (DWORD) timeout_ms);

  if (r != WAIT_OBJECT_0)
    {
      CancelIoEx (port->handle, ov);
      /* The cancelled I/O may have completed meanwhile: collect it. */
      if (GetOverlappedResult (port->handle, ov, transferred, TRUE) && *transferred > 0)
        return 1;
      return 0;
    }

  if (!GetOverlappedResult (port->handle, ov, transferred, FALSE))
    {
      DWORD last_error = GetLastError ();
      set_win32_error (error, is_vanished (last_error) ? CANOPY_ERROR_CONNECTION_LOST : CANOPY_ERROR_IO,
                       port->path, "I/O failed", last_error);
      return -1;
    }
  return 1;
}

gssize
_canopy_serial_port_read (CanopySerialPort  *port,
                          guint8            *buf,
                          gsize              len,
                          int                timeout_ms,
                          GError           **error)
{
  OVERLAPPED ov = { .hEvent = port->read_event };
  DWORD transferred = 0;
  int r;

  if (g_atomic_int_get (&port->interrupted))
    return 0;

  ResetEvent (port->read_event);
  if (ReadFile (port->handle, buf, (DWORD) MIN (len, G_MAXINT32), &transferred, &ov))
    return transferred;

  if (GetLastError () != ERROR_IO_PENDING)
    {
      DWORD last_error = GetLastError ();
      set_win32_error (error, is_vanished (last_error) ? CANOPY_ERROR_CONNECTION_LOST : CANOPY_ERROR_IO,
                       port->path, "reading failed", last_error);
      return -1;
    }

  r = wait_overlapped (port, &ov, timeout_ms, &transferred, error);
  return r <= 0 ? r : (gssize) transferred;
}

gboolean
_canopy_serial_port_write_all (CanopySerialPort  *port,
                               const guint8      *buf,
                               gsize              len,
                               int                timeout_ms,
                               GError           **error)
{
  while (len > 0)
    {
      OVERLAPPED ov = { .hEvent = port->write_event };
      DWORD transferred = 0;

      ResetEvent (port->write_event);
      if (!WriteFile (port->handle, buf, (DWORD) MIN (len, G_MAXINT32), &transferred, &ov))
        {
          DWORD last_error = GetLastError ();
          int r;

          if (last_error != ERROR_IO_PENDING)
            {
              set_win32_error (error, is_vanished (last_error) ? CANOPY_ERROR_CONNECTION_LOST : CANOPY_ERROR_IO,
                               port->path, "writing failed", last_error);
              return FALSE;
            }
          r = wait_overlapped (port, &ov, timeout_ms, &transferred, error);
          if (r < 0)
            return FALSE;
          if (r == 0)
            {
              g_set_error (error, CANOPY_ERROR,
                           g_atomic_int_get (&port->interrupted) ? CANOPY_ERROR_SHUT_DOWN : CANOPY_ERROR_TIMED_OUT,
                           "Serial device %s: writing did not finish", port->path);
              return FALSE;
            }
        }
      buf += transferred;
      len -= transferred;
    }

  return TRUE;
}

void
_canopy_serial_port_interrupt (CanopySerialPort *port)
{
  g_atomic_int_set (&port->interrupted, TRUE);
  SetEvent (port->wake_event);
}

gboolean
_canopy_serial_port_is_interrupted (CanopySerialPort *port)
{
  return g_atomic_int_get (&port->interrupted);
}

const char *
_canopy_serial_port_get_path (CanopySerialPort *port)
{
  return port->path;
}

void
_canopy_serial_port_close (CanopySerialPort *port)
{
  if (port == NULL)
    return;
  if (port->handle != INVALID_HANDLE_VALUE)
    CloseHandle (port->handle);
  if (port->read_event != NULL)
    CloseHandle (port->read_event);
  if (port->write_event != NULL)
    CloseHandle (port->write_event);
  if (port->wake_event != NULL)
    CloseHandle (port->wake_event);
  g_free (port->path);
  g_free (port);
}

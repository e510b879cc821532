/* canopy-serial-port.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "canopy-error.h"

#include "canopy-serial-port-private.h"

/* POSIX serial devices: a non-blocking descriptor put in raw mode with
 * termios, waited on with g_poll() together with a pipe that
 * _canopy_serial_port_interrupt() writes to. */

struct _CanopySerialPort
{
  char *path;
  int   fd;
  int   wake_fds[2];
  int   interrupted;
};

static const struct {
  guint   rate;
  speed_t speed;
} speeds[] = {
  { 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
  { 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 },
  { 230400, B230400 },
#ifdef B460800
  { 460800, B460800 },
#endif
#ifdef B500000
  { 500000, B500000 },
#endif
#ifdef B921600
  { 921600, B921600 },
#endif
#ifdef B1000000
  { 1000000, B1000000 },
#endif
#ifdef B2000000
  { 2000000, B2000000 },
#endif
#ifdef B3000000
  { 3000000, B3000000 },
#endif
};

static gboolean
lookup_speed (guint    baudrate,
              speed_t *speed)
{
  for (guint i = 0; i < G_N_ELEMENTS (speeds); i++)
    if (speeds[i].rate == baudrate)
      {
        *speed = speeds[i].speed;
        return TRUE;
      }
  return FALSE;
}

static void
set_errno_error (GError     **error,
                 int          code,
                 const char  *path,
                 const char  *what,
                 int          saved_errno)
{
  g_set_error (error, CANOPY_ERROR, code, "Serial device %s: %s: %s",
               path, what, g_strerror (saved_errno));
}

CanopySerialPort *
_canopy_serial_port_open (const char  *path,
                          guint        baudrate,
                          GError     **error)
{
  g_autoptr(CanopySerialPort) port = g_new0 (CanopySerialPort, 1);
  struct termios tio;
  speed_t speed = B115200;

  port->path = g_strdup (path);
  port->fd = -1;
  port->wake_fds[0] = port->wake_fds[1] = -1;

  if (baudrate != 0 && !lookup_speed (baudrate, &speed))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Serial device %s: %u baud is not a speed this system supports", path, baudrate);
      return NULL;
    }

  port->fd = g_open (path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0);
  if (port->fd < 0)
    {
      int saved_errno = errno;
      set_errno_error (error, saved_errno == ENOENT ? CANOPY_ERROR_NOT_AVAILABLE : CANOPY_ERROR_IO,
                       path, "cannot open", saved_errno);
      return NULL;
    }

  if (tcgetattr (port->fd, &tio) != 0)
    {
      set_errno_error (error, CANOPY_ERROR_IO, path, "not a serial device", errno);
      return NULL;
    }

  cfmakeraw (&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  if (baudrate != 0)
    {
      cfsetispeed (&tio, speed);
      cfsetospeed (&tio, speed);
    }
  if (tcsetattr (port->fd, TCSANOW, &tio) != 0)
    {
      set_errno_error (error, CANOPY_ERROR_IO, path, "cannot configure", errno);
      return NULL;
    }
  tcflush (port->fd, TCIOFLUSH);

  if (!g_unix_open_pipe (port->wake_fds, FD_CLOEXEC, NULL) ||
      !g_unix_set_fd_nonblocking (port->wake_fds[0], TRUE, NULL) ||
      !g_unix_set_fd_nonblocking (port->wake_fds[1], TRUE, NULL))
    {
      set_errno_error (error, CANOPY_ERROR_IO, path, "cannot create a wake-up pipe", errno);
      return NULL;
    }

  return g_steal_pointer (&port);
}

/* Waits until @fd is ready for @events; 1 ready, 0 timed out or
 * interrupted, -1 the device hung up or failed. */
static int
wait_fd (CanopySerialPort  *port,
         gushort            events,
         int                timeout_ms,
         GError           **error)
{
  GPollFD fds[2] = {
    { .fd = port->fd, .events = events },
    { .fd = port->wake_fds[0], .events = G_IO_IN },
  };
  int r;

  if (g_atomic_int_get (&port->interrupted))
    return 0;

  do
    r = g_poll (fds, 2, timeout_ms);
  while (r < 0 && errno == EINTR);

  if (r < 0)
    {
      set_errno_error (error, CANOPY_ERROR_IO, port->path, "waiting failed", errno);
      return -1;
    }
  if (fds[1].revents != 0 || r == 0)
    return 0;
  if (fds[0].revents & events)
    return 1;

  /* POLLHUP, POLLERR, POLLNVAL without data: the device went away (a USB
   * adapter unplugged, the other end of a pseudo-terminal closed). */
  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
               "Serial device %s: the device went away", port->path);
  return -1;
}

gssize
_canopy_serial_port_read (CanopySerialPort  *port,
                          guint8            *buf,
                          gsize              len,
                          int                timeout_ms,
                          GError           **error)
{
  for (;;)
    {
      gssize n;
      int r = wait_fd (port, G_IO_IN, timeout_ms, error);

      if (r <= 0)
        return r;

      n = read (port->fd, buf, len);
      if (n > 0)
        return n;
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        continue;
      if (n == 0 || errno == EIO || errno == ENXIO || errno == ENODEV)
        g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                     "Serial device %s: the device went away", port->path);
      else
        set_errno_error (error, CANOPY_ERROR_IO, port->path, "reading failed", errno);
      return -1;
    }
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
      gssize n = write (port->fd, buf, len);

      if (n > 0)
        {
          buf += n;
          len -= n;
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        {
          int r = wait_fd (port, G_IO_OUT, timeout_ms, error);

          if (r < 0)
            return FALSE;
          if (r == 0)
            {
              if (g_atomic_int_get (&port->interrupted))
                g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN,
                             "Serial device %s was closed", port->path);
              else
                g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                             "Serial device %s: writing timed out", port->path);
              return FALSE;
            }
          continue;
        }
      if (errno == EIO || errno == ENXIO || errno == ENODEV)
        g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                     "Serial device %s: the device went away", port->path);
      else
        set_errno_error (error, CANOPY_ERROR_IO, port->path, "writing failed", errno);
      return FALSE;
    }

  return TRUE;
}

void
_canopy_serial_port_interrupt (CanopySerialPort *port)
{
  static const char byte = 1;

  g_atomic_int_set (&port->interrupted, TRUE);
  if (write (port->wake_fds[1], &byte, 1) < 0)
    {
      /* A full pipe already wakes every reader. */
    }
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
  if (port->fd >= 0)
    g_close (port->fd, NULL);
  for (guint i = 0; i < 2; i++)
    if (port->wake_fds[i] >= 0)
      g_close (port->wake_fds[i], NULL);
  g_free (port->path);
  g_free (port);
}

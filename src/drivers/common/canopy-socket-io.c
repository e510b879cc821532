/* canopy-socket-io.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-socket-io-private.h"

#ifdef G_OS_WIN32
#include <winsock2.h>

/* How long WSAPoll() waits before the cancellable is looked at again:
 * cancelling ends a wait within this. */
#define WIN32_POLL_SLICE_MS 20

static gboolean
wait_win32 (GSocket       *socket,
            GIOCondition   condition,
            gint64         deadline_us,
            GCancellable  *cancellable,
            GError       **error)
{
  WSAPOLLFD pollfd = {
    .fd = (SOCKET) g_socket_get_fd (socket),
    .events = ((condition & G_IO_IN) ? POLLRDNORM : 0) | ((condition & G_IO_OUT) ? POLLWRNORM : 0),
  };

  for (;;)
    {
      int slice_ms = WIN32_POLL_SLICE_MS;
      int n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (deadline_us >= 0)
        {
          gint64 remaining_us = deadline_us - g_get_monotonic_time ();

          if (remaining_us <= 0)
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Socket I/O timed out");
              return FALSE;
            }
          slice_ms = (int) MIN ((remaining_us + 999) / 1000, (gint64) slice_ms);
        }

      /* Ready, or an error or hang-up, which the operation then reports. */
      n = WSAPoll (&pollfd, 1, slice_ms);
      if (n > 0)
        return TRUE;
      if (n < 0)
        {
          g_autofree char *message = g_win32_error_message (WSAGetLastError ());

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Waiting for the socket: %s", message);
          return FALSE;
        }
    }
}
#endif

/* A cancellable for the waits below that keeps its file descriptor (or
 * event) open until it is finalized. GLib (2.74) otherwise opens one for
 * each wait that watches the cancellable and closes it after, holding a
 * lock that every cancellable in the process shares: two more system calls
 * per wait, and on a bridge the threads of all connections queueing for
 * that lock (measured: six futex calls per round trip, and 15-30 µs). */
GCancellable *
_canopy_socket_cancellable_new (void)
{
  GCancellable *cancellable = g_cancellable_new ();
  GPollFD kept;

  /* Never released: finalizing the cancellable closes it. */
  g_cancellable_make_pollfd (cancellable, &kept);
  return cancellable;
}

/* Waits until @socket is ready for @condition (or has an error, which the
 * operation then reports), until @deadline_us on the monotonic clock (-1:
 * no limit). FALSE with G_IO_ERROR_TIMED_OUT once the deadline passed, or
 * G_IO_ERROR_CANCELLED. */
gboolean
_canopy_socket_wait (GSocket       *socket,
                     GIOCondition   condition,
                     gint64         deadline_us,
                     GCancellable  *cancellable,
                     GError       **error)
{
#ifdef G_OS_WIN32
  return wait_win32 (socket, condition, deadline_us, cancellable, error);
#else
  gint64 timeout_us = -1;

  if (deadline_us >= 0)
    {
      timeout_us = deadline_us - g_get_monotonic_time ();
      if (timeout_us <= 0)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Socket I/O timed out");
          return FALSE;
        }
    }
  return g_socket_condition_timed_wait (socket, condition, timeout_us, cancellable, error);
#endif
}

/* Receives what @socket has, up to @size bytes, waiting for at least one
 * byte. Returns the bytes received, 0 at the end of the stream, or -1 with
 * @error set. */
gssize
_canopy_socket_receive_some (GSocket       *socket,
                             guint8        *buf,
                             gsize          size,
                             GCancellable  *cancellable,
                             GError       **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n;

      /* Wait first: a reader that comes back to its socket mostly finds it
       * empty, and a recv() that fails costs a system call and a GError
       * per frame. */
      if (!_canopy_socket_wait (socket, G_IO_IN, -1, cancellable, error))
        return -1;
      n = g_socket_receive_with_blocking (socket, (char *) buf, size, FALSE, cancellable, &local_error);
      if (n >= 0)
        return n;
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }
    }
}

/* Sends as much of @data as @socket takes, waiting until it takes at least
 * one byte or @deadline_us passes (-1: no limit). Returns the bytes sent or
 * -1 with @error set (G_IO_ERROR_TIMED_OUT at the deadline). Unlike a
 * reader, a sender mostly finds room: it tries first. */
gssize
_canopy_socket_send_some (GSocket       *socket,
                          const guint8  *data,
                          gsize          len,
                          gint64         deadline_us,
                          GCancellable  *cancellable,
                          GError       **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n = g_socket_send_with_blocking (socket, (const char *) data, len, FALSE,
                                              cancellable, &local_error);

      if (n >= 0)
        return n;
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }
      if (!_canopy_socket_wait (socket, G_IO_OUT, deadline_us, cancellable, error))
        return -1;
    }
}

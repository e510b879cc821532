/* canopy-vendor-wait.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#ifndef G_OS_WIN32
# include <errno.h>
# include <fcntl.h>
# include <time.h>
# include <unistd.h>
# include <glib-unix.h>
# include <glib/gstdio.h>
#endif

#include "canopy-error.h"

#include "canopy-bus-private.h"
#include "canopy-clock-private.h"

#include "canopy-vendor-wait-private.h"

#ifdef G_OS_WIN32
/* After our headers: windows.h defines `interface`, a parameter name. */
# include <windows.h>
# undef interface
#endif

#ifdef G_OS_WIN32

gboolean
_canopy_vendor_waiter_init (CanopyVendorWaiter  *waiter,
                            GError             **error)
{
  waiter->native = 0;
  waiter->woken = FALSE;
  waiter->wake[0] = (gintptr) CreateEventW (NULL, TRUE, FALSE, NULL);
  waiter->wake[1] = 0;
  if (waiter->wake[0] == 0)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_IO, "Cannot create an event");
      return FALSE;
    }
  return TRUE;
}

gintptr
_canopy_vendor_waiter_new_event (void)
{
  return (gintptr) CreateEventW (NULL, FALSE, FALSE, NULL);
}

CanopyVendorWaitResult
_canopy_vendor_waiter_wait (CanopyVendorWaiter *waiter,
                            int                 timeout_ms)
{
  HANDLE handles[2] = { (HANDLE) waiter->wake[0], (HANDLE) waiter->native };
  DWORD r;

  if (g_atomic_int_get (&waiter->woken))
    return CANOPY_VENDOR_WAIT_WOKEN;

  r = WaitForMultipleObjects (waiter->native ? 2 : 1, handles, FALSE,
                              timeout_ms < 0 ? INFINITE : (DWORD) timeout_ms);
  if (r == WAIT_OBJECT_0)
    return CANOPY_VENDOR_WAIT_WOKEN;
  if (r == WAIT_OBJECT_0 + 1)
    return CANOPY_VENDOR_WAIT_READY;
  return CANOPY_VENDOR_WAIT_TIMEOUT;
}

void
_canopy_vendor_waiter_wake (CanopyVendorWaiter *waiter)
{
  g_atomic_int_set (&waiter->woken, TRUE);
  SetEvent ((HANDLE) waiter->wake[0]);
}

void
_canopy_vendor_waiter_clear (CanopyVendorWaiter *waiter)
{
  if (waiter->wake[0] != 0)
    CloseHandle ((HANDLE) waiter->wake[0]);
  waiter->wake[0] = 0;
  /* waiter->native belongs to the driver (it closes its own event). */
}

gint64
_canopy_vendor_boottime_us (void)
{
  return (gint64) GetTickCount64 () * 1000;
}

#else /* POSIX */

gboolean
_canopy_vendor_waiter_init (CanopyVendorWaiter  *waiter,
                            GError             **error)
{
  int fds[2];

  waiter->native = -1;
  waiter->woken = FALSE;
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, NULL))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO, "Cannot create a pipe: %s", g_strerror (errno));
      return FALSE;
    }
  waiter->wake[0] = fds[0];
  waiter->wake[1] = fds[1];
  return TRUE;
}

gintptr
_canopy_vendor_waiter_new_event (void)
{
  return -1;
}

CanopyVendorWaitResult
_canopy_vendor_waiter_wait (CanopyVendorWaiter *waiter,
                            int                 timeout_ms)
{
  GPollFD fds[2] = {
    { .fd = (int) waiter->wake[0], .events = G_IO_IN },
    { .fd = (int) waiter->native, .events = G_IO_IN },
  };
  int r;

  if (g_atomic_int_get (&waiter->woken))
    return CANOPY_VENDOR_WAIT_WOKEN;

  do
    r = g_poll (fds, waiter->native >= 0 ? 2 : 1, timeout_ms);
  while (r < 0 && errno == EINTR);

  if (fds[0].revents != 0)
    return CANOPY_VENDOR_WAIT_WOKEN;
  if (r > 0)
    return CANOPY_VENDOR_WAIT_READY;
  return CANOPY_VENDOR_WAIT_TIMEOUT;
}

void
_canopy_vendor_waiter_wake (CanopyVendorWaiter *waiter)
{
  g_atomic_int_set (&waiter->woken, TRUE);
  if (write ((int) waiter->wake[1], "x", 1) < 0)
    {
      /* A full pipe wakes every waiter already. */
    }
}

void
_canopy_vendor_waiter_clear (CanopyVendorWaiter *waiter)
{
  for (guint i = 0; i < 2; i++)
    if (waiter->wake[i] >= 0)
      g_close ((int) waiter->wake[i], NULL);
  waiter->wake[0] = waiter->wake[1] = -1;
}

gint64
_canopy_vendor_boottime_us (void)
{
  struct timespec ts;

#ifdef CLOCK_BOOTTIME
  if (clock_gettime (CLOCK_BOOTTIME, &ts) == 0)
    return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
#endif
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

#endif

void
_canopy_vendor_clock_init (CanopyVendorClock *clock,
                           double             tick_ns)
{
  memset (clock, 0, sizeof *clock);
  clock->tick_ns = tick_ns;
}

void
_canopy_vendor_clock_anchor (CanopyVendorClock *clock,
                             guint32            ticks_now)
{
  clock->offset_ns = _canopy_clock_realtime_ns () - (gint64) (ticks_now * clock->tick_ns);
  clock->last = ticks_now;
  clock->wraps = 0;
  clock->anchored = TRUE;
}

gint64
_canopy_vendor_clock_unix_ns (CanopyVendorClock *clock,
                              guint32            ticks)
{
  if (!clock->anchored)
    _canopy_vendor_clock_anchor (clock, ticks);
  if (ticks < clock->last && clock->last - ticks > G_MAXUINT32 / 2)
    clock->wraps++;
  clock->last = ticks;
  return clock->offset_ns + (gint64) (((double) (clock->wraps << 32) + ticks) * clock->tick_ns);
}

void
_canopy_vendor_reader_init (CanopyVendorReader *reader)
{
  g_mutex_init (&reader->mutex);
  reader->stopping = FALSE;
}

void
_canopy_vendor_reader_clear (CanopyVendorReader *reader)
{
  g_mutex_clear (&reader->mutex);
}

gboolean
_canopy_vendor_reader_recv (CanopyVendorReader    *reader,
                            CanopyBus             *bus,
                            CanopyVendorReadFunc   read,
                            CanopyMessage         *msg,
                            double                 timeout,
                            GError               **error)
{
  gint64 deadline = timeout < 0 ? -1 : g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
  GError *local_error = NULL;
  gboolean ret = FALSE;

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;

  g_mutex_lock (&reader->mutex);
  while (!g_atomic_int_get (&reader->stopping))
    {
      guint wait_ms = CANOPY_VENDOR_WAIT_SLICE_MS;
      CanopyVendorRead result;

      if (deadline >= 0)
        {
          gint64 left = deadline - g_get_monotonic_time ();

          wait_ms = left <= 0 ? 0 : MIN (CANOPY_VENDOR_WAIT_SLICE_MS, (left + 999) / 1000);
        }

      result = read (bus, wait_ms, msg, &local_error);
      if (result == CANOPY_VENDOR_READ_FRAME)
        {
          ret = TRUE;
          break;
        }
      if (result == CANOPY_VENDOR_READ_FAILED)
        break;
      if (deadline >= 0 && g_get_monotonic_time () >= deadline)
        break;
    }
  g_mutex_unlock (&reader->mutex);

  if (local_error != NULL)
    g_propagate_error (error, local_error);
  else if (!ret && g_atomic_int_get (&reader->stopping))
    _canopy_bus_check_open (bus, error);
  return ret;
}

void
_canopy_vendor_reader_shutdown (CanopyVendorReader  *reader,
                                void               (*close) (gpointer driver),
                                gpointer             driver)
{
  g_atomic_int_set (&reader->stopping, TRUE);
  g_mutex_lock (&reader->mutex);
  close (driver);
  g_mutex_unlock (&reader->mutex);
}

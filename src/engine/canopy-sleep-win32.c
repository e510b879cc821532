/* canopy-sleep-win32.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * canopy-sleep-private.h for Windows (canopy-sleep.c everywhere else).
 *
 * Windows wakes sleeping threads on its system tick, 15.6 ms by default: a
 * Sleep(), a condition variable time-out or a normal waitable timer ends up
 * to one tick late. That is why python-can's 20 ms periodic tasks arrive at
 * 15/16/37 ms there. Canopy sleeps to each absolute deadline on a
 * high-resolution waitable timer (CREATE_WAITABLE_TIMER_HIGH_RESOLUTION,
 * Windows 10 1803 and later), which does not depend on the tick; on older
 * systems on a normal waitable timer with the tick shortened to 1 ms by
 * timeBeginPeriod(1).
 */

#include "config.h"

#include <windows.h>
#include <mmsystem.h>

#include "canopy-clock-private.h"
#include "canopy-sleep-private.h"

/* Older SDK headers lack the name. */
#ifndef CREATE_WAITABLE_TIMER_HIGH_RESOLUTION
# define CREATE_WAITABLE_TIMER_HIGH_RESOLUTION 0x00000002
#endif

/* How late a condition variable time-out may end once the tick is 1 ms
 * (GLib rounds the time-out up to whole milliseconds, then up to a tick). */
#define COND_SLACK_NS G_GINT64_CONSTANT (2500000)

static void close_handle (gpointer handle);

static gboolean have_high_resolution;
static GPrivate thread_timer = G_PRIVATE_INIT (close_handle);

static void
close_handle (gpointer handle)
{
  CloseHandle (handle);
}

static void
init_once (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      /* CANOPY_SLEEP_NO_HIGH_RESOLUTION exercises the fallback on systems
       * that have high-resolution timers (a test does). */
      if (g_getenv ("CANOPY_SLEEP_NO_HIGH_RESOLUTION") == NULL)
        {
          HANDLE probe = CreateWaitableTimerExW (NULL, NULL,
                                                 CREATE_WAITABLE_TIMER_HIGH_RESOLUTION,
                                                 TIMER_ALL_ACCESS);
          if (probe != NULL)
            {
              have_high_resolution = TRUE;
              CloseHandle (probe);
            }
        }

      /* Needed in both cases: for the fallback timer, and for the
       * condition variable waits of _canopy_cond_wait_until_ns(), which no
       * waitable timer can replace. Only processes that schedule frames
       * (a cyclic task, a player) get here. Since Windows 10 2004 the
       * request only affects this process. */
      timeBeginPeriod (1);

      g_once_init_leave (&initialized, 1);
    }
}

static HANDLE
get_thread_timer (void)
{
  HANDLE timer = g_private_get (&thread_timer);

  if G_LIKELY (timer != NULL)
    return timer;

  init_once ();
  timer = CreateWaitableTimerExW (NULL, NULL,
                                  have_high_resolution ? CREATE_WAITABLE_TIMER_HIGH_RESOLUTION : 0,
                                  TIMER_ALL_ACCESS);
  if (timer == NULL)
    g_error ("CreateWaitableTimerExW failed: error %lu", (unsigned long) GetLastError ());
  g_private_set (&thread_timer, timer);

  return timer;
}

const char *
_canopy_sleep_describe (void)
{
  init_once ();
  return have_high_resolution
    ? "high-resolution waitable timer (CREATE_WAITABLE_TIMER_HIGH_RESOLUTION)"
    : "waitable timer with timeBeginPeriod (1)";
}

void
_canopy_sleep_until_ns (gint64 deadline_ns)
{
  HANDLE timer = NULL;

  for (;;)
    {
      gint64 remaining = deadline_ns - _canopy_clock_monotonic_ns ();
      LARGE_INTEGER due;

      if (remaining <= 0)
        return;

      if (timer == NULL)
        timer = get_thread_timer ();

      /* A relative due time (negative, 100 ns units), recomputed from the
       * absolute deadline on each pass: absolute due times are wall-clock
       * FILETIMEs that jump when the clock is set, our deadlines are
       * monotonic. An early wake-up just goes round again; a late one
       * never shifts the following deadlines, which the caller computes
       * from the start time. */
      due.QuadPart = -MAX (1, remaining / 100);
      if (!SetWaitableTimer (timer, &due, 0, NULL, NULL, FALSE))
        g_error ("SetWaitableTimer failed: error %lu", (unsigned long) GetLastError ());
      WaitForSingleObject (timer, INFINITE);
    }
}

gboolean
_canopy_cond_wait_until_ns (GCond  *cond,
                            GMutex *mutex,
                            gint64  deadline_ns)
{
  gint64 remaining = deadline_ns - _canopy_clock_monotonic_ns ();

  if (remaining <= 0)
    return FALSE;

  init_once ();

  /* The condition variable's time-out ends up to COND_SLACK_NS late, so it
   * only covers the time before that; then, if the wait timed out rather
   * than being signalled, the timer sleeps the rest of the way with the
   * mutex released. A change made meanwhile is seen at most
   * COND_SLACK_NS late, and the deadline is kept. */
  if (remaining > COND_SLACK_NS)
    {
      g_cond_wait_until (cond, mutex,
                         g_get_monotonic_time () + (remaining - COND_SLACK_NS) / 1000);
      if (deadline_ns - _canopy_clock_monotonic_ns () > COND_SLACK_NS)
        return TRUE;  /* signalled (or spurious): the caller looks again */
    }

  g_mutex_unlock (mutex);
  _canopy_sleep_until_ns (deadline_ns);
  g_mutex_lock (mutex);

  return FALSE;
}

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

/* As canopy-sleep.c: a timer wakes late by the system's wake-up latency, so
 * the thread wakes early by a running estimate of it and waits out the rest
 * on the clock. Windows' latencies are larger than Linux's (a high-resolution
 * timer ends up to ~0.5 ms late; under wine ~1 ms), so the early margin may
 * grow further, but stays bounded: at most this much spinning per frame. */
#define MAX_EARLY_NS G_GINT64_CONSTANT (500000)
#define MIN_EARLY_NS G_GINT64_CONSTANT (5000)

typedef struct
{
  HANDLE timer;
  /* Decays slowly towards lower latencies, jumps up to a higher one. */
  gint64 wake_latency_ns;
} SleepState;

static void sleep_state_free (gpointer data);

static gboolean have_high_resolution;
static GPrivate sleep_state = G_PRIVATE_INIT (sleep_state_free);

static void
sleep_state_free (gpointer data)
{
  SleepState *state = data;

  CloseHandle (state->timer);
  g_free (state);
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

static SleepState *
get_thread_state (void)
{
  SleepState *state = g_private_get (&sleep_state);

  if G_LIKELY (state != NULL)
    return state;

  init_once ();
  state = g_new0 (SleepState, 1);
  state->wake_latency_ns = 100000;
  state->timer = CreateWaitableTimerExW (NULL, NULL,
                                         have_high_resolution ? CREATE_WAITABLE_TIMER_HIGH_RESOLUTION : 0,
                                         TIMER_ALL_ACCESS);
  if (state->timer == NULL)
    g_error ("CreateWaitableTimerExW failed: error %lu", (unsigned long) GetLastError ());
  g_private_set (&sleep_state, state);

  return state;
}

static void
record_wake_latency (SleepState *state,
                     gint64      latency_ns)
{
  latency_ns = CLAMP (latency_ns, 0, MAX_EARLY_NS);

  if (latency_ns > state->wake_latency_ns)
    state->wake_latency_ns = latency_ns;
  else
    state->wake_latency_ns -= (state->wake_latency_ns - latency_ns) / 64;
}

const char *
_canopy_sleep_describe (void)
{
  init_once ();
  return have_high_resolution
    ? "high-resolution waitable timer (CREATE_WAITABLE_TIMER_HIGH_RESOLUTION)"
    : "waitable timer with timeBeginPeriod (1)";
}

/* Sleeps on the thread's timer until @target_ns has passed; no spinning. */
static void
timer_sleep_until (SleepState *state,
                   gint64      target_ns)
{
  for (;;)
    {
      gint64 remaining = target_ns - _canopy_clock_monotonic_ns ();
      LARGE_INTEGER due;

      if (remaining <= 0)
        return;

      /* A relative due time (negative, 100 ns units), recomputed from the
       * absolute target on each pass: absolute due times are wall-clock
       * FILETIMEs that jump when the clock is set, our deadlines are
       * monotonic. An early wake-up just goes round again; a late one
       * never shifts the following deadlines, which the caller computes
       * from the start time. */
      due.QuadPart = -MAX (1, remaining / 100);
      if (!SetWaitableTimer (state->timer, &due, 0, NULL, NULL, FALSE))
        g_error ("SetWaitableTimer failed: error %lu", (unsigned long) GetLastError ());
      WaitForSingleObject (state->timer, INFINITE);
    }
}

void
_canopy_sleep_until_ns (gint64 deadline_ns)
{
  SleepState *state;
  gint64 early_ns, wake_ns;

  if (deadline_ns <= _canopy_clock_monotonic_ns ())
    return;

  state = get_thread_state ();
  early_ns = CLAMP (state->wake_latency_ns + MIN_EARLY_NS, MIN_EARLY_NS, MAX_EARLY_NS);
  wake_ns = deadline_ns - early_ns;

  if (wake_ns > _canopy_clock_monotonic_ns ())
    {
      timer_sleep_until (state, wake_ns);
      record_wake_latency (state, _canopy_clock_monotonic_ns () - wake_ns);
    }

  while (_canopy_clock_monotonic_ns () < deadline_ns)
    YieldProcessor ();
}

/* Windows has no priority numbers like SCHED_FIFO's: any valid
 * CANOPY_REALTIME_PRIORITY asks for the highest thread priority of a normal
 * process (THREAD_PRIORITY_TIME_CRITICAL, 15), which needs no privilege. */
void
_canopy_sleep_request_realtime (void)
{
  const char *env = g_getenv ("CANOPY_REALTIME_PRIORITY");
  gint64 priority;
  char *end = NULL;

  if (env == NULL || *env == '\0')
    return;

  priority = g_ascii_strtoll (env, &end, 10);
  if (end == env || *end != '\0' || priority < 1 || priority > 99)
    {
      g_message ("CANOPY_REALTIME_PRIORITY=%s ignored: expected a priority from 1 to 99", env);
      return;
    }

  if (!SetThreadPriority (GetCurrentThread (), THREAD_PRIORITY_TIME_CRITICAL))
    g_debug ("THREAD_PRIORITY_TIME_CRITICAL refused: error %lu", (unsigned long) GetLastError ());
  else
    g_debug ("Thread runs with THREAD_PRIORITY_TIME_CRITICAL");
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

  /* Only the point where the caller stops waiting on @cond: no need to
   * spin for it, the caller sleeps precisely to its real deadline next. */
  g_mutex_unlock (mutex);
  timer_sleep_until (get_thread_state (), deadline_ns);
  g_mutex_lock (mutex);

  return FALSE;
}

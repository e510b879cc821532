/* canopy-sleep.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>

#if defined(__linux__)
# include <sys/prctl.h>
#endif

#include "canopy-clock-private.h"
#include "canopy-sleep-private.h"

/* A timed sleep ends late by the system's wake-up latency: tens of µs on
 * a virtual machine, and more now and then. A thread that sleeps to
 * deadlines therefore wakes early by a running estimate of that latency,
 * close to its recent worst case, and waits out the rest on the clock: the
 * frame leaves on time for the price of a short spin each period. */
#define MAX_EARLY_NS G_GINT64_CONSTANT (150000)
#define MIN_EARLY_NS G_GINT64_CONSTANT (5000)

typedef struct
{
  /* Decays slowly towards lower latencies, jumps up to a higher one. */
  gint64 wake_latency_ns;
} SleepState;

static GPrivate sleep_state = G_PRIVATE_INIT (g_free);

/* Linux delays the end of every sleep of an ordinary thread by up to its
 * "timer slack" (50 µs by default) to merge wake-ups. A thread that sleeps
 * to deadlines asks for none; this is per thread, so it only affects the
 * threads that come here (the cyclic scheduler, a player). */
static SleepState *
prepare_thread (void)
{
  SleepState *state = g_private_get (&sleep_state);

  if G_LIKELY (state != NULL)
    return state;

#if defined(__linux__) && defined(PR_SET_TIMERSLACK)
  prctl (PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
#endif

  state = g_new0 (SleepState, 1);
  state->wake_latency_ns = 50000;
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

void
_canopy_sleep_request_realtime (void)
{
#ifdef SCHED_FIFO
  const char *env = g_getenv ("CANOPY_REALTIME_PRIORITY");
  struct sched_param param = { 0 };
  gint64 priority;
  char *end = NULL;
  int res;

  if (env == NULL || *env == '\0')
    return;

  priority = g_ascii_strtoll (env, &end, 10);
  if (end == env || *end != '\0' || priority < 1 || priority > 99)
    {
      g_message ("CANOPY_REALTIME_PRIORITY=%s ignored: expected a priority from 1 to 99", env);
      return;
    }

  param.sched_priority = CLAMP ((int) priority,
                                sched_get_priority_min (SCHED_FIFO),
                                sched_get_priority_max (SCHED_FIFO));
  res = pthread_setschedparam (pthread_self (), SCHED_FIFO, &param);
  if (res != 0)
    g_debug ("Real-time scheduling (SCHED_FIFO %d) refused: %s",
             param.sched_priority, g_strerror (res));
  else
    g_debug ("Thread runs with SCHED_FIFO %d", param.sched_priority);
#endif
}

void
_canopy_sleep_until_ns (gint64 deadline_ns)
{
  SleepState *state = prepare_thread ();
  gint64 early_ns = CLAMP (state->wake_latency_ns + MIN_EARLY_NS, MIN_EARLY_NS, MAX_EARLY_NS);
  gint64 wake_ns = deadline_ns - early_ns;

  if (wake_ns > _canopy_clock_monotonic_ns ())
    {
#if defined(HAVE_CLOCK_NANOSLEEP) && defined(HAVE_CLOCK_GETTIME) && !defined(G_OS_WIN32)
      struct timespec ts;
      int res;

      ts.tv_sec = wake_ns / G_GINT64_CONSTANT (1000000000);
      ts.tv_nsec = wake_ns % G_GINT64_CONSTANT (1000000000);

      /* Interrupted by a signal: sleep on to the same absolute deadline. */
      do
        res = clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
      while (res == EINTR);
#else
      /* Measured just before sleeping against an absolute deadline, so an
       * imprecise sleep makes one frame late but never shifts the next. */
      g_usleep ((gulong) ((wake_ns - _canopy_clock_monotonic_ns () + 999) / 1000));
#endif

      record_wake_latency (state, _canopy_clock_monotonic_ns () - wake_ns);
    }

  while (_canopy_clock_monotonic_ns () < deadline_ns)
    ;
}

gboolean
_canopy_cond_wait_until_ns (GCond  *cond,
                            GMutex *mutex,
                            gint64  deadline_ns)
{
  gint64 remaining = deadline_ns - _canopy_clock_monotonic_ns ();

  if (remaining <= 0)
    return FALSE;

  /* Converted as a span, so the two clocks may have different origins. */
  g_cond_wait_until (cond, mutex, g_get_monotonic_time () + remaining / 1000);

  return deadline_ns > _canopy_clock_monotonic_ns ();
}

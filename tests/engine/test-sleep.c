/* test-sleep.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The deadline sleep under the cyclic scheduler and the player, on every
 * host (on Windows: the waitable-timer implementation, and again with the
 * fallback timer). Only ordering is asserted — never awake before the
 * deadline, a signal is never lost; how close to the deadline a wait ends is
 * measured by bench/bench-cyclic.
 */

#include "config.h"

#include <canopy.h>

#include "canopy-clock-private.h"
#include "canopy-sleep-private.h"

#define MS G_GINT64_CONSTANT (1000000)

static void
test_sleep_describe (void)
{
#ifdef G_OS_WIN32
  const char *what = _canopy_sleep_describe ();

  g_test_message ("sleeping with: %s", what);
  g_assert_nonnull (strstr (what, "waitable timer"));
  if (g_getenv ("CANOPY_SLEEP_NO_HIGH_RESOLUTION"))
    g_assert_nonnull (strstr (what, "timeBeginPeriod"));
#else
  g_test_skip ("the mechanism is only named on Windows");
#endif
}

static void
test_sleep_until_deadline (void)
{
  for (guint i = 0; i < 20; i++)
    {
      gint64 deadline = _canopy_clock_monotonic_ns () + (i % 4) * MS / 2 + 1000;

      _canopy_sleep_until_ns (deadline);
      g_assert_cmpint (_canopy_clock_monotonic_ns (), >=, deadline);
    }

  /* A deadline in the past returns at once. */
  _canopy_sleep_until_ns (_canopy_clock_monotonic_ns () - 10 * MS);
}

/* Consecutive absolute deadlines: the n-th wake is never before start + n
 * periods, however late the previous one was. */
static void
test_sleep_absolute_sequence (void)
{
  gint64 start = _canopy_clock_monotonic_ns ();

  for (guint n = 1; n <= 50; n++)
    {
      gint64 deadline = start + n * MS;

      _canopy_sleep_until_ns (deadline);
      g_assert_cmpint (_canopy_clock_monotonic_ns (), >=, deadline);
    }
}

/* Threads other than the first one get their own timer (Windows keeps one
 * per thread). */
static gpointer
sleep_in_thread (gpointer data)
{
  test_sleep_absolute_sequence ();
  return NULL;
}

static void
test_sleep_threads (void)
{
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("sleeper", sleep_in_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

/* Without a signal, the wait ends after the deadline and says so. */
static void
test_cond_wait_deadline (void)
{
  GMutex mutex;
  GCond cond;

  g_mutex_init (&mutex);
  g_cond_init (&cond);
  g_mutex_lock (&mutex);

  for (guint i = 0; i < 10; i++)
    {
      gint64 deadline = _canopy_clock_monotonic_ns () + (i % 2 ? 30 : 1) * MS;

      /* early returns are allowed ("spurious"), but TRUE only before it */
      while (_canopy_cond_wait_until_ns (&cond, &mutex, deadline))
        ;
      g_assert_cmpint (_canopy_clock_monotonic_ns (), >=, deadline);
    }
  g_assert_false (_canopy_cond_wait_until_ns (&cond, &mutex, _canopy_clock_monotonic_ns () - MS));

  g_mutex_unlock (&mutex);
  g_mutex_clear (&mutex);
  g_cond_clear (&cond);
}

typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean flag;
} Shared;

static gpointer
signal_later (gpointer data)
{
  Shared *shared = data;

  g_usleep (5000);
  g_mutex_lock (&shared->mutex);
  shared->flag = TRUE;
  g_cond_signal (&shared->cond);
  g_mutex_unlock (&shared->mutex);
  return NULL;
}

/* Another thread's change is seen long before a far deadline: the waiter
 * was not stuck in an uninterruptible sleep. */
static void
test_cond_wait_signalled (void)
{
  Shared shared = { 0 };
  gint64 deadline = _canopy_clock_monotonic_ns () + 3600 * G_GINT64_CONSTANT (1000000000);
  GThread *thread;

  g_mutex_init (&shared.mutex);
  g_cond_init (&shared.cond);

  g_mutex_lock (&shared.mutex);
  thread = g_thread_new ("signaller", signal_later, &shared);
  while (!shared.flag)
    g_assert_true (_canopy_cond_wait_until_ns (&shared.cond, &shared.mutex, deadline));
  g_mutex_unlock (&shared.mutex);

  g_thread_join (thread);
  g_mutex_clear (&shared.mutex);
  g_cond_clear (&shared.cond);
}

/* Receive timestamps: Unix epoch, and finer than a system tick (Windows'
 * GetSystemTimeAsFileTime() moves in steps of up to 15.6 ms). */
static void
test_clock_realtime (void)
{
  gint64 ours = _canopy_clock_realtime_ns ();
  gint64 glib = g_get_real_time () * 1000;
  gint64 first, prev, step = G_MAXINT64;

  g_assert_cmpint (ABS (ours - glib), <, 2 * G_GINT64_CONSTANT (1000000000));

  /* The smallest step seen over a few changes of the clock. */
  first = prev = _canopy_clock_realtime_ns ();
  for (guint changes = 0; changes < 5; )
    {
      gint64 now = _canopy_clock_realtime_ns ();

      g_assert_cmpint (now - first, <, 10 * G_GINT64_CONSTANT (1000000000));
      if (now != prev)
        {
          step = MIN (step, now - prev);
          prev = now;
          changes++;
        }
    }
  g_test_message ("smallest realtime step: %" G_GINT64_FORMAT " ns", step);
  g_assert_cmpint (step, <, MS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sleep/describe", test_sleep_describe);
  g_test_add_func ("/sleep/clock/realtime", test_clock_realtime);
  g_test_add_func ("/sleep/until-deadline", test_sleep_until_deadline);
  g_test_add_func ("/sleep/absolute-sequence", test_sleep_absolute_sequence);
  g_test_add_func ("/sleep/threads", test_sleep_threads);
  g_test_add_func ("/sleep/cond-wait/deadline", test_cond_wait_deadline);
  g_test_add_func ("/sleep/cond-wait/signalled", test_cond_wait_signalled);

  return g_test_run ();
}

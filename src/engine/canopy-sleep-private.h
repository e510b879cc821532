/* canopy-sleep-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How long before a deadline a waiter stops waiting on a condition variable
 * (which anyone can wake, but whose time-out is relative and coarse) and
 * sleeps the rest of the way with _canopy_sleep_until_ns() (which nobody
 * can wake, but which ends on time). Changes made by other threads are
 * therefore noticed at most this late. */
#define CANOPY_SLEEP_GUARD_NS G_GINT64_CONSTANT (200000)

/* Sleeps until the monotonic clock of _canopy_clock_monotonic_ns() reaches
 * @deadline_ns; returns at once if it already has. This is the one place
 * that knows how each system sleeps precisely: clock_nanosleep() with
 * TIMER_ABSTIME where there is one (no accumulated error: the deadline is
 * absolute), a relative sleep computed at the last moment elsewhere. A
 * platform that needs per-thread state for this (a Windows high-resolution
 * waitable timer) keeps it in a GPrivate created lazily here. */
void     _canopy_sleep_until_ns     (gint64  deadline_ns);

/* Waits on @cond (with @mutex held, as g_cond_wait_until()) until it is
 * signalled or until @deadline_ns on the clock of
 * _canopy_clock_monotonic_ns(), whatever that clock's relation to
 * g_get_monotonic_time(). Returns FALSE once the deadline has passed; like
 * any condition wait it may also return early for no reason. */
gboolean _canopy_cond_wait_until_ns (GCond  *cond,
                                     GMutex *mutex,
                                     gint64  deadline_ns);

/* Called by a thread that exists only to sleep to deadlines and act on
 * them (the cyclic scheduler, a player's replay thread; never a thread
 * borrowed from the caller or a pool). Where the environment variable
 * CANOPY_REALTIME_PRIORITY=N (1–99) is set and the process may, the thread
 * switches to real-time scheduling (SCHED_FIFO N), which keeps its deadlines
 * on a loaded machine; otherwise, and by default, nothing changes. The
 * threads only ever sleep or send one frame, so they cannot starve the
 * machine. On Windows (canopy-sleep-win32.c) any valid N asks for
 * THREAD_PRIORITY_TIME_CRITICAL. */
void _canopy_sleep_request_realtime (void);

/* Windows (issue 7): src/engine/meson.build compiles canopy-sleep.c on every
 * host but Windows and canopy-sleep-win32.c there (a high-resolution waitable
 * timer, CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, or a normal one plus
 * timeBeginPeriod(1) on Windows before 10 1803); don't list canopy-sleep.c
 * in another source list. Names the mechanism, for tests and benchmarks. */
#ifdef G_OS_WIN32
const char *_canopy_sleep_describe (void);
#endif

G_END_DECLS

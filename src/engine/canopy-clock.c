/* canopy-clock.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <time.h>

#include "canopy-clock-private.h"

#ifdef G_OS_WIN32
# include <windows.h>
#endif

gint64
_canopy_clock_realtime_ns (void)
{
#if defined (G_OS_WIN32)
  /* g_get_real_time() reads GetSystemTimeAsFileTime(), which only moves on
   * the system tick (up to 15.6 ms): receive timestamps need the precise
   * clock (Windows 8 and later), in 100 ns units since 1601. */
  FILETIME ft;
  guint64 ticks;

  GetSystemTimePreciseAsFileTime (&ft);
  ticks = ((guint64) ft.dwHighDateTime << 32) | ft.dwLowDateTime;
  return (gint64) (ticks - G_GUINT64_CONSTANT (116444736000000000)) * 100;
#elif defined (HAVE_CLOCK_GETTIME)
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
#else
  return g_get_real_time () * 1000;
#endif
}

gint64
_canopy_clock_monotonic_ns (void)
{
#ifdef HAVE_CLOCK_GETTIME
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
#else
  return g_get_monotonic_time () * 1000;
#endif
}

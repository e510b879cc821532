/* canopy-time.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include "canopy-time-private.h"

/* Magnitudes are computed in guint64 with GLib's checked arithmetic, then
 * signed; |G_MININT64| is one more than G_MAXINT64. */
static gboolean
set_signed (gboolean  negative,
            guint64   magnitude,
            gint64   *ns)
{
  if (negative)
    {
      if (magnitude > (guint64) G_MAXINT64 + 1)
        return FALSE;
      *ns = magnitude == 0 ? 0 : -(gint64) (magnitude - 1) - 1;
    }
  else
    {
      if (magnitude > (guint64) G_MAXINT64)
        return FALSE;
      *ns = (gint64) magnitude;
    }
  return TRUE;
}

static guint64
magnitude_of (gint64 value)
{
  return value < 0 ? (guint64) -(value + 1) + 1 : (guint64) value;
}

gboolean
_canopy_time_from_seconds (gboolean  negative,
                           guint64   seconds,
                           guint32   fraction_ns,
                           gint64   *ns)
{
  guint64 magnitude;

  if (fraction_ns >= CANOPY_NS_PER_SECOND ||
      !g_uint64_checked_mul (&magnitude, seconds, CANOPY_NS_PER_SECOND) ||
      !g_uint64_checked_add (&magnitude, magnitude, fraction_ns))
    return FALSE;

  return set_signed (negative, magnitude, ns);
}

gboolean
_canopy_time_from_unix (gint64   unix_seconds,
                        guint32  fraction_ns,
                        gint64  *ns)
{
  gint64 whole;

  /* A negative Unix time with a fraction is (seconds + 1) - (1 - fraction)
   * away from zero; computing the whole seconds first keeps that exact. */
  if (!_canopy_time_from_seconds (unix_seconds < 0, magnitude_of (unix_seconds), 0, &whole))
    return FALSE;

  return _canopy_time_add (whole, fraction_ns, ns);
}

gboolean
_canopy_time_from_double (double  seconds,
                          gint64 *ns)
{
  double whole;
  double fraction_ns;
  gint64 whole_ns;

  if (!isfinite (seconds))
    return FALSE;

  /* Whole seconds and fraction apart: a double holds both parts of a
   * current timestamp far better than their product in nanoseconds. */
  whole = trunc (seconds);
  if (fabs (whole) > 9223372037.0)
    return FALSE;
  fraction_ns = round ((seconds - whole) * 1e9);

  if (_canopy_time_from_seconds (whole < 0, (guint64) fabs (whole), 0, &whole_ns) &&
      _canopy_time_add (whole_ns, (gint64) fraction_ns, ns))
    return TRUE;

  /* Doubles near 2262 step by about 2 µs: the double nearest to the last
   * representable nanosecond (what a writer stores for it) lies just
   * past it. That one ulp is the last nanosecond, not an overflow. */
  if (fabs (seconds) <= 9223372036.854778)
    {
      *ns = seconds < 0 ? G_MININT64 : G_MAXINT64;
      return TRUE;
    }

  return FALSE;
}

gboolean
_canopy_time_from_units (gint64  count,
                         gint64  unit_ns,
                         gint64 *ns)
{
  guint64 magnitude;

  if (unit_ns < 0 ||
      !g_uint64_checked_mul (&magnitude, magnitude_of (count), (guint64) unit_ns))
    return FALSE;

  return set_signed (count < 0, magnitude, ns);
}

gboolean
_canopy_time_add (gint64  base_ns,
                  gint64  offset_ns,
                  gint64 *ns)
{
  if ((offset_ns > 0 && base_ns > G_MAXINT64 - offset_ns) ||
      (offset_ns < 0 && base_ns < G_MININT64 - offset_ns))
    return FALSE;

  *ns = base_ns + offset_ns;
  return TRUE;
}

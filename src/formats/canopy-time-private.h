/* canopy-time-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The one checked way from a format's time representation to the signed
 * 64-bit nanoseconds of CanopyMessage.timestamp_ns, which span
 * 1677-09-21 to 2262-04-11. Every function returns FALSE, leaving @ns
 * untouched, when the time cannot be represented: readers then count the
 * line or object as bad instead of wrapping or hitting undefined
 * behaviour. */

#define CANOPY_NS_PER_SECOND G_GINT64_CONSTANT (1000000000)

/* [-]@seconds + @fraction_ns (0 … 999999999) */
gboolean _canopy_time_from_seconds (gboolean  negative,
                                    guint64   seconds,
                                    guint32   fraction_ns,
                                    gint64   *ns);
/* Signed whole seconds (a Unix time) plus @fraction_ns (0 … 999999999). */
gboolean _canopy_time_from_unix    (gint64    unix_seconds,
                                    guint32   fraction_ns,
                                    gint64   *ns);
/* Seconds as a double (SQLite ts, "1e9"-style text), rounded to the
 * nanosecond; NaN and infinities are unrepresentable. */
gboolean _canopy_time_from_double  (double    seconds,
                                    gint64   *ns);
/* @count units of @unit_ns nanoseconds (BLF 10 µs ticks, TRC days). */
gboolean _canopy_time_from_units   (gint64    count,
                                    gint64    unit_ns,
                                    gint64   *ns);
/* @base_ns + @offset_ns (a file's start plus an event's offset). */
gboolean _canopy_time_add          (gint64    base_ns,
                                    gint64    offset_ns,
                                    gint64   *ns);

G_END_DECLS

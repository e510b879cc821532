/* canopy-clock-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Wall-clock nanoseconds since the Unix epoch: receive timestamps, as
 * python-can's time.time(). */
gint64 _canopy_clock_realtime_ns  (void);
/* Monotonic nanoseconds: for deadlines and intervals. */
gint64 _canopy_clock_monotonic_ns (void);

G_END_DECLS

/* canopy-per-id-view.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>

G_BEGIN_DECLS

/* canopy-logger --per-id: receives from @bus into a CanopyIdTable and shows
 * it one line per identifier, as can-utils' cansniffer — redrawn in place
 * ten times a second on a terminal, printed once at the end otherwise.
 * Stops after @max_frames frames (0: no limit), at the monotonic time
 * @deadline (0: none) or on Ctrl+C. */
gboolean canopy_per_id_view_run (CanopyBus  *bus,
                                 gint64      max_frames,
                                 gint64      deadline,
                                 guint64    *n_frames,
                                 GError    **error);

G_END_DECLS

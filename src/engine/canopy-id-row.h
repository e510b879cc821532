/* canopy-id-row.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib-object.h>

#include "canopy-message.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_ID_ROW (canopy_id_row_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyIdRow, canopy_id_row, CANOPY, ID_ROW, GObject)

CANOPY_AVAILABLE_IN_ALL
const CanopyMessage *canopy_id_row_get_message            (CanopyIdRow *self);
CANOPY_AVAILABLE_IN_ALL
guint32              canopy_id_row_get_arbitration_id     (CanopyIdRow *self);
CANOPY_AVAILABLE_IN_ALL
int                  canopy_id_row_get_channel            (CanopyIdRow *self);
CANOPY_AVAILABLE_IN_ALL
gboolean             canopy_id_row_is_extended            (CanopyIdRow *self);
CANOPY_AVAILABLE_IN_ALL
guint64              canopy_id_row_get_count              (CanopyIdRow *self);
CANOPY_AVAILABLE_IN_ALL
gint64               canopy_id_row_get_period_last_ns     (CanopyIdRow *self);
CANOPY_AVAILABLE_IN_ALL
gint64               canopy_id_row_get_period_mean_ns     (CanopyIdRow *self);
CANOPY_AVAILABLE_IN_ALL
gint64               canopy_id_row_get_period_min_ns      (CanopyIdRow *self);
CANOPY_AVAILABLE_IN_ALL
gint64               canopy_id_row_get_period_max_ns      (CanopyIdRow *self);
CANOPY_AVAILABLE_IN_ALL
guint64              canopy_id_row_get_changed_mask       (CanopyIdRow *self);
CANOPY_AVAILABLE_IN_ALL
gint64               canopy_id_row_get_first_timestamp_ns (CanopyIdRow *self);
CANOPY_AVAILABLE_IN_ALL
gint64               canopy_id_row_get_last_timestamp_ns  (CanopyIdRow *self);

G_END_DECLS

/* canopy-id-table.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-id-row.h"
#include "canopy-message.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_ID_TABLE (canopy_id_table_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyIdTable, canopy_id_table, CANOPY, ID_TABLE, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyIdTable *canopy_id_table_new        (void);
CANOPY_AVAILABLE_IN_ALL
void           canopy_id_table_feed       (CanopyIdTable       *self,
                                           const CanopyMessage *msgs,
                                           guint                n_msgs);
CANOPY_AVAILABLE_IN_ALL
void           canopy_id_table_clear      (CanopyIdTable       *self);
CANOPY_AVAILABLE_IN_ALL
void           canopy_id_table_set_paused (CanopyIdTable       *self,
                                           gboolean             paused);
CANOPY_AVAILABLE_IN_ALL
gboolean       canopy_id_table_get_paused (CanopyIdTable       *self);
CANOPY_AVAILABLE_IN_ALL
guint64        canopy_id_table_get_n_frames (CanopyIdTable     *self);
CANOPY_AVAILABLE_IN_ALL
guint64        canopy_id_table_get_n_untracked (CanopyIdTable  *self);
CANOPY_AVAILABLE_IN_ALL
void           canopy_id_table_set_max_ids (CanopyIdTable      *self,
                                            guint               max_ids);
CANOPY_AVAILABLE_IN_ALL
guint          canopy_id_table_get_max_ids (CanopyIdTable      *self);

G_END_DECLS

/* canopy-frame-item.h
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

#define CANOPY_TYPE_FRAME_ITEM (canopy_frame_item_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyFrameItem, canopy_frame_item, CANOPY, FRAME_ITEM, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyFrameItem     *canopy_frame_item_new          (const CanopyMessage *message,
                                                     guint64              position);
CANOPY_AVAILABLE_IN_ALL
const CanopyMessage *canopy_frame_item_get_message  (CanopyFrameItem     *self);
CANOPY_AVAILABLE_IN_ALL
guint64              canopy_frame_item_get_position (CanopyFrameItem     *self);

G_END_DECLS

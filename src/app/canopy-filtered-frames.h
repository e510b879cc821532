/* canopy-filtered-frames.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "canopy-display-filter.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_FILTERED_FRAMES (canopy_filtered_frames_get_type ())

G_DECLARE_FINAL_TYPE (CanopyFilteredFrames, canopy_filtered_frames, CANOPY, FILTERED_FRAMES, GObject)

CanopyFilteredFrames *canopy_filtered_frames_new                 (GListModel           *source,
                                                                  CanopyDisplayFilter  *filter);
GListModel           *canopy_filtered_frames_get_source          (CanopyFilteredFrames *self);
CanopyDisplayFilter  *canopy_filtered_frames_get_filter          (CanopyFilteredFrames *self);
void                  canopy_filtered_frames_set_filter          (CanopyFilteredFrames *self,
                                                                  CanopyDisplayFilter  *filter);
gboolean              canopy_filtered_frames_get_pending         (CanopyFilteredFrames *self);
guint                 canopy_filtered_frames_get_source_position (CanopyFilteredFrames *self,
                                                                  guint                 position);
guint                 canopy_filtered_frames_find_position       (CanopyFilteredFrames *self,
                                                                  guint                 source_position);

G_END_DECLS

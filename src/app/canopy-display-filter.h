/* canopy-display-filter.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>

G_BEGIN_DECLS

/* Which direction of traffic a display filter shows. */
typedef enum
{
  CANOPY_DIRECTION_FILTER_BOTH,
  CANOPY_DIRECTION_FILTER_RX,
  CANOPY_DIRECTION_FILTER_TX,
} CanopyDirectionFilter;

/* What a display filter does with error frames. */
typedef enum
{
  CANOPY_ERROR_FRAMES_SHOW,
  CANOPY_ERROR_FRAMES_HIDE,
  CANOPY_ERROR_FRAMES_ONLY,
} CanopyErrorFrames;

#define CANOPY_TYPE_DISPLAY_FILTER (canopy_display_filter_get_type ())

G_DECLARE_FINAL_TYPE (CanopyDisplayFilter, canopy_display_filter, CANOPY, DISPLAY_FILTER, GObject)

CanopyDisplayFilter   *canopy_display_filter_new               (const char            *ids,
                                                                 const char            *data,
                                                                 CanopyDirectionFilter  direction,
                                                                 CanopyErrorFrames      error_frames,
                                                                 const char            *channel,
                                                                 GError               **error);
CanopyDisplayFilter   *canopy_display_filter_new_from_key_file (GKeyFile              *key_file,
                                                                 const char            *group,
                                                                 GError               **error);
void                   canopy_display_filter_to_key_file       (CanopyDisplayFilter   *self,
                                                                 GKeyFile              *key_file,
                                                                 const char            *group);
gboolean               canopy_display_filter_matches           (CanopyDisplayFilter   *self,
                                                                 const CanopyMessage   *msg);
gboolean               canopy_display_filter_is_empty          (CanopyDisplayFilter   *self);
gboolean               canopy_display_filter_get_by_id_only    (CanopyDisplayFilter   *self);
const char            *canopy_display_filter_get_ids           (CanopyDisplayFilter   *self);
const char            *canopy_display_filter_get_data          (CanopyDisplayFilter   *self);
CanopyDirectionFilter  canopy_display_filter_get_direction     (CanopyDisplayFilter   *self);
CanopyErrorFrames      canopy_display_filter_get_error_frames  (CanopyDisplayFilter   *self);
const char            *canopy_display_filter_get_channel       (CanopyDisplayFilter   *self);

G_END_DECLS

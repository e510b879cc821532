/* canopy-frame-pattern.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>

G_BEGIN_DECLS

/* What "Find" looks for in a log: one identifier, or a run of data bytes
 * (each byte may have wildcard nibbles) anywhere in the payload. A plain
 * value: the search thread gets its own copy. */
typedef struct
{
  gboolean by_id;
  guint32  id;
  gboolean extended;
  guint    n_bytes;
  guint8   value[CANOPY_MESSAGE_MAX_DATA];
  guint8   mask[CANOPY_MESSAGE_MAX_DATA];
} CanopyFramePattern;

gboolean canopy_frame_pattern_parse (CanopyFramePattern        *pattern,
                                     const char                *text,
                                     GError                   **error);
gboolean canopy_frame_pattern_match (const CanopyFramePattern  *pattern,
                                     const CanopyMessage       *msg);

G_END_DECLS

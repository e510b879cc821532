/* canopy-filter.h
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

#define CANOPY_TYPE_FILTER (canopy_filter_get_type ())

typedef struct _CanopyFilter CanopyFilter;

/**
 * CanopyFilter:
 * @can_id: the identifier to compare with
 * @can_mask: the bits of the identifier that count
 * @extended: which identifier width matches, when @match_id_type is set
 * @match_id_type: whether @extended is honoured; when %FALSE both standard
 *   and extended frames can match
 * @inverted: match the frames the filter would otherwise reject
 *
 * An acceptance filter: a frame matches when
 * `id & can_mask == can_id & can_mask` (python-can's rule).
 */
struct _CanopyFilter
{
  guint32  can_id;
  guint32  can_mask;
  gboolean extended;
  gboolean match_id_type;
  gboolean inverted;
};

CANOPY_AVAILABLE_IN_ALL
GType         canopy_filter_get_type       (void) G_GNUC_CONST;
CANOPY_AVAILABLE_IN_ALL
CanopyFilter *canopy_filter_new            (guint32              can_id,
                                            guint32              can_mask,
                                            gboolean             extended);
CANOPY_AVAILABLE_IN_ALL
CanopyFilter *canopy_filter_new_any_id_type (guint32             can_id,
                                            guint32              can_mask);
CANOPY_AVAILABLE_IN_ALL
CanopyFilter *canopy_filter_parse          (const char          *text,
                                            GError             **error);
CANOPY_AVAILABLE_IN_ALL
CanopyFilter *canopy_filter_copy           (const CanopyFilter  *filter);
CANOPY_AVAILABLE_IN_ALL
void          canopy_filter_free           (CanopyFilter        *filter);
CANOPY_AVAILABLE_IN_ALL
gboolean      canopy_filter_matches        (const CanopyFilter  *filter,
                                            const CanopyMessage *msg);
CANOPY_AVAILABLE_IN_ALL
gboolean      canopy_filters_match         (const CanopyFilter  *filters,
                                            guint                n_filters,
                                            const CanopyMessage *msg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyFilter, canopy_filter_free)

G_END_DECLS

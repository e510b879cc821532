/* canopy-filter-set.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>

#include "canopy-display-filter.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_FILTER_SET (canopy_filter_set_get_type ())

G_DECLARE_FINAL_TYPE (CanopyFilterSet, canopy_filter_set, CANOPY, FILTER_SET, GObject)

CanopyFilterSet     *canopy_filter_set_new                (const CanopyFilter   *acceptance,
                                                           guint                 n_acceptance,
                                                           CanopyDisplayFilter  *display);
CanopyFilterSet     *canopy_filter_set_new_from_data      (const char           *data,
                                                           GError              **error);
char                *canopy_filter_set_to_data            (CanopyFilterSet      *self);
const CanopyFilter  *canopy_filter_set_get_acceptance     (CanopyFilterSet      *self,
                                                           guint                *n_acceptance);
CanopyDisplayFilter *canopy_filter_set_get_display        (CanopyFilterSet      *self);

gboolean             canopy_acceptance_filter_parse       (const char           *text,
                                                           CanopyFilter         *filter,
                                                           GError              **error);
char                *canopy_acceptance_filter_to_string   (const CanopyFilter   *filter);

G_END_DECLS

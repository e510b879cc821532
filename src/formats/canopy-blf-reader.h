/* canopy-blf-reader.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-log-reader.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_BLF_READER (canopy_blf_reader_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyBlfReader, canopy_blf_reader, CANOPY, BLF_READER, CanopyLogReader)

CANOPY_AVAILABLE_IN_ALL
CanopyBlfReader *canopy_blf_reader_new                (const char       *path,
                                                       GError          **error);
CANOPY_AVAILABLE_IN_ALL
gboolean         canopy_blf_reader_get_utc            (CanopyBlfReader  *self);
CANOPY_AVAILABLE_IN_ALL
gint64           canopy_blf_reader_get_start_time_ns  (CanopyBlfReader  *self);
CANOPY_AVAILABLE_IN_ALL
gint64           canopy_blf_reader_get_stop_time_ns   (CanopyBlfReader  *self);
CANOPY_AVAILABLE_IN_ALL
guint            canopy_blf_reader_get_object_count   (CanopyBlfReader  *self);
CANOPY_AVAILABLE_IN_ALL
guint64          canopy_blf_reader_get_skipped        (CanopyBlfReader  *self);
CANOPY_AVAILABLE_IN_ALL
guint           *canopy_blf_reader_dup_object_types   (CanopyBlfReader  *self,
                                                       guint            *n_types);
CANOPY_AVAILABLE_IN_ALL
guint64          canopy_blf_reader_get_n_objects_of_type (CanopyBlfReader *self,
                                                       guint             type);
CANOPY_AVAILABLE_IN_ALL
const char      *canopy_blf_reader_get_object_type_name (guint           type);

G_END_DECLS

/* canopy-blf-writer.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-log-writer.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_BLF_WRITER (canopy_blf_writer_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyBlfWriter, canopy_blf_writer, CANOPY, BLF_WRITER, CanopyLogWriter)

CANOPY_AVAILABLE_IN_ALL
CanopyBlfWriter *canopy_blf_writer_new                   (const char       *path,
                                                          GError          **error);
CANOPY_AVAILABLE_IN_ALL
int              canopy_blf_writer_get_compression_level (CanopyBlfWriter  *self);
CANOPY_AVAILABLE_IN_ALL
gboolean         canopy_blf_writer_get_utc               (CanopyBlfWriter  *self);

G_END_DECLS

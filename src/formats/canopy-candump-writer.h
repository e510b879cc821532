/* canopy-candump-writer.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-log-writer.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_CANDUMP_WRITER (canopy_candump_writer_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyCandumpWriter, canopy_candump_writer, CANOPY, CANDUMP_WRITER, CanopyLogWriter)

CANOPY_AVAILABLE_IN_ALL
CanopyCandumpWriter *canopy_candump_writer_new (const char  *path,
                                                GError     **error);

G_END_DECLS

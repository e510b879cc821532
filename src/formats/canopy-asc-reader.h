/* canopy-asc-reader.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-log-reader.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_ASC_READER (canopy_asc_reader_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyAscReader, canopy_asc_reader, CANOPY, ASC_READER, CanopyLogReader)

CANOPY_AVAILABLE_IN_ALL
CanopyAscReader *canopy_asc_reader_new (const char  *path,
                                        GError     **error);

G_END_DECLS

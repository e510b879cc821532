/* canopy-csv-writer.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-log-writer.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_CSV_WRITER (canopy_csv_writer_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyCsvWriter, canopy_csv_writer, CANOPY, CSV_WRITER, CanopyLogWriter)

CANOPY_AVAILABLE_IN_ALL
CanopyCsvWriter *canopy_csv_writer_new (const char  *path,
                                        GError     **error);

G_END_DECLS

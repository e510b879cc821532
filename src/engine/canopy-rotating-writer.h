/* canopy-rotating-writer.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-log-writer.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_ROTATING_WRITER (canopy_rotating_writer_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyRotatingWriter, canopy_rotating_writer, CANOPY, ROTATING_WRITER, CanopyLogWriter)

CANOPY_AVAILABLE_IN_ALL
CanopyRotatingWriter *canopy_rotating_writer_new              (const char            *path,
                                                               guint64                rotate_size,
                                                               double                 rotate_time,
                                                               GError               **error);
CANOPY_AVAILABLE_IN_ALL
CanopyRotatingWriter *canopy_rotating_writer_new_for_gfile    (GFile                 *file,
                                                               guint64                rotate_size,
                                                               double                 rotate_time,
                                                               GError               **error);
CANOPY_AVAILABLE_IN_ALL
guint64               canopy_rotating_writer_get_rotate_size  (CanopyRotatingWriter  *self);
CANOPY_AVAILABLE_IN_ALL
double                canopy_rotating_writer_get_rotate_time  (CanopyRotatingWriter  *self);
CANOPY_AVAILABLE_IN_ALL
char                 *canopy_rotating_writer_dup_current_path (CanopyRotatingWriter  *self);
CANOPY_AVAILABLE_IN_ALL
guint                 canopy_rotating_writer_get_n_files      (CanopyRotatingWriter  *self);
CANOPY_AVAILABLE_IN_ALL
char                 *canopy_rotating_writer_dup_file_path    (CanopyRotatingWriter  *self,
                                                               guint                  index);

G_END_DECLS

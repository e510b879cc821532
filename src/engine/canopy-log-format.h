/* canopy-log-format.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_LOG_FORMAT (canopy_log_format_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyLogFormat, canopy_log_format, CANOPY, LOG_FORMAT, GObject)

CANOPY_AVAILABLE_IN_ALL
const char          *canopy_log_format_get_name        (CanopyLogFormat *self);
CANOPY_AVAILABLE_IN_ALL
const char          *canopy_log_format_get_description (CanopyLogFormat *self);
CANOPY_AVAILABLE_IN_ALL
const char * const  *canopy_log_format_get_extensions  (CanopyLogFormat *self);
CANOPY_AVAILABLE_IN_ALL
const char * const  *canopy_log_format_get_globs       (CanopyLogFormat *self);
CANOPY_AVAILABLE_IN_ALL
const char          *canopy_log_format_get_mime_type   (CanopyLogFormat *self);
CANOPY_AVAILABLE_IN_ALL
GType                canopy_log_format_get_reader_type (CanopyLogFormat *self);
CANOPY_AVAILABLE_IN_ALL
GType                canopy_log_format_get_writer_type (CanopyLogFormat *self);
CANOPY_AVAILABLE_IN_ALL
gboolean             canopy_log_format_get_can_read    (CanopyLogFormat *self);
CANOPY_AVAILABLE_IN_ALL
gboolean             canopy_log_format_get_can_write   (CanopyLogFormat *self);
CANOPY_AVAILABLE_IN_ALL
gboolean             canopy_log_format_get_compressible (CanopyLogFormat *self);

CANOPY_AVAILABLE_IN_ALL
GListModel          *canopy_log_format_list            (void);
CANOPY_AVAILABLE_IN_ALL
CanopyLogFormat     *canopy_log_format_lookup          (const char      *name);
CANOPY_AVAILABLE_IN_ALL
CanopyLogFormat     *canopy_log_format_lookup_for_path (const char      *path);

G_END_DECLS

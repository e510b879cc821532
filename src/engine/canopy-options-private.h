/* canopy-options-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Driver options arrive as strings, as they stand in a config file. */
gboolean _canopy_options_get_boolean (GHashTable  *options,
                                      const char  *key,
                                      gboolean     default_value,
                                      gboolean    *value,
                                      GError     **error);
gboolean _canopy_options_get_uint    (GHashTable  *options,
                                      const char  *key,
                                      guint64      default_value,
                                      guint64      max_value,
                                      guint64     *value,
                                      GError     **error);

/* The `queue_size` option of a driver with a receive queue: at least one
 * frame, at most CANOPY_OPTIONS_MAX_QUEUE_SIZE. @driver names the driver in
 * the message. */
#define CANOPY_OPTIONS_MAX_QUEUE_SIZE (16 * 1024 * 1024)

gboolean _canopy_options_get_queue_size (GHashTable  *options,
                                         guint        default_value,
                                         const char  *driver,
                                         guint       *value,
                                         GError     **error);

G_END_DECLS

/* canopy-database.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-message.h"
#include "canopy-message-def.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

/**
 * CANOPY_DATABASE_MAX_FILE_SIZE:
 *
 * The largest DBC text Canopy parses: 256 MiB (real files are a few MiB).
 */
#define CANOPY_DATABASE_MAX_FILE_SIZE (256u * 1024u * 1024u)

#define CANOPY_TYPE_DATABASE (canopy_database_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyDatabase, canopy_database, CANOPY, DATABASE, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyDatabase     *canopy_database_new_from_file          (const char          *path,
                                                            GError             **error);
CANOPY_AVAILABLE_IN_ALL
CanopyDatabase     *canopy_database_new_from_data          (const guint8        *data,
                                                            gsize                len,
                                                            GError             **error);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_database_get_version            (CanopyDatabase      *self);
CANOPY_AVAILABLE_IN_ALL
const char * const *canopy_database_get_nodes              (CanopyDatabase      *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_database_get_comment            (CanopyDatabase      *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_database_get_attribute          (CanopyDatabase      *self,
                                                            const char          *name);
CANOPY_AVAILABLE_IN_ALL
guint               canopy_database_get_n_messages         (CanopyDatabase      *self);
CANOPY_AVAILABLE_IN_ALL
CanopyMessageDef   *canopy_database_get_message            (CanopyDatabase      *self,
                                                            guint                index);
CANOPY_AVAILABLE_IN_ALL
CanopyMessageDef   *canopy_database_lookup_message         (CanopyDatabase      *self,
                                                            guint32              arbitration_id,
                                                            gboolean             extended);
CANOPY_AVAILABLE_IN_ALL
CanopyMessageDef   *canopy_database_lookup_message_by_name (CanopyDatabase      *self,
                                                            const char          *name);
CANOPY_AVAILABLE_IN_ALL
CanopyMessageDef   *canopy_database_lookup_frame           (CanopyDatabase      *self,
                                                            const CanopyMessage *frame);
CANOPY_AVAILABLE_IN_ALL
GPtrArray          *canopy_database_decode                 (CanopyDatabase      *self,
                                                            const CanopyMessage *frame,
                                                            GError             **error);
CANOPY_AVAILABLE_IN_ALL
CanopyMessage      *canopy_database_encode                 (CanopyDatabase      *self,
                                                            const char          *message_name,
                                                            const char * const  *names,
                                                            const double        *values,
                                                            gsize                n_values,
                                                            GError             **error);
CANOPY_AVAILABLE_IN_ALL
guint               canopy_database_get_n_skipped          (CanopyDatabase      *self);
CANOPY_AVAILABLE_IN_ALL
const char * const *canopy_database_get_problems           (CanopyDatabase      *self);
CANOPY_AVAILABLE_IN_ALL
char              **canopy_database_list_value_tables      (CanopyDatabase      *self);
CANOPY_AVAILABLE_IN_ALL
const char         *canopy_database_lookup_value_table_text (CanopyDatabase     *self,
                                                             const char         *table,
                                                             gint64              raw);

G_END_DECLS

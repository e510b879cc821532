/* canopy-connection.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define CANOPY_TYPE_CONNECTION (canopy_connection_get_type ())

G_DECLARE_FINAL_TYPE (CanopyConnection, canopy_connection, CANOPY, CONNECTION, GObject)

void                canopy_connection_open_async     (const char           *interface,
                                                      const char           *channel,
                                                      GHashTable           *options,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
CanopyConnection   *canopy_connection_open_finish    (GAsyncResult         *result,
                                                      GError              **error);
CanopyBus          *canopy_connection_get_bus        (CanopyConnection     *self);
GListModel         *canopy_connection_get_trace      (CanopyConnection     *self);
GListModel         *canopy_connection_get_id_table   (CanopyConnection     *self);
const char         *canopy_connection_get_title      (CanopyConnection     *self);
gboolean            canopy_connection_get_paused     (CanopyConnection     *self);
void                canopy_connection_set_paused     (CanopyConnection     *self,
                                                      gboolean              paused);
const GError       *canopy_connection_get_error      (CanopyConnection     *self);
void                canopy_connection_add_listener   (CanopyConnection     *self,
                                                      CanopyListener       *listener);
void                canopy_connection_remove_listener (CanopyConnection    *self,
                                                      CanopyListener       *listener);
void                canopy_connection_close          (CanopyConnection     *self);

GHashTable         *canopy_connection_parse_options  (const char * const   *assignments,
                                                      GError              **error);
char               *canopy_connection_describe_error (const char           *interface,
                                                      const char           *channel,
                                                      const GError         *error);

G_END_DECLS

/* canopy-window.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "canopy-application.h"
#include "canopy-connection.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_WINDOW (canopy_window_get_type ())

G_DECLARE_FINAL_TYPE (CanopyWindow, canopy_window, CANOPY, WINDOW, GtkApplicationWindow)

CanopyWindow *canopy_window_new            (CanopyApplication    *application);
void          canopy_window_connect        (CanopyWindow         *self,
                                            const char           *interface,
                                            const char           *channel,
                                            GHashTable           *options);
void          canopy_window_connect_async  (CanopyWindow         *self,
                                            const char           *interface,
                                            const char           *channel,
                                            GHashTable           *options,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean      canopy_window_connect_finish (CanopyWindow         *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void          canopy_window_disconnect     (CanopyWindow         *self);
void          canopy_window_open_file      (CanopyWindow         *self,
                                            GFile                *file);
CanopyConnection *canopy_window_get_connection (CanopyWindow     *self);
gboolean      canopy_window_is_following   (CanopyWindow         *self);
void          canopy_window_show_pane      (CanopyWindow         *self,
                                            const char           *name);

G_END_DECLS

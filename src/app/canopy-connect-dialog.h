/* canopy-connect-dialog.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "canopy-window.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_CONNECT_DIALOG (canopy_connect_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CanopyConnectDialog, canopy_connect_dialog, CANOPY, CONNECT_DIALOG, GtkWindow)

CanopyConnectDialog *canopy_connect_dialog_new (CanopyWindow *window,
                                                GSettings    *settings);

G_END_DECLS

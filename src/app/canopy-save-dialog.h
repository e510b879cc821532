/* canopy-save-dialog.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include <canopy.h>

G_BEGIN_DECLS

#define CANOPY_TYPE_SAVE_DIALOG (canopy_save_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CanopySaveDialog, canopy_save_dialog, CANOPY, SAVE_DIALOG, GtkWindow)

CanopySaveDialog *canopy_save_dialog_new (GtkWindow  *parent,
                                          const char *title,
                                          GListModel *frames,
                                          GtkBitset  *selected);

G_END_DECLS

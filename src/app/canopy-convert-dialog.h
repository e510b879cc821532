/* canopy-convert-dialog.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include <canopy.h>

G_BEGIN_DECLS

#define CANOPY_TYPE_CONVERT_DIALOG (canopy_convert_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CanopyConvertDialog, canopy_convert_dialog, CANOPY, CONVERT_DIALOG, GtkWindow)

CanopyConvertDialog *canopy_convert_dialog_new (GtkWindow *parent,
                                                GFile     *source);

G_END_DECLS

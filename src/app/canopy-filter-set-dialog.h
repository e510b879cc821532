/* canopy-filter-set-dialog.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "canopy-filter-set.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_FILTER_SET_DIALOG (canopy_filter_set_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CanopyFilterSetDialog, canopy_filter_set_dialog, CANOPY, FILTER_SET_DIALOG, GtkWindow)

CanopyFilterSetDialog *canopy_filter_set_dialog_new_save (GtkWindow       *parent,
                                                          CanopyFilterSet *set,
                                                          const char      *path);
CanopyFilterSetDialog *canopy_filter_set_dialog_new_load (GtkWindow       *parent,
                                                          const char      *path);
const char            *canopy_filter_set_dialog_get_path (CanopyFilterSetDialog *self);

G_END_DECLS

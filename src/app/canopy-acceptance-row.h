/* canopy-acceptance-row.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANOPY_TYPE_ACCEPTANCE_ROW (canopy_acceptance_row_get_type ())

G_DECLARE_FINAL_TYPE (CanopyAcceptanceRow, canopy_acceptance_row, CANOPY, ACCEPTANCE_ROW, GtkListBoxRow)

GtkWidget *canopy_acceptance_row_new        (const CanopyFilter  *filter);
gboolean   canopy_acceptance_row_get_filter (CanopyAcceptanceRow *self,
                                             CanopyFilter        *filter,
                                             GError             **error);

G_END_DECLS

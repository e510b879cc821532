/* canopy-close-later.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void canopy_close_later_window (GtkWindow *window);
void canopy_close_later_page   (GtkWidget *page);

G_END_DECLS

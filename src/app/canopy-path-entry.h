/* canopy-path-entry.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GFile *canopy_path_entry_get_file         (GtkEditable          *entry);
void   canopy_path_entry_set_file         (GtkEditable          *entry,
                                           GFile                *file);
void   canopy_path_entry_choose           (GtkEditable          *entry,
                                           GtkWindow            *parent,
                                           GtkFileChooserAction  action,
                                           const char           *title,
                                           const char           *suggested_name,
                                           GtkFileFilter        *filter);
GtkFileFilter *canopy_path_entry_new_log_filter (void);
void   canopy_path_entry_add_filters      (GtkFileChooser       *chooser,
                                           GtkFileFilter        *filter);
char  *canopy_path_entry_describe_formats (gboolean              writable);

G_END_DECLS

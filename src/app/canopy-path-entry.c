/* canopy-path-entry.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <canopy.h>

#include "canopy-path-entry.h"

/* The dialogs that take a file take it as text in an entry, which a
 * person may type or paste and a script may fill, with a "Choose…" button
 * beside it for the desktop's file chooser. */

/**
 * canopy_path_entry_get_file:
 *
 * Returns: (transfer full) (nullable): the file the entry names (a path,
 *   `~/…`, or a URI), or %NULL when it is empty
 */
GFile *
canopy_path_entry_get_file (GtkEditable *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  if (*text == '\0')
    return NULL;

  if (text[0] == '~' && (text[1] == '/' || text[1] == '\0'))
    {
      g_autofree char *path = g_build_filename (g_get_home_dir (), text + 1, NULL);

      return g_file_new_for_path (path);
    }

  return g_file_new_for_commandline_arg (text);
}

void
canopy_path_entry_set_file (GtkEditable *entry,
                            GFile       *file)
{
  g_autofree char *name = g_file_get_parse_name (file);

  gtk_editable_set_text (entry, name);
  gtk_editable_set_position (entry, -1);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     GtkEditable     *entry)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        canopy_path_entry_set_file (entry, file);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (entry);
}

/**
 * canopy_path_entry_new_log_filter:
 *
 * Returns: (transfer full): a file filter for the logs Canopy opens
 */
GtkFileFilter *
canopy_path_entry_new_log_filter (void)
{
  static const char *patterns[] = { "*.blf", "*.asc", "*.csv", "*.db", "*.log", "*.trc",
                                    "*.asc.gz", "*.csv.gz", "*.log.gz", NULL };
  GtkFileFilter *logs = gtk_file_filter_new ();

  gtk_file_filter_set_name (logs, _("CAN logs"));
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (logs, patterns[i]);

  return logs;
}

/**
 * canopy_path_entry_add_filters:
 * @filter: the files the chooser shows first
 *
 * Offers @filter, and "All files" after it.
 */
void
canopy_path_entry_add_filters (GtkFileChooser *chooser,
                               GtkFileFilter  *filter)
{
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (chooser, filter);
  gtk_file_chooser_add_filter (chooser, all);
}

/**
 * canopy_path_entry_choose:
 * @suggested_name: (nullable): the name a save chooser offers while the
 *   entry is empty
 * @filter: (nullable): the files the chooser shows first ("All files"
 *   come after them)
 *
 * Lets the user pick the file with the desktop's chooser, starting from
 * what the entry holds; the choice replaces the entry's text. The entry is
 * kept alive until the chooser answers, so its dialog may close meanwhile.
 */
void
canopy_path_entry_choose (GtkEditable          *entry,
                          GtkWindow            *parent,
                          GtkFileChooserAction  action,
                          const char           *title,
                          const char           *suggested_name,
                          GtkFileFilter        *filter)
{
  g_autoptr(GFile) current = canopy_path_entry_get_file (entry);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (title, parent, action,
                                         action == GTK_FILE_CHOOSER_ACTION_SAVE ? _("_Select") : _("_Open"),
                                         _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (current != NULL)
    {
      g_autoptr(GFile) folder = g_file_get_parent (current);
      g_autofree char *name = g_file_get_basename (current);

      if (folder != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
      if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
        gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
      else
        gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), current, NULL);
    }
  else if (suggested_name != NULL && action == GTK_FILE_CHOOSER_ACTION_SAVE)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), suggested_name);
  if (filter != NULL)
    canopy_path_entry_add_filters (GTK_FILE_CHOOSER (chooser), filter);

  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), g_object_ref (entry));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/**
 * canopy_path_entry_describe_formats:
 * @writable: list the formats Canopy writes rather than those it reads
 *
 * Returns: (transfer full): the formats' extensions for a hint under the
 *   entry, e.g. ".asc, .blf, .csv"
 */
char *
canopy_path_entry_describe_formats (gboolean writable)
{
  g_autoptr(GListModel) formats = canopy_log_format_list ();
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (formats); i++)
    {
      g_autoptr(CanopyLogFormat) format = g_list_model_get_item (formats, i);
      const char * const *extensions = canopy_log_format_get_extensions (format);

      if (writable ? !canopy_log_format_get_can_write (format) : !canopy_log_format_get_can_read (format))
        continue;
      for (guint j = 0; extensions != NULL && extensions[j] != NULL; j++)
        g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", extensions[j]);
    }

  return g_string_free (text, FALSE);
}

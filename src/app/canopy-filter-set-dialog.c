/* canopy-filter-set-dialog.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "canopy-filter-set-dialog.h"
#include "canopy-path-entry.h"

/* Saves a filter set to a file or loads one, by a path typed into an entry
 * (scripts and tests type it) or picked with "Choose…". The file is read and
 * written asynchronously; a failure stays in the dialog, in words, so the
 * path can be corrected. */

typedef enum
{
  MODE_SAVE,
  MODE_LOAD,
} DialogMode;

struct _CanopyFilterSetDialog
{
  GtkWindow        parent_instance;

  GtkButton       *accept_button;
  GtkEntry        *path_entry;
  GtkLabel        *error_label;

  DialogMode       mode;
  CanopyFilterSet *set;
  GCancellable    *cancellable;
  char            *path;
};

enum {
  SAVED,
  LOADED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CanopyFilterSetDialog, canopy_filter_set_dialog, GTK_TYPE_WINDOW)

static guint signals[N_SIGNALS];

static void
show_error (CanopyFilterSetDialog *self,
            const char            *text)
{
  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
set_busy (CanopyFilterSetDialog *self,
          gboolean               busy)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.accept", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.choose", !busy);
}

static void
saved (GObject      *source,
       GAsyncResult *result,
       gpointer      user_data)
{
  g_autoptr(CanopyFilterSetDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("Could not save the filter set: %s"), error->message);
      show_error (self, text);
      set_busy (self, FALSE);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
loaded (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(CanopyFilterSetDialog) self = user_data;
  g_autoptr(CanopyFilterSet) set = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  if (g_file_load_contents_finish (G_FILE (source), result, &contents, NULL, NULL, &error))
    set = canopy_filter_set_new_from_data (contents, &error);

  if (set == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("Could not load the filter set: %s"), error->message);
      show_error (self, text);
      set_busy (self, FALSE);
      return;
    }

  g_signal_emit (self, signals[LOADED], 0, set);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CanopyFilterSetDialog *self = CANOPY_FILTER_SET_DIALOG (widget);
  g_autofree char *path = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->path_entry))));
  g_autoptr(GFile) file = NULL;

  if (*path == '\0')
    {
      show_error (self, _("Type the path of the file, or choose one."));
      return;
    }

  g_free (self->path);
  self->path = g_strdup (path);
  file = g_file_new_for_commandline_arg (path);
  show_error (self, NULL);
  set_busy (self, TRUE);

  if (self->mode == MODE_SAVE)
    {
      char *data = canopy_filter_set_to_data (self->set);
      g_autoptr(GBytes) bytes = g_bytes_new_take (data, strlen (data));

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                           self->cancellable, saved, g_object_ref (self));
    }
  else
    g_file_load_contents_async (file, self->cancellable, loaded, g_object_ref (self));
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CanopyFilterSetDialog *self = CANOPY_FILTER_SET_DIALOG (widget);
  g_autoptr(GtkFileFilter) sets = gtk_file_filter_new ();
  gboolean saving = self->mode == MODE_SAVE;

  gtk_file_filter_set_name (sets, _("Filter sets"));
  gtk_file_filter_add_pattern (sets, "*.canfilter");
  canopy_path_entry_choose (GTK_EDITABLE (self->path_entry), GTK_WINDOW (self),
                            saving ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
                            saving ? _("Save Filter Set") : _("Load Filter Set"),
                            "filters.canfilter", sets);
}

static void
canopy_filter_set_dialog_dispose (GObject *object)
{
  CanopyFilterSetDialog *self = CANOPY_FILTER_SET_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->set);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_FILTER_SET_DIALOG);

  G_OBJECT_CLASS (canopy_filter_set_dialog_parent_class)->dispose (object);
}

static void
canopy_filter_set_dialog_finalize (GObject *object)
{
  CanopyFilterSetDialog *self = CANOPY_FILTER_SET_DIALOG (object);

  g_free (self->path);

  G_OBJECT_CLASS (canopy_filter_set_dialog_parent_class)->finalize (object);
}

static void
canopy_filter_set_dialog_class_init (CanopyFilterSetDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_filter_set_dialog_dispose;
  object_class->finalize = canopy_filter_set_dialog_finalize;

  /**
   * CanopyFilterSetDialog::saved:
   *
   * The set was written to [method@FilterSetDialog.get_path].
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * CanopyFilterSetDialog::loaded:
   * @set: the set read from the file
   */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CANOPY_TYPE_FILTER_SET);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-filter-set-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterSetDialog, accept_button);
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterSetDialog, path_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterSetDialog, error_label);

  gtk_widget_class_install_action (widget_class, "dialog.accept", NULL, accept_action);
  gtk_widget_class_install_action (widget_class, "dialog.choose", NULL, choose_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
canopy_filter_set_dialog_init (CanopyFilterSetDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

static CanopyFilterSetDialog *
dialog_new (GtkWindow  *parent,
            DialogMode  mode,
            const char *path)
{
  CanopyFilterSetDialog *self = g_object_new (CANOPY_TYPE_FILTER_SET_DIALOG,
                                              "transient-for", parent,
                                              NULL);

  self->mode = mode;
  gtk_window_set_title (GTK_WINDOW (self), mode == MODE_SAVE ? _("Save Filter Set") : _("Load Filter Set"));
  gtk_button_set_label (self->accept_button, mode == MODE_SAVE ? _("Save") : _("Load"));
  if (path != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->path_entry), path);
  return self;
}

/**
 * canopy_filter_set_dialog_new_save:
 * @set: the set to save
 * @path: (nullable): the path to offer
 *
 * Returns: (transfer none): a dialog that writes @set to the file the user
 *   names and emits ::saved; the window owns it
 */
CanopyFilterSetDialog *
canopy_filter_set_dialog_new_save (GtkWindow       *parent,
                                   CanopyFilterSet *set,
                                   const char      *path)
{
  CanopyFilterSetDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CANOPY_IS_FILTER_SET (set), NULL);

  self = dialog_new (parent, MODE_SAVE, path);
  self->set = g_object_ref (set);
  return self;
}

/**
 * canopy_filter_set_dialog_new_load:
 * @path: (nullable): the path to offer
 *
 * Returns: (transfer none): a dialog that reads the file the user names and
 *   emits ::loaded with its set; the window owns it
 */
CanopyFilterSetDialog *
canopy_filter_set_dialog_new_load (GtkWindow  *parent,
                                   const char *path)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  return dialog_new (parent, MODE_LOAD, path);
}

/**
 * canopy_filter_set_dialog_get_path:
 *
 * Returns: (nullable): the path last saved to or loaded from
 */
const char *
canopy_filter_set_dialog_get_path (CanopyFilterSetDialog *self)
{
  g_return_val_if_fail (CANOPY_IS_FILTER_SET_DIALOG (self), NULL);

  return self->path;
}

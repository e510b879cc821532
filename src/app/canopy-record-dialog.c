/* canopy-record-dialog.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include <canopy.h>

#include "canopy-path-entry.h"
#include "canopy-record-dialog.h"

/* Where the Record button writes: a file whose extension picks the format,
 * and whether to split the recording by size or time. Asked once, the
 * first time Record is pressed (or from the menu); the answer stays in
 * GSettings. A GtkEntry takes the path, so a script can type it; Choose…
 * opens the file chooser for people. */

#define BYTES_PER_MB 1000000.0

struct _CanopyRecordDialog
{
  GtkWindow       parent_instance;

  GtkEntry       *path_entry;
  GtkLabel       *format_label;
  GtkCheckButton *size_check;
  GtkSpinButton  *size_spin;
  GtkCheckButton *time_check;
  GtkSpinButton  *time_spin;
  GtkLabel       *naming_label;
  GtkLabel       *error_label;

  CanopyRecorder *recorder;
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (CanopyRecordDialog, canopy_record_dialog, GTK_TYPE_WINDOW)

static char *
writable_extensions (void)
{
  g_autoptr(GListModel) formats = canopy_log_format_list ();
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (formats); i++)
    {
      g_autoptr(CanopyLogFormat) format = g_list_model_get_item (formats, i);
      const char * const *extensions = canopy_log_format_get_extensions (format);

      if (!canopy_log_format_get_can_write (format))
        continue;
      for (guint j = 0; extensions != NULL && extensions[j] != NULL; j++)
        g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", extensions[j]);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The full path typed, or NULL with @error saying what is wrong with it. */
static char *
check_path (const char          *text,
            CanopyLogFormat    **format_out,
            GError             **error)
{
  g_autofree char *path = g_strstrip (g_strdup (text));
  CanopyLogFormat *format;

  if (*path == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                           _("Type the file to record to, or choose one."));
      return NULL;
    }

  if (g_str_has_prefix (path, "~/"))
    {
      g_autofree char *home = g_build_filename (g_get_home_dir (), path + 2, NULL);

      g_free (path);
      path = g_steal_pointer (&home);
    }

  if (!g_path_is_absolute (path))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                           _("Give the whole path of the file, from the top folder (or from ~/)."));
      return NULL;
    }

  format = canopy_log_format_lookup_for_path (path);
  if (format == NULL || !canopy_log_format_get_can_write (format))
    {
      g_autofree char *known = writable_extensions ();

      if (format != NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     _("Canopy reads %s files but cannot write them. End the name in one of: %s."),
                     canopy_log_format_get_description (format), known);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     _("The name’s ending does not say which format to write. End it in one of: %s."),
                     known);
      return NULL;
    }

  if (format_out != NULL)
    *format_out = format;
  return g_steal_pointer (&path);
}

static void
update (CanopyRecordDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  CanopyLogFormat *format = NULL;
  gboolean valid;

  path = check_path (gtk_editable_get_text (GTK_EDITABLE (self->path_entry)), &format, &error);
  valid = path != NULL;

  if (valid)
    {
      g_autofree char *text = g_strdup_printf (_("Format: %s"), canopy_log_format_get_description (format));

      gtk_label_set_text (self->format_label, text);
    }
  else
    gtk_label_set_text (self->format_label, error->message);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.save", valid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.start",
                                 valid && canopy_recorder_get_connection (self->recorder) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static gboolean
save (CanopyRecordDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint64 size = 0;
  guint seconds = 0;

  path = check_path (gtk_editable_get_text (GTK_EDITABLE (self->path_entry)), NULL, &error);
  if (path == NULL)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return FALSE;
    }

  /* Numbers typed but not yet entered count. */
  gtk_spin_button_update (self->size_spin);
  gtk_spin_button_update (self->time_spin);
  if (gtk_check_button_get_active (self->size_check))
    size = (guint64) llround (gtk_spin_button_get_value (self->size_spin) * BYTES_PER_MB);
  if (gtk_check_button_get_active (self->time_check))
    seconds = (guint) gtk_spin_button_get_value_as_int (self->time_spin);

  g_settings_set_string (self->settings, "record-path", path);
  g_settings_set_uint64 (self->settings, "record-rotate-size", size);
  g_settings_set_uint (self->settings, "record-rotate-time", seconds);
  return TRUE;
}

static void
start_from_settings (CanopyRecorder *recorder,
                     GSettings      *settings)
{
  g_autofree char *path = g_settings_get_string (settings, "record-path");

  canopy_recorder_start (recorder, path,
                         g_settings_get_uint64 (settings, "record-rotate-size"),
                         g_settings_get_uint (settings, "record-rotate-time"));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CanopyRecordDialog *self = CANOPY_RECORD_DIALOG (widget);

  if (save (self))
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CanopyRecordDialog *self = CANOPY_RECORD_DIALOG (widget);

  if (canopy_recorder_get_connection (self->recorder) == NULL || !save (self))
    return;

  start_from_settings (self->recorder, self->settings);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CanopyRecordDialog *self = CANOPY_RECORD_DIALOG (widget);

  canopy_path_entry_choose (GTK_EDITABLE (self->path_entry), GTK_WINDOW (self),
                            GTK_FILE_CHOOSER_ACTION_SAVE, _("Record to"), "recording.blf", NULL);
}

static void
canopy_record_dialog_dispose (GObject *object)
{
  CanopyRecordDialog *self = CANOPY_RECORD_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_RECORD_DIALOG);
  g_clear_object (&self->recorder);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (canopy_record_dialog_parent_class)->dispose (object);
}

static void
canopy_record_dialog_class_init (CanopyRecordDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_record_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-record-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyRecordDialog, path_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyRecordDialog, format_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyRecordDialog, size_check);
  gtk_widget_class_bind_template_child (widget_class, CanopyRecordDialog, size_spin);
  gtk_widget_class_bind_template_child (widget_class, CanopyRecordDialog, time_check);
  gtk_widget_class_bind_template_child (widget_class, CanopyRecordDialog, time_spin);
  gtk_widget_class_bind_template_child (widget_class, CanopyRecordDialog, naming_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyRecordDialog, error_label);

  gtk_widget_class_install_action (widget_class, "dialog.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "dialog.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "dialog.start", NULL, start_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
canopy_record_dialog_init (CanopyRecordDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Say what happens to existing files before anyone asks. */
  gtk_label_set_text (self->naming_label,
                      _("Nothing is overwritten: if the file exists, the recording goes to a new "
                        "numbered file beside it (drive_2.blf, drive_3.blf, …). Rotated recordings "
                        "continue in drive-001.blf, drive-002.blf, … after the first file."));
}

static void
check_on_edit (GtkSpinButton  *spin,
               GtkCheckButton *check)
{
  gtk_check_button_set_active (check, TRUE);
}

CanopyRecordDialog *
canopy_record_dialog_new (GtkWindow      *parent,
                          CanopyRecorder *recorder,
                          GSettings      *settings)
{
  CanopyRecordDialog *self;
  g_autofree char *path = NULL;
  guint64 size;
  guint seconds;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CANOPY_IS_RECORDER (recorder), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CANOPY_TYPE_RECORD_DIALOG, "transient-for", parent, NULL);
  self->recorder = g_object_ref (recorder);
  self->settings = g_object_ref (settings);

  path = g_settings_get_string (settings, "record-path");
  gtk_editable_set_text (GTK_EDITABLE (self->path_entry), path);
  size = g_settings_get_uint64 (settings, "record-rotate-size");
  seconds = g_settings_get_uint (settings, "record-rotate-time");
  gtk_check_button_set_active (self->size_check, size > 0);
  if (size > 0)
    gtk_spin_button_set_value (self->size_spin, size / BYTES_PER_MB);
  gtk_check_button_set_active (self->time_check, seconds > 0);
  if (seconds > 0)
    gtk_spin_button_set_value (self->time_spin, seconds);

  /* Typing a limit means rotating by it; the box still turns it off. */
  g_signal_connect_object (self->size_spin, "value-changed", G_CALLBACK (check_on_edit),
                           self->size_check, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->time_spin, "value-changed", G_CALLBACK (check_on_edit),
                           self->time_check, G_CONNECT_DEFAULT);
  g_signal_connect_object (self->path_entry, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (recorder, "notify::connection", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);

  return self;
}

/**
 * canopy_record_dialog_record:
 *
 * What the Record button does: records to the file chosen before, or asks
 * for one first.
 */
void
canopy_record_dialog_record (GtkWindow      *parent,
                             CanopyRecorder *recorder,
                             GSettings      *settings)
{
  g_autofree char *path = NULL;

  g_return_if_fail (CANOPY_IS_RECORDER (recorder));
  g_return_if_fail (G_IS_SETTINGS (settings));

  path = g_settings_get_string (settings, "record-path");
  if (*path != '\0' && canopy_recorder_get_connection (recorder) != NULL)
    start_from_settings (recorder, settings);
  else
    gtk_window_present (GTK_WINDOW (canopy_record_dialog_new (parent, recorder, settings)));
}

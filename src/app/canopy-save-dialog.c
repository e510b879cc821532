/* canopy-save-dialog.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "canopy-close-later.h"
#include "canopy-path-entry.h"
#include "canopy-save-dialog.h"
#include "canopy-trace-format.h"

/* "Save Trace As…": the frames of the page in front (the live trace or an
 * opened log), all of them or the selected rows, as they were when the
 * dialog opened, written to a file whose extension picks the engine's
 * writer. The writing runs on a worker thread, which reads the capture
 * store or the log document (both may be read from any thread); the
 * dialog shows its progress and can cancel it. */

/* How often the worker publishes its count and looks at its cancellable. */
#define PROGRESS_STEP        1024
#define PROGRESS_INTERVAL_MS 100

typedef struct
{
  GListModel *frames;     /* a CanopyCaptureStore or a CanopyLogDocument */
  GtkBitset  *positions;  /* owned copy; NULL: every frame */
  guint       n_items;
  guint64     first_frame;
  GFile      *file;
  guint64     total;
  gint        done;       /* atomic */
  guint64     written;
  char       *format;
} SaveJob;

struct _CanopySaveDialog
{
  GtkWindow        parent_instance;

  /* template */
  GtkLabel        *source_label;
  GtkEntry        *path_entry;
  GtkLabel        *formats_label;
  GtkToggleButton *all_button;
  GtkToggleButton *selected_button;
  GtkProgressBar  *progress_bar;
  GtkLabel        *result_label;
  GtkWidget       *progress_box;

  GListModel      *frames;
  GtkBitset       *selected;
  guint            n_items;
  guint64          first_frame;

  GCancellable    *cancellable;
  SaveJob         *job;          /* the running one, owned by its task */
  guint            progress_source;
  char            *confirmed_uri;
};

G_DEFINE_FINAL_TYPE (CanopySaveDialog, canopy_save_dialog, GTK_TYPE_WINDOW)

static void
save_job_free (SaveJob *job)
{
  g_clear_object (&job->frames);
  g_clear_pointer (&job->positions, gtk_bitset_unref);
  g_clear_object (&job->file);
  g_free (job->format);
  g_free (job);
}

/* The frame at @position of the model as it was when the dialog opened. A
 * capture store may have dropped old frames since (its memory limit),
 * which moves every position. */
static gboolean
read_frame (SaveJob        *job,
            guint           position,
            CanopyMessage  *msg,
            GError        **error)
{
  if (CANOPY_IS_LOG_DOCUMENT (job->frames))
    return canopy_log_document_get_message (CANOPY_LOG_DOCUMENT (job->frames), position, msg, error);

  {
    CanopyCaptureStore *store = CANOPY_CAPTURE_STORE (job->frames);
    guint64 frame = job->first_frame + position;
    guint64 first_now = canopy_capture_store_get_first_frame (store);

    if (frame >= first_now && frame - first_now <= G_MAXUINT &&
        canopy_capture_store_get_message (store, (guint) (frame - first_now), msg))
      return TRUE;

    g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_FAILED,
                 _("Frame %u left the trace (its memory limit) before it was saved"), position + 1);
    return FALSE;
  }
}

static gboolean
write_one (SaveJob          *job,
           CanopyLogWriter  *writer,
           guint             position,
           guint64           k,
           GCancellable     *cancellable,
           GError          **error)
{
  CanopyMessage msg;

  if (k % PROGRESS_STEP == 0)
    {
      g_atomic_int_set (&job->done, (gint) MIN (k, G_MAXINT));
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }

  return read_frame (job, position, &msg, error) &&
         canopy_log_writer_write (writer, &msg, error);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveJob *job = task_data;
  g_autoptr(CanopyLogWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) close_error = NULL;
  guint64 k = 0;

  if (!(writer = canopy_log_writer_new_for_gfile (job->file, cancellable, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (job->positions == NULL)
    {
      for (guint position = 0; position < job->n_items && error == NULL; position++, k++)
        write_one (job, writer, position, k, cancellable, &error);
    }
  else
    {
      GtkBitsetIter iter;
      guint position;

      for (gboolean more = gtk_bitset_iter_init_first (&iter, job->positions, &position);
           more && error == NULL;
           more = gtk_bitset_iter_next (&iter, &position), k++)
        write_one (job, writer, position, k, cancellable, &error);
    }

  /* Whatever stopped it, the frames written so far form a valid file. */
  canopy_log_writer_close (writer, &close_error);
  job->written = canopy_log_writer_get_written (writer);
  job->format = g_strdup (canopy_log_writer_get_format (writer));
  g_atomic_int_set (&job->done, (gint) MIN (k, G_MAXINT));

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (close_error != NULL)
    g_task_return_error (task, g_steal_pointer (&close_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
show_result (CanopySaveDialog *self,
             const char       *text)
{
  gtk_label_set_text (self->result_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), text != NULL);
}

static gboolean
update_progress (gpointer user_data)
{
  CanopySaveDialog *self = user_data;
  guint64 done = (guint64) g_atomic_int_get (&self->job->done);
  g_autofree char *count = canopy_format_count (done);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s frame written", "%s frames written", done),
                                           count);

  gtk_progress_bar_set_fraction (self->progress_bar,
                                 self->job->total > 0 ? (double) done / (double) self->job->total : 1.0);
  gtk_progress_bar_set_text (self->progress_bar, text);
  return G_SOURCE_CONTINUE;
}

static void
set_running (CanopySaveDialog *self,
             gboolean          running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "save.save", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "save.cancel", running);
  if (running)
    {
      gtk_widget_set_visible (self->progress_box, TRUE);
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
      self->progress_source = g_timeout_add (PROGRESS_INTERVAL_MS, update_progress, self);
    }
  else
    g_clear_handle_id (&self->progress_source, g_source_remove);
}

static void
save_ready (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CanopySaveDialog *self = CANOPY_SAVE_DIALOG (source);
  SaveJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *written = canopy_format_count (job->written);
  g_autofree char *name = g_file_get_parse_name (job->file);
  g_autofree char *text = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  /* Closed while saving: the widgets are gone. */
  if (self->result_label == NULL)
    return;

  update_progress (self);
  self->job = NULL;
  g_clear_object (&self->cancellable);
  set_running (self, FALSE);

  if (ok)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Saved %s frame to %s (%s).", "Saved %s frames to %s (%s).",
                                         job->written),
                            written, name, job->format);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    text = job->format != NULL
           ? g_strdup_printf (_("Cancelled: %s holds the %s frames written before, a valid %s file."),
                              name, written, job->format)
           : g_strdup (_("Cancelled."));
  else if (job->format != NULL)
    text = g_strdup_printf (_("Stopped: %s. %s holds the %s frames written before, a valid %s file."),
                            error->message, name, written, job->format);
  else
    text = g_strdup_printf (_("Could not save: %s"), error->message);
  show_result (self, text);
}

static void
start_save (CanopySaveDialog *self,
            GFile            *file)
{
  g_autoptr(GTask) task = NULL;
  SaveJob *job = g_new0 (SaveJob, 1);

  job->frames = g_object_ref (self->frames);
  job->n_items = self->n_items;
  job->first_frame = self->first_frame;
  job->file = g_object_ref (file);
  if (gtk_toggle_button_get_active (self->selected_button) && self->selected != NULL)
    {
      job->positions = gtk_bitset_copy (self->selected);
      job->total = gtk_bitset_get_size (job->positions);
    }
  else
    job->total = job->n_items;

  self->cancellable = g_cancellable_new ();
  self->job = job;
  task = g_task_new (self, self->cancellable, save_ready, NULL);
  g_task_set_source_tag (task, start_save);
  g_task_set_task_data (task, job, (GDestroyNotify) save_job_free);
  show_result (self, NULL);
  set_running (self, TRUE);
  g_task_run_in_thread (task, save_thread);
}

/* An existing file is replaced only when Save is pressed a second time. */
static void
query_ready (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CanopySaveDialog) self = user_data;
  g_autoptr(GFileInfo) info = g_file_query_info_finish (G_FILE (source), result, NULL);
  g_autofree char *uri = g_file_get_uri (G_FILE (source));

  if (self->result_label == NULL || self->job != NULL)
    return;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "save.save", TRUE);
  if (info != NULL && g_strcmp0 (uri, self->confirmed_uri) != 0)
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (source));
      g_autofree char *text = g_strdup_printf (_("%s exists. Press Save again to replace it."), name);

      g_free (self->confirmed_uri);
      self->confirmed_uri = g_steal_pointer (&uri);
      show_result (self, text);
      return;
    }

  start_save (self, G_FILE (source));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CanopySaveDialog *self = CANOPY_SAVE_DIALOG (widget);
  g_autoptr(GFile) file = canopy_path_entry_get_file (GTK_EDITABLE (self->path_entry));

  if (self->job != NULL)
    return;
  if (file == NULL)
    {
      show_result (self, _("Type the name of the file to write, or choose one."));
      return;
    }

  show_result (self, NULL);
  gtk_widget_action_set_enabled (widget, "save.save", FALSE);
  g_file_query_info_async (file, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, NULL, query_ready, g_object_ref (self));
}

/* Stops the running save: what was written stays a valid file. */
static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_cancellable_cancel (CANOPY_SAVE_DIALOG (widget)->cancellable);
}

/* Closing while it runs cancels it. */
static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_cancellable_cancel (CANOPY_SAVE_DIALOG (widget)->cancellable);
  canopy_close_later_window (GTK_WINDOW (widget));
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CanopySaveDialog *self = CANOPY_SAVE_DIALOG (widget);

  canopy_path_entry_choose (GTK_EDITABLE (self->path_entry), GTK_WINDOW (self),
                            GTK_FILE_CHOOSER_ACTION_SAVE, _("Save Trace"), NULL, NULL);
}

static void
canopy_save_dialog_dispose (GObject *object)
{
  CanopySaveDialog *self = CANOPY_SAVE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_SAVE_DIALOG);
  g_clear_object (&self->frames);
  g_clear_pointer (&self->selected, gtk_bitset_unref);
  g_clear_pointer (&self->confirmed_uri, g_free);

  G_OBJECT_CLASS (canopy_save_dialog_parent_class)->dispose (object);
}

static void
canopy_save_dialog_class_init (CanopySaveDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_save_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-save-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopySaveDialog, source_label);
  gtk_widget_class_bind_template_child (widget_class, CanopySaveDialog, path_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopySaveDialog, formats_label);
  gtk_widget_class_bind_template_child (widget_class, CanopySaveDialog, all_button);
  gtk_widget_class_bind_template_child (widget_class, CanopySaveDialog, selected_button);
  gtk_widget_class_bind_template_child (widget_class, CanopySaveDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CanopySaveDialog, result_label);
  gtk_widget_class_bind_template_child (widget_class, CanopySaveDialog, progress_box);

  gtk_widget_class_install_action (widget_class, "save.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "save.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "save.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "save.close", NULL, close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "save.close", NULL);
}

static void
canopy_save_dialog_init (CanopySaveDialog *self)
{
  g_autofree char *extensions = NULL;
  g_autofree char *hint = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "save.cancel", FALSE);

  extensions = canopy_path_entry_describe_formats (TRUE);
  hint = g_strdup_printf (_("The extension picks the format: %s (add .gz to compress a text format)."),
                          extensions);
  gtk_label_set_text (self->formats_label, hint);
}

/**
 * canopy_save_dialog_new:
 * @parent: the window
 * @title: what is saved, for the dialog's first line ("The live trace",
 *   a log's name)
 * @frames: a #CanopyCaptureStore or a #CanopyLogDocument
 * @selected: (nullable): the selected positions of @frames, if any
 *
 * Returns: (transfer none): the dialog, owned by GTK until it is closed
 */
CanopySaveDialog *
canopy_save_dialog_new (GtkWindow  *parent,
                        const char *title,
                        GListModel *frames,
                        GtkBitset  *selected)
{
  CanopySaveDialog *self;
  g_autofree char *count = NULL;
  g_autofree char *picked = NULL;
  g_autofree char *text = NULL;
  guint n_selected;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CANOPY_IS_CAPTURE_STORE (frames) || CANOPY_IS_LOG_DOCUMENT (frames), NULL);

  self = g_object_new (CANOPY_TYPE_SAVE_DIALOG, "transient-for", parent, NULL);
  self->frames = g_object_ref (frames);
  self->n_items = g_list_model_get_n_items (frames);
  if (CANOPY_IS_CAPTURE_STORE (frames))
    self->first_frame = canopy_capture_store_get_first_frame (CANOPY_CAPTURE_STORE (frames));
  n_selected = selected != NULL ? (guint) gtk_bitset_get_size (selected) : 0;
  if (n_selected > 0)
    self->selected = gtk_bitset_copy (selected);

  count = canopy_format_count (self->n_items);
  picked = canopy_format_count (n_selected);
  text = g_strdup_printf (_("%s: %s frames, %s selected"), title, count, picked);
  gtk_label_set_text (self->source_label, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->selected_button), n_selected > 0);
  gtk_toggle_button_set_active (self->all_button, TRUE);

  return self;
}

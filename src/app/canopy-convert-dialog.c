/* canopy-convert-dialog.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "canopy-close-later.h"
#include "canopy-convert-dialog.h"
#include "canopy-path-entry.h"
#include "canopy-trace-format.h"

/* "Convert Log…": a file to another format through the engine's
 * converter, on its worker thread, keeping the frames that pass the
 * acceptance filters and fall in a time window (seconds from the first
 * frame). The dialog shows the progress, can cancel, and ends with what
 * was written and what the reader had to skip. */

struct _CanopyConvertDialog
{
  GtkWindow           parent_instance;

  /* template */
  GtkEntry           *source_entry;
  GtkEntry           *destination_entry;
  GtkLabel           *formats_label;
  GtkEntry           *filters_entry;
  GtkEntry           *start_entry;
  GtkEntry           *end_entry;
  GtkProgressBar     *progress_bar;
  GtkLabel           *result_label;
  GtkWidget          *progress_box;

  CanopyLogConverter *converter;
  GCancellable       *cancellable;
  char               *confirmed_uri;
  gboolean            checking;
};

G_DEFINE_FINAL_TYPE (CanopyConvertDialog, canopy_convert_dialog, GTK_TYPE_WINDOW)

static void
show_result (CanopyConvertDialog *self,
             const char          *text)
{
  gtk_label_set_text (self->result_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), text != NULL);
}

/* "123:7FF, 18FEF100~1FFFFFFF": canlogger's --filter syntax, any number. */
static GArray *
parse_filters (const char  *text,
               GError     **error)
{
  g_autoptr(GArray) filters = g_array_new (FALSE, FALSE, sizeof (CanopyFilter));
  g_auto(GStrv) tokens = g_strsplit_set (text, " ,;\t", -1);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      g_autoptr(CanopyFilter) filter = NULL;
      g_autoptr(GError) local_error = NULL;

      if (*tokens[i] == '\0')
        continue;
      if (!(filter = canopy_filter_parse (tokens[i], &local_error)))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("IDs: %s (use id:mask or id~mask in hex)"), local_error->message);
          return NULL;
        }
      g_array_append_val (filters, *filter);
    }

  return g_steal_pointer (&filters);
}

/* Seconds from the first frame; empty: no limit (@no_limit). */
static gboolean
parse_seconds (GtkEntry    *entry,
               const char  *what,
               gint64       no_limit,
               gint64      *ns,
               GError     **error)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  char *end = NULL;
  double seconds;

  if (*text == '\0')
    {
      *ns = no_limit;
      return TRUE;
    }

  g_strdelimit (text, ",", '.');
  seconds = g_ascii_strtod (text, &end);
  if (end == NULL || *g_strstrip (end) != '\0' || !isfinite (seconds) || seconds < 0 || seconds > 1e9)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The %s “%s” is not a number of seconds from the first frame."), what, text);
      return FALSE;
    }

  *ns = (gint64) llround (seconds * 1e9);
  return TRUE;
}

static void
set_running (CanopyConvertDialog *self,
             gboolean             running)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "convert.convert", !running && !self->checking);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "convert.cancel", running);
  if (running)
    {
      gtk_widget_set_visible (self->progress_box, TRUE);
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
      gtk_progress_bar_set_text (self->progress_bar, _("Starting…"));
    }
}

static void
on_progress (CanopyConvertDialog *self)
{
  g_autofree char *written = canopy_format_count (canopy_log_converter_get_frames_written (self->converter));
  g_autofree char *read = canopy_format_count (canopy_log_converter_get_frames_read (self->converter));
  g_autofree char *text = g_strdup_printf (_("%s frames read, %s written"), read, written);

  gtk_progress_bar_set_fraction (self->progress_bar, canopy_log_converter_get_progress (self->converter));
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
convert_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CanopyConvertDialog) self = user_data;
  CanopyLogConverter *converter = CANOPY_LOG_CONVERTER (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  g_autofree char *read = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) reasons = NULL;
  const char *from = NULL;
  const char *to = NULL;
  GString *text = g_string_new (NULL);
  gboolean ok = canopy_log_converter_convert_finish (converter, result, &error);

  /* Closed while converting: the widgets are gone. */
  if (self->result_label == NULL || converter != self->converter)
    {
      g_string_free (text, TRUE);
      return;
    }

  g_clear_object (&self->cancellable);
  set_running (self, FALSE);
  on_progress (self);

  written = canopy_format_count (canopy_log_converter_get_frames_written (converter));
  read = canopy_format_count (canopy_log_converter_get_frames_read (converter));
  name = g_file_get_parse_name (canopy_log_converter_get_destination (converter));
  from = canopy_log_converter_get_source_format (converter);
  to = canopy_log_converter_get_destination_format (converter);

  if (ok)
    g_string_append_printf (text, _("Converted %s to %s: %s of %s frames written to %s."),
                            from, to, written, read, name);
  else if (to == NULL)
    g_string_append_printf (text, _("Could not convert: %s"), error->message);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_string_append_printf (text, _("Cancelled: %s holds the %s frames written before, a valid %s file."),
                            name, written, to);
  else
    g_string_append_printf (text, _("Stopped: %s. %s holds the %s frames written before it, a valid %s file."),
                            error->message, name, written, to);

  reasons = canopy_log_converter_dup_skip_reasons (converter);
  canopy_format_skipped (text, canopy_log_converter_get_n_skipped (converter),
                         (const char * const *) reasons);

  show_result (self, text->str);
  g_string_free (text, TRUE);
}

static void
start_convert (CanopyConvertDialog *self,
               GFile               *source,
               GFile               *destination,
               GArray              *filters,
               gint64               start_ns,
               gint64               end_ns)
{
  if (self->converter != NULL)
    g_signal_handlers_disconnect_by_data (self->converter, self);
  g_clear_object (&self->converter);

  self->converter = canopy_log_converter_new (destination);
  canopy_log_converter_add_source (self->converter, source);
  canopy_log_converter_set_filters (self->converter, (const CanopyFilter *) (gpointer) filters->data, filters->len);
  canopy_log_converter_set_start_time (self->converter, start_ns, TRUE);
  canopy_log_converter_set_end_time (self->converter, end_ns, TRUE);
  g_signal_connect_object (self->converter, "notify::progress", G_CALLBACK (on_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->converter, "notify::frames-written", G_CALLBACK (on_progress), self, G_CONNECT_SWAPPED);

  self->cancellable = g_cancellable_new ();
  show_result (self, NULL);
  set_running (self, TRUE);
  canopy_log_converter_convert_async (self->converter, self->cancellable, convert_ready, g_object_ref (self));
}

typedef struct
{
  CanopyConvertDialog *self;
  GFile               *source;
  GArray              *filters;
  gint64               start_ns;
  gint64               end_ns;
} Pending;

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->self);
  g_clear_object (&pending->source);
  g_clear_pointer (&pending->filters, g_array_unref);
  g_free (pending);
}

/* An existing destination is replaced only when Convert is pressed a
 * second time. */
static void
query_ready (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Pending *pending = user_data;
  CanopyConvertDialog *self = pending->self;
  GFile *destination = G_FILE (object);
  g_autoptr(GFileInfo) info = g_file_query_info_finish (destination, result, NULL);
  g_autofree char *uri = g_file_get_uri (destination);

  self->checking = FALSE;
  if (self->result_label != NULL && self->cancellable == NULL)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "convert.convert", TRUE);
      if (info != NULL && g_strcmp0 (uri, self->confirmed_uri) != 0)
        {
          g_autofree char *name = g_file_get_parse_name (destination);
          g_autofree char *text = g_strdup_printf (_("%s exists. Press Convert again to replace it."), name);

          g_free (self->confirmed_uri);
          self->confirmed_uri = g_steal_pointer (&uri);
          show_result (self, text);
        }
      else
        start_convert (self, pending->source, destination, pending->filters, pending->start_ns, pending->end_ns);
    }

  pending_free (pending);
}

static void
convert_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CanopyConvertDialog *self = CANOPY_CONVERT_DIALOG (widget);
  g_autoptr(GFile) source = canopy_path_entry_get_file (GTK_EDITABLE (self->source_entry));
  g_autoptr(GFile) destination = canopy_path_entry_get_file (GTK_EDITABLE (self->destination_entry));
  g_autoptr(GArray) filters = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start_ns, end_ns;
  Pending *pending;

  if (self->cancellable != NULL || self->checking)
    return;

  if (source == NULL || destination == NULL)
    {
      show_result (self, _("Type the log to read and the file to write, or choose them."));
      return;
    }

  if (!(filters = parse_filters (gtk_editable_get_text (GTK_EDITABLE (self->filters_entry)), &error)) ||
      !parse_seconds (self->start_entry, _("start"), G_MININT64, &start_ns, &error) ||
      !parse_seconds (self->end_entry, _("end"), G_MAXINT64, &end_ns, &error))
    {
      show_result (self, error->message);
      return;
    }
  if (start_ns != G_MININT64 && end_ns != G_MAXINT64 && end_ns < start_ns)
    {
      show_result (self, _("The end of the time window comes before its start."));
      return;
    }

  show_result (self, NULL);
  pending = g_new0 (Pending, 1);
  pending->self = g_object_ref (self);
  pending->source = g_steal_pointer (&source);
  pending->filters = g_steal_pointer (&filters);
  pending->start_ns = start_ns;
  pending->end_ns = end_ns;
  self->checking = TRUE;
  gtk_widget_action_set_enabled (widget, "convert.convert", FALSE);
  g_file_query_info_async (destination, G_FILE_ATTRIBUTE_STANDARD_TYPE, G_FILE_QUERY_INFO_NONE,
                           G_PRIORITY_DEFAULT, NULL, query_ready, pending);
}

/* Stops the running conversion: what was written stays a valid file. */
static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_cancellable_cancel (CANOPY_CONVERT_DIALOG (widget)->cancellable);
}

/* Closing while it runs cancels it. */
static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_cancellable_cancel (CANOPY_CONVERT_DIALOG (widget)->cancellable);
  canopy_close_later_window (GTK_WINDOW (widget));
}

static void
choose_source_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CanopyConvertDialog *self = CANOPY_CONVERT_DIALOG (widget);

  canopy_path_entry_choose (GTK_EDITABLE (self->source_entry), GTK_WINDOW (self),
                            GTK_FILE_CHOOSER_ACTION_OPEN, _("Log to Convert"), NULL, NULL);
}

static void
choose_destination_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  CanopyConvertDialog *self = CANOPY_CONVERT_DIALOG (widget);

  canopy_path_entry_choose (GTK_EDITABLE (self->destination_entry), GTK_WINDOW (self),
                            GTK_FILE_CHOOSER_ACTION_SAVE, _("Convert To"), NULL, NULL);
}

static void
canopy_convert_dialog_dispose (GObject *object)
{
  CanopyConvertDialog *self = CANOPY_CONVERT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->converter != NULL)
    g_signal_handlers_disconnect_by_data (self->converter, self);
  g_clear_object (&self->converter);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_CONVERT_DIALOG);
  g_clear_pointer (&self->confirmed_uri, g_free);

  G_OBJECT_CLASS (canopy_convert_dialog_parent_class)->dispose (object);
}

static void
canopy_convert_dialog_class_init (CanopyConvertDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_convert_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-convert-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyConvertDialog, source_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyConvertDialog, destination_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyConvertDialog, formats_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyConvertDialog, filters_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyConvertDialog, start_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyConvertDialog, end_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyConvertDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CanopyConvertDialog, result_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyConvertDialog, progress_box);

  gtk_widget_class_install_action (widget_class, "convert.convert", NULL, convert_action);
  gtk_widget_class_install_action (widget_class, "convert.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "convert.choose-source", NULL, choose_source_action);
  gtk_widget_class_install_action (widget_class, "convert.choose-destination", NULL, choose_destination_action);
  gtk_widget_class_install_action (widget_class, "convert.close", NULL, close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "convert.close", NULL);
}

static void
canopy_convert_dialog_init (CanopyConvertDialog *self)
{
  g_autofree char *readable = NULL;
  g_autofree char *writable = NULL;
  g_autofree char *hint = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "convert.cancel", FALSE);

  readable = canopy_path_entry_describe_formats (FALSE);
  writable = canopy_path_entry_describe_formats (TRUE);
  hint = g_strdup_printf (_("Reads %s; the destination's extension picks the format it is written in: %s "
                            "(add .gz to compress a text format)."), readable, writable);
  gtk_label_set_text (self->formats_label, hint);
}

/**
 * canopy_convert_dialog_new:
 * @parent: the window
 * @source: (nullable): the log to offer as the source
 *
 * Returns: (transfer none): the dialog, owned by GTK until it is closed
 */
CanopyConvertDialog *
canopy_convert_dialog_new (GtkWindow *parent,
                           GFile     *source)
{
  CanopyConvertDialog *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (source == NULL || G_IS_FILE (source), NULL);

  self = g_object_new (CANOPY_TYPE_CONVERT_DIALOG, "transient-for", parent, NULL);
  if (source != NULL)
    canopy_path_entry_set_file (GTK_EDITABLE (self->source_entry), source);

  return self;
}

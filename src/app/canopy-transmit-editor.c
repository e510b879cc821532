/* canopy-transmit-editor.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "canopy-transmit-editor.h"

/* The definition of one transmit message, typed as a CAN engineer writes
 * it: the id in hex, the payload as "11 22 33", the period in
 * milliseconds, an optional count or duration, the counter byte's index.
 * Save checks everything and says what is wrong in the dialog; a valid
 * definition leaves as the ::saved signal (a new message, not yet sending),
 * and the pane adds it or applies it to the row it came from. */

struct _CanopyTransmitEditor
{
  GtkWindow       parent_instance;

  GtkEntry       *id_entry;
  GtkCheckButton *extended_check;
  GtkCheckButton *fd_check;
  GtkCheckButton *brs_check;
  GtkEntry       *data_entry;
  GtkEntry       *period_entry;
  GtkEntry       *count_entry;
  GtkEntry       *duration_entry;
  GtkEntry       *counter_entry;
  GtkLabel       *error_label;
};

enum {
  SAVED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CanopyTransmitEditor, canopy_transmit_editor, GTK_TYPE_WINDOW)

static guint signals[N_SIGNALS];

static char *
entry_text (GtkEntry *entry)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
}

/* Decimal numbers with a point or, as many locales write them, a comma. */
static gboolean
parse_number (const char *text,
              double     *value)
{
  g_autofree char *copy = g_strdelimit (g_strdup (text), ",", '.');
  char *end = NULL;

  *value = g_ascii_strtod (copy, &end);
  return *copy != '\0' && end != NULL && *end == '\0' && isfinite (*value);
}

static gboolean
read_definition (CanopyTransmitEditor   *self,
                 CanopyTransmitMessage  *message,
                 GError                **error)
{
  g_autofree char *id_text = entry_text (self->id_entry);
  g_autofree char *period_text = entry_text (self->period_entry);
  g_autofree char *count_text = entry_text (self->count_entry);
  g_autofree char *duration_text = entry_text (self->duration_entry);
  g_autofree char *counter_text = entry_text (self->counter_entry);
  const char *id_digits = id_text;
  guint8 data[CANOPY_MESSAGE_MAX_DATA];
  gsize len = 0;
  guint64 id, count = 0;
  gint64 counter = -1;
  double period, duration = 0;

  if (g_ascii_strncasecmp (id_digits, "0x", 2) == 0)
    id_digits += 2;
  if (!g_ascii_string_to_unsigned (id_digits, 16, 0, 0x1fffffff, &id, NULL))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not an ID in hex (0 to 1FFFFFFF)."), id_text);
      return FALSE;
    }

  if (!canopy_transmit_parse_data (gtk_editable_get_text (GTK_EDITABLE (self->data_entry)),
                                   data, &len, error))
    return FALSE;

  if (!parse_number (period_text, &period))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a period in milliseconds."), period_text);
      return FALSE;
    }

  if (*count_text != '\0' && !g_ascii_string_to_unsigned (count_text, 10, 1, G_MAXUINT, &count, NULL))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a number of frames."), count_text);
      return FALSE;
    }

  if (*duration_text != '\0' && (!parse_number (duration_text, &duration) || duration <= 0))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a duration in seconds."), duration_text);
      return FALSE;
    }

  if (*counter_text != '\0' && g_ascii_strcasecmp (counter_text, _("off")) != 0 &&
      g_ascii_strcasecmp (counter_text, "off") != 0 &&
      !g_ascii_string_to_signed (counter_text, 10, 0, CANOPY_MESSAGE_MAX_DATA - 1, &counter, NULL))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not the index of a data byte (0 for the first)."), counter_text);
      return FALSE;
    }

  canopy_transmit_message_set_id (message, id);
  canopy_transmit_message_set_extended (message, gtk_check_button_get_active (self->extended_check));
  canopy_transmit_message_set_fd (message, gtk_check_button_get_active (self->fd_check));
  canopy_transmit_message_set_brs (message, gtk_check_button_get_active (self->fd_check) &&
                                            gtk_check_button_get_active (self->brs_check));
  canopy_transmit_message_set_data (message, data, len);
  canopy_transmit_message_set_period_ms (message, period);
  canopy_transmit_message_set_count (message, count);
  canopy_transmit_message_set_duration (message, duration);
  canopy_transmit_message_set_counter_byte (message, counter);

  return canopy_transmit_message_validate (message, error);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CanopyTransmitEditor *self = CANOPY_TRANSMIT_EDITOR (widget);
  g_autoptr(CanopyTransmitMessage) edited = canopy_transmit_message_new ();
  g_autoptr(GError) error = NULL;

  if (!read_definition (self, edited, &error))
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, edited);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
canopy_transmit_editor_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CANOPY_TYPE_TRANSMIT_EDITOR);

  G_OBJECT_CLASS (canopy_transmit_editor_parent_class)->dispose (object);
}

static void
canopy_transmit_editor_class_init (CanopyTransmitEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_transmit_editor_dispose;

  /**
   * CanopyTransmitEditor::saved:
   * @edited: the definition, valid, not running
   *
   * Save was pressed on a valid definition; the editor closes.
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, CANOPY_TYPE_TRANSMIT_MESSAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-transmit-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitEditor, id_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitEditor, extended_check);
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitEditor, fd_check);
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitEditor, brs_check);
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitEditor, data_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitEditor, period_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitEditor, count_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitEditor, duration_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitEditor, counter_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitEditor, error_label);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
canopy_transmit_editor_init (CanopyTransmitEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
set_entry_printf (GtkEntry   *entry,
                  const char *format,
                  ...) G_GNUC_PRINTF (2, 3);

static void
set_entry_printf (GtkEntry   *entry,
                  const char *format,
                  ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

/**
 * canopy_transmit_editor_new:
 * @message: (nullable): the message to edit, or %NULL for a new one
 *
 * Returns: (transfer none): the editor, shown by the caller
 */
CanopyTransmitEditor *
canopy_transmit_editor_new (GtkWindow             *parent,
                            CanopyTransmitMessage *message)
{
  g_autoptr(CanopyTransmitMessage) fresh = NULL;
  g_autofree char *data_text = NULL;
  CanopyTransmitEditor *self;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (message == NULL || CANOPY_IS_TRANSMIT_MESSAGE (message), NULL);

  self = g_object_new (CANOPY_TYPE_TRANSMIT_EDITOR,
                       "transient-for", parent,
                       "title", message != NULL ? _("Edit Transmit Message") : _("New Transmit Message"),
                       NULL);

  if (message == NULL)
    message = fresh = canopy_transmit_message_new ();

  set_entry_printf (self->id_entry, "%X", canopy_transmit_message_get_id (message));
  gtk_check_button_set_active (self->extended_check, canopy_transmit_message_get_extended (message));
  gtk_check_button_set_active (self->fd_check, canopy_transmit_message_get_fd (message));
  gtk_check_button_set_active (self->brs_check, canopy_transmit_message_get_brs (message));
  data = canopy_transmit_message_get_data (message, &len);
  data_text = canopy_transmit_format_data (data, len);
  gtk_editable_set_text (GTK_EDITABLE (self->data_entry), data_text);
  set_entry_printf (self->period_entry, "%g", canopy_transmit_message_get_period_ms (message));
  if (canopy_transmit_message_get_count (message) > 0)
    set_entry_printf (self->count_entry, "%u", canopy_transmit_message_get_count (message));
  if (canopy_transmit_message_get_duration (message) > 0)
    set_entry_printf (self->duration_entry, "%g", canopy_transmit_message_get_duration (message));
  if (canopy_transmit_message_get_counter_byte (message) >= 0)
    set_entry_printf (self->counter_entry, "%d", canopy_transmit_message_get_counter_byte (message));

  return self;
}

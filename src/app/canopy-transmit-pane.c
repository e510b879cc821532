/* canopy-transmit-pane.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "canopy-transmit-editor.h"
#include "canopy-transmit-message.h"
#include "canopy-transmit-pane.h"

/* The Transmit tool pane: a list of messages, each sent periodically by an
 * engine cyclic task while its row's toggle is on, or once. The list is
 * saved in GSettings at every change and comes back with the next window,
 * stopped: nothing transmits by itself. The sent counts and achieved
 * periods are polled from the tasks four times a second while something
 * runs; sending once happens on a worker thread. */

#define REFRESH_INTERVAL_MS 250

typedef enum
{
  COLUMN_SEND,
  COLUMN_ID,
  COLUMN_FLAGS,
  COLUMN_DLC,
  COLUMN_DATA,
  COLUMN_PERIOD,
  COLUMN_LIMIT,
  COLUMN_COUNTER,
  COLUMN_SENT,
  COLUMN_ACHIEVED,
  N_COLUMNS
} TransmitColumn;

struct _CanopyTransmitPane
{
  GtkWidget            parent_instance;

  /* template */
  GtkWidget           *content;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *columns[N_COLUMNS];
  GtkLabel            *error_label;

  GListStore          *messages;
  GtkSingleSelection  *selection;
  CanopyConnection    *connection;
  GSettings           *settings;
  guint                refresh_source;
  gboolean             loading;
};

enum {
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyTransmitPane, canopy_transmit_pane, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void update_actions (CanopyTransmitPane *self);

static CanopyTransmitMessage *
message_at (CanopyTransmitPane *self,
            guint               position)
{
  return g_list_model_get_item (G_LIST_MODEL (self->messages), position);
}

static CanopyTransmitMessage *
dup_selected (CanopyTransmitPane *self)
{
  return gtk_single_selection_get_selected_item (self->selection) != NULL
         ? g_object_ref (gtk_single_selection_get_selected_item (self->selection)) : NULL;
}

static CanopyBus *
get_bus (CanopyTransmitPane *self)
{
  return self->connection != NULL ? canopy_connection_get_bus (self->connection) : NULL;
}

static void
show_error (CanopyTransmitPane *self,
            const char         *text)
{
  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->error_label), text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
show_message_error (CanopyTransmitPane    *self,
                    CanopyTransmitMessage *message,
                    const GError          *error)
{
  g_autofree char *text = g_strdup_printf (_("Message %X: %s"),
                                           canopy_transmit_message_get_id (message), error->message);

  show_error (self, text);
}

static void
save (CanopyTransmitPane *self)
{
  GVariantBuilder builder;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));

  if (self->settings == NULL || self->loading)
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CanopyTransmitMessage) message = message_at (self, i);

      g_variant_builder_add_value (&builder, canopy_transmit_message_to_variant (message));
    }
  g_settings_set_value (self->settings, "transmit-messages", g_variant_builder_end (&builder));
}

/* Figures */

static gboolean
refresh_tick (gpointer user_data)
{
  CanopyTransmitPane *self = user_data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  gboolean any_running = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CanopyTransmitMessage) message = message_at (self, i);

      canopy_transmit_message_refresh (message);
      any_running |= canopy_transmit_message_get_running (message);
    }

  if (!any_running)
    {
      self->refresh_source = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_message_running (CanopyTransmitPane    *self,
                    GParamSpec            *pspec,
                    CanopyTransmitMessage *message)
{
  if (canopy_transmit_message_get_running (message) && self->refresh_source == 0)
    self->refresh_source = g_timeout_add (REFRESH_INTERVAL_MS, refresh_tick, self);
  update_actions (self);
}

static void
on_message_error (CanopyTransmitPane    *self,
                  GParamSpec            *pspec,
                  CanopyTransmitMessage *message)
{
  const char *text = canopy_transmit_message_get_error (message);

  if (text != NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (CANOPY_ERROR, CANOPY_ERROR_FAILED, text);

      show_message_error (self, message, error);
    }
}

/* Every row goes in through here, so that the pane hears from it. */
static void
insert_message (CanopyTransmitPane    *self,
                guint                  position,
                CanopyTransmitMessage *message)
{
  g_signal_connect_object (message, "notify::running",
                           G_CALLBACK (on_message_running), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (message, "notify::error",
                           G_CALLBACK (on_message_error), self, G_CONNECT_SWAPPED);
  g_list_store_insert (self->messages, position, message);
}

static void
remove_message (CanopyTransmitPane *self,
                guint               position)
{
  g_autoptr(CanopyTransmitMessage) message = message_at (self, position);

  canopy_transmit_message_stop (message);
  g_signal_handlers_disconnect_by_data (message, self);
  g_list_store_remove (self->messages, position);
}

static gboolean
start_message (CanopyTransmitPane    *self,
               CanopyTransmitMessage *message)
{
  g_autoptr(GError) error = NULL;
  CanopyBus *bus = get_bus (self);

  if (bus == NULL)
    {
      show_error (self, _("Connect to a bus to send."));
      return FALSE;
    }

  if (!canopy_transmit_message_start (message, bus, &error))
    {
      show_message_error (self, message, error);
      return FALSE;
    }

  return TRUE;
}

/* Cells */

static char *
format_cell (CanopyTransmitMessage *message,
             TransmitColumn         column)
{
  gsize len;
  const guint8 *data = canopy_transmit_message_get_data (message, &len);

  switch (column)
    {
    case COLUMN_ID:
      return g_strdup_printf (canopy_transmit_message_get_extended (message) ? "%08X" : "%03X",
                              canopy_transmit_message_get_id (message));

    case COLUMN_FLAGS:
      {
        GString *flags = g_string_new (NULL);

        if (canopy_transmit_message_get_extended (message))
          g_string_append (flags, _("Ext"));
        if (canopy_transmit_message_get_fd (message))
          g_string_append_printf (flags, "%s%s", flags->len > 0 ? " " : "", _("FD"));
        if (canopy_transmit_message_get_brs (message))
          g_string_append_printf (flags, "%s%s", flags->len > 0 ? " " : "", _("BRS"));
        if (flags->len == 0)
          g_string_append (flags, _("Std"));
        return g_string_free (flags, FALSE);
      }

    case COLUMN_DLC:
      return g_strdup_printf ("%u", (guint) len);

    case COLUMN_DATA:
      return canopy_transmit_format_data (data, len);

    case COLUMN_PERIOD:
      return g_strdup_printf ("%g", canopy_transmit_message_get_period_ms (message));

    case COLUMN_LIMIT:
      if (canopy_transmit_message_get_count (message) > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u frame", "%u frames",
                                             canopy_transmit_message_get_count (message)),
                                canopy_transmit_message_get_count (message));
      if (canopy_transmit_message_get_duration (message) > 0)
        return g_strdup_printf (_("%g s"), canopy_transmit_message_get_duration (message));
      return g_strdup (_("No limit"));

    case COLUMN_COUNTER:
      if (canopy_transmit_message_get_counter_byte (message) < 0)
        return g_strdup (_("Off"));
      return g_strdup_printf (_("Byte %d"), canopy_transmit_message_get_counter_byte (message));

    case COLUMN_SENT:
      return g_strdup_printf ("%'" G_GUINT64_FORMAT, canopy_transmit_message_get_sent (message));

    case COLUMN_ACHIEVED:
      if (canopy_transmit_message_get_achieved_period (message) <= 0)
        return g_strdup ("–");
      return g_strdup_printf ("%.2f", canopy_transmit_message_get_achieved_period (message) * 1000.0);

    case COLUMN_SEND:
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
update_cell (GtkListItem *list_item)
{
  CanopyTransmitMessage *message = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  TransmitColumn column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (child), "column"));

  if (message == NULL)
    return;

  if (column == COLUMN_SEND)
    {
      gboolean running = canopy_transmit_message_get_running (message);

      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child), running);
      gtk_button_set_icon_name (GTK_BUTTON (child),
                                running ? "media-playback-stop-symbolic" : "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (child, running ? _("Stop sending this message")
                                                  : _("Send this message periodically"));
    }
  else
    {
      g_autofree char *text = format_cell (message, column);

      if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), text) != 0)
        gtk_label_set_text (GTK_LABEL (child), text);
    }
}

/* The row's toggle: on starts the message, off stops it. It also follows
 * the message, which may stop by itself (a count, a duration, a bus gone):
 * then active and running agree already and nothing happens. */
static void
on_send_toggled (GtkToggleButton    *toggle,
                 CanopyTransmitPane *self)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (toggle), "list-item");
  CanopyTransmitMessage *message = list_item != NULL ? gtk_list_item_get_item (list_item) : NULL;
  gboolean active = gtk_toggle_button_get_active (toggle);

  if (message == NULL || active == canopy_transmit_message_get_running (message))
    return;

  if (active)
    {
      if (!start_message (self, message))
        gtk_toggle_button_set_active (toggle, FALSE);
    }
  else
    canopy_transmit_message_stop (message);
}

static gboolean
connection_to_sensitive (GBinding     *binding,
                         const GValue *from,
                         GValue       *to,
                         gpointer      user_data)
{
  g_value_set_boolean (to, g_value_get_object (from) != NULL);
  return TRUE;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            CanopyTransmitPane       *self)
{
  TransmitColumn column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *child;

  if (column == COLUMN_SEND)
    {
      child = gtk_toggle_button_new ();
      gtk_button_set_icon_name (GTK_BUTTON (child), "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (child, _("Send this message periodically"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Send Periodically"),
                                      -1);
      gtk_widget_add_css_class (child, "flat");
      gtk_widget_add_css_class (child, "send-toggle");
      gtk_widget_set_halign (child, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (child, GTK_ALIGN_CENTER);
      /* The list item owns the toggle: no reference, no cycle. */
      g_object_set_data (G_OBJECT (child), "list-item", list_item);
      g_signal_connect_object (child, "toggled", G_CALLBACK (on_send_toggled), self, 0);
      g_object_bind_property_full (self, "connection", child, "sensitive", G_BINDING_SYNC_CREATE,
                                   connection_to_sensitive, NULL, NULL, NULL);
    }
  else
    {
      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), column == COLUMN_DATA || column == COLUMN_LIMIT ? 0 : 1);
      gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (child, "numeric");
      if (column == COLUMN_DATA || column == COLUMN_ID)
        gtk_widget_add_css_class (child, "monospace");
    }

  g_object_set_data (G_OBJECT (child), "column", GUINT_TO_POINTER (column));
  gtk_list_item_set_child (list_item, child);
}

static void
on_item_notify (GtkListItem *list_item)
{
  update_cell (list_item);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           CanopyTransmitPane       *self)
{
  CanopyTransmitMessage *message = gtk_list_item_get_item (list_item);
  gulong handler;

  handler = g_signal_connect_object (message, "notify", G_CALLBACK (on_item_notify),
                                     list_item, G_CONNECT_SWAPPED);
  g_object_set_data (G_OBJECT (list_item), "notify-handler", GSIZE_TO_POINTER (handler));
  update_cell (list_item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             CanopyTransmitPane       *self)
{
  CanopyTransmitMessage *message = gtk_list_item_get_item (list_item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "notify-handler"));

  if (message != NULL && handler != 0)
    g_signal_handler_disconnect (message, handler);
  g_object_set_data (G_OBJECT (list_item), "notify-handler", NULL);
}

static void
set_column_factories (CanopyTransmitPane *self)
{
  for (guint column = 0; column < N_COLUMNS; column++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (column));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), self);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), self);
      gtk_column_view_column_set_factory (self->columns[column], factory);
    }
}

/* Actions */

static void
update_actions (CanopyTransmitPane *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  gboolean selected = gtk_single_selection_get_selected_item (self->selection) != NULL;
  gboolean connected = get_bus (self) != NULL;
  gboolean any_running = FALSE, any_stopped = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CanopyTransmitMessage) message = message_at (self, i);

      if (canopy_transmit_message_get_running (message))
        any_running = TRUE;
      else
        any_stopped = TRUE;
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transmit.edit", selected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transmit.duplicate", selected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transmit.remove", selected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transmit.send-once", selected && connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transmit.start-all", connected && any_stopped);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "transmit.stop-all", any_running);
}

static GtkWindow *
parent_window (CanopyTransmitPane *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
select_position (CanopyTransmitPane *self,
                 guint               position)
{
  gtk_single_selection_set_selected (self->selection, position);
}

static void
on_new_saved (CanopyTransmitEditor  *editor,
              CanopyTransmitMessage *edited,
              CanopyTransmitPane    *self)
{
  g_autoptr(CanopyTransmitMessage) message = canopy_transmit_message_copy (edited);
  guint position = g_list_model_get_n_items (G_LIST_MODEL (self->messages));

  insert_message (self, position, message);
  select_position (self, position);
  save (self);
}

static void
on_edit_saved (CanopyTransmitEditor  *editor,
               CanopyTransmitMessage *edited,
               CanopyTransmitPane    *self)
{
  CanopyTransmitMessage *message = g_object_get_data (G_OBJECT (editor), "message");
  g_autoptr(GError) error = NULL;
  guint position;

  /* Removed while the editor was open. */
  if (!g_list_store_find (self->messages, message, &position))
    return;

  if (!canopy_transmit_message_update (message, edited, &error))
    show_message_error (self, message, error);
  else
    show_error (self, NULL);
  save (self);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CanopyTransmitPane *self = CANOPY_TRANSMIT_PANE (widget);
  CanopyTransmitEditor *editor = canopy_transmit_editor_new (parent_window (self), NULL);

  g_signal_connect_object (editor, "saved", G_CALLBACK (on_new_saved), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
edit_message (CanopyTransmitPane    *self,
              CanopyTransmitMessage *message)
{
  CanopyTransmitEditor *editor = canopy_transmit_editor_new (parent_window (self), message);

  g_object_set_data_full (G_OBJECT (editor), "message", g_object_ref (message), g_object_unref);
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_edit_saved), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CanopyTransmitPane *self = CANOPY_TRANSMIT_PANE (widget);
  g_autoptr(CanopyTransmitMessage) message = dup_selected (self);

  if (message != NULL)
    edit_message (self, message);
}

static void
on_row_activated (CanopyTransmitPane *self,
                  guint               position,
                  GtkColumnView      *column_view)
{
  g_autoptr(CanopyTransmitMessage) message = message_at (self, position);

  if (message != NULL)
    edit_message (self, message);
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CanopyTransmitPane *self = CANOPY_TRANSMIT_PANE (widget);
  g_autoptr(CanopyTransmitMessage) message = dup_selected (self);
  g_autoptr(CanopyTransmitMessage) copy = NULL;
  guint position = gtk_single_selection_get_selected (self->selection);

  if (message == NULL)
    return;

  copy = canopy_transmit_message_copy (message);
  insert_message (self, position + 1, copy);
  select_position (self, position + 1);
  save (self);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CanopyTransmitPane *self = CANOPY_TRANSMIT_PANE (widget);
  guint position = gtk_single_selection_get_selected (self->selection);

  if (position == GTK_INVALID_LIST_POSITION)
    return;

  remove_message (self, position);
  save (self);
}

static void
send_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  CanopyBus *bus = g_object_get_data (G_OBJECT (task), "bus");
  g_autoptr(GError) error = NULL;

  if (!canopy_bus_send (bus, task_data, 1.0, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
send_once_ready (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  CanopyTransmitPane *self = CANOPY_TRANSMIT_PANE (source);
  g_autoptr(CanopyTransmitMessage) message = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    show_message_error (self, message, error);
}

static void
send_once_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CanopyTransmitPane *self = CANOPY_TRANSMIT_PANE (widget);
  g_autoptr(CanopyTransmitMessage) message = dup_selected (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  CanopyBus *bus = get_bus (self);
  CanopyMessage frame;

  if (message == NULL || bus == NULL)
    return;

  if (!canopy_transmit_message_validate (message, &error))
    {
      show_message_error (self, message, error);
      return;
    }

  /* A full transmit queue may make the driver wait: not here. */
  canopy_transmit_message_build (message, &frame);
  task = g_task_new (self, NULL, send_once_ready, g_object_ref (message));
  g_task_set_source_tag (task, send_once_action);
  g_task_set_task_data (task, canopy_message_copy (&frame), (GDestroyNotify) canopy_message_free);
  g_object_set_data_full (G_OBJECT (task), "bus", g_object_ref (bus), g_object_unref);
  g_task_run_in_thread (task, send_in_thread);
}

static void
start_all_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CanopyTransmitPane *self = CANOPY_TRANSMIT_PANE (widget);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));

  show_error (self, NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CanopyTransmitMessage) message = message_at (self, i);

      if (!canopy_transmit_message_get_running (message))
        start_message (self, message);
    }
}

static void
stop_all (CanopyTransmitPane *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CanopyTransmitMessage) message = message_at (self, i);

      canopy_transmit_message_stop (message);
    }
}

static void
stop_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  stop_all (CANOPY_TRANSMIT_PANE (widget));
}

/* The object */

static void
canopy_transmit_pane_dispose (GObject *object)
{
  CanopyTransmitPane *self = CANOPY_TRANSMIT_PANE (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->messages != NULL)
    {
      stop_all (self);
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->messages)); i++)
        {
          g_autoptr(CanopyTransmitMessage) message = message_at (self, i);

          g_signal_handlers_disconnect_by_data (message, self);
        }
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_TRANSMIT_PANE);
  g_clear_object (&self->selection);
  g_clear_object (&self->messages);
  g_clear_object (&self->connection);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (canopy_transmit_pane_parent_class)->dispose (object);
}

static void
canopy_transmit_pane_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CanopyTransmitPane *self = CANOPY_TRANSMIT_PANE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_transmit_pane_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CanopyTransmitPane *self = CANOPY_TRANSMIT_PANE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      canopy_transmit_pane_set_connection (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_transmit_pane_class_init (CanopyTransmitPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_transmit_pane_dispose;
  object_class->get_property = canopy_transmit_pane_get_property;
  object_class->set_property = canopy_transmit_pane_set_property;

  /**
   * CanopyTransmitPane:connection: (nullable)
   *
   * The bus the messages go out on; bound to the window's. A new
   * connection (or none) stops every message.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, CANOPY_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-transmit-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitPane, content);
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitPane, column_view);
  gtk_widget_class_bind_template_child_full (widget_class, "send_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTransmitPane, columns[COLUMN_SEND]));
  gtk_widget_class_bind_template_child_full (widget_class, "id_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTransmitPane, columns[COLUMN_ID]));
  gtk_widget_class_bind_template_child_full (widget_class, "flags_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTransmitPane, columns[COLUMN_FLAGS]));
  gtk_widget_class_bind_template_child_full (widget_class, "dlc_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTransmitPane, columns[COLUMN_DLC]));
  gtk_widget_class_bind_template_child_full (widget_class, "data_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTransmitPane, columns[COLUMN_DATA]));
  gtk_widget_class_bind_template_child_full (widget_class, "period_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTransmitPane, columns[COLUMN_PERIOD]));
  gtk_widget_class_bind_template_child_full (widget_class, "limit_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTransmitPane, columns[COLUMN_LIMIT]));
  gtk_widget_class_bind_template_child_full (widget_class, "counter_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTransmitPane, columns[COLUMN_COUNTER]));
  gtk_widget_class_bind_template_child_full (widget_class, "sent_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTransmitPane, columns[COLUMN_SENT]));
  gtk_widget_class_bind_template_child_full (widget_class, "achieved_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTransmitPane, columns[COLUMN_ACHIEVED]));
  gtk_widget_class_bind_template_child (widget_class, CanopyTransmitPane, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_install_action (widget_class, "transmit.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "transmit.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "transmit.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "transmit.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "transmit.send-once", NULL, send_once_action);
  gtk_widget_class_install_action (widget_class, "transmit.start-all", NULL, start_all_action);
  gtk_widget_class_install_action (widget_class, "transmit.stop-all", NULL, stop_all_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "transmit.remove", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "transmitpane");
}

static void
canopy_transmit_pane_init (CanopyTransmitPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->messages = g_list_store_new (CANOPY_TYPE_TRANSMIT_MESSAGE);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->messages)));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->messages, "items-changed",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  set_column_factories (self);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  update_actions (self);
}

CanopyConnection *
canopy_transmit_pane_get_connection (CanopyTransmitPane *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_PANE (self), NULL);

  return self->connection;
}

/**
 * canopy_transmit_pane_set_connection:
 * @connection: (nullable): the live connection
 *
 * Every message stops: a task belongs to its bus, and nothing starts
 * sending on a new bus by itself.
 */
void
canopy_transmit_pane_set_connection (CanopyTransmitPane *self,
                                     CanopyConnection   *connection)
{
  g_return_if_fail (CANOPY_IS_TRANSMIT_PANE (self));
  g_return_if_fail (connection == NULL || CANOPY_IS_CONNECTION (connection));

  if (self->connection == connection)
    return;

  stop_all (self);
  g_set_object (&self->connection, connection);
  show_error (self, NULL);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/**
 * canopy_transmit_pane_bind_settings:
 *
 * Loads the saved messages (stopped) and saves the list at each change.
 */
void
canopy_transmit_pane_bind_settings (CanopyTransmitPane *self,
                                    GSettings          *settings)
{
  g_autoptr(GVariant) saved = NULL;
  GVariantIter iter;
  GVariant *dict;
  guint n_bad = 0;

  g_return_if_fail (CANOPY_IS_TRANSMIT_PANE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_set_object (&self->settings, settings);

  self->loading = TRUE;
  while (g_list_model_get_n_items (G_LIST_MODEL (self->messages)) > 0)
    remove_message (self, 0);

  saved = g_settings_get_value (settings, "transmit-messages");
  g_variant_iter_init (&iter, saved);
  while ((dict = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr(CanopyTransmitMessage) message = canopy_transmit_message_new_from_variant (dict, NULL);

      if (message != NULL)
        insert_message (self, g_list_model_get_n_items (G_LIST_MODEL (self->messages)), message);
      else
        n_bad++;
      g_variant_unref (dict);
    }
  self->loading = FALSE;

  if (n_bad > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u saved message was not valid and is left out.",
                                                            "%u saved messages were not valid and are left out.",
                                                            n_bad), n_bad);

      show_error (self, text);
    }
}

/**
 * canopy_transmit_pane_get_messages:
 *
 * Returns: (transfer none): the list, of #CanopyTransmitMessage
 */
GListModel *
canopy_transmit_pane_get_messages (CanopyTransmitPane *self)
{
  g_return_val_if_fail (CANOPY_IS_TRANSMIT_PANE (self), NULL);

  return G_LIST_MODEL (self->messages);
}

/* canopy-transmit-pane.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "canopy-transmit-editor.h"
#include "canopy-transmit-message.h"
#include "canopy-transmit-pane.h"
#include "canopy-transmit-pane-private.h"

/* The Transmit tool pane: a list of messages, each sent periodically by an
 * engine cyclic task while its row's toggle is on, or once. The list is
 * saved in GSettings at every change and comes back with the next window,
 * stopped: nothing transmits by itself. The sent counts and achieved
 * periods are polled from the tasks four times a second while something
 * runs; sending once happens on a worker thread. */

#define REFRESH_INTERVAL_MS 250

struct _CanopyTransmitPane
{
  GtkWidget            parent_instance;

  /* template */
  GtkWidget           *content;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *columns[CANOPY_TRANSMIT_N_COLUMNS];
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

/* The columns' ids in the template, in CanopyTransmitColumn order. */
static const char * const column_ids[CANOPY_TRANSMIT_N_COLUMNS] = {
  "send_column", "id_column", "flags_column", "dlc_column", "data_column",
  "period_column", "limit_column", "counter_column", "sent_column", "achieved_column",
};

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

/* Starts @message on the connected bus; a failure shows in the pane. */
gboolean
_canopy_transmit_pane_start_message (CanopyTransmitPane    *self,
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

static void
set_column_factories (CanopyTransmitPane *self)
{
  for (guint column = 0; column < CANOPY_TRANSMIT_N_COLUMNS; column++)
    {
      g_autoptr(GtkListItemFactory) factory = _canopy_transmit_cell_factory_new (self, column);

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
        _canopy_transmit_pane_start_message (self, message);
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
  for (guint i = 0; i < CANOPY_TRANSMIT_N_COLUMNS; i++)
    gtk_widget_class_bind_template_child_full (widget_class, column_ids[i], FALSE,
                                               G_STRUCT_OFFSET (CanopyTransmitPane, columns) +
                                               i * sizeof (GtkColumnViewColumn *));
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
      const char *format = g_dngettext (GETTEXT_PACKAGE,
                                        "%u saved message was not valid and is left out.",
                                        "%u saved messages were not valid and are left out.",
                                        n_bad);
      g_autofree char *text = g_strdup_printf (format, n_bad);

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

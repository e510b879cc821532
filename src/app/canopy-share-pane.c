/* canopy-share-pane.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <canopy.h>

#include "canopy-application.h"
#include "canopy-share-pane.h"
#include "canopy-trace-format.h"

/* Share Bus: the connected bus itself (not a second open of its channel,
 * which a PCAN or serial channel refuses) served to python-can 2.0 remote
 * clients by a CanopyRemoteServer that listens to the connection's
 * notifier. Loopback unless All Interfaces is chosen, each time: that
 * choice is not remembered. The clients are listed as the server's model
 * changes. A failure to listen (a port in use) is shown here, in words. */

#define LOOPBACK "127.0.0.1"
#define ANY_IPV4 "0.0.0.0"

struct _CanopySharePane
{
  GtkWidget           parent_instance;

  GtkWidget          *content;
  GtkSpinButton      *port_spin;
  GtkCheckButton     *all_check;
  GtkLabel           *address_label;
  GtkLabel           *error_label;
  GtkStack           *clients_stack;
  GtkNoSelection     *clients_selection;

  GSettings          *settings;
  CanopyConnection   *connection;
  /* While sharing: the server and the connection it listens to. */
  CanopyRemoteServer *server;
  CanopyConnection   *shared_on;
};

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_SHARING,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopySharePane, canopy_share_pane, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static char *
format_connected_at (GtkListItem *item,
                     gint64       connected_at_ns)
{
  g_autoptr(GDateTime) time = NULL;

  if (connected_at_ns <= 0)
    return g_strdup ("");
  time = g_date_time_new_from_unix_local (connected_at_ns / G_GINT64_CONSTANT (1000000000));
  return time != NULL ? g_date_time_format (time, "%X") : g_strdup ("");
}

static char *
format_count (GtkListItem *item,
              guint64      count)
{
  return canopy_format_count (count);
}

static void
show_error (CanopySharePane *self,
            const char      *text)
{
  gtk_label_set_text (self->error_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
update_clients_page (CanopySharePane *self)
{
  GListModel *clients = gtk_no_selection_get_model (self->clients_selection);
  gboolean any = clients != NULL && g_list_model_get_n_items (clients) > 0;

  gtk_stack_set_visible_child_name (self->clients_stack, any ? "clients" : "empty");
}

static void
update (CanopySharePane *self)
{
  gboolean sharing = self->server != NULL;

  /* Where and how to listen is decided before starting. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->port_spin), !sharing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->all_check), !sharing);

  if (sharing)
    {
      const char *host = canopy_remote_server_get_host (self->server);
      guint port = canopy_remote_server_get_port (self->server);
      g_autofree char *text = NULL;

      if (g_strcmp0 (host, ANY_IPV4) == 0)
        text = g_strdup_printf (_("Sharing on all interfaces, port %u (python-can remote protocol)"), port);
      else
        text = g_strdup_printf (_("Sharing on %s:%u (python-can remote protocol), this computer only"), host, port);
      gtk_label_set_text (self->address_label, text);
    }
  else if (self->connection == NULL)
    gtk_label_set_text (self->address_label, _("Not sharing: connect to a bus first"));
  else
    gtk_label_set_text (self->address_label, _("Not sharing"));

  update_clients_page (self);
}

static void
stop_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  /* Joins the client threads: they send what is queued, then close. */
  canopy_remote_server_stop (task_data);
  g_task_return_boolean (task, TRUE);
}

/* Returns whether it was sharing. */
static gboolean
end_sharing (CanopySharePane *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->server == NULL)
    return FALSE;

  canopy_connection_remove_listener (self->shared_on, CANOPY_LISTENER (self->server));
  g_clear_object (&self->shared_on);

  /* The list keeps the server's model, which empties as the clients go. */
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, end_sharing);
  g_task_set_task_data (task, g_steal_pointer (&self->server), g_object_unref);
  g_task_run_in_thread (task, stop_in_thread);
  return TRUE;
}

static void
canopy_share_pane_dispose (GObject *object)
{
  CanopySharePane *self = CANOPY_SHARE_PANE (object);

  end_sharing (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_SHARE_PANE);
  g_clear_object (&self->connection);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (canopy_share_pane_parent_class)->dispose (object);
}

static void
canopy_share_pane_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CanopySharePane *self = CANOPY_SHARE_PANE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, canopy_share_pane_get_connection (self));
      break;

    case PROP_SHARING:
      g_value_set_boolean (value, canopy_share_pane_get_sharing (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_share_pane_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CanopySharePane *self = CANOPY_SHARE_PANE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      canopy_share_pane_set_connection (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_share_pane_class_init (CanopySharePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_share_pane_dispose;
  object_class->get_property = canopy_share_pane_get_property;
  object_class->set_property = canopy_share_pane_set_property;

  /* The bus shared; sharing ends when it changes. */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, CANOPY_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether clients can connect now. */
  properties[PROP_SHARING] =
    g_param_spec_boolean ("sharing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CANOPY_TYPE_REMOTE_CLIENT);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-share-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopySharePane, content);
  gtk_widget_class_bind_template_child (widget_class, CanopySharePane, port_spin);
  gtk_widget_class_bind_template_child (widget_class, CanopySharePane, all_check);
  gtk_widget_class_bind_template_child (widget_class, CanopySharePane, address_label);
  gtk_widget_class_bind_template_child (widget_class, CanopySharePane, error_label);
  gtk_widget_class_bind_template_child (widget_class, CanopySharePane, clients_stack);
  gtk_widget_class_bind_template_child (widget_class, CanopySharePane, clients_selection);
  gtk_widget_class_bind_template_callback (widget_class, format_connected_at);
  gtk_widget_class_bind_template_callback (widget_class, format_count);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
canopy_share_pane_init (CanopySharePane *self)
{
  GApplication *app = g_application_get_default ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Share Bus"),
                                  -1);

  if (CANOPY_IS_APPLICATION (app))
    {
      self->settings = g_object_ref (canopy_application_get_settings (CANOPY_APPLICATION (app)));
      gtk_spin_button_set_value (self->port_spin, g_settings_get_uint (self->settings, "share-port"));
    }

  g_signal_connect_object (self->clients_selection, "items-changed",
                           G_CALLBACK (update_clients_page), self, G_CONNECT_SWAPPED);
  update (self);
}

CanopyConnection *
canopy_share_pane_get_connection (CanopySharePane *self)
{
  g_return_val_if_fail (CANOPY_IS_SHARE_PANE (self), NULL);

  return self->connection;
}

/**
 * canopy_share_pane_set_connection:
 *
 * Sharing belongs to one connection: a new one (or none, after
 * Disconnect) ends it, and its clients are disconnected.
 */
void
canopy_share_pane_set_connection (CanopySharePane  *self,
                                  CanopyConnection *connection)
{
  g_return_if_fail (CANOPY_IS_SHARE_PANE (self));
  g_return_if_fail (connection == NULL || CANOPY_IS_CONNECTION (connection));

  if (self->connection == connection)
    return;

  if (end_sharing (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARING]);

  g_set_object (&self->connection, connection);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

gboolean
canopy_share_pane_get_sharing (CanopySharePane *self)
{
  g_return_val_if_fail (CANOPY_IS_SHARE_PANE (self), FALSE);

  return self->server != NULL;
}

/**
 * canopy_share_pane_start:
 *
 * Shares the connected bus on the port and interfaces chosen. Binding a
 * port does not wait on the network, so this runs on the main thread; a
 * failure is shown in the pane.
 *
 * Returns: whether the bus is shared now
 */
gboolean
canopy_share_pane_start (CanopySharePane *self)
{
  g_autoptr(CanopyRemoteServer) server = NULL;
  g_autoptr(GError) error = NULL;
  const char *host;
  guint port;

  g_return_val_if_fail (CANOPY_IS_SHARE_PANE (self), FALSE);

  if (self->server != NULL)
    return TRUE;

  if (self->connection == NULL)
    {
      show_error (self, _("Connect to a bus first: Share Bus shares the connected bus."));
      return FALSE;
    }

  host = gtk_check_button_get_active (self->all_check) ? ANY_IPV4 : LOOPBACK;
  /* A number typed but not yet entered counts. */
  gtk_spin_button_update (self->port_spin);
  port = (guint) gtk_spin_button_get_value_as_int (self->port_spin);
  if (self->settings != NULL)
    g_settings_set_uint (self->settings, "share-port", port);

  server = canopy_remote_server_new_for_bus (canopy_connection_get_bus (self->connection));
  if (!canopy_remote_server_start (server, host, port, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not share the bus: %s"), error->message);

      show_error (self, text);
      return FALSE;
    }

  show_error (self, NULL);
  canopy_connection_add_listener (self->connection, CANOPY_LISTENER (server));
  self->shared_on = g_object_ref (self->connection);
  self->server = g_steal_pointer (&server);
  gtk_no_selection_set_model (self->clients_selection, canopy_remote_server_get_clients (self->server));
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARING]);
  return TRUE;
}

/**
 * canopy_share_pane_stop:
 *
 * Stops sharing: clients are disconnected (in a thread, which lets each
 * one receive what was queued for it) and the bus stays connected.
 */
void
canopy_share_pane_stop (CanopySharePane *self)
{
  g_return_if_fail (CANOPY_IS_SHARE_PANE (self));

  if (!end_sharing (self))
    return;

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHARING]);
}

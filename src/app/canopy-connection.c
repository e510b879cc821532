/* canopy-connection.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "canopy-connection.h"

/* One live connection of a window: the bus, the notifier that reads it on a
 * worker thread, and the two models the trace shows (the capture store in
 * chronological order, the id table one row per id). Opening a bus may block
 * (a TCP connect, a vendor library), so it runs in a GTask thread; so does
 * stopping, which joins the notifier's threads. */

struct _CanopyConnection
{
  GObject             parent_instance;

  CanopyBus          *bus;
  CanopyNotifier     *notifier;
  CanopyCaptureStore *store;
  CanopyIdTable      *id_table;
  char               *title;
  gboolean            paused;
  gboolean            closed;
};

enum {
  PROP_0,
  PROP_PAUSED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyConnection, canopy_connection, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

typedef struct
{
  char       *interface;
  char       *channel;
  GHashTable *options;
} OpenRequest;

static void
open_request_free (OpenRequest *request)
{
  g_free (request->interface);
  g_free (request->channel);
  g_clear_pointer (&request->options, g_hash_table_unref);
  g_free (request);
}

static void
open_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  OpenRequest *request = task_data;
  g_autoptr(GError) error = NULL;
  CanopyBus *bus;

  bus = canopy_bus_new (request->interface, request->channel, request->options, &error);
  if (bus == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, bus, g_object_unref);
}

static void
close_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  CanopyConnection *self = source_object;

  canopy_notifier_stop (self->notifier, 5.0);
  canopy_bus_shutdown (self->bus);
  g_task_return_boolean (task, TRUE);
}

static void
canopy_connection_dispose (GObject *object)
{
  CanopyConnection *self = CANOPY_CONNECTION (object);

  /* The last reference goes from close_in_thread's task: the threads are done. */
  if (self->notifier != NULL && canopy_notifier_is_running (self->notifier))
    canopy_notifier_stop (self->notifier, 5.0);
  g_clear_object (&self->notifier);
  g_clear_object (&self->bus);
  g_clear_object (&self->store);
  g_clear_object (&self->id_table);

  G_OBJECT_CLASS (canopy_connection_parent_class)->dispose (object);
}

static void
canopy_connection_finalize (GObject *object)
{
  CanopyConnection *self = CANOPY_CONNECTION (object);

  g_clear_pointer (&self->title, g_free);

  G_OBJECT_CLASS (canopy_connection_parent_class)->finalize (object);
}

static void
canopy_connection_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CanopyConnection *self = CANOPY_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_connection_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CanopyConnection *self = CANOPY_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      canopy_connection_set_paused (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_connection_class_init (CanopyConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = canopy_connection_dispose;
  object_class->finalize = canopy_connection_finalize;
  object_class->get_property = canopy_connection_get_property;
  object_class->set_property = canopy_connection_set_property;

  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_connection_init (CanopyConnection *self)
{
}

/* Whether the driver was asked to hand the bus its own frames: then they
 * reach the trace through the notifier already. */
static gboolean
receives_own_messages (CanopyBus  *bus,
                       GHashTable *options)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (bus), "receive-own-messages");
  const char *option = options != NULL ? g_hash_table_lookup (options, "receive_own_messages") : NULL;
  gboolean own = FALSE;

  if (pspec != NULL && G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_BOOLEAN)
    g_object_get (bus, "receive-own-messages", &own, NULL);

  return own || (option != NULL && (g_ascii_strcasecmp (option, "true") == 0 ||
                                    g_ascii_strcasecmp (option, "yes") == 0 ||
                                    g_ascii_strcasecmp (option, "on") == 0 ||
                                    strcmp (option, "1") == 0));
}

static void
open_ready (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(CanopyConnection) self = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *info = NULL;
  CanopyListener *listeners[2];

  CanopyBus *bus = g_task_propagate_pointer (G_TASK (result), &error);

  if (bus == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self = g_object_new (CANOPY_TYPE_CONNECTION, NULL);
  self->bus = bus;
  self->store = canopy_capture_store_new ();
  self->id_table = canopy_id_table_new ();

  listeners[0] = CANOPY_LISTENER (self->store);
  listeners[1] = CANOPY_LISTENER (self->id_table);
  self->notifier = canopy_notifier_new (&self->bus, 1, listeners, G_N_ELEMENTS (listeners));

  /* What this window sends (the Transmit pane, a replay) shows in the
   * trace as Tx, on every bus. */
  if (!receives_own_messages (bus, ((OpenRequest *) g_task_get_task_data (G_TASK (result)))->options))
    for (guint i = 0; i < G_N_ELEMENTS (listeners); i++)
      canopy_bus_add_tx_listener (bus, listeners[i]);

  info = canopy_bus_dup_channel_info (bus);
  self->title = g_strdup (info != NULL && *info != '\0' ? info : _("Connected"));

  g_task_return_pointer (task, g_steal_pointer (&self), g_object_unref);
}

/**
 * canopy_connection_open_async:
 * @interface: (nullable): a python-can interface name, or %NULL for the
 *   configuration's choice
 * @channel: (nullable): the channel, or %NULL
 * @options: (nullable): driver options
 *
 * Opens the bus on a worker thread and, once it is open, starts reading it
 * into a new capture store and id table.
 */
void
canopy_connection_open_async (const char          *interface,
                              const char          *channel,
                              GHashTable          *options,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) open_task = NULL;
  GTask *task;
  OpenRequest *request;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, canopy_connection_open_async);

  request = g_new0 (OpenRequest, 1);
  request->interface = g_strdup (interface);
  request->channel = g_strdup (channel);
  request->options = options != NULL ? g_hash_table_ref (options) : NULL;

  open_task = g_task_new (NULL, cancellable, open_ready, task);
  g_task_set_task_data (open_task, request, (GDestroyNotify) open_request_free);
  g_task_run_in_thread (open_task, open_in_thread);
}

CanopyConnection *
canopy_connection_open_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

CanopyBus *
canopy_connection_get_bus (CanopyConnection *self)
{
  g_return_val_if_fail (CANOPY_IS_CONNECTION (self), NULL);

  return self->bus;
}

GListModel *
canopy_connection_get_trace (CanopyConnection *self)
{
  g_return_val_if_fail (CANOPY_IS_CONNECTION (self), NULL);

  return G_LIST_MODEL (self->store);
}

GListModel *
canopy_connection_get_id_table (CanopyConnection *self)
{
  g_return_val_if_fail (CANOPY_IS_CONNECTION (self), NULL);

  return G_LIST_MODEL (self->id_table);
}

const char *
canopy_connection_get_title (CanopyConnection *self)
{
  g_return_val_if_fail (CANOPY_IS_CONNECTION (self), NULL);

  return self->title;
}

/**
 * canopy_connection_get_error:
 *
 * The first failure of the receive thread (a cable pulled, a server gone),
 * as the notifier recorded it; the window polls it with its statistics.
 *
 * Returns: (nullable) (transfer none): the error
 */
const GError *
canopy_connection_get_error (CanopyConnection *self)
{
  g_return_val_if_fail (CANOPY_IS_CONNECTION (self), NULL);

  return canopy_notifier_get_exception (self->notifier);
}

gboolean
canopy_connection_get_paused (CanopyConnection *self)
{
  g_return_val_if_fail (CANOPY_IS_CONNECTION (self), FALSE);

  return self->paused;
}

/**
 * canopy_connection_set_paused:
 *
 * While paused the trace and the id table stand still (both go on counting
 * behind the scenes, so resuming loses nothing).
 */
void
canopy_connection_set_paused (CanopyConnection *self,
                              gboolean          paused)
{
  g_return_if_fail (CANOPY_IS_CONNECTION (self));

  paused = !!paused;
  if (self->paused == paused)
    return;

  self->paused = paused;
  canopy_capture_store_set_paused (self->store, paused);
  canopy_id_table_set_paused (self->id_table, paused);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

/**
 * canopy_connection_add_listener:
 *
 * Hands every frame read from now on to @listener as well, on the
 * notifier's thread (a recording's writer, a remote server that shares the
 * bus): what the trace gets, paused or not.
 */
void
canopy_connection_add_listener (CanopyConnection *self,
                                CanopyListener   *listener)
{
  g_return_if_fail (CANOPY_IS_CONNECTION (self));
  g_return_if_fail (CANOPY_IS_LISTENER (listener));

  canopy_notifier_add_listener (self->notifier, listener);
}

/**
 * canopy_connection_remove_listener:
 *
 * Stops handing frames to @listener without stopping it. A frame being
 * delivered at that moment may still reach it.
 */
void
canopy_connection_remove_listener (CanopyConnection *self,
                                   CanopyListener   *listener)
{
  g_return_if_fail (CANOPY_IS_CONNECTION (self));
  g_return_if_fail (CANOPY_IS_LISTENER (listener));

  canopy_notifier_remove_listener (self->notifier, listener);
}

/**
 * canopy_connection_close:
 *
 * Stops reading and shuts the bus down on a worker thread; the models keep
 * what they received, so the trace stays visible.
 */
void
canopy_connection_close (CanopyConnection *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CANOPY_IS_CONNECTION (self));

  if (self->closed)
    return;
  self->closed = TRUE;

  task = g_task_new (self, NULL, NULL, NULL);
  g_task_set_source_tag (task, canopy_connection_close);
  g_task_run_in_thread (task, close_in_thread);
}

/**
 * canopy_connection_parse_options:
 * @assignments: (nullable) (array zero-terminated=1): `KEY=VALUE` strings
 *
 * Returns: (transfer full): the options as a string table, or %NULL with
 *   @error set for an assignment without `=` or without a key
 */
GHashTable *
canopy_connection_parse_options (const char * const  *assignments,
                                 GError             **error)
{
  g_autoptr(GHashTable) options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; assignments != NULL && assignments[i] != NULL; i++)
    {
      const char *equals = strchr (assignments[i], '=');
      g_autofree char *key = NULL;

      if (equals == NULL || equals == assignments[i])
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("The driver option “%s” is not of the form KEY=VALUE"), assignments[i]);
          return NULL;
        }

      key = g_strstrip (g_strndup (assignments[i], equals - assignments[i]));
      g_hash_table_replace (options, g_steal_pointer (&key), g_strstrip (g_strdup (equals + 1)));
    }

  return g_steal_pointer (&options);
}

/**
 * canopy_connection_describe_error:
 *
 * Says in a user's words why a connection failed, with what to do about it
 * where there is something to do, followed by the engine's own message.
 *
 * Returns: (transfer full): the text
 */
char *
canopy_connection_describe_error (const char   *interface,
                                  const char   *channel,
                                  const GError *error)
{
  const char *what = NULL;
  g_autofree char *target = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (interface != NULL && channel != NULL && *channel != '\0')
    target = g_strdup_printf ("%s %s", interface, channel);
  else if (interface != NULL)
    target = g_strdup (interface);
  else
    target = g_strdup (_("the configured bus"));

  if (g_error_matches (error, CANOPY_ERROR, CANOPY_ERROR_UNKNOWN_INTERFACE))
    what = _("Canopy does not know this interface.");
  else if (g_error_matches (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE))
    what = _("This interface cannot be used on this computer: its driver or vendor library is missing.");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ||
           strstr (error->message, "ermission denied") != NULL ||
           strstr (error->message, "not permitted") != NULL)
    what = _("Permission denied: your user may not open this device.");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
           strstr (error->message, "onnection refused") != NULL)
    what = _("Nothing answers at that address: is the server running?");
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
           strstr (error->message, "No such device") != NULL)
    what = _("There is no such channel.");
  else if (g_error_matches (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT) ||
           g_error_matches (error, CANOPY_ERROR, CANOPY_ERROR_CONFIG))
    what = _("A setting is not valid.");
  else if (g_error_matches (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    what = _("The device did not answer in time.");

  if (what != NULL)
    return g_strdup_printf (_("Could not connect to %s. %s\n(%s)"), target, what, error->message);

  return g_strdup_printf (_("Could not connect to %s: %s"), target, error->message);
}

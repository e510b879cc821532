/* canopy-remote-server-listen.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <gio/gnetworking.h>

#include "canopy-bus.h"
#include "canopy-error.h"
#include "canopy-remote-server.h"

#include "canopy-remote-client-private.h"
#include "canopy-remote-connection-private.h"
#include "canopy-remote-port-private.h"
#include "canopy-remote-server-private.h"
#include "canopy-remote-protocol-private.h"

/* A remote server at work: listening, accepting and refusing clients,
 * opening a bus for each, and announcing them on the server's context.
 * The object, its settings and its views of the clients are in
 * canopy-remote-server.c. */

CanopyBus *
_canopy_remote_server_open_bus (CanopyRemoteServer  *self,
                                gint32               requested_bitrate,
                                GError             **error)
{
  g_autoptr(GHashTable) options = NULL;

  /* The shared bus is open already: its bit rate is what it is. */
  if (self->shared_bus != NULL)
    return _canopy_remote_port_new (self, self->shared_bus,
                                    canopy_remote_server_get_client_queue_size (self), error);

  options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (self->options != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, self->options);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (options, g_strdup (key), g_strdup (value));
    }

  /* A forced bit rate wins over the client's wish, as in python-can. */
  if (self->bitrate > 0)
    g_hash_table_insert (options, g_strdup ("bitrate"), g_strdup_printf ("%u", self->bitrate));
  else if (requested_bitrate > 0 && !g_hash_table_contains (options, "bitrate"))
    g_hash_table_insert (options, g_strdup ("bitrate"), g_strdup_printf ("%d", requested_bitrate));

  return canopy_bus_new (self->interface, self->channel, options, error);
}

typedef struct
{
  CanopyRemoteServer *server;
  CanopyRemoteClient *client;
  gboolean            connected;
} ClientChange;

static void
client_change_free (gpointer data)
{
  ClientChange *change = data;

  g_object_unref (change->server);
  g_object_unref (change->client);
  g_free (change);
}

/* On the server's context: the model changes, then the signal goes. */
static gboolean
apply_client_change (gpointer data)
{
  ClientChange *change = data;
  CanopyRemoteServer *self = change->server;
  guint position;

  if (change->connected)
    {
      g_list_store_append (self->client_model, change->client);
      _canopy_remote_server_emit_client_changed (self, change->client, TRUE);
    }
  else
    {
      if (g_list_store_find (self->client_model, change->client, &position))
        g_list_store_remove (self->client_model, position);
      _canopy_remote_server_emit_client_changed (self, change->client, FALSE);
    }

  return G_SOURCE_REMOVE;
}

/* Never runs @func in the caller's thread, even when it owns the context:
 * the caller is a connection thread holding no lock the handlers may need. */
static void
post_to_context (CanopyRemoteServer *self,
                 GSourceFunc         func,
                 gpointer            data,
                 GDestroyNotify      destroy,
                 const char         *name)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, name);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
post_client_change (CanopyRemoteServer *self,
                    CanopyRemoteClient *client,
                    gboolean            connected)
{
  ClientChange *change = g_new0 (ClientChange, 1);

  change->server = g_object_ref (self);
  change->client = g_object_ref (client);
  change->connected = connected;
  post_to_context (self, apply_client_change, change, client_change_free,
                   "[canopy] remote client change");
}

/* Called by a connection's thread once the server opened a bus for it. */
void
_canopy_remote_server_client_connected (CanopyRemoteServer     *self,
                                        CanopyRemoteConnection *c)
{
  g_autoptr(CanopyRemoteClientInfo) info = _canopy_remote_connection_get_info (c);
  g_autoptr(CanopyRemoteClient) client = _canopy_remote_client_new (info);

  g_mutex_lock (&self->mutex);
  g_hash_table_insert (self->client_objects, c, g_object_ref (client));
  g_mutex_unlock (&self->mutex);

  post_client_change (self, client, TRUE);
}

typedef struct
{
  CanopyRemoteClient *client;
  guint64             dropped;
} DroppedChange;

static void
dropped_change_free (gpointer data)
{
  DroppedChange *change = data;

  g_object_unref (change->client);
  g_free (change);
}

static gboolean
apply_dropped_change (gpointer data)
{
  DroppedChange *change = data;

  _canopy_remote_client_set_dropped (change->client, change->dropped);
  return G_SOURCE_REMOVE;
}

/* Called by a connection's bus thread, at most ten times a second. */
void
_canopy_remote_server_client_dropped (CanopyRemoteServer     *self,
                                      CanopyRemoteConnection *c,
                                      guint64                 dropped)
{
  DroppedChange *change;
  CanopyRemoteClient *client;

  g_mutex_lock (&self->mutex);
  client = g_hash_table_lookup (self->client_objects, c);
  if (client != NULL)
    g_object_ref (client);
  g_mutex_unlock (&self->mutex);

  if (client == NULL)
    return;

  change = g_new0 (DroppedChange, 1);
  change->client = client;
  change->dropped = dropped;
  post_to_context (self, apply_dropped_change, change, dropped_change_free,
                   "[canopy] remote client dropped");
}

/* Called by a connection's thread as it ends: the server joins it later. */
void
_canopy_remote_server_connection_closed (CanopyRemoteServer     *self,
                                         CanopyRemoteConnection *c)
{
  CanopyRemoteClient *client = NULL;

  g_mutex_lock (&self->mutex);
  g_ptr_array_remove (self->clients, c);
  g_ptr_array_add (self->finished, c);
  g_hash_table_steal_extended (self->client_objects, c, NULL, (gpointer *) &client);
  g_cond_broadcast (&self->clients_cond);
  g_mutex_unlock (&self->mutex);

  /* Only clients that got a bus were announced. */
  if (client != NULL)
    {
      post_client_change (self, client, FALSE);
      g_object_unref (client);
    }
}

/* The caller holds self->mutex. Joins client threads that have ended. */
static void
reap_finished_locked (CanopyRemoteServer *self)
{
  while (self->finished->len > 0)
    {
      CanopyRemoteConnection *c = g_ptr_array_steal_index_fast (self->finished,
                                                                self->finished->len - 1);

      _canopy_remote_connection_join (c);
    }
}

static void
reject (CanopyRemoteServer *self,
        GSocketConnection  *connection,
        const char         *text)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  guint8 buf[2 + CANOPY_REMOTE_MAX_TEXT];
  gsize len;

  /* A short write into an empty socket buffer does not block. */
  len = _canopy_remote_encode_text (buf, CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION, text);
  g_socket_send_with_blocking (socket, (const char *) buf, len, FALSE, NULL, NULL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

static gpointer
accept_thread (gpointer data)
{
  CanopyRemoteServer *self = data;

  for (;;)
    {
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) error = NULL;
      CanopyRemoteConnection *c;

      connection = g_socket_listener_accept (self->listener, NULL, self->cancellable, &error);
      if (connection == NULL)
        {
          if (g_cancellable_is_cancelled (self->cancellable))
            break;
          /* Out of file descriptors or a connection reset before we took
           * it: wait a little rather than spin. */
          g_debug ("Accepting a client failed: %s", error->message);
          g_usleep (G_USEC_PER_SEC / 10);
          continue;
        }

      g_mutex_lock (&self->mutex);
      reap_finished_locked (self);

      if (!self->running)
        {
          g_mutex_unlock (&self->mutex);
          break;
        }

      if (self->clients->len >= self->max_clients)
        {
          g_autofree char *text = g_strdup_printf ("The server is serving its maximum of %u clients",
                                                   self->max_clients);
          self->n_rejected++;
          g_mutex_unlock (&self->mutex);
          reject (self, connection, text);
          continue;
        }

      c = _canopy_remote_connection_new (self, connection,
                                         self->protocol == CANOPY_REMOTE_PROTOCOL_SOCKETCAND
                                         ? &_canopy_socketcand_wire : &_canopy_remote_wire_python_can,
                                         self->client_queue_size);
      g_ptr_array_add (self->clients, c);
      _canopy_remote_connection_start (c);
      g_mutex_unlock (&self->mutex);
    }

  return NULL;
}

static GInetAddress *
resolve_host (const char  *host,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GInetAddress *address;
  GList *list;

  if ((address = g_inet_address_new_from_string (host)))
    return address;

  list = g_resolver_lookup_by_name (g_resolver_get_default (), host, NULL, &local_error);
  if (list == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Cannot listen on “%s”: %s", host, local_error->message);
      return NULL;
    }
  address = g_object_ref (list->data);
  g_resolver_free_addresses (list);
  return address;
}

/**
 * canopy_remote_server_start:
 * @self: a server
 * @host: (nullable): the address to listen on; %NULL for `127.0.0.1`, so
 *   that sharing a bus with the network is a deliberate `0.0.0.0` (or `::`)
 * @port: the TCP port; 0 lets the system choose one, which
 *   canopy_remote_server_get_port() then returns
 * @error: return location for a #GError
 *
 * Checks that the bus opens (so a wrong interface or channel is reported
 * now, not to the first client), then listens for clients on threads of its
 * own; no main loop is needed. A server made with
 * canopy_remote_server_new_for_bus() checks instead that its bus is not
 * shut down.
 *
 * Returns: %TRUE if the server is listening
 */
gboolean
canopy_remote_server_start (CanopyRemoteServer  *self,
                            const char          *host,
                            guint                port,
                            GError             **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GSocketListener) listener = NULL;
  g_autoptr(CanopyBus) probe = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->running)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_FAILED,
                           "The remote server is already running");
      return FALSE;
    }

  if (host == NULL)
    host = "127.0.0.1";

  if (self->shared_bus != NULL)
    {
      if (canopy_bus_is_shut_down (self->shared_bus))
        {
          g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN,
                               "Cannot share a bus that is shut down");
          return FALSE;
        }
    }
  else if (!(probe = _canopy_remote_server_open_bus (self, 0, &local_error)))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   "Cannot open the bus to share: %s", local_error->message);
      return FALSE;
    }
  else
    canopy_bus_shutdown (probe);

  if (!(inet = resolve_host (host, error)))
    return FALSE;

  address = g_inet_socket_address_new (inet, port);
  listener = g_socket_listener_new ();
  if (!g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, &local_error))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Cannot listen on %s port %u: %s", host, port, local_error->message);
      return FALSE;
    }

  g_mutex_lock (&self->mutex);
  self->listener = g_steal_pointer (&listener);
  self->cancellable = g_cancellable_new ();
  g_free (self->host);
  self->host = g_strdup (host);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  self->running = TRUE;
  self->accept_thread = g_thread_new ("canopy-server-accept", accept_thread, self);
  g_mutex_unlock (&self->mutex);

  g_debug ("Remote server listening on %s port %u", self->host, self->port);

  _canopy_remote_server_notify (self, PROP_HOST);
  _canopy_remote_server_notify (self, PROP_PORT);
  _canopy_remote_server_notify (self, PROP_RUNNING);

  return TRUE;
}

/**
 * canopy_remote_server_stop:
 * @self: a server
 *
 * Stops listening and disconnects every client; returns when their threads
 * have ended and their buses are shut down. Clients see the connection
 * close. Does nothing when the server is not running.
 */
void
canopy_remote_server_stop (CanopyRemoteServer *self)
{
  g_return_if_fail (CANOPY_IS_REMOTE_SERVER (self));

  g_mutex_lock (&self->mutex);
  if (!self->running)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->running = FALSE;
  g_mutex_unlock (&self->mutex);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->accept_thread, g_thread_join);
  g_socket_listener_close (self->listener);
  g_clear_object (&self->listener);
  g_clear_object (&self->cancellable);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->clients->len; i++)
    {
      _canopy_remote_connection_cancel (self->clients->pdata[i]);
    }
  while (self->clients->len > 0)
    g_cond_wait (&self->clients_cond, &self->mutex);
  reap_finished_locked (self);
  g_mutex_unlock (&self->mutex);

  _canopy_remote_server_notify (self, PROP_RUNNING);
}


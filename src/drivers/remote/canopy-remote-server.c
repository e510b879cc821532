/* canopy-remote-server.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <gio/gnetworking.h>

#include "canopy-bus.h"
#include "canopy-enums.h"
#include "canopy-error.h"
#include "canopy-remote-server.h"

#include "canopy-remote-connection-private.h"
#include "canopy-socketcand-server-private.h"
#include "canopy-remote-protocol-private.h"

/**
 * CanopyRemoteServer:
 *
 * Shares a bus with clients on the network: python-can's `RemoteServer`
 * (`canserver`), speaking the same protocol, so python-can 2.0 clients and
 * [class@Canopy.RemoteBus] both connect.
 *
 * Each client gets its own bus on the server, opened with the server's
 * interface and channel (and its forced bit rate, when set); so on the
 * virtual interface, or on a real one that sees its own traffic, a frame
 * one client sends reaches the others. Every client has three threads: one
 * reads its socket and sends on its bus, one reads its bus into a bounded
 * queue, one writes that queue to the socket in batches. A client that reads
 * too slowly loses frames (counted in
 * [struct@Canopy.RemoteClientInfo].frames_dropped) and never slows the
 * others down.
 *
 * A client that speaks another protocol version or sends a malformed event
 * receives a RemoteException with the reason and is disconnected; others
 * are not affected. Events are at most 2042 bytes by construction (every
 * length is one byte), a client must complete its handshake within ten
 * seconds, and at most [property@Canopy.RemoteServer:max-clients] are
 * served at once: the next is told so and disconnected.
 *
 * With [property@Canopy.RemoteServer:protocol] set to
 * %CANOPY_REMOTE_PROTOCOL_SOCKETCAND the server speaks the socketcand
 * daemon's text protocol instead (raw mode), for python-can 4's
 * `socketcand` interface, SavvyCAN and cangaroo.
 */

struct _CanopyRemoteServer
{
  GObject          parent_instance;

  char            *interface;
  char            *channel;
  GHashTable      *options;
  guint            bitrate;
  guint            max_clients;
  guint            client_queue_size;
  CanopyRemoteProtocol protocol;

  GMutex           mutex;
  GCond            clients_cond;
  GPtrArray       *clients;
  GPtrArray       *finished;
  guint64          n_rejected;
  gboolean         running;

  GSocketListener *listener;
  GCancellable    *cancellable;
  GThread         *accept_thread;
  char            *host;
  guint            port;
};

G_DEFINE_FINAL_TYPE (CanopyRemoteServer, canopy_remote_server, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (CanopyRemoteClientInfo, canopy_remote_client_info,
                     canopy_remote_client_info_copy, canopy_remote_client_info_free)

enum {
  PROP_0,
  PROP_INTERFACE,
  PROP_CHANNEL,
  PROP_OPTIONS,
  PROP_BITRATE,
  PROP_MAX_CLIENTS,
  PROP_CLIENT_QUEUE_SIZE,
  PROP_PROTOCOL,
  PROP_RUNNING,
  PROP_HOST,
  PROP_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * canopy_remote_client_info_copy:
 * @info: a client info
 *
 * Returns: (transfer full): a copy of @info
 */
CanopyRemoteClientInfo *
canopy_remote_client_info_copy (const CanopyRemoteClientInfo *info)
{
  CanopyRemoteClientInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  copy->address = g_strdup (info->address);
  copy->channel_info = g_strdup (info->channel_info);
  return copy;
}

/**
 * canopy_remote_client_info_free:
 * @info: a client info
 *
 * Frees @info.
 */
void
canopy_remote_client_info_free (CanopyRemoteClientInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->address);
  g_free (info->channel_info);
  g_free (info);
}

CanopyBus *
_canopy_remote_server_open_bus (CanopyRemoteServer  *self,
                                gint32               requested_bitrate,
                                GError             **error)
{
  g_autoptr(GHashTable) options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

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

/* Called by a connection's thread as it ends: the server joins it later. */
void
_canopy_remote_server_connection_closed (CanopyRemoteServer     *self,
                                         CanopyRemoteConnection *c)
{
  g_mutex_lock (&self->mutex);
  g_ptr_array_remove (self->clients, c);
  g_ptr_array_add (self->finished, c);
  g_cond_broadcast (&self->clients_cond);
  g_mutex_unlock (&self->mutex);
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

static void
canopy_remote_server_dispose (GObject *object)
{
  CanopyRemoteServer *self = CANOPY_REMOTE_SERVER (object);

  canopy_remote_server_stop (self);

  G_OBJECT_CLASS (canopy_remote_server_parent_class)->dispose (object);
}

static void
canopy_remote_server_finalize (GObject *object)
{
  CanopyRemoteServer *self = CANOPY_REMOTE_SERVER (object);

  g_clear_pointer (&self->interface, g_free);
  g_clear_pointer (&self->channel, g_free);
  g_clear_pointer (&self->options, g_hash_table_unref);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->clients, g_ptr_array_unref);
  g_clear_pointer (&self->finished, g_ptr_array_unref);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->clients_cond);

  G_OBJECT_CLASS (canopy_remote_server_parent_class)->finalize (object);
}

static void
canopy_remote_server_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CanopyRemoteServer *self = CANOPY_REMOTE_SERVER (object);

  switch (prop_id)
    {
    case PROP_INTERFACE:
      g_value_set_string (value, self->interface);
      break;
    case PROP_CHANNEL:
      g_value_set_string (value, self->channel);
      break;
    case PROP_OPTIONS:
      g_value_set_boxed (value, self->options);
      break;
    case PROP_BITRATE:
      g_value_set_uint (value, canopy_remote_server_get_bitrate (self));
      break;
    case PROP_MAX_CLIENTS:
      g_value_set_uint (value, canopy_remote_server_get_max_clients (self));
      break;
    case PROP_PROTOCOL:
      g_value_set_enum (value, canopy_remote_server_get_protocol (self));
      break;

    case PROP_CLIENT_QUEUE_SIZE:
      g_value_set_uint (value, canopy_remote_server_get_client_queue_size (self));
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, canopy_remote_server_get_running (self));
      break;
    case PROP_HOST:
      g_value_set_string (value, canopy_remote_server_get_host (self));
      break;
    case PROP_PORT:
      g_value_set_uint (value, canopy_remote_server_get_port (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_remote_server_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CanopyRemoteServer *self = CANOPY_REMOTE_SERVER (object);

  switch (prop_id)
    {
    case PROP_INTERFACE:
      self->interface = g_value_dup_string (value);
      break;
    case PROP_CHANNEL:
      self->channel = g_value_dup_string (value);
      break;
    case PROP_OPTIONS:
      self->options = g_value_dup_boxed (value);
      break;
    case PROP_BITRATE:
      canopy_remote_server_set_bitrate (self, g_value_get_uint (value));
      break;
    case PROP_MAX_CLIENTS:
      canopy_remote_server_set_max_clients (self, g_value_get_uint (value));
      break;
    case PROP_PROTOCOL:
      canopy_remote_server_set_protocol (self, g_value_get_enum (value));
      break;

    case PROP_CLIENT_QUEUE_SIZE:
      canopy_remote_server_set_client_queue_size (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_remote_server_class_init (CanopyRemoteServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = canopy_remote_server_dispose;
  object_class->finalize = canopy_remote_server_finalize;
  object_class->get_property = canopy_remote_server_get_property;
  object_class->set_property = canopy_remote_server_set_property;

  /**
   * CanopyRemoteServer:interface:
   *
   * The interface of the shared bus; %NULL takes it from the configuration.
   */
  properties[PROP_INTERFACE] =
    g_param_spec_string ("interface", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /**
   * CanopyRemoteServer:channel:
   *
   * The channel of the shared bus; %NULL takes it from the configuration.
   */
  properties[PROP_CHANNEL] =
    g_param_spec_string ("channel", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /**
   * CanopyRemoteServer:options:
   *
   * Further driver options for every client's bus, as for canopy_bus_new().
   */
  properties[PROP_OPTIONS] =
    g_param_spec_boxed ("options", NULL, NULL, G_TYPE_HASH_TABLE,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /**
   * CanopyRemoteServer:bitrate:
   *
   * A bit rate in bit/s that overrides what clients ask for; 0 lets each
   * client's request stand.
   */
  properties[PROP_BITRATE] =
    g_param_spec_uint ("bitrate", NULL, NULL, 0, G_MAXINT32, 0,
                       (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /**
   * CanopyRemoteServer:max-clients:
   *
   * How many clients are served at once; the next one is refused.
   */
  properties[PROP_MAX_CLIENTS] =
    g_param_spec_uint ("max-clients", NULL, NULL, 1, 4096,
                       CANOPY_REMOTE_SERVER_DEFAULT_MAX_CLIENTS,
                       (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /**
   * CanopyRemoteServer:client-queue-size:
   *
   * How many frames wait for each client before new ones are dropped;
   * applies to clients that connect afterwards.
   */
  properties[PROP_CLIENT_QUEUE_SIZE] =
    g_param_spec_uint ("client-queue-size", NULL, NULL, 1, 16 * 1024 * 1024,
                       CANOPY_REMOTE_SERVER_DEFAULT_QUEUE_SIZE,
                       (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /**
   * CanopyRemoteServer:protocol:
   *
   * The protocol spoken with clients that connect afterwards.
   */
  properties[PROP_PROTOCOL] =
    g_param_spec_enum ("protocol", NULL, NULL,
                       CANOPY_TYPE_REMOTE_PROTOCOL, CANOPY_REMOTE_PROTOCOL_PYTHON_CAN,
                       (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /**
   * CanopyRemoteServer:running:
   *
   * Whether the server accepts clients.
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /**
   * CanopyRemoteServer:host:
   *
   * The address the server listens on, once started.
   */
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /**
   * CanopyRemoteServer:port:
   *
   * The TCP port the server listens on, once started (the one the system
   * chose, when started with port 0).
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_remote_server_init (CanopyRemoteServer *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->clients_cond);
  self->clients = g_ptr_array_new ();
  self->finished = g_ptr_array_new ();
  self->max_clients = CANOPY_REMOTE_SERVER_DEFAULT_MAX_CLIENTS;
  self->client_queue_size = CANOPY_REMOTE_SERVER_DEFAULT_QUEUE_SIZE;
}

/**
 * canopy_remote_server_new:
 * @interface: (nullable): the interface of the bus to share, as for
 *   canopy_bus_new(); %NULL takes it from the configuration
 * @channel: (nullable): its channel
 * @options: (nullable) (element-type utf8 utf8): further driver options
 *
 * Creates a server for the bus; canopy_remote_server_start() opens it to
 * clients.
 *
 * Returns: (transfer full): a new server
 */
CanopyRemoteServer *
canopy_remote_server_new (const char *interface,
                          const char *channel,
                          GHashTable *options)
{
  return g_object_new (CANOPY_TYPE_REMOTE_SERVER,
                       "interface", interface,
                       "channel", channel,
                       "options", options,
                       NULL);
}

/**
 * canopy_remote_server_get_interface:
 * @self: a server
 *
 * Returns: (nullable): the interface of the shared bus
 */
const char *
canopy_remote_server_get_interface (CanopyRemoteServer *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), NULL);
  return self->interface;
}

/**
 * canopy_remote_server_get_channel:
 * @self: a server
 *
 * Returns: (nullable): the channel of the shared bus
 */
const char *
canopy_remote_server_get_channel (CanopyRemoteServer *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), NULL);
  return self->channel;
}

/**
 * canopy_remote_server_get_bitrate:
 * @self: a server
 *
 * Returns: the forced bit rate, or 0
 */
guint
canopy_remote_server_get_bitrate (CanopyRemoteServer *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), 0);
  return g_atomic_int_get (&self->bitrate);
}

/**
 * canopy_remote_server_set_bitrate:
 * @self: a server
 * @bitrate: a bit rate in bit/s that overrides the clients' requests; 0
 *   lets them choose
 *
 * Sets [property@Canopy.RemoteServer:bitrate] for clients that connect
 * afterwards.
 */
void
canopy_remote_server_set_bitrate (CanopyRemoteServer *self,
                                  guint               bitrate)
{
  g_return_if_fail (CANOPY_IS_REMOTE_SERVER (self));

  if ((guint) g_atomic_int_get (&self->bitrate) == bitrate)
    return;
  g_atomic_int_set (&self->bitrate, bitrate);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BITRATE]);
}

/**
 * canopy_remote_server_get_max_clients:
 * @self: a server
 *
 * Returns: how many clients are served at once
 */
guint
canopy_remote_server_get_max_clients (CanopyRemoteServer *self)
{
  guint ret;

  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), 0);

  g_mutex_lock (&self->mutex);
  ret = self->max_clients;
  g_mutex_unlock (&self->mutex);
  return ret;
}

/**
 * canopy_remote_server_set_max_clients:
 * @self: a server
 * @max_clients: how many clients to serve at once, at least 1
 *
 * Sets [property@Canopy.RemoteServer:max-clients]. Clients already
 * connected stay.
 */
void
canopy_remote_server_set_max_clients (CanopyRemoteServer *self,
                                      guint               max_clients)
{
  g_return_if_fail (CANOPY_IS_REMOTE_SERVER (self));
  g_return_if_fail (max_clients > 0);

  g_mutex_lock (&self->mutex);
  if (self->max_clients == max_clients)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->max_clients = max_clients;
  g_mutex_unlock (&self->mutex);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CLIENTS]);
}

/**
 * canopy_remote_server_get_client_queue_size:
 * @self: a server
 *
 * Returns: how many frames wait for each client before new ones are dropped
 */
guint
canopy_remote_server_get_client_queue_size (CanopyRemoteServer *self)
{
  guint ret;

  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), 0);

  g_mutex_lock (&self->mutex);
  ret = self->client_queue_size;
  g_mutex_unlock (&self->mutex);
  return ret;
}

/**
 * canopy_remote_server_set_client_queue_size:
 * @self: a server
 * @queue_size: frames per client, at least 1
 *
 * Sets [property@Canopy.RemoteServer:client-queue-size] for clients that
 * connect afterwards.
 */
void
canopy_remote_server_set_client_queue_size (CanopyRemoteServer *self,
                                            guint               queue_size)
{
  g_return_if_fail (CANOPY_IS_REMOTE_SERVER (self));
  g_return_if_fail (queue_size > 0);

  g_mutex_lock (&self->mutex);
  if (self->client_queue_size == queue_size)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->client_queue_size = queue_size;
  g_mutex_unlock (&self->mutex);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT_QUEUE_SIZE]);
}

/**
 * canopy_remote_server_get_protocol:
 * @self: a server
 *
 * Returns: the protocol spoken with clients
 */
CanopyRemoteProtocol
canopy_remote_server_get_protocol (CanopyRemoteServer *self)
{
  CanopyRemoteProtocol ret;

  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), CANOPY_REMOTE_PROTOCOL_PYTHON_CAN);

  g_mutex_lock (&self->mutex);
  ret = self->protocol;
  g_mutex_unlock (&self->mutex);
  return ret;
}

/**
 * canopy_remote_server_set_protocol:
 * @self: a server
 * @protocol: the protocol for clients that connect afterwards
 *
 * Sets [property@Canopy.RemoteServer:protocol].
 */
void
canopy_remote_server_set_protocol (CanopyRemoteServer   *self,
                                   CanopyRemoteProtocol  protocol)
{
  g_return_if_fail (CANOPY_IS_REMOTE_SERVER (self));
  g_return_if_fail (protocol <= CANOPY_REMOTE_PROTOCOL_SOCKETCAND);

  g_mutex_lock (&self->mutex);
  if (self->protocol == protocol)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->protocol = protocol;
  g_mutex_unlock (&self->mutex);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL]);
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
 * own; no main loop is needed.
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

  if (!(probe = _canopy_remote_server_open_bus (self, 0, &local_error)))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   "Cannot open the bus to share: %s", local_error->message);
      return FALSE;
    }
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

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

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

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * canopy_remote_server_get_running:
 * @self: a server
 *
 * Returns: whether the server accepts clients
 */
gboolean
canopy_remote_server_get_running (CanopyRemoteServer *self)
{
  gboolean ret;

  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), FALSE);

  g_mutex_lock (&self->mutex);
  ret = self->running;
  g_mutex_unlock (&self->mutex);
  return ret;
}

/**
 * canopy_remote_server_get_host:
 * @self: a server
 *
 * Returns: (nullable): the address the server listens on, or listened on
 *   last
 */
const char *
canopy_remote_server_get_host (CanopyRemoteServer *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), NULL);
  return self->host;
}

/**
 * canopy_remote_server_get_port:
 * @self: a server
 *
 * Returns: the TCP port the server listens on, or 0 before it started
 */
guint
canopy_remote_server_get_port (CanopyRemoteServer *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), 0);
  return self->port;
}

/**
 * canopy_remote_server_get_n_clients:
 * @self: a server
 *
 * Returns: how many clients are connected (including those still in their
 *   handshake)
 */
guint
canopy_remote_server_get_n_clients (CanopyRemoteServer *self)
{
  guint ret;

  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), 0);

  g_mutex_lock (&self->mutex);
  ret = self->clients->len;
  g_mutex_unlock (&self->mutex);
  return ret;
}

/**
 * canopy_remote_server_get_n_rejected:
 * @self: a server
 *
 * Returns: how many connections were refused because
 *   [property@Canopy.RemoteServer:max-clients] were already served
 */
guint64
canopy_remote_server_get_n_rejected (CanopyRemoteServer *self)
{
  guint64 ret;

  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), 0);

  g_mutex_lock (&self->mutex);
  ret = self->n_rejected;
  g_mutex_unlock (&self->mutex);
  return ret;
}

/**
 * canopy_remote_server_list_clients:
 * @self: a server
 *
 * A snapshot of the connected clients with their addresses and counters,
 * python-can's `RemoteServer.clients`. Safe to call from any thread.
 *
 * Returns: (transfer container) (element-type CanopyRemoteClientInfo): the
 *   clients in the order they connected; the array frees its items, so
 *   g_ptr_array_unref() releases everything
 */
GPtrArray *
canopy_remote_server_list_clients (CanopyRemoteServer *self)
{
  GPtrArray *ret;

  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), NULL);

  ret = g_ptr_array_new_with_free_func ((GDestroyNotify) canopy_remote_client_info_free);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->clients->len; i++)
    {
      CanopyRemoteClientInfo *info = _canopy_remote_connection_get_info (self->clients->pdata[i]);

      g_ptr_array_add (ret, info);
    }
  g_mutex_unlock (&self->mutex);

  return ret;
}

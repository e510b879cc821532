/* canopy-remote-server.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <gio/gnetworking.h>

#include "canopy-bus.h"
#include "canopy-error.h"
#include "canopy-remote-enums.h"
#include "canopy-remote-server.h"

#include "canopy-remote-client-private.h"
#include "canopy-remote-connection-private.h"
#include "canopy-remote-server-private.h"
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
 * length is one byte), a client must complete its whole handshake within
 * [property@Canopy.RemoteServer:handshake-timeout], and at most [property@Canopy.RemoteServer:max-clients] are
 * served at once: the next is told so and disconnected.
 *
 * With [property@Canopy.RemoteServer:protocol] set to
 * %CANOPY_REMOTE_PROTOCOL_SOCKETCAND the server speaks the socketcand
 * daemon's text protocol instead (raw mode), for python-can 4's
 * `socketcand` interface, SavvyCAN and cangaroo.
 *
 * ## Sharing a bus that is already open
 *
 * Many channels (a PCAN or Kvaser channel, a serial adapter) can be opened
 * only once. A program that has such a bus open and reads it with a
 * [class@Canopy.Notifier] shares it with canopy_remote_server_new_for_bus():
 * the server is a [iface@Canopy.Listener] too, so
 *
 * ```c
 * server = canopy_remote_server_new_for_bus (bus);
 * canopy_notifier_add_listener (notifier, CANOPY_LISTENER (server));
 * canopy_remote_server_start (server, NULL, 54701, &error);
 * ```
 *
 * hands every frame the notifier reads to every client, and frames the
 * clients send go out on @bus. Clients then see what the program's own
 * listeners see: frames sent on @bus (by the program or by a client) reach
 * the clients only when @bus receives its own frames back (as with
 * `receive_own_messages`). The bit rate a client asks for is recorded in
 * its [struct@Canopy.RemoteClientInfo] but not applied: the bus is open
 * already. When the bus fails, or its notifier stops, every client is told
 * why and disconnected, and new clients are refused.
 */


G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyRemoteServer, canopy_remote_server, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_LISTENER,
                                                      _canopy_remote_server_listener_init))

G_DEFINE_BOXED_TYPE (CanopyRemoteClientInfo, canopy_remote_client_info,
                     canopy_remote_client_info_copy, canopy_remote_client_info_free)

static GParamSpec *properties[N_PROPS];

enum {
  CLIENT_CONNECTED,
  CLIENT_DISCONNECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_canopy_remote_server_notify (CanopyRemoteServer *self,
                              guint               prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
_canopy_remote_server_emit_client_changed (CanopyRemoteServer *self,
                                           CanopyRemoteClient *client,
                                           gboolean            connected)
{
  g_signal_emit (self, signals[connected ? CLIENT_CONNECTED : CLIENT_DISCONNECTED], 0, client);
}

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
  g_clear_object (&self->shared_bus);
  g_clear_pointer (&self->ports, g_ptr_array_unref);
  g_clear_error (&self->shared_error);
  g_rw_lock_clear (&self->ports_lock);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->clients, g_ptr_array_unref);
  g_clear_pointer (&self->finished, g_ptr_array_unref);
  g_clear_pointer (&self->client_objects, g_hash_table_unref);
  g_clear_object (&self->client_model);
  g_clear_pointer (&self->context, g_main_context_unref);
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
    case PROP_BUS:
      g_value_set_object (value, self->shared_bus);
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

    case PROP_HANDSHAKE_TIMEOUT:
      g_value_set_double (value, canopy_remote_server_get_handshake_timeout (self));
      break;

    case PROP_STALL_TIMEOUT:
      g_value_set_double (value, canopy_remote_server_get_stall_timeout (self));
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
    case PROP_BUS:
      self->shared_bus = g_value_dup_object (value);
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

    case PROP_HANDSHAKE_TIMEOUT:
      canopy_remote_server_set_handshake_timeout (self, g_value_get_double (value));
      break;

    case PROP_STALL_TIMEOUT:
      canopy_remote_server_set_stall_timeout (self, g_value_get_double (value));
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
   * CanopyRemoteServer:bus:
   *
   * The open bus the server shares (see canopy_remote_server_new_for_bus()),
   * or %NULL when every client gets a bus of its own, opened from
   * [property@Canopy.RemoteServer:interface] and
   * [property@Canopy.RemoteServer:channel].
   */
  properties[PROP_BUS] =
    g_param_spec_object ("bus", NULL, NULL, CANOPY_TYPE_BUS,
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
   * CanopyRemoteServer:handshake-timeout:
   *
   * Seconds a client has for its whole handshake (BusRequest and
   * FilterConfig), however it splits it; applies to clients that connect
   * afterwards.
   */
  properties[PROP_HANDSHAKE_TIMEOUT] =
    g_param_spec_double ("handshake-timeout", NULL, NULL, 0.001, 3600,
                         CANOPY_REMOTE_SERVER_DEFAULT_HANDSHAKE_TIMEOUT,
                         (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY));

  /**
   * CanopyRemoteServer:stall-timeout:
   *
   * Seconds a client whose queue is full may take nothing before it counts
   * as stalled: then nobody waits for it any more, and frames for it are
   * dropped (and counted) until it reads again. Applies to clients that
   * connect afterwards.
   */
  properties[PROP_STALL_TIMEOUT] =
    g_param_spec_double ("stall-timeout", NULL, NULL, 0.001, 3600,
                         CANOPY_REMOTE_SERVER_DEFAULT_STALL_TIMEOUT,
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

  /**
   * CanopyRemoteServer::client-connected:
   * @self: the server
   * @client: the client
   *
   * A client completed its handshake and has a bus of its own. Emitted on
   * the main context the server was made on, after @client was added to
   * [method@Canopy.RemoteServer.get_clients].
   */
  signals[CLIENT_CONNECTED] =
    g_signal_new ("client-connected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CANOPY_TYPE_REMOTE_CLIENT);

  /**
   * CanopyRemoteServer::client-disconnected:
   * @self: the server
   * @client: the client
   *
   * A client that had connected went away (or the server stopped).
   * Emitted on the main context the server was made on, after @client was
   * removed from [method@Canopy.RemoteServer.get_clients].
   */
  signals[CLIENT_DISCONNECTED] =
    g_signal_new ("client-disconnected",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CANOPY_TYPE_REMOTE_CLIENT);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_remote_server_init (CanopyRemoteServer *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->clients_cond);
  g_rw_lock_init (&self->ports_lock);
  self->ports = g_ptr_array_new ();
  self->clients = g_ptr_array_new ();
  self->client_objects = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->client_model = g_list_store_new (CANOPY_TYPE_REMOTE_CLIENT);
  self->context = g_main_context_ref_thread_default ();
  self->finished = g_ptr_array_new ();
  self->max_clients = CANOPY_REMOTE_SERVER_DEFAULT_MAX_CLIENTS;
  self->client_queue_size = CANOPY_REMOTE_SERVER_DEFAULT_QUEUE_SIZE;
  self->handshake_timeout_us = CANOPY_REMOTE_SERVER_DEFAULT_HANDSHAKE_TIMEOUT * G_USEC_PER_SEC;
  self->stall_timeout_us = CANOPY_REMOTE_SERVER_DEFAULT_STALL_TIMEOUT * G_USEC_PER_SEC;
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
 * canopy_remote_server_new_for_bus:
 * @bus: an open bus, read by a [class@Canopy.Notifier] of the caller's
 *
 * Creates a server that shares @bus itself instead of opening a bus for
 * each client: for a channel that cannot be opened twice, or to share
 * exactly the bus a program shows. Add the server to the notifier that
 * reads @bus (it is a [iface@Canopy.Listener]): each frame the notifier
 * reads goes to every client; frames clients send go out on @bus.
 * canopy_remote_server_start() opens it to clients.
 *
 * Stopping the server leaves @bus open; the server holds a reference to
 * it until it is finalized.
 *
 * Returns: (transfer full): a new server
 */
CanopyRemoteServer *
canopy_remote_server_new_for_bus (CanopyBus *bus)
{
  g_return_val_if_fail (CANOPY_IS_BUS (bus), NULL);

  return g_object_new (CANOPY_TYPE_REMOTE_SERVER,
                       "bus", bus,
                       NULL);
}

/**
 * canopy_remote_server_get_bus:
 * @self: a server
 *
 * Returns: (nullable) (transfer none): the open bus the server shares, or
 *   %NULL when each client gets a bus of its own
 */
CanopyBus *
canopy_remote_server_get_bus (CanopyRemoteServer *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), NULL);
  return self->shared_bus;
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

static double
get_timeout (CanopyRemoteServer *self,
             gint64             *timeout_us)
{
  gint64 ret;

  g_mutex_lock (&self->mutex);
  ret = *timeout_us;
  g_mutex_unlock (&self->mutex);
  return ret / (double) G_USEC_PER_SEC;
}

static void
set_timeout (CanopyRemoteServer *self,
             gint64             *timeout_us,
             double              seconds,
             guint               prop)
{
  gint64 us = (gint64) (seconds * G_USEC_PER_SEC);

  g_mutex_lock (&self->mutex);
  if (*timeout_us == us)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  *timeout_us = us;
  g_mutex_unlock (&self->mutex);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/**
 * canopy_remote_server_get_handshake_timeout:
 * @self: a server
 *
 * Returns: the seconds a client has for its whole handshake
 */
double
canopy_remote_server_get_handshake_timeout (CanopyRemoteServer *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), 0);
  return get_timeout (self, &self->handshake_timeout_us);
}

/**
 * canopy_remote_server_set_handshake_timeout:
 * @self: a server
 * @seconds: the time a client has for its whole handshake, 0.001 to 3600
 *
 * Sets [property@Canopy.RemoteServer:handshake-timeout] for clients that
 * connect afterwards.
 */
void
canopy_remote_server_set_handshake_timeout (CanopyRemoteServer *self,
                                            double              seconds)
{
  g_return_if_fail (CANOPY_IS_REMOTE_SERVER (self));
  g_return_if_fail (seconds >= 0.001 && seconds <= 3600);
  set_timeout (self, &self->handshake_timeout_us, seconds, PROP_HANDSHAKE_TIMEOUT);
}

/**
 * canopy_remote_server_get_stall_timeout:
 * @self: a server
 *
 * Returns: the seconds a client with a full queue may take nothing before
 *   frames for it are dropped
 */
double
canopy_remote_server_get_stall_timeout (CanopyRemoteServer *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), 0);
  return get_timeout (self, &self->stall_timeout_us);
}

/**
 * canopy_remote_server_set_stall_timeout:
 * @self: a server
 * @seconds: 0.001 to 3600
 *
 * Sets [property@Canopy.RemoteServer:stall-timeout] for clients that
 * connect afterwards.
 */
void
canopy_remote_server_set_stall_timeout (CanopyRemoteServer *self,
                                        double              seconds)
{
  g_return_if_fail (CANOPY_IS_REMOTE_SERVER (self));
  g_return_if_fail (seconds >= 0.001 && seconds <= 3600);
  set_timeout (self, &self->stall_timeout_us, seconds, PROP_STALL_TIMEOUT);
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

/**
 * canopy_remote_server_get_clients:
 * @self: a remote server
 *
 * The clients connected now, for a list view. The model changes on the
 * main context the server was made on, with
 * [signal@Canopy.RemoteServer::client-connected] and
 * [signal@Canopy.RemoteServer::client-disconnected].
 *
 * Returns: (transfer none): a #GListModel of #CanopyRemoteClient
 */
GListModel *
canopy_remote_server_get_clients (CanopyRemoteServer *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_SERVER (self), NULL);

  return G_LIST_MODEL (self->client_model);
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

/* canopy-remote-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <gio/gnetworking.h>

#include "canopy-error.h"
#include "canopy-remote-bus.h"

#include "canopy-bus-private.h"
#include "canopy-interface-info-private.h"
#include "canopy-message-queue-private.h"
#include "canopy-options-private.h"
#include "canopy-remote-bus-private.h"
#include "canopy-remote-protocol-private.h"
#include "canopy-socket-io-private.h"

/**
 * CanopyRemoteBus:
 *
 * python-can's `remote` interface: a bus on another computer, reached over
 * TCP through a [class@Canopy.RemoteServer] (or python-can 2.0's
 * `canserver`). The channel is `host[:port]`; the port defaults to
 * %CANOPY_REMOTE_BUS_DEFAULT_PORT.
 *
 * Acceptance filters travel to the server, which applies them to its own
 * bus; the client applies them again, so filters the protocol cannot carry
 * (inverted ones) still work. Errors the server reports (a RemoteException)
 * are returned once, by the next canopy_bus_send() or canopy_bus_recv()
 * call, with the server's text (%CANOPY_ERROR_REMOTE; that call does nothing
 * else, so a sender may simply retry). When the connection is lost, every later
 * call fails with %CANOPY_ERROR_CONNECTION_LOST; frames that arrived before
 * can still be received.
 *
 * Sent frames are queued in a bounded buffer that a writer thread sends in
 * batches, so a fast sender does not pay a system call per frame; a receive
 * thread fills a bounded queue of %CANOPY_REMOTE_BUS_DEFAULT_QUEUE_SIZE
 * frames (option `queue_size`). When that queue is full the thread stops
 * reading the socket instead of dropping frames, so TCP flow control slows
 * the server down; the server drops frames for a client only once it has
 * stopped reading altogether (see [property@Canopy.RemoteServer:stall-timeout]).
 */

struct _CanopyRemoteBusClass
{
  CanopyBusClass parent_class;
};

enum {
  PROP_0,
  PROP_CHANNEL,
  PROP_QUEUE_SIZE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyRemoteBus, canopy_remote_bus, CANOPY_TYPE_BUS)

static GParamSpec *properties[N_PROPS];

/* The first failure wins: it is the cause, later ones are consequences. */
static void
canopy_remote_bus_dispose (GObject *object)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (object);

  canopy_bus_shutdown (CANOPY_BUS (object));

  g_clear_object (&self->connection);
  self->socket = NULL;
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (canopy_remote_bus_parent_class)->dispose (object);
}

static void
canopy_remote_bus_finalize (GObject *object)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (object);

  g_clear_pointer (&self->channel, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->leftover, g_free);
  g_clear_pointer (&self->tx_buf, g_free);
  g_clear_pointer (&self->tx_spare, g_free);
  g_clear_pointer (&self->rx_buf, g_free);
  g_clear_error (&self->failure);
  g_queue_clear_full (&self->remote_errors, g_free);
  if (self->rx.ring != NULL)
    _canopy_message_queue_clear (&self->rx);
  g_mutex_clear (&self->tx_mutex);
  g_cond_clear (&self->tx_data_cond);
  g_cond_clear (&self->tx_room_cond);
  g_cond_clear (&self->done_cond);
  g_mutex_clear (&self->state_mutex);
  g_mutex_clear (&self->read_mutex);
  g_cond_clear (&self->reader_cond);

  G_OBJECT_CLASS (canopy_remote_bus_parent_class)->finalize (object);
}

static void
canopy_remote_bus_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_value_set_string (value, self->channel);
      break;

    case PROP_QUEUE_SIZE:
      g_value_set_uint (value, self->queue_size);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_remote_bus_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_free (self->channel);
      self->channel = g_value_dup_string (value);
      break;

    case PROP_QUEUE_SIZE:
      self->queue_size = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean canopy_remote_bus_open      (CanopyBus     *bus,
                                             GCancellable  *cancellable,
                                             GError       **error);
static gboolean canopy_remote_bus_configure (CanopyBus     *bus,
                                             const char    *channel,
                                             GHashTable    *options,
                                             GError       **error);

static void
canopy_remote_bus_update_statistics (CanopyBus           *bus,
                                     CanopyBusStatistics *stats)
{
  _canopy_bus_statistics_add_dropped (stats, canopy_remote_bus_get_dropped (CANOPY_REMOTE_BUS (bus)));
}

static void
canopy_remote_bus_class_init (CanopyRemoteBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->dispose = canopy_remote_bus_dispose;
  object_class->finalize = canopy_remote_bus_finalize;
  object_class->get_property = canopy_remote_bus_get_property;
  object_class->set_property = canopy_remote_bus_set_property;

  bus_class->configure = canopy_remote_bus_configure;
  bus_class->open = canopy_remote_bus_open;
  bus_class->send = _canopy_remote_bus_send;
  bus_class->recv = _canopy_remote_bus_recv;
  bus_class->set_filters = _canopy_remote_bus_set_filters;
  bus_class->flush_tx_buffer = _canopy_remote_bus_flush_tx_buffer;
  bus_class->shutdown = _canopy_remote_bus_shutdown;
  bus_class->update_statistics = canopy_remote_bus_update_statistics;

  /**
   * CanopyRemoteBus:channel:
   *
   * The server as `host[:port]` (port 54701 when none is given).
   */
  properties[PROP_CHANNEL] =
    g_param_spec_string ("channel", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyRemoteBus:queue-size:
   *
   * How many received frames the bus holds before it drops new ones.
   */
  properties[PROP_QUEUE_SIZE] =
    g_param_spec_uint ("queue-size", NULL, NULL,
                       1, CANOPY_OPTIONS_MAX_QUEUE_SIZE, CANOPY_REMOTE_BUS_DEFAULT_QUEUE_SIZE,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_remote_bus_init (CanopyRemoteBus *self)
{
  g_mutex_init (&self->tx_mutex);
  g_cond_init (&self->tx_data_cond);
  g_cond_init (&self->tx_room_cond);
  g_cond_init (&self->done_cond);
  g_mutex_init (&self->state_mutex);
  g_mutex_init (&self->read_mutex);
  g_cond_init (&self->reader_cond);
  g_queue_init (&self->remote_errors);
  self->tx_buf = g_malloc (TX_CAPACITY);
  self->tx_spare = g_malloc (TX_CAPACITY);
  self->rx_buf = g_malloc (RX_CHUNK);
  self->cancellable = _canopy_socket_cancellable_new ();
  self->queue_size = CANOPY_REMOTE_BUS_DEFAULT_QUEUE_SIZE;
  _canopy_remote_decoder_init (&self->decoder);
}

/* Waits for the server's answer to our BusRequest: BusResponse, or a
 * RemoteException saying why it could not open a bus for us. */
static gboolean
handshake (CanopyRemoteBus     *self,
           gint32               bitrate,
           char               **server_info,
           GError             **error)
{
  g_autofree guint8 *buf = g_malloc (RX_CHUNK);
  g_autoptr(GError) local_error = NULL;
  CanopyRemoteEvent event;
  gint64 deadline;
  g_autofree CanopyFilter *filters = NULL;
  guint n_filters = 0;
  gsize len;

  /* The protocol wants the filters right after the bus request: those set
   * before the bus opened (canopy_remote_bus_new()) or none. */
  filters = _canopy_bus_dup_filters (CANOPY_BUS (self), &n_filters);
  len = _canopy_remote_encode_bus_request (buf, CANOPY_REMOTE_PROTOCOL_VERSION, bitrate);
  if (_canopy_remote_filters_expressible (filters, n_filters))
    len += _canopy_remote_encode_filters (buf + len, filters, n_filters);
  else
    len += _canopy_remote_encode_filters (buf + len, NULL, 0);

  if (!_canopy_remote_write_all (self->socket, buf, len, NULL, &local_error))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                   "Could not send the bus request to the remote CAN server at %s: %s",
                   self->address, local_error->message);
      return FALSE;
    }

  deadline = g_get_monotonic_time () + HANDSHAKE_TIMEOUT * G_USEC_PER_SEC;

  for (;;)
    {
      gssize n = g_socket_receive (self->socket, (char *) buf, RX_CHUNK, NULL, &local_error);
      gsize pos = 0;

      if (n < 0)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                         "The remote CAN server at %s did not answer the bus request within %d s",
                         self->address, HANDSHAKE_TIMEOUT);
          else
            g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                         "Connection to the remote CAN server at %s lost: %s",
                         self->address, local_error->message);
          return FALSE;
        }
      if (n == 0)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                       "The remote CAN server at %s closed the connection before answering "
                       "the bus request", self->address);
          return FALSE;
        }

      while (pos < (gsize) n)
        {
          CanopyRemoteDecodeResult result;
          gsize consumed;

          result = _canopy_remote_decoder_feed (&self->decoder, buf + pos, n - pos,
                                                &consumed, &event, &local_error);
          pos += consumed;

          if (result == CANOPY_REMOTE_DECODE_NEED_MORE)
            break;

          if (result == CANOPY_REMOTE_DECODE_ERROR)
            {
              g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                           "The remote CAN server at %s sent a malformed answer: %s",
                           self->address, local_error->message);
              return FALSE;
            }

          switch (event.type)
            {
            case CANOPY_REMOTE_EVENT_BUS_RESPONSE:
              *server_info = g_strdup (event.text);
              /* Frames may follow in the same read: the receive thread
               * takes them. */
              if (pos < (gsize) n)
                {
                  self->leftover = g_memdup2 (buf + pos, n - pos);
                  self->leftover_len = n - pos;
                }
              return TRUE;

            case CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION:
              g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_REMOTE,
                           "The remote CAN server at %s could not open a bus: %s",
                           self->address, event.text);
              return FALSE;

            default:
              g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                           "Handshake error: the remote CAN server at %s answered the bus "
                           "request with a %s event", self->address,
                           _canopy_remote_event_type_name (event.type));
              return FALSE;
            }
        }

      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                       "The remote CAN server at %s did not answer the bus request within %d s",
                       self->address, HANDSHAKE_TIMEOUT);
          return FALSE;
        }
    }
}

static gboolean
canopy_remote_bus_open (CanopyBus     *bus,
                        GCancellable  *cancellable,
                        GError       **error)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (bus);
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *server_info = NULL;
  g_autofree char *info = NULL;
  const char *channel = self->channel;
  guint bitrate;

  if (channel == NULL || *channel == '\0')
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "The remote interface needs a channel: the server as host[:port]");
      return FALSE;
    }

  connectable = g_network_address_parse (channel, CANOPY_REMOTE_DEFAULT_PORT, &local_error);
  if (connectable == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Channel “%s” is not a server address of the form host[:port]: %s",
                   channel, local_error->message);
      return FALSE;
    }

  self->address = g_strdup_printf (strchr (g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable)), ':') ?
                                     "[%s]:%u" : "%s:%u",
                                   g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable)),
                                   g_network_address_get_port (G_NETWORK_ADDRESS (connectable)));
  _canopy_bus_set_channel_info (bus, self->address);
  _canopy_message_queue_init (&self->rx, self->queue_size);

  /* python-can's RemoteBus asks for 500 kbit/s unless told otherwise. */
  bitrate = canopy_bus_get_bitrate (bus);
  if (bitrate == 0 || bitrate > G_MAXINT32)
    {
      bitrate = 500000;
      canopy_bus_set_bitrate (bus, bitrate);
    }

  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, HANDSHAKE_TIMEOUT);
  self->connection = g_socket_client_connect (client, connectable, cancellable, &local_error);
  if (self->connection == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Could not connect to the remote CAN server at %s: %s",
                   self->address, local_error->message);
      return FALSE;
    }
  self->socket = g_socket_connection_get_socket (self->connection);
  g_socket_set_option (self->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  if (!handshake (self, (gint32) bitrate, &server_info, error))
    return FALSE;

  /* From here on the threads wait without a limit; shutdown cancels them. */
  g_socket_set_timeout (self->socket, 0);

  /* python-can's RemoteBus says the same, with the channel as given. */
  info = g_strdup_printf ("%s on %s", server_info, channel);
  _canopy_bus_set_channel_info (bus, info);

  self->reader = g_thread_new ("canopy-remote-rx", _canopy_remote_bus_reader_thread, self);
  self->writer = g_thread_new ("canopy-remote-tx", _canopy_remote_bus_writer_thread, self);

  return TRUE;
}

static gboolean
canopy_remote_bus_configure (CanopyBus   *bus,
                             const char  *channel,
                             GHashTable  *options,
                             GError     **error)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (bus);
  guint queue_size;

  if (!_canopy_options_get_queue_size (options, CANOPY_REMOTE_BUS_DEFAULT_QUEUE_SIZE, "remote",
                                       &queue_size, error))
    return FALSE;

  g_free (self->channel);
  self->channel = g_strdup (channel);
  self->queue_size = queue_size;

  return TRUE;
}

void
_canopy_remote_bus_register (void)
{
  _canopy_interface_register ("remote", NULL, CANOPY_TYPE_REMOTE_BUS,
                              "Remote CAN server over TCP (python-can 2.0's canserver, canopy-server)",
                              "a server address as host[:port] (port 54701 by default)");
}

/**
 * canopy_remote_bus_new:
 * @channel: the server as `host[:port]`
 * @bitrate: the bit rate to ask the server for, in bit/s (a server may
 *   force its own)
 * @filters: (array length=n_filters) (nullable): acceptance filters sent
 *   with the bus request
 * @n_filters: the number of filters
 * @error: return location for a #GError
 *
 * Connects to a remote CAN server and waits (at most 5 s) until it has
 * opened a bus for this client. canopy_bus_new() with `remote` does the same
 * from options.
 *
 * Returns: (transfer full): a new bus, or %NULL with @error set
 */
CanopyRemoteBus *
canopy_remote_bus_new (const char          *channel,
                       gint32               bitrate,
                       const CanopyFilter  *filters,
                       guint                n_filters,
                       GError             **error)
{
  g_autoptr(CanopyRemoteBus) self = NULL;

  g_return_val_if_fail (filters != NULL || n_filters == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CANOPY_TYPE_REMOTE_BUS,
                       "channel", channel,
                       "bitrate", (guint) MAX (bitrate, 0),
                       NULL);
  if (n_filters > 0 && !canopy_bus_set_filter_array (CANOPY_BUS (self), filters, n_filters, error))
    return NULL;
  if (!g_initable_init (G_INITABLE (self), NULL, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * canopy_remote_bus_get_server_address:
 * @self: a remote bus
 *
 * Returns: the server as `host:port`
 */
const char *
canopy_remote_bus_get_server_address (CanopyRemoteBus *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_BUS (self), NULL);
  return self->address;
}

/**
 * canopy_remote_bus_get_dropped:
 * @self: a remote bus
 *
 * Returns: how many received frames were dropped because the receive queue
 *   was full: always 0 now that the receive thread waits for room instead
 *   (a client that does not read is dropped for by the server, see
 *   [property@Canopy.RemoteClient:dropped])
 */
guint64
canopy_remote_bus_get_dropped (CanopyRemoteBus *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_BUS (self), 0);
  if (self->rx.ring == NULL)
    return 0;
  return _canopy_message_queue_get_dropped (&self->rx);
}

/* canopy-socketcand-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <gio/gnetworking.h>

#include "canopy-error.h"
#include "canopy-socketcand-bus.h"

#include "canopy-bus-private.h"
#include "canopy-clock-private.h"
#include "canopy-interface-info-private.h"
#include "canopy-options-private.h"
#include "canopy-socket-io-private.h"
#include "canopy-socketcand-bus-private.h"
#include "canopy-socketcand-codec-private.h"
#include "canopy-stream-link-private.h"

/**
 * CanopySocketcandBus:
 *
 * A bus served by a socketcand daemon (linux-can/socketcand) or by
 * `canopy-server --protocol socketcand`, over TCP in the daemon's raw mode.
 * The channel is `host[:port]/bus` (`127.0.0.1:29536/can0`); python-can 4's
 * options `host` and `port` with the bus name as the channel work too.
 *
 * The protocol carries classic frames (data frames up to 8 bytes; error
 * frames from the server); it has no filters or bit rate, so filters apply
 * here. Elements from the server that are not valid socketcand are skipped
 * and counted (canopy_socketcand_bus_get_skipped()); when the connection
 * is lost, every call fails with %CANOPY_ERROR_CONNECTION_LOST once the
 * frames received before are taken.
 */

#define DEFAULT_QUEUE_SIZE 16384
#define CONNECT_TIMEOUT    5
#define HANDSHAKE_TIMEOUT  5
/* A server timestamp further than this from the local clock is not a Unix
 * time (socketcand on a host whose clock is unset): use arrival time. */
#define PLAUSIBLE_CLOCK_NS (G_GINT64_CONSTANT (86400) * 1000000000)

typedef struct
{
  GSocketConnection *connection;
  GSocket           *socket;
  GCancellable      *cancellable;
} SocketTransport;

struct _CanopySocketcandBus
{
  CanopyBus                parent_instance;
  CanopyStreamLink         link;     /* first: see CanopyStreamBus */
  char                    *host;
  guint                    port;
  char                    *bus_name;
  guint                    queue_size;

  CanopySocketcandDecoder  decoder;
};

struct _CanopySocketcandBusClass
{
  CanopyBusClass parent_class;
};

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_CHANNEL,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopySocketcandBus, canopy_socketcand_bus, CANOPY_TYPE_BUS)

static GParamSpec *properties[N_PROPS];

/* The monotonic time @timeout_ms from now; -1 for no limit. */
static gint64
deadline_after_ms (int timeout_ms)
{
  return timeout_ms < 0 ? -1 : g_get_monotonic_time () + (gint64) timeout_ms * 1000;
}

static gssize
socket_read (gpointer   transport,
             guint8    *buf,
             gsize      len,
             int        timeout_ms,
             GError   **error)
{
  SocketTransport *t = transport;
  g_autoptr(GError) local_error = NULL;
  gssize n;

  /* Timed out or cancelled (shut down): no data. */
  if (!_canopy_socket_wait (t->socket, G_IO_IN, deadline_after_ms (timeout_ms), t->cancellable, NULL))
    return 0;

  n = g_socket_receive_with_blocking (t->socket, (char *) buf, len, FALSE, t->cancellable, &local_error);
  if (n > 0)
    return n;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return 0;
  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST, "socketcand server: %s",
               n == 0 ? "the server closed the connection" : local_error->message);
  return -1;
}

static gboolean
socket_write_all (gpointer       transport,
                  const guint8  *buf,
                  gsize          len,
                  int            timeout_ms,
                  GError       **error)
{
  SocketTransport *t = transport;
  gint64 deadline = deadline_after_ms (timeout_ms);

  while (len > 0)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n = _canopy_socket_send_some (t->socket, buf, len, deadline, t->cancellable, &local_error);

      if (n < 0)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                                 "socketcand server: sending timed out");
          else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN, "socketcand bus: %s",
                         local_error->message);
          else
            g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST, "socketcand server: %s",
                         local_error->message);
          return FALSE;
        }
      buf += n;
      len -= n;
    }
  return TRUE;
}

static void
socket_interrupt (gpointer transport)
{
  g_cancellable_cancel (((SocketTransport *) transport)->cancellable);
}

static void
socket_close (gpointer transport)
{
  SocketTransport *t = transport;

  g_io_stream_close (G_IO_STREAM (t->connection), NULL, NULL);
  g_clear_object (&t->connection);
  g_clear_object (&t->cancellable);
  g_free (t);
}

static const CanopyStreamTransport socket_transport = {
  socket_read,
  socket_write_all,
  socket_interrupt,
  socket_close,
};

/* On the reader thread: everything the server sends after raw mode. */
static void
socketcand_feed (gpointer      owner,
                 const guint8 *data,
                 gsize         len)
{
  CanopySocketcandBus *self = owner;
  CanopySocketcandElement element;

  while (len > 0)
    {
      CanopySocketcandResult result;
      gsize consumed;
      gint64 now_ns;

      result = _canopy_socketcand_decoder_feed (&self->decoder, data, len, &consumed, &element);
      data += consumed;
      len -= consumed;

      switch (result)
        {
        case CANOPY_SOCKETCAND_NEED_MORE:
        case CANOPY_SOCKETCAND_OK:
          break;

        case CANOPY_SOCKETCAND_FRAME:
        case CANOPY_SOCKETCAND_ERROR_FRAME:
          now_ns = _canopy_clock_realtime_ns ();
          if (ABS (element.msg.timestamp_ns - now_ns) > PLAUSIBLE_CLOCK_NS)
            element.msg.timestamp_ns = now_ns;
          if (result == CANOPY_SOCKETCAND_ERROR_FRAME || _canopy_bus_accepts (CANOPY_BUS (self), &element.msg))
            _canopy_stream_link_deliver (&self->link, &element.msg);
          break;

        case CANOPY_SOCKETCAND_ERROR:
          /* The server refused something we sent (a frame its bus could
           * not send): nothing to answer, but the user may want to know. */
          g_debug ("socketcand server %s: error: %s", self->host, element.text);
          _canopy_stream_link_add_skipped (&self->link, 1);
          break;

        default:
          _canopy_stream_link_add_skipped (&self->link, 1);
          break;
        }
    }
}

/* Reads one element during the handshake; leftover bytes stay in the
 * decoder's caller buffer. */
static CanopySocketcandResult
read_element (CanopySocketcandBus      *self,
              SocketTransport          *t,
              guint8                   *buf,
              gsize                    *pos,
              gsize                    *len,
              CanopySocketcandElement  *element,
              GError                  **error)
{
  for (;;)
    {
      while (*pos < *len)
        {
          gsize consumed;
          CanopySocketcandResult result;

          result = _canopy_socketcand_decoder_feed (&self->decoder, buf + *pos, *len - *pos, &consumed, element);
          *pos += consumed;
          if (result != CANOPY_SOCKETCAND_NEED_MORE && result != CANOPY_SOCKETCAND_SKIPPED)
            return result;
        }

      *pos = 0;
      *len = 0;
      {
        gssize n = socket_read (t, buf, 4096, HANDSHAKE_TIMEOUT * 1000, error);

        if (n < 0)
          return CANOPY_SOCKETCAND_NEED_MORE;
        if (n == 0)
          {
            g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                         "socketcand server %s:%u did not answer in %d s: is it a socketcand server?",
                         self->host, self->port, HANDSHAKE_TIMEOUT);
            return CANOPY_SOCKETCAND_NEED_MORE;
          }
        *len = n;
      }
    }
}

static gboolean
expect (CanopySocketcandBus      *self,
        SocketTransport          *t,
        guint8                   *buf,
        gsize                    *pos,
        gsize                    *len,
        CanopySocketcandResult    wanted,
        const char               *step,
        GError                  **error)
{
  g_autofree CanopySocketcandElement *element = g_new (CanopySocketcandElement, 1);
  CanopySocketcandResult result = read_element (self, t, buf, pos, len, element, error);

  if (result == wanted)
    return TRUE;
  if (result == CANOPY_SOCKETCAND_NEED_MORE)
    return FALSE;     /* error set */
  if (result == CANOPY_SOCKETCAND_ERROR)
    g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_REMOTE, "socketcand server %s:%u refused %s: %s",
                 self->host, self->port, step, element->text);
  else
    g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                 "socketcand server %s:%u answered %s with something unexpected",
                 self->host, self->port, step);
  return FALSE;
}

static gboolean
canopy_socketcand_bus_send (CanopyBus            *bus,
                            const CanopyMessage  *msg,
                            double                timeout,
                            GError              **error)
{
  CanopySocketcandBus *self = CANOPY_SOCKETCAND_BUS (bus);
  char buf[CANOPY_SOCKETCAND_MAX_ELEMENT];
  gsize len;

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;

  len = _canopy_socketcand_encode_send (buf, msg);
  if (len == 0)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                           "socketcand's raw mode sends data frames of up to 8 bytes only "
                           "(no remote, error or CAN FD frames)");
      return FALSE;
    }
  return _canopy_stream_link_write (&self->link, buf, len, timeout, error);
}

/* `host[:port]/bus`, with [v6 address] brackets. */
static gboolean
parse_channel (CanopySocketcandBus  *self,
               const char           *channel,
               GError              **error)
{
  const char *slash = channel != NULL ? strchr (channel, '/') : NULL;
  g_autofree char *address = NULL;
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GError) local_error = NULL;

  if (slash == NULL || slash == channel || slash[1] == '\0')
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "socketcand channel “%s” is not host[:port]/bus (127.0.0.1:29536/can0)",
                   channel ? channel : "");
      return FALSE;
    }

  address = g_strndup (channel, slash - channel);
  connectable = g_network_address_parse (address, CANOPY_SOCKETCAND_BUS_DEFAULT_PORT, &local_error);
  if (connectable == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "socketcand channel “%s”: %s", channel, local_error->message);
      return FALSE;
    }

  g_free (self->host);
  self->host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable)));
  self->port = g_network_address_get_port (G_NETWORK_ADDRESS (connectable));
  g_free (self->bus_name);
  self->bus_name = g_strdup (slash + 1);
  return TRUE;
}

static gboolean
canopy_socketcand_bus_configure (CanopyBus   *bus,
                                 const char  *channel,
                                 GHashTable  *options,
                                 GError     **error)
{
  CanopySocketcandBus *self = CANOPY_SOCKETCAND_BUS (bus);
  const char *host = options != NULL ? g_hash_table_lookup (options, "host") : NULL;
  guint64 port, queue_size;

  if (!_canopy_options_get_uint (options, "queue_size", DEFAULT_QUEUE_SIZE, 16 * 1024 * 1024, &queue_size, error) ||
      !_canopy_options_get_uint (options, "port", CANOPY_SOCKETCAND_BUS_DEFAULT_PORT, G_MAXUINT16, &port, error))
    return FALSE;
  self->queue_size = queue_size ? queue_size : DEFAULT_QUEUE_SIZE;

  /* python-can 4: host=…, port=…, channel="can0". */
  if (host != NULL)
    {
      g_free (self->host);
      self->host = g_strdup (host);
      self->port = port;
      g_free (self->bus_name);
      self->bus_name = g_strdup (channel != NULL && *channel != '\0' ? channel : "can0");
      return TRUE;
    }

  return parse_channel (self, channel, error);
}

static gboolean
canopy_socketcand_bus_open (CanopyBus     *bus,
                            GCancellable  *cancellable,
                            GError       **error)
{
  CanopySocketcandBus *self = CANOPY_SOCKETCAND_BUS (bus);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *info = NULL;
  g_autofree guint8 *buf = g_malloc (4096);
  char command[CANOPY_SOCKETCAND_MAX_ELEMENT];
  SocketTransport *t;
  gsize pos = 0, len = 0;

  if (self->host == NULL || self->bus_name == NULL)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "A socketcand bus needs a host and a bus name");
      return FALSE;
    }

  g_socket_client_set_timeout (client, CONNECT_TIMEOUT);
  t = g_new0 (SocketTransport, 1);
  t->cancellable = _canopy_socket_cancellable_new ();
  t->connection = g_socket_client_connect_to_host (client, self->host, self->port, cancellable, &local_error);
  if (t->connection == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                   "Cannot connect to the socketcand server %s:%u: %s", self->host, self->port,
                   local_error->message);
      g_object_unref (t->cancellable);
      g_free (t);
      return FALSE;
    }
  t->socket = g_socket_connection_get_socket (t->connection);
  g_socket_set_timeout (t->socket, 0);
  g_socket_set_blocking (t->socket, FALSE);
  g_socket_set_option (t->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  _canopy_stream_link_init (&self->link, "canopy-socketcand", &socket_transport, t, self->queue_size);

  /* < hi >, < open BUS > < ok >, < rawmode > < ok >, one at a time. */
  if (!expect (self, t, buf, &pos, &len, CANOPY_SOCKETCAND_HI, "the greeting", error))
    return FALSE;
  len = 0;
  {
    gsize n = _canopy_socketcand_encode_word (command, "open", self->bus_name);

    if (!socket_write_all (t, (guint8 *) command, n, HANDSHAKE_TIMEOUT * 1000, error) ||
        !expect (self, t, buf, &pos, &len, CANOPY_SOCKETCAND_OK, "opening the bus", error))
      return FALSE;
  }
  {
    gsize n = _canopy_socketcand_encode_word (command, "rawmode", NULL);

    if (!socket_write_all (t, (guint8 *) command, n, HANDSHAKE_TIMEOUT * 1000, error) ||
        !expect (self, t, buf, &pos, &len, CANOPY_SOCKETCAND_OK, "raw mode", error))
      return FALSE;
  }

  info = g_strdup_printf ("socketcand bus %s on %s:%u", self->bus_name, self->host, self->port);
  _canopy_bus_set_channel_info (bus, info);

  /* Frames that came with the last answer. */
  if (pos < len)
    socketcand_feed (self, buf + pos, len - pos);
  _canopy_stream_link_start (&self->link, socketcand_feed, NULL, 0, self);
  return TRUE;
}

static void
canopy_socketcand_bus_finalize (GObject *object)
{
  CanopySocketcandBus *self = CANOPY_SOCKETCAND_BUS (object);

  _canopy_stream_link_clear (&self->link);
  g_free (self->host);
  g_free (self->bus_name);

  G_OBJECT_CLASS (canopy_socketcand_bus_parent_class)->finalize (object);
}

static void
canopy_socketcand_bus_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CanopySocketcandBus *self = CANOPY_SOCKETCAND_BUS (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;

    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;

    case PROP_CHANNEL:
      g_value_set_string (value, self->bus_name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_socketcand_bus_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CanopySocketcandBus *self = CANOPY_SOCKETCAND_BUS (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_free (self->host);
      self->host = g_value_dup_string (value);
      break;

    case PROP_PORT:
      self->port = g_value_get_uint (value);
      break;

    case PROP_CHANNEL:
      g_free (self->bus_name);
      self->bus_name = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_socketcand_bus_class_init (CanopySocketcandBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->finalize = canopy_socketcand_bus_finalize;
  object_class->get_property = canopy_socketcand_bus_get_property;
  object_class->set_property = canopy_socketcand_bus_set_property;

  _canopy_stream_bus_class_init (bus_class);
  bus_class->configure = canopy_socketcand_bus_configure;
  bus_class->open = canopy_socketcand_bus_open;
  bus_class->send = canopy_socketcand_bus_send;

  /**
   * CanopySocketcandBus:host:
   *
   * The host name or address of the socketcand server.
   */
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopySocketcandBus:port:
   *
   * The server's TCP port.
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16, CANOPY_SOCKETCAND_BUS_DEFAULT_PORT,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopySocketcandBus:channel:
   *
   * The name of the bus on the server (`can0`).
   */
  properties[PROP_CHANNEL] =
    g_param_spec_string ("channel", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_socketcand_bus_init (CanopySocketcandBus *self)
{
  _canopy_socketcand_decoder_init (&self->decoder);
  self->port = CANOPY_SOCKETCAND_BUS_DEFAULT_PORT;
  self->queue_size = DEFAULT_QUEUE_SIZE;
}

void
_canopy_socketcand_bus_register (void)
{
  _canopy_interface_register ("socketcand", NULL, CANOPY_TYPE_SOCKETCAND_BUS,
                              "A bus shared by a socketcand daemon or canopy-server --protocol socketcand",
                              "host[:port]/bus, e.g. 127.0.0.1:29536/can0");
}

/**
 * canopy_socketcand_bus_get_skipped:
 * @self: a socketcand bus
 *
 * Returns: how many elements from the server were skipped: not valid
 *   socketcand, too long, or error reports
 */
guint64
canopy_socketcand_bus_get_skipped (CanopySocketcandBus *self)
{
  g_return_val_if_fail (CANOPY_IS_SOCKETCAND_BUS (self), 0);
  return _canopy_stream_link_get_skipped (&self->link);
}

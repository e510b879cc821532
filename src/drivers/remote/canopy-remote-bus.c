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
 * frames (option `queue_size`) and counts what it drops.
 */

/* A frame pushed into the receive queue with this flag wakes a blocked
 * recv() to report a server error; it never reaches the caller. */
#define ERROR_MARKER 0x80000000u

#define TX_CAPACITY        (64 * 1024)
#define RX_CHUNK           (64 * 1024)
#define MAX_PENDING_ERRORS 64
#define HANDSHAKE_TIMEOUT  5
#define CLOSE_TIMEOUT_US   (G_USEC_PER_SEC)

struct _CanopyRemoteBus
{
  CanopyBus            parent_instance;

  char                *channel;
  guint                queue_size;
  char                *address;
  GSocketConnection   *connection;
  GSocket             *socket;
  GCancellable        *cancellable;
  GThread             *reader;
  GThread             *writer;

  CanopyMessageQueue   rx;
  CanopyRemoteDecoder  decoder;
  guint8              *leftover;
  gsize                leftover_len;

  GMutex               tx_mutex;
  GCond                tx_data_cond;
  GCond                tx_room_cond;
  GCond                done_cond;
  guint8              *tx_buf;
  guint8              *tx_spare;
  gsize                tx_len;
  guint                room_waiters;
  gboolean             writer_waiting;
  gboolean             tx_stop;
  gboolean             tx_failed;
  gboolean             writer_done;
  gboolean             reader_done;

  GMutex               state_mutex;
  GError              *failure;
  GQueue               remote_errors;
  int                  n_remote_errors;
  int                  broken;
  guint64              transmit_successes;
};

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
set_failure (CanopyRemoteBus *self,
             GError          *error)
{
  g_mutex_lock (&self->state_mutex);
  if (self->failure == NULL)
    self->failure = error;
  else
    g_error_free (error);
  g_atomic_int_set (&self->broken, TRUE);
  g_mutex_unlock (&self->state_mutex);
}

static gboolean
return_failure (CanopyRemoteBus  *self,
                GError          **error)
{
  g_mutex_lock (&self->state_mutex);
  if (self->failure != NULL)
    g_propagate_error (error, g_error_copy (self->failure));
  else
    g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                 "The connection to the remote CAN server at %s is closed", self->address);
  g_mutex_unlock (&self->state_mutex);
  return FALSE;
}

static void
add_remote_error (CanopyRemoteBus *self,
                  const char      *text)
{
  g_mutex_lock (&self->state_mutex);
  if (self->remote_errors.length < MAX_PENDING_ERRORS)
    {
      g_queue_push_tail (&self->remote_errors, g_strdup (text));
      g_atomic_int_inc (&self->n_remote_errors);
    }
  g_mutex_unlock (&self->state_mutex);
}

/* Returns TRUE (and sets @error) if a server error was waiting. */
static gboolean
take_remote_error (CanopyRemoteBus  *self,
                   GError          **error)
{
  char *text;

  if G_LIKELY (g_atomic_int_get (&self->n_remote_errors) == 0)
    return FALSE;

  g_mutex_lock (&self->state_mutex);
  text = g_queue_pop_head (&self->remote_errors);
  if (text != NULL)
    g_atomic_int_add (&self->n_remote_errors, -1);
  g_mutex_unlock (&self->state_mutex);

  if (text == NULL)
    return FALSE;

  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_REMOTE,
               "The remote CAN server at %s reported: %s", self->address, text);
  g_free (text);
  return TRUE;
}

/* Appends whole events to the transmit buffer; the writer thread sends it. */
static gboolean
tx_append (CanopyRemoteBus  *self,
           const guint8     *data,
           gsize             len,
           double            timeout,
           GError          **error)
{
  gint64 deadline = 0;

  g_mutex_lock (&self->tx_mutex);

  while (TX_CAPACITY - self->tx_len < len)
    {
      gboolean signalled = TRUE;

      if (self->tx_failed || self->tx_stop)
        {
          g_mutex_unlock (&self->tx_mutex);
          if (canopy_bus_is_shut_down (CANOPY_BUS (self)))
            return _canopy_bus_check_open (CANOPY_BUS (self), error);
          return return_failure (self, error);
        }
      if (timeout == 0)
        {
          g_mutex_unlock (&self->tx_mutex);
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                       "The remote CAN server at %s does not take frames as fast as they are sent",
                       self->address);
          return FALSE;
        }

      self->room_waiters++;
      if (timeout < 0)
        g_cond_wait (&self->tx_room_cond, &self->tx_mutex);
      else
        {
          if (deadline == 0)
            deadline = g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
          signalled = g_cond_wait_until (&self->tx_room_cond, &self->tx_mutex, deadline);
        }
      self->room_waiters--;

      if (!signalled && TX_CAPACITY - self->tx_len < len)
        timeout = 0;
    }

  memcpy (self->tx_buf + self->tx_len, data, len);
  self->tx_len += len;

  /* Only a sleeping writer costs a wake-up. */
  if (self->writer_waiting)
    {
      self->writer_waiting = FALSE;
      g_cond_signal (&self->tx_data_cond);
    }

  g_mutex_unlock (&self->tx_mutex);

  return TRUE;
}

static gpointer
writer_thread (gpointer data)
{
  CanopyRemoteBus *self = data;
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->tx_mutex);
  for (;;)
    {
      guint8 *batch;
      gsize len;
      gboolean ok;

      while (self->tx_len == 0 && !self->tx_stop)
        {
          self->writer_waiting = TRUE;
          g_cond_wait (&self->tx_data_cond, &self->tx_mutex);
        }
      self->writer_waiting = FALSE;

      if (self->tx_len == 0)
        break;

      /* Senders keep appending to the other buffer while this one goes. */
      batch = self->tx_buf;
      len = self->tx_len;
      self->tx_buf = self->tx_spare;
      self->tx_spare = batch;
      self->tx_len = 0;
      if (self->room_waiters > 0)
        g_cond_broadcast (&self->tx_room_cond);

      g_mutex_unlock (&self->tx_mutex);
      ok = _canopy_remote_write_all (self->socket, batch, len, self->cancellable, &error);
      g_mutex_lock (&self->tx_mutex);

      if (!ok)
        {
          self->tx_failed = TRUE;
          g_cond_broadcast (&self->tx_room_cond);
          break;
        }
    }
  self->writer_done = TRUE;
  g_cond_broadcast (&self->done_cond);
  g_mutex_unlock (&self->tx_mutex);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_failure (self, g_error_new (CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                                    "Connection to the remote CAN server at %s lost: %s",
                                    self->address, error->message));

  return NULL;
}

/* Handles the events of one chunk received after the handshake. Returns
 * FALSE when the stream ends or cannot be trusted. */
static gboolean
process_input (CanopyRemoteBus *self,
               const guint8    *data,
               gsize            len)
{
  CanopyRemoteEvent event;
  gboolean ok = TRUE;

  g_mutex_lock (&self->rx.mutex);

  while (len > 0)
    {
      g_autoptr(GError) error = NULL;
      CanopyRemoteDecodeResult result;
      gsize consumed;

      result = _canopy_remote_decoder_feed (&self->decoder, data, len, &consumed, &event, &error);
      data += consumed;
      len -= consumed;

      if (result == CANOPY_REMOTE_DECODE_NEED_MORE)
        break;

      if (result == CANOPY_REMOTE_DECODE_ERROR)
        {
          set_failure (self, g_error_new (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                                          "The remote CAN server at %s sent a malformed stream: %s",
                                          self->address, error->message));
          ok = FALSE;
          break;
        }

      switch (event.type)
        {
        case CANOPY_REMOTE_EVENT_CAN_MESSAGE:
          if (_canopy_bus_accepts (CANOPY_BUS (self), &event.message))
            _canopy_message_queue_push_locked (&self->rx, &event.message);
          break;

        case CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION:
          {
            CanopyMessage marker = { .flags = ERROR_MARKER };

            add_remote_error (self, event.text);
            _canopy_message_queue_push_locked (&self->rx, &marker);
          }
          break;

        case CANOPY_REMOTE_EVENT_TRANSMIT_SUCCESS:
          self->transmit_successes++;
          break;

        case CANOPY_REMOTE_EVENT_CONNECTION_CLOSED:
          set_failure (self, g_error_new (CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                                          "The remote CAN server at %s closed the connection",
                                          self->address));
          ok = FALSE;
          break;

        default:
          set_failure (self, g_error_new (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                                          "The remote CAN server at %s sent an unexpected %s event "
                                          "at offset %" G_GUINT64_FORMAT,
                                          self->address, _canopy_remote_event_type_name (event.type),
                                          self->decoder.offset));
          ok = FALSE;
          break;
        }

      if (!ok)
        break;
    }

  g_mutex_unlock (&self->rx.mutex);

  return ok;
}

static gpointer
reader_thread (gpointer data)
{
  CanopyRemoteBus *self = data;
  g_autofree guint8 *buf = g_malloc (RX_CHUNK);
  gboolean ok = TRUE;

  if (self->leftover != NULL)
    {
      ok = process_input (self, self->leftover, self->leftover_len);
      g_clear_pointer (&self->leftover, g_free);
    }

  while (ok)
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      n = g_socket_receive_with_blocking (self->socket, (char *) buf, RX_CHUNK, TRUE,
                                          self->cancellable, &error);
      if (n > 0)
        {
          ok = process_input (self, buf, n);
          continue;
        }

      if (n == 0)
        {
          if (!canopy_bus_is_shut_down (CANOPY_BUS (self)))
            set_failure (self, g_error_new (CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                                            "The remote CAN server at %s closed the connection%s",
                                            self->address,
                                            _canopy_remote_decoder_is_idle (&self->decoder) ?
                                              "" : " in the middle of an event"));
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_failure (self, g_error_new (CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                                        "Connection to the remote CAN server at %s lost: %s",
                                        self->address, error->message));
      break;
    }

  /* Senders must not wait for room that will never come. */
  g_mutex_lock (&self->tx_mutex);
  self->reader_done = TRUE;
  if (!ok || !canopy_bus_is_shut_down (CANOPY_BUS (self)))
    {
      self->tx_failed = TRUE;
      g_cond_broadcast (&self->tx_room_cond);
    }
  g_cond_broadcast (&self->done_cond);
  g_mutex_unlock (&self->tx_mutex);

  /* Wakes a blocked recv(): what is queued still comes out first. */
  _canopy_message_queue_close (&self->rx);

  return NULL;
}

static gboolean
canopy_remote_bus_send (CanopyBus            *bus,
                        const CanopyMessage  *msg,
                        double                timeout,
                        GError              **error)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (bus);
  guint8 buf[CANOPY_REMOTE_MESSAGE_SIZE];

  if (!_canopy_bus_check_open (CANOPY_BUS (self), error) ||
      !_canopy_remote_message_check (msg, error))
    return FALSE;

  if (take_remote_error (self, error))
    return FALSE;

  if G_UNLIKELY (g_atomic_int_get (&self->broken))
    return return_failure (self, error);

  _canopy_remote_encode_message (buf, msg);
  return tx_append (self, buf, sizeof buf, timeout, error);
}

static gboolean
canopy_remote_bus_recv (CanopyBus      *bus,
                        CanopyMessage  *msg,
                        double          timeout,
                        GError        **error)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (bus);
  gint64 deadline = timeout > 0 ? g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC) : 0;

  for (;;)
    {
      if (!_canopy_bus_check_open (CANOPY_BUS (self), error))
        return FALSE;

      if (take_remote_error (self, error))
        return FALSE;

      switch (_canopy_message_queue_pop (&self->rx, msg, timeout))
        {
        case CANOPY_QUEUE_POP_MESSAGE:
          if G_LIKELY (!(msg->flags & ERROR_MARKER))
            return TRUE;
          /* The error it stands for may have gone to a sender already. */
          if (take_remote_error (self, error))
            return FALSE;
          if (timeout > 0)
            {
              timeout = (deadline - g_get_monotonic_time ()) / (double) G_USEC_PER_SEC;
              if (timeout <= 0)
                return FALSE;
            }
          continue;

        case CANOPY_QUEUE_POP_CLOSED:
          if (!_canopy_bus_check_open (CANOPY_BUS (self), error))
            return FALSE;
          if (take_remote_error (self, error))
            return FALSE;
          return return_failure (self, error);

        case CANOPY_QUEUE_POP_TIMEOUT:
        default:
          return FALSE;
        }
    }
}

static gboolean
canopy_remote_bus_set_filters (CanopyBus           *bus,
                               const CanopyFilter  *filters,
                               guint                n_filters,
                               gboolean            *software,
                               GError             **error)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (bus);
  g_autofree guint8 *buf = g_malloc (CANOPY_REMOTE_MAX_EVENT_SIZE);
  gsize len;

  if (!_canopy_bus_check_open (CANOPY_BUS (self), error))
    return FALSE;
  if G_UNLIKELY (g_atomic_int_get (&self->broken))
    return return_failure (self, error);

  /* The receive thread tests every frame against the filters the base
   * keeps (the server may not express them all). */
  *software = FALSE;

  if (_canopy_remote_filters_expressible (filters, n_filters))
    len = _canopy_remote_encode_filters (buf, filters, n_filters);
  else
    len = _canopy_remote_encode_filters (buf, NULL, 0);

  return tx_append (self, buf, len, -1, error);
}

static gboolean
canopy_remote_bus_flush_tx_buffer (CanopyBus  *bus,
                                   GError    **error)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (bus);

  if (!_canopy_bus_check_open (CANOPY_BUS (self), error))
    return FALSE;

  /* The buffer holds whole events only, so dropping it keeps the stream
   * aligned; what the writer already took is on its way. */
  g_mutex_lock (&self->tx_mutex);
  self->tx_len = 0;
  if (self->room_waiters > 0)
    g_cond_broadcast (&self->tx_room_cond);
  g_mutex_unlock (&self->tx_mutex);

  return TRUE;
}

static void
canopy_remote_bus_shutdown (CanopyBus *bus)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (bus);
  gint64 deadline;

  if (self->writer != NULL)
    {
      /* Frames already sent go out first, then the server sees the end of
       * our stream and closes its side; a peer that does not read or close
       * gets a second before the connection is cut. */
      g_mutex_lock (&self->tx_mutex);
      self->tx_stop = TRUE;
      g_cond_broadcast (&self->tx_data_cond);
      g_cond_broadcast (&self->tx_room_cond);
      deadline = g_get_monotonic_time () + CLOSE_TIMEOUT_US;
      while (!self->writer_done)
        if (!g_cond_wait_until (&self->done_cond, &self->tx_mutex, deadline))
          break;
      if (self->writer_done)
        {
          g_mutex_unlock (&self->tx_mutex);
          g_socket_shutdown (self->socket, FALSE, TRUE, NULL);
          g_mutex_lock (&self->tx_mutex);
          while (!self->reader_done)
            if (!g_cond_wait_until (&self->done_cond, &self->tx_mutex, deadline))
              break;
        }
      g_mutex_unlock (&self->tx_mutex);

      g_cancellable_cancel (self->cancellable);
      g_clear_pointer (&self->writer, g_thread_join);
      g_clear_pointer (&self->reader, g_thread_join);
    }

  if (self->connection != NULL)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);

  _canopy_message_queue_close (&self->rx);
}

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
  g_clear_error (&self->failure);
  g_queue_clear_full (&self->remote_errors, g_free);
  if (self->rx.ring != NULL)
    _canopy_message_queue_clear (&self->rx);
  g_mutex_clear (&self->tx_mutex);
  g_cond_clear (&self->tx_data_cond);
  g_cond_clear (&self->tx_room_cond);
  g_cond_clear (&self->done_cond);
  g_mutex_clear (&self->state_mutex);

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
  bus_class->send = canopy_remote_bus_send;
  bus_class->recv = canopy_remote_bus_recv;
  bus_class->set_filters = canopy_remote_bus_set_filters;
  bus_class->flush_tx_buffer = canopy_remote_bus_flush_tx_buffer;
  bus_class->shutdown = canopy_remote_bus_shutdown;
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
                       1, 16 * 1024 * 1024, CANOPY_REMOTE_BUS_DEFAULT_QUEUE_SIZE,
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
  g_queue_init (&self->remote_errors);
  self->tx_buf = g_malloc (TX_CAPACITY);
  self->tx_spare = g_malloc (TX_CAPACITY);
  self->cancellable = g_cancellable_new ();
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

  self->reader = g_thread_new ("canopy-remote-rx", reader_thread, self);
  self->writer = g_thread_new ("canopy-remote-tx", writer_thread, self);

  return TRUE;
}

static gboolean
canopy_remote_bus_configure (CanopyBus   *bus,
                             const char  *channel,
                             GHashTable  *options,
                             GError     **error)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (bus);
  guint64 queue_size;

  if (!_canopy_options_get_uint (options, "queue_size", CANOPY_REMOTE_BUS_DEFAULT_QUEUE_SIZE,
                                 16 * 1024 * 1024, &queue_size, error))
    return FALSE;

  if (queue_size == 0)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "Option queue_size: a remote bus needs room for at least one frame");
      return FALSE;
    }

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
 *   was full
 */
guint64
canopy_remote_bus_get_dropped (CanopyRemoteBus *self)
{
  g_return_val_if_fail (CANOPY_IS_REMOTE_BUS (self), 0);
  if (self->rx.ring == NULL)
    return 0;
  return _canopy_message_queue_get_dropped (&self->rx);
}

/* canopy-remote-bus-io.c
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
#include "canopy-message-queue-private.h"
#include "canopy-remote-bus-private.h"
#include "canopy-remote-protocol-private.h"
#include "canopy-socket-io-private.h"

/* A remote bus's traffic: the transmit buffer and its writer thread, the
 * decoding of the server's stream into the receive queue (by a recv() that
 * waits for a frame, or else by the reader thread), and the CanopyBus
 * vfuncs on top of them. Connecting, the handshake and
 * the object are in canopy-remote-bus.c. */

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
  gboolean alone;
  gint64 now;

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

  /* A frame alone (nothing queued, the writer asleep, no other frame just
   * before): send it from this thread, without blocking, and spare the
   * round trip a thread wake-up. Frames in a burst go to the writer, in
   * batches. The writer cannot start a batch meanwhile (it needs tx_mutex),
   * so order is kept; what the socket does not take now is queued. */
  now = g_get_monotonic_time ();
  alone = now - self->last_append_us > INLINE_SEND_GAP_US;
  self->last_append_us = now;
  if (alone && self->tx_len == 0 && self->writer_waiting && !self->tx_stop && !self->tx_failed)
    {
      gssize n = g_socket_send_with_blocking (self->socket, (const char *) data, len, FALSE,
                                              NULL, NULL);

      if (n == (gssize) len)
        {
          g_mutex_unlock (&self->tx_mutex);
          return TRUE;
        }
      if (n > 0)
        {
          data += n;
          len -= n;
        }
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

gpointer
_canopy_remote_bus_writer_thread (gpointer data)
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

/* The caller holds self->rx.mutex. A full receive queue stops the reader
 * rather than drop: the server's stream waits in the socket, and TCP
 * slows the server (and the clients sending through it) down. The queue
 * is polled because its readers signal nobody when they take frames; this
 * happens only while the application is behind. */
static void
wait_for_room_locked (CanopyRemoteBus *self)
{
  while (self->rx.count == self->rx.capacity && !self->rx.closed &&
         !g_cancellable_is_cancelled (self->cancellable) &&
         !canopy_bus_is_shut_down (CANOPY_BUS (self)))
    {
      g_mutex_unlock (&self->rx.mutex);
      g_usleep (RX_POLL_US);
      g_mutex_lock (&self->rx.mutex);
    }
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
            {
              if G_UNLIKELY (self->rx.count == self->rx.capacity)
                wait_for_room_locked (self);
              _canopy_message_queue_push_locked (&self->rx, &event.message);
            }
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

/* Reads what the socket has, up to @max bytes, without blocking, and
 * decodes it. The caller holds read_mutex. Returns the bytes read, 0 at
 * the end of the stream, -1 with @error, or -2 if there was nothing. */
static gssize
read_input_locked (CanopyRemoteBus  *self,
                   gsize             max,
                   GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize n = g_socket_receive_with_blocking (self->socket, (char *) self->rx_buf, max, FALSE,
                                             NULL, &local_error);

  if (n > 0 && !process_input (self, self->rx_buf, n))
    self->input_failed = TRUE;
  if (n < 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return -2;
  if (n < 0)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return n;
}

/* What came after the handshake in its last read is decoded first, by
 * whoever reads first. The caller holds read_mutex. */
static void
take_leftover_locked (CanopyRemoteBus *self)
{
  if (self->leftover != NULL)
    {
      if (!process_input (self, self->leftover, self->leftover_len))
        self->input_failed = TRUE;
      g_clear_pointer (&self->leftover, g_free);
    }
}

/* Decodes the server's stream into the receive queue whenever no recv()
 * does it (see _canopy_remote_bus_recv()), and ends the connection's
 * receiving side when the stream ends. */
gpointer
_canopy_remote_bus_reader_thread (gpointer data)
{
  CanopyRemoteBus *self = data;
  gboolean ok = TRUE;

  g_mutex_lock (&self->read_mutex);
  take_leftover_locked (self);
  g_mutex_unlock (&self->read_mutex);

  while (ok)
    {
      g_autoptr(GError) error = NULL;
      gssize n = -2;

      /* A recv() reads the socket itself: stay out of its way, and of the
       * next one's, that usually comes soon after. Data that comes while
       * the application is away waits in the socket for a few
       * milliseconds at most. */
      g_mutex_lock (&self->read_mutex);
      if (self->input_failed)
        {
          g_mutex_unlock (&self->read_mutex);
          ok = FALSE;
          break;
        }
      if (self->leading || g_get_monotonic_time () < self->led_until_us)
        {
          g_cond_wait_until (&self->reader_cond, &self->read_mutex,
                             self->leading ? g_get_monotonic_time () + LEAD_PARK_US
                                           : self->led_until_us);
          g_mutex_unlock (&self->read_mutex);
          if (g_cancellable_is_cancelled (self->cancellable))
            break;
          continue;
        }
      g_mutex_unlock (&self->read_mutex);

      if (_canopy_socket_wait (self->socket, G_IO_IN, -1, self->cancellable, &error))
        {
          g_mutex_lock (&self->read_mutex);
          n = self->leading ? -2 : read_input_locked (self, RX_CHUNK, &error);
          ok = !self->input_failed;
          g_mutex_unlock (&self->read_mutex);
        }
      else
        n = -1;

      if (n > 0 || n == -2)
        continue;

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

typedef enum
{
  LEAD_AGAIN,     /* look at the queue again */
  LEAD_TIMEOUT,
  LEAD_BUSY,      /* somebody else reads: wait for the queue */
} LeadResult;

/* A recv() that finds the queue empty reads the socket itself, if nobody
 * else does (it leads): the frame then reaches the caller without a
 * thread wake-up in between, as it would from a plain socket. Only while
 * the queue has room for all that a read can bring (an event is 2 bytes
 * or more), so the leader never waits for room it would make itself. The
 * end of the stream and failures are the reader thread's to handle: the
 * leader hands over to it at once. */
static LeadResult
lead (CanopyRemoteBus *self,
      gint64           deadline)
{
  LeadResult result = LEAD_AGAIN;

  /* The reader thread may be inside a read that waits for room: never
   * wait for it here, but for the queue. */
  if (!g_mutex_trylock (&self->read_mutex))
    return LEAD_BUSY;
  if (self->leading || self->input_failed || g_cancellable_is_cancelled (self->cancellable))
    {
      g_mutex_unlock (&self->read_mutex);
      return LEAD_BUSY;
    }
  self->leading = TRUE;
  take_leftover_locked (self);
  g_mutex_unlock (&self->read_mutex);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gint64 remaining = deadline < 0 ? -1 : deadline - g_get_monotonic_time ();
      guint room;
      gssize n;

      if (self->input_failed)
        break;
      g_mutex_lock (&self->rx.mutex);
      room = self->rx.closed ? 0 : self->rx.capacity - self->rx.count;
      if (self->rx.count > 0 || self->rx.closed)
        room = 0;
      g_mutex_unlock (&self->rx.mutex);
      if (room < 2)
        break;

      if (deadline >= 0 && remaining <= 0)
        {
          result = LEAD_TIMEOUT;
          break;
        }
      if (!_canopy_socket_wait (self->socket, G_IO_IN, deadline, self->cancellable, &error))
        {
          result = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ? LEAD_TIMEOUT : LEAD_BUSY;
          break;
        }

      g_mutex_lock (&self->read_mutex);
      n = read_input_locked (self, MIN ((gsize) (room - 1) * 2, (gsize) RX_CHUNK), &error);
      g_mutex_unlock (&self->read_mutex);
      if (n == 0 || n == -1 || self->input_failed)
        {
          /* The reader thread sees the end too, and ends the queue. */
          g_mutex_lock (&self->read_mutex);
          self->leading = FALSE;
          self->led_until_us = 0;
          g_cond_signal (&self->reader_cond);
          g_mutex_unlock (&self->read_mutex);
          return LEAD_BUSY;
        }
    }

  g_mutex_lock (&self->read_mutex);
  self->leading = FALSE;
  self->led_until_us = g_get_monotonic_time () + LEAD_HANDOVER_US;
  g_mutex_unlock (&self->read_mutex);
  return result;
}

gboolean
_canopy_remote_bus_send (CanopyBus            *bus,
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

gboolean
_canopy_remote_bus_recv (CanopyBus      *bus,
                        CanopyMessage  *msg,
                        double          timeout,
                        GError        **error)
{
  CanopyRemoteBus *self = CANOPY_REMOTE_BUS (bus);
  gint64 deadline = timeout > 0 ? g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC) : -1;

  for (;;)
    {
      CanopyQueuePopResult result;

      if (!_canopy_bus_check_open (CANOPY_BUS (self), error))
        return FALSE;

      if (take_remote_error (self, error))
        return FALSE;

      result = _canopy_message_queue_pop (&self->rx, msg, 0);
      if (result == CANOPY_QUEUE_POP_TIMEOUT && timeout != 0)
        {
          switch (lead (self, deadline))
            {
            case LEAD_AGAIN:
              continue;
            case LEAD_TIMEOUT:
              return FALSE;
            case LEAD_BUSY:
            default:
              break;
            }
          if (timeout > 0)
            {
              timeout = (deadline - g_get_monotonic_time ()) / (double) G_USEC_PER_SEC;
              if (timeout <= 0)
                return FALSE;
            }
          result = _canopy_message_queue_pop (&self->rx, msg, timeout);
        }

      switch (result)
        {
        case CANOPY_QUEUE_POP_MESSAGE:
          if G_LIKELY (!(msg->flags & ERROR_MARKER))
            return TRUE;
          /* The error it stands for may have gone to a sender already. */
          if (take_remote_error (self, error))
            return FALSE;
          if (timeout > 0 && deadline - g_get_monotonic_time () <= 0)
            return FALSE;
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

gboolean
_canopy_remote_bus_set_filters (CanopyBus           *bus,
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

gboolean
_canopy_remote_bus_flush_tx_buffer (CanopyBus  *bus,
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

void
_canopy_remote_bus_shutdown (CanopyBus *bus)
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
      g_mutex_lock (&self->read_mutex);
      g_cond_broadcast (&self->reader_cond);
      g_mutex_unlock (&self->read_mutex);
      g_clear_pointer (&self->writer, g_thread_join);
      g_clear_pointer (&self->reader, g_thread_join);
    }

  if (self->connection != NULL)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);

  _canopy_message_queue_close (&self->rx);
}


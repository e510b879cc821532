/* canopy-remote-connection.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <gio/gnetworking.h>

#include "canopy-bus.h"
#include "canopy-error.h"

#include "canopy-bus-private.h"
#include "canopy-clock-private.h"
#include "canopy-message-queue-private.h"
#include "canopy-remote-connection-private.h"
#include "canopy-remote-protocol-private.h"
#include "canopy-remote-server-private.h"
#include "canopy-socket-io-private.h"

/* One client of a CanopyRemoteServer. Three threads: this connection's
 * own reads the socket and sends on the client's bus; a bus thread reads
 * the bus into a bounded queue (on a virtual channel the thread that sends
 * a frame mostly puts it there itself, see take_handoff()); a writer sends
 * that queue to the socket in batches.
 *
 * Flow control, so that the bridge loses nothing: before it sends frames
 * from its client, a reader waits until every other client's queue is at
 * most half full (see wait_for_room()); while it waits it does not read its
 * socket, so TCP slows the sending client down. The bus thread, too, waits
 * for room rather than drop. The one exception is a client that stops
 * reading: when its queue is full and it has taken no byte for the server's
 * stall-timeout, it is marked stalled. Nobody waits for a stalled client,
 * and frames that find its queue full are dropped and counted (for it
 * alone, in CanopyRemoteClient:dropped), until it reads again and its queue
 * drains to a quarter. */

#define ERROR_MARKER       0x80000000u
#define RX_CHUNK           (64 * 1024)
#define TX_BATCH           (64 * 1024)
#define TX_RESERVE         (8 * 1024)
#define MAX_PENDING_ERRORS 16
#define SEND_TIMEOUT       1.0
#define BUS_POLL_TIMEOUT   0.25
#define FLUSH_TIMEOUT_US   (2 * G_USEC_PER_SEC)
/* Frames sent between two looks at the other clients' queues: the most a
 * sender can put into a queue beyond half full before it looks again. */
#define FLOW_SLICE         32
/* How long a full queue is polled before the next look: only under
 * overload, never per frame. */
#define FLOW_POLL_US       50
#define REPORT_INTERVAL_US (G_USEC_PER_SEC / 10)
/* Frames other clients may have sent to a client's bus that have not
 * reached its queue yet: the bus's own queue is not ours to look at (a
 * virtual bus holds 65536, a SocketCAN socket's buffer far fewer). */
#define MAX_IN_FLIGHT      8192
/* A frame this long after the one before goes out at once (see
 * send_alone_locked()). */
#define INLINE_SEND_GAP_US 20

struct _CanopyRemoteConnection
{
  CanopyRemoteServer  *server;
  GThread             *thread;
  GThread             *bus_thread;
  GThread             *writer_thread;
  GSocketConnection   *connection;
  GSocket             *socket;
  /* read_cancellable ends the reading side only, so that an exception
   * still goes out; cancellable ends everything. */
  GCancellable        *cancellable;
  GCancellable        *read_cancellable;
  CanopyBus           *bus;
  char                *address;
  char                *channel_info;
  gint32               requested_bitrate;
  gint64               connected_at_ns;
  gint64               handshake_timeout_us;
  gint64               stall_timeout_us;
  int                  stop;

  /* out.mutex also guards exceptions, tail, writer_done, stalled and
   * last_progress_us: when the writer last took frames or the client
   * last took bytes. tail is the rest of a frame that send_alone_locked()
   * began to send, for the writer to finish. */
  CanopyMessageQueue   out;
  GQueue               exceptions;
  guint8               tail[256];  /* room for any wire's frame (max_frame_size) */
  gsize                tail_len;
  GCond                writer_cond;
  gboolean             writer_done;
  gboolean             stalled;
  gint64               last_progress_us;

  /* Frames in flight to this client's bus (see in_flight()): all atomic.
   * relayed_base is the server's relayed count when the bus opened. A
   * client with filters cannot be counted so (frames it does not want never
   * arrive) and is held up by its queue alone. */
  guint                relayed_base;
  guint                own_sent;
  guint                pulled;
  int                  filtered;

  /* Reader thread only: frames sent since it last looked for room. */
  guint                frames_since_look;

  /* Under out.mutex: when the last frame for the client came. */
  gint64               last_frame_us;

  /* Bus thread only: the drop count last reported, and when. */
  guint64              reported_dropped;
  gint64               next_report_us;

  GMutex               stats_mutex;
  guint64              frames_received;
  guint64              frames_sent;
  guint64              unsupported;
  guint64              bus_dropped;
  guint64              send_errors;
  guint64              bytes_received;
  guint64              bytes_sent;

  CanopyRemoteDecoder  decoder;
  const CanopyRemoteWire *wire;
  gpointer             wire_state;
};

static char *
format_address (GSocketAddress *address)
{
  g_autofree char *ip = NULL;
  GInetAddress *inet;

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return g_strdup ("unknown");

  inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
  ip = g_inet_address_to_string (inet);
  return g_strdup_printf (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 ? "[%s]:%u" : "%s:%u",
                          ip, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
}

/* Queues a RemoteException for the writer thread, so that it travels in
 * order with the frames and never blocks the caller. */
static void
client_send_exception (CanopyRemoteConnection *c,
                       const char             *text)
{
  CanopyMessage marker = { .flags = ERROR_MARKER };

  g_debug ("Client %s: %s", c->address, text);

  g_mutex_lock (&c->out.mutex);
  if (c->exceptions.length < MAX_PENDING_ERRORS)
    {
      g_queue_push_tail (&c->exceptions, g_strdup (text));
      /* From a full queue the writer is busy anyway and finds the text
       * after its batch; a marker would only count as a dropped frame. */
      if (c->out.count < c->out.capacity)
        _canopy_message_queue_push_locked (&c->out, &marker);
    }
  g_mutex_unlock (&c->out.mutex);
}

/* The caller holds c->out.mutex. What a marker in the queue stands for:
 * the rest of a frame begun by send_alone_locked() (it comes first: the
 * queue was empty when the frame began), then exception texts. */
static gsize
take_marked_locked (CanopyRemoteConnection *c,
                    guint8                 *buf)
{
  gsize len = c->tail_len;
  char *text;

  memcpy (buf, c->tail, c->tail_len);
  c->tail_len = 0;

  while ((text = g_queue_pop_head (&c->exceptions)) != NULL)
    {
      len += c->wire->encode_error (buf + len, text);
      g_free (text);
    }
  return len;
}

/* Frames other clients sent since @c's bus opened that have not reached
 * its queue yet. Frames of other programs on the bus make it low, never
 * high, so it never holds a sender up for ever. Wrapping arithmetic. */
static gint
in_flight (CanopyRemoteConnection *c)
{
  /* A shared bus delivers the clients' frames to the others only when it
   * receives its own, which cannot be counted on: its clients are held
   * up by their queues alone. */
  if (c->server->shared_bus != NULL)
    return 0;

  guint relayed = (guint) g_atomic_int_get (&c->server->relayed);
  gint n = (gint) (relayed - (guint) g_atomic_int_get (&c->relayed_base) -
                   (guint) g_atomic_int_get (&c->own_sent) - (guint) g_atomic_int_get (&c->pulled));

  return g_atomic_int_get (&c->filtered) ? 0 : MAX (n, 0);
}

/* The caller holds c->out.mutex. Whether other threads must wait for room
 * in @c's queue: it holds @mark frames or more and @c is not stalled. A
 * client whose queue is that full and that took nothing for the stall
 * timeout while someone waited (since @waiting_since) is marked stalled
 * here, and nobody waits for it any more. */
static gboolean
is_congested_locked (CanopyRemoteConnection *c,
                     guint                   mark,
                     gint64                  waiting_since,
                     gint64                  now)
{
  if (c->stalled || c->out.closed || (c->out.count < mark && in_flight (c) < MAX_IN_FLIGHT))
    return FALSE;

  /* Only a wait as long as the stall timeout with no progress at all
   * counts: a writer that was idle long before the queue filled is not
   * stalled. */
  if (now - MAX (c->last_progress_us, waiting_since) > c->stall_timeout_us)
    {
      c->stalled = TRUE;
      g_debug ("Client %s stopped reading: frames for it are dropped until it reads again",
               c->address);
      return FALSE;
    }
  return TRUE;
}

/* Before a reader sends frames of its client's: waits until no other
 * client's queue is more than half full. Meanwhile the reader does not
 * read its socket, so TCP flow control slows the sending client down. */
static void
wait_for_room (CanopyRemoteConnection *c)
{
  CanopyRemoteServer *server = c->server;
  gint64 since = g_get_monotonic_time ();

  while (!g_atomic_int_get (&c->stop))
    {
      gint64 now = g_get_monotonic_time ();
      gboolean congested = FALSE;

      /* Connections leave the list before they are freed, under this lock. */
      g_mutex_lock (&server->mutex);
      for (guint i = 0; i < server->clients->len && !congested; i++)
        {
          CanopyRemoteConnection *other = server->clients->pdata[i];

          if (other == c)
            continue;
          g_mutex_lock (&other->out.mutex);
          congested = is_congested_locked (other, MAX (other->out.capacity / 2, 1), since, now);
          g_mutex_unlock (&other->out.mutex);
        }
      g_mutex_unlock (&server->mutex);

      if (!congested)
        return;
      g_usleep (FLOW_POLL_US);
    }
}

/* The caller holds c->out.mutex. A frame alone (queue empty, the writer
 * asleep in it, no frame just before) goes out at once from the thread
 * that has it, sparing the round trip the writer's wake-up; frames in a
 * burst go to the writer in batches. The writer cannot take the lock to
 * start a batch meanwhile, so order is kept. Returns FALSE to queue the
 * frame instead. */
static gboolean
send_alone_locked (CanopyRemoteConnection *c,
                   const CanopyMessage    *msg,
                   gint64                  now)
{
  CanopyMessage marker = { .flags = ERROR_MARKER };
  guint8 buf[sizeof c->tail];
  gboolean alone = now - c->last_frame_us > INLINE_SEND_GAP_US;
  gsize len;
  gssize n;

  c->last_frame_us = now;
  if (!alone || c->out.count > 0 || c->out.waiters == 0 || c->out.closed ||
      c->exceptions.length > 0 || c->stalled)
    return FALSE;

  g_assert (c->wire->max_frame_size <= sizeof buf);
  len = c->wire->encode_frame (buf, msg);
  n = g_socket_send_with_blocking (c->socket, (const char *) buf, len, FALSE, NULL, NULL);
  if (n <= 0)
    return FALSE;
  /* A socket buffer that takes part of the frame: the writer sends the
   * rest, woken by a marker. Never wait here: this thread holds the lock
   * that everybody who looks at the client takes, and a client that
   * stopped reading would hold it for ever. */
  if ((gsize) n < len)
    {
      memcpy (c->tail, buf + n, len - n);
      c->tail_len = len - n;
      _canopy_message_queue_push_locked (&c->out, &marker);
    }
  c->last_progress_us = now;

  g_mutex_lock (&c->stats_mutex);
  c->frames_sent++;
  c->bytes_sent += len;
  g_mutex_unlock (&c->stats_mutex);
  return TRUE;
}

/* The bus thread's push: waits for room while the client reads, drops
 * (and counts) only when it is stalled. */
static void
queue_frame (CanopyRemoteConnection *c,
             const CanopyMessage    *msg)
{
  gint64 since = g_get_monotonic_time ();
  gboolean wake;

  g_mutex_lock (&c->out.mutex);
  if (send_alone_locked (c, msg, since))
    {
      g_mutex_unlock (&c->out.mutex);
      return;
    }
  while (c->out.count == c->out.capacity &&
         is_congested_locked (c, c->out.capacity, since, g_get_monotonic_time ()) &&
         !g_atomic_int_get (&c->stop))
    {
      g_mutex_unlock (&c->out.mutex);
      g_usleep (FLOW_POLL_US);
      g_mutex_lock (&c->out.mutex);
    }
  _canopy_message_queue_append_locked (&c->out, msg, &wake);
  g_mutex_unlock (&c->out.mutex);

  if (wake)
    _canopy_message_queue_wake (&c->out);
}

/* A frame for the client's bus, taken on the thread that sent it (see
 * _canopy_bus_set_handoff()): to the socket or the queue at once, sparing
 * the round trip the bus thread's wake-up. A full queue, where flow
 * control waits or drops, is the bus thread's: the frame goes its way. */
static gboolean
take_handoff (const CanopyMessage *msg,
              gpointer             data)
{
  CanopyRemoteConnection *c = data;
  gboolean wake = FALSE;

  if G_UNLIKELY (msg->dlc > 8)
    return FALSE;

  g_mutex_lock (&c->out.mutex);
  if (c->out.count >= c->out.capacity || c->out.closed)
    {
      g_mutex_unlock (&c->out.mutex);
      return FALSE;
    }
  g_atomic_int_inc (&c->pulled);
  if (!send_alone_locked (c, msg, g_get_monotonic_time ()))
    _canopy_message_queue_append_locked (&c->out, msg, &wake);
  g_mutex_unlock (&c->out.mutex);

  if (wake)
    _canopy_message_queue_wake (&c->out);
  return TRUE;
}

/* Every byte the client takes is progress: a slow reader is not a stalled
 * one. A stalled client that read its queue down to a quarter is waited
 * for again. */
static void
note_progress (CanopyRemoteConnection *c)
{
  g_mutex_lock (&c->out.mutex);
  c->last_progress_us = g_get_monotonic_time ();
  if G_UNLIKELY (c->stalled && c->out.count <= c->out.capacity / 4)
    {
      c->stalled = FALSE;
      g_debug ("Client %s reads again", c->address);
    }
  g_mutex_unlock (&c->out.mutex);
}

static gboolean
send_batch (CanopyRemoteConnection  *c,
            const guint8            *data,
            gsize                    len,
            GError                 **error)
{
  while (len > 0)
    {
      gssize n = _canopy_socket_send_some (c->socket, data, len, -1, c->cancellable, error);
      if (n < 0)
        return FALSE;
      data += n;
      len -= n;
      note_progress (c);
    }
  return TRUE;
}

#define POP_BATCH 256

static gpointer
client_writer_thread (gpointer data)
{
  CanopyRemoteConnection *c = data;
  g_autofree guint8 *buf = g_malloc (TX_BATCH);
  g_autofree CanopyMessage *batch = g_new (CanopyMessage, POP_BATCH);
  g_autoptr(GError) error = NULL;
  gboolean closed = FALSE;

  while (!closed)
    {
      guint64 n_frames = 0;
      guint64 n_unsupported = 0;
      gsize len = 0;
      guint n;

      /* Wait for the first frames, then take whatever else is queued up to
       * a batch: one write per batch, one lock per POP_BATCH frames. */
      n = _canopy_message_queue_pop_many (&c->out, batch, POP_BATCH, -1, &closed);
      while (n > 0)
        {
          for (guint i = 0; i < n; i++)
            {
              if G_UNLIKELY (batch[i].flags & ERROR_MARKER)
                {
                  g_mutex_lock (&c->out.mutex);
                  len += take_marked_locked (c, buf + len);
                  g_mutex_unlock (&c->out.mutex);
                }
              else
                {
                  gsize n_bytes = c->wire->encode_frame (buf + len, &batch[i]);

                  if G_LIKELY (n_bytes > 0)
                    n_frames++;
                  else
                    n_unsupported++;
                  len += n_bytes;
                }
            }
          if (len + POP_BATCH * c->wire->max_frame_size > TX_BATCH - TX_RESERVE)
            break;
          n = _canopy_message_queue_pop_many (&c->out, batch, POP_BATCH, 0, &closed);
        }

      /* A marker dropped from a full queue leaves its text behind. Taking
       * frames is progress too (see is_congested_locked()). */
      g_mutex_lock (&c->out.mutex);
      c->last_progress_us = g_get_monotonic_time ();
      if G_UNLIKELY (c->exceptions.length > 0)
        len += take_marked_locked (c, buf + len);
      g_mutex_unlock (&c->out.mutex);

      if G_UNLIKELY (n_unsupported > 0)
        {
          g_mutex_lock (&c->stats_mutex);
          c->unsupported += n_unsupported;
          g_mutex_unlock (&c->stats_mutex);
        }

      if (len == 0)
        continue;

      if (!send_batch (c, buf, len, &error))
        break;

      g_mutex_lock (&c->stats_mutex);
      c->frames_sent += n_frames;
      c->bytes_sent += len;
      g_mutex_unlock (&c->stats_mutex);
    }

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Client %s: sending failed: %s", c->address, error->message);

  g_mutex_lock (&c->out.mutex);
  c->writer_done = TRUE;
  g_cond_broadcast (&c->writer_cond);
  g_mutex_unlock (&c->out.mutex);

  return NULL;
}

/* Bus thread only: what the client's bus dropped itself (frames that other
 * programs sent while the client was stalled) counts too. */
static guint64
count_dropped (CanopyRemoteConnection *c)
{
  g_autoptr(CanopyBusStatistics) stats = canopy_bus_get_statistics (c->bus);
  guint64 dropped;

  g_mutex_lock (&c->stats_mutex);
  c->bus_dropped = canopy_bus_statistics_get_dropped (stats);
  dropped = c->unsupported + c->bus_dropped;
  g_mutex_unlock (&c->stats_mutex);

  return dropped + _canopy_message_queue_get_dropped (&c->out);
}

/* At most ten times a second, and once more at the end: the server tells
 * CanopyRemoteClient:dropped on its main context. */
static void
report_dropped (CanopyRemoteConnection *c,
                gboolean                now)
{
  guint64 dropped;
  gint64 time;

  time = g_get_monotonic_time ();
  if (!now && time < c->next_report_us)
    return;
  c->next_report_us = time + REPORT_INTERVAL_US;
  dropped = count_dropped (c);
  if (dropped == c->reported_dropped)
    return;
  c->reported_dropped = dropped;
  _canopy_remote_server_client_dropped (c->server, c, dropped);
}

static gpointer
client_bus_thread (gpointer data)
{
  CanopyRemoteConnection *c = data;
  CanopyMessage msg;

  while (!g_atomic_int_get (&c->stop))
    {
      g_autoptr(GError) error = NULL;

      report_dropped (c, FALSE);

      if (!canopy_bus_recv_into (c->bus, &msg, BUS_POLL_TIMEOUT, &error))
        {
          if (error == NULL)
            continue;
          if (!g_atomic_int_get (&c->stop) &&
              !g_error_matches (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN))
            {
              /* As python-can: a failing bus ends the session. The reader
               * stops and closes after the writer sent the exception. (Not
               * shutdown(SHUT_RD): on Windows it does not wake a reader.) */
              client_send_exception (c, error->message);
              g_cancellable_cancel (c->read_cancellable);
            }
          break;
        }

      g_atomic_int_inc (&c->pulled);

      if G_UNLIKELY (msg.dlc > 8)
        {
          g_mutex_lock (&c->stats_mutex);
          c->unsupported++;
          g_mutex_unlock (&c->stats_mutex);
          continue;
        }

      queue_frame (c, &msg);
    }

  report_dropped (c, TRUE);

  return NULL;
}

/* The time by which a client that just connected must have finished its
 * handshake, whatever the protocol. */
gint64
_canopy_remote_connection_handshake_deadline (CanopyRemoteConnection *c)
{
  return g_get_monotonic_time () + c->handshake_timeout_us;
}

/* Receives the next piece of a handshake, up to @size bytes, before
 * @deadline. Returns the bytes received (the caller counts them), or 0 or
 * -1 with @error set (the client went away, the deadline passed, or the
 * server stops). */
gssize
_canopy_remote_connection_handshake_receive (CanopyRemoteConnection  *c,
                                             guint8                  *buf,
                                             gsize                    size,
                                             gint64                   deadline,
                                             GError                 **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n = -1;

      if (_canopy_socket_wait (c->socket, G_IO_IN, deadline, c->read_cancellable, &local_error))
        n = g_socket_receive_with_blocking (c->socket, (char *) buf, size, FALSE,
                                            c->read_cancellable, &local_error);
      if (n < 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        continue;

      if (n > 0)
        return n;

      if (n == 0)
        g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                     "The client closed the connection during the handshake");
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                     "Handshake error: not complete after %.1f s",
                     c->handshake_timeout_us / (double) G_USEC_PER_SEC);
      else
        g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                     "Handshake error: %s", local_error->message);
      return n;
    }
}

/* Reads events until the handshake is complete. Leftover bytes (frames a
 * client pipelines after its FilterConfig) are returned for the main loop.
 * On failure returns FALSE with a text for the client in @error. */
static gboolean
client_handshake (CanopyRemoteConnection  *c,
                  guint8                  *buf,
                  gsize                   *leftover_pos,
                  gsize                   *leftover_len,
                  GError                 **error)
{
  CanopyRemoteEvent *event = g_new (CanopyRemoteEvent, 1);
  g_autoptr(GError) local_error = NULL;
  gboolean have_request = FALSE;
  gboolean ok = FALSE;
  gint64 deadline;
  gsize len;

  /* One deadline for the whole handshake: a client that trickles it a
   * byte at a time must not hold a slot for ever. */
  deadline = _canopy_remote_connection_handshake_deadline (c);

  for (;;)
    {
      gssize n = _canopy_remote_connection_handshake_receive (c, buf, RX_CHUNK, deadline, error);
      gsize pos = 0;

      if (n <= 0)
        goto out;

      g_mutex_lock (&c->stats_mutex);
      c->bytes_received += n;
      g_mutex_unlock (&c->stats_mutex);

      while (pos < (gsize) n)
        {
          CanopyRemoteDecodeResult result;
          gsize consumed;

          result = _canopy_remote_decoder_feed (&c->decoder, buf + pos, n - pos, &consumed,
                                                event, &local_error);
          pos += consumed;

          if (result == CANOPY_REMOTE_DECODE_NEED_MORE)
            break;
          if (result == CANOPY_REMOTE_DECODE_ERROR)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              goto out;
            }

          if (!have_request)
            {
              if (event->type != CANOPY_REMOTE_EVENT_BUS_REQUEST)
                {
                  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                               "Handshake error: expected BusRequest, got %s",
                               _canopy_remote_event_type_name (event->type));
                  goto out;
                }
              if (event->bus_request.version != CANOPY_REMOTE_PROTOCOL_VERSION)
                {
                  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                               "Protocol version mismatch (%u != %u)",
                               event->bus_request.version, CANOPY_REMOTE_PROTOCOL_VERSION);
                  goto out;
                }
              g_mutex_lock (&c->stats_mutex);
              c->requested_bitrate = event->bus_request.bitrate;
              g_mutex_unlock (&c->stats_mutex);
              have_request = TRUE;
              continue;
            }

          if (event->type != CANOPY_REMOTE_EVENT_FILTER_CONFIG)
            {
              g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                           "Handshake error: expected FilterConfig, got %s",
                           _canopy_remote_event_type_name (event->type));
              goto out;
            }

          if (!_canopy_remote_connection_open_bus (c, c->requested_bitrate, error))
            goto out;
          g_atomic_int_set (&c->relayed_base, g_atomic_int_get (&c->server->relayed));
          g_atomic_int_set (&c->filtered, event->filter_config.n_filters > 0);
          if (event->filter_config.n_filters > 0 &&
              !canopy_bus_set_filter_array (c->bus, event->filter_config.filters,
                                            event->filter_config.n_filters, error))
            goto out;

          len = _canopy_remote_encode_text (buf + n, CANOPY_REMOTE_EVENT_BUS_RESPONSE, c->channel_info);
          /* buf has room beyond the chunk read for the answer */
          if (!_canopy_remote_write_all (c->socket, buf + n, len, c->cancellable, &local_error))
            {
              g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                           "Handshake error: %s", local_error->message);
              goto out;
            }

          *leftover_pos = pos;
          *leftover_len = n - pos;
          ok = TRUE;
          goto out;
        }
    }

out:
  g_free (event);
  return ok;
}

/* Handles one chunk from the client. Returns FALSE when the session ends;
 * @reason is then the text for the client, or NULL for a clean end. */
static gboolean
client_process (CanopyRemoteConnection  *c,
                const guint8            *data,
                gsize                    len,
                char                   **reason)
{
  CanopyRemoteEvent *event = NULL;
  CanopyRemoteEvent small;
  guint64 n_frames = 0;
  guint64 n_errors = 0;
  gboolean ok = TRUE;

  while (len > 0 && ok)
    {
      g_autoptr(GError) error = NULL;
      CanopyRemoteDecodeResult result;
      CanopyRemoteEvent *ev;
      gsize consumed;

      /* Frames decode into a small event; a FilterConfig needs room for
       * 255 filters. Peek at the id to choose. */
      if (c->decoder.len == 0 && data[0] == CANOPY_REMOTE_EVENT_CAN_MESSAGE)
        ev = &small;
      else
        ev = event != NULL ? event : (event = g_new (CanopyRemoteEvent, 1));

      result = _canopy_remote_decoder_feed (&c->decoder, data, len, &consumed, ev, &error);
      data += consumed;
      len -= consumed;

      if (result == CANOPY_REMOTE_DECODE_NEED_MORE)
        break;

      if (result == CANOPY_REMOTE_DECODE_ERROR)
        {
          *reason = g_strdup (error->message);
          ok = FALSE;
          break;
        }

      switch (ev->type)
        {
        case CANOPY_REMOTE_EVENT_CAN_MESSAGE:
          if (c->frames_since_look++ % FLOW_SLICE == 0)
            wait_for_room (c);
          n_frames++;
          if (!canopy_bus_send (c->bus, &ev->message, SEND_TIMEOUT, &error))
            {
              n_errors++;
              client_send_exception (c, error->message);
            }
          else
            {
              g_atomic_int_inc (&c->own_sent);
              g_atomic_int_inc (&c->server->relayed);
            }
          break;

        case CANOPY_REMOTE_EVENT_FILTER_CONFIG:
          if (!canopy_bus_set_filter_array (c->bus, ev->filter_config.filters,
                                            ev->filter_config.n_filters, &error))
            client_send_exception (c, error->message);
          else
            g_atomic_int_set (&c->filtered, ev->filter_config.n_filters > 0);
          break;

        case CANOPY_REMOTE_EVENT_CONNECTION_CLOSED:
          ok = FALSE;
          break;

        default:
          *reason = g_strdup_printf ("offset %" G_GUINT64_FORMAT ": unexpected %s event from a client",
                                     c->decoder.offset, _canopy_remote_event_type_name (ev->type));
          ok = FALSE;
          break;
        }
    }

  g_free (event);

  g_mutex_lock (&c->stats_mutex);
  c->frames_received += n_frames - n_errors;
  c->send_errors += n_errors;
  g_mutex_unlock (&c->stats_mutex);

  return ok;
}

static void
client_free (CanopyRemoteConnection *c)
{
  if (c->wire_state != NULL)
    c->wire->state_free (c->wire_state);
  g_clear_object (&c->bus);
  g_clear_object (&c->connection);
  g_clear_object (&c->cancellable);
  g_clear_object (&c->read_cancellable);
  g_queue_clear_full (&c->exceptions, g_free);
  _canopy_message_queue_clear (&c->out);
  g_cond_clear (&c->writer_cond);
  g_mutex_clear (&c->stats_mutex);
  g_free (c->address);
  g_free (c->channel_info);
  g_free (c);
}

static gsize
encode_remote_exception (guint8     *buf,
                         const char *text)
{
  return _canopy_remote_encode_text (buf, CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION, text);
}

static gpointer
client_thread (gpointer data)
{
  CanopyRemoteConnection *c = data;
  CanopyRemoteServer *self = c->server;
  g_autofree guint8 *buf = g_malloc (RX_CHUNK + CANOPY_REMOTE_MAX_EVENT_SIZE);
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  gsize pos = 0, len = 0;
  gboolean ok;
  gint64 deadline;

  c->writer_thread = g_thread_new ("canopy-server-tx", client_writer_thread, c);

  ok = c->wire->handshake (c, buf, &pos, &len, &error);
  if (!ok)
    {
      if (!g_error_matches (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST))
        client_send_exception (c, error->message);
      g_debug ("Client %s: %s", c->address, error->message);
    }
  else
    {
      g_debug ("Client %s connected to %s", c->address, c->channel_info);
      _canopy_remote_server_client_connected (self, c);
      /* Frames go out only once the handshake is answered: where the bus
       * can (a virtual channel), from here on they skip the bus thread. */
      _canopy_bus_set_handoff (c->bus, take_handoff, c);
      c->bus_thread = g_thread_new ("canopy-server-bus", client_bus_thread, c);
      if (len > 0)
        ok = c->wire->process (c, buf + pos, len, &reason);
    }

  while (ok && !g_atomic_int_get (&c->stop))
    {
      g_autoptr(GError) local_error = NULL;
      gssize n;

      n = _canopy_socket_receive_some (c->socket, buf, RX_CHUNK, c->read_cancellable, &local_error);
      if (n <= 0)
        {
          if (n == 0 && !_canopy_remote_decoder_is_idle (&c->decoder))
            g_debug ("Client %s closed the connection in the middle of an event", c->address);
          break;
        }

      g_mutex_lock (&c->stats_mutex);
      c->bytes_received += n;
      g_mutex_unlock (&c->stats_mutex);

      ok = c->wire->process (c, buf, n, &reason);
    }

  if (reason != NULL)
    client_send_exception (c, reason);

  /* Stop reading the bus, let the writer send what is queued (an exception
   * that says why we close, above all), then close. */
  g_atomic_int_set (&c->stop, TRUE);
  if (c->bus != NULL)
    canopy_bus_shutdown (c->bus);
  g_clear_pointer (&c->bus_thread, g_thread_join);

  _canopy_message_queue_close (&c->out);
  deadline = g_get_monotonic_time () + FLUSH_TIMEOUT_US;
  g_mutex_lock (&c->out.mutex);
  while (!c->writer_done)
    if (!g_cond_wait_until (&c->writer_cond, &c->out.mutex, deadline))
      break;
  g_mutex_unlock (&c->out.mutex);
  g_cancellable_cancel (c->cancellable);
  g_clear_pointer (&c->writer_thread, g_thread_join);

  g_socket_shutdown (c->socket, FALSE, TRUE, NULL);
  g_io_stream_close (G_IO_STREAM (c->connection), NULL, NULL);

  g_debug ("Client %s disconnected", c->address);

  _canopy_remote_server_connection_closed (self, c);

  return NULL;
}

const CanopyRemoteWire _canopy_remote_wire_python_can = {
  .max_frame_size = CANOPY_REMOTE_MESSAGE_SIZE,
  .encode_frame = _canopy_remote_encode_message,
  .encode_error = encode_remote_exception,
  .handshake = client_handshake,
  .process = client_process,
};

CanopyRemoteConnection *
_canopy_remote_connection_new (CanopyRemoteServer     *server,
                               GSocketConnection      *connection,
                               const CanopyRemoteWire *wire,
                               guint                   queue_size)
{
  CanopyRemoteConnection *c = g_new0 (CanopyRemoteConnection, 1);
  g_autoptr(GSocketAddress) remote = NULL;

  c->wire = wire;
  if (wire->state_new != NULL)
    c->wire_state = wire->state_new ();

  c->server = server;
  c->connection = g_object_ref (connection);
  c->socket = g_socket_connection_get_socket (c->connection);
  c->cancellable = _canopy_socket_cancellable_new ();
  c->read_cancellable = _canopy_socket_cancellable_new ();
  c->connected_at_ns = _canopy_clock_realtime_ns ();
  remote = g_socket_connection_get_remote_address (c->connection, NULL);
  c->address = remote != NULL ? format_address (remote) : g_strdup ("unknown");
  _canopy_message_queue_init (&c->out, queue_size);
  c->handshake_timeout_us = server->handshake_timeout_us;
  c->stall_timeout_us = server->stall_timeout_us;
  c->last_progress_us = g_get_monotonic_time ();
  c->filtered = TRUE;  /* not counted until its bus opens */
  g_queue_init (&c->exceptions);
  g_cond_init (&c->writer_cond);
  g_mutex_init (&c->stats_mutex);
  _canopy_remote_decoder_init (&c->decoder);
  g_socket_set_option (c->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  return c;
}

void
_canopy_remote_connection_start (CanopyRemoteConnection *c)
{
  c->thread = g_thread_new ("canopy-server-client", client_thread, c);
}

/* Ends the session from outside (the server stops): reads and writes are
 * cancelled, the thread closes the connection and reports it closed. */
void
_canopy_remote_connection_cancel (CanopyRemoteConnection *c)
{
  g_atomic_int_set (&c->stop, TRUE);
  g_cancellable_cancel (c->read_cancellable);
  g_cancellable_cancel (c->cancellable);
}

/* After _canopy_remote_server_connection_closed(): waits for the thread's
 * last instructions and frees everything. */
void
_canopy_remote_connection_join (CanopyRemoteConnection *c)
{
  g_thread_join (c->thread);
  client_free (c);
}

CanopyRemoteClientInfo *
_canopy_remote_connection_get_info (CanopyRemoteConnection *c)
{
  CanopyRemoteClientInfo *info = g_new0 (CanopyRemoteClientInfo, 1);

  info->address = g_strdup (c->address);
  info->connected_at_ns = c->connected_at_ns;
  g_mutex_lock (&c->stats_mutex);
  info->channel_info = g_strdup (c->channel_info);
  info->requested_bitrate = c->requested_bitrate;
  info->frames_received = c->frames_received;
  info->frames_sent = c->frames_sent;
  info->frames_dropped = c->unsupported + c->bus_dropped;
  info->send_errors = c->send_errors;
  info->bytes_received = c->bytes_received;
  info->bytes_sent = c->bytes_sent;
  g_mutex_unlock (&c->stats_mutex);
  info->frames_dropped += _canopy_message_queue_get_dropped (&c->out);

  return info;
}

GSocket *
_canopy_remote_connection_get_socket (CanopyRemoteConnection *c)
{
  return c->socket;
}

GCancellable *
_canopy_remote_connection_get_read_cancellable (CanopyRemoteConnection *c)
{
  return c->read_cancellable;
}

gpointer
_canopy_remote_connection_get_wire_state (CanopyRemoteConnection *c)
{
  return c->wire_state;
}

const char *
_canopy_remote_connection_get_address (CanopyRemoteConnection *c)
{
  return c->address;
}

CanopyBus *
_canopy_remote_connection_get_bus (CanopyRemoteConnection *c)
{
  return c->bus;
}

/* Opens the client's bus on the server as the server is configured. */
gboolean
_canopy_remote_connection_open_bus (CanopyRemoteConnection  *c,
                                    gint32                   requested_bitrate,
                                    GError                 **error)
{
  g_autofree char *info = NULL;

  g_mutex_lock (&c->stats_mutex);
  c->requested_bitrate = requested_bitrate;
  g_mutex_unlock (&c->stats_mutex);

  if (!(c->bus = _canopy_remote_server_open_bus (c->server, requested_bitrate, error)))
    return FALSE;

  info = canopy_bus_dup_channel_info (c->bus);
  g_mutex_lock (&c->stats_mutex);
  c->channel_info = g_steal_pointer (&info);
  g_mutex_unlock (&c->stats_mutex);
  return TRUE;
}

gboolean
_canopy_remote_connection_write (CanopyRemoteConnection  *c,
                                 const void              *buf,
                                 gsize                    len,
                                 GError                 **error)
{
  if (!_canopy_remote_write_all (c->socket, buf, len, c->cancellable, error))
    return FALSE;
  g_mutex_lock (&c->stats_mutex);
  c->bytes_sent += len;
  g_mutex_unlock (&c->stats_mutex);
  return TRUE;
}

void
_canopy_remote_connection_send_exception (CanopyRemoteConnection *c,
                                          const char             *text)
{
  client_send_exception (c, text);
}

void
_canopy_remote_connection_count_received (CanopyRemoteConnection *c,
                                          guint64                 bytes,
                                          guint64                 frames,
                                          guint64                 send_errors)
{
  g_mutex_lock (&c->stats_mutex);
  c->bytes_received += bytes;
  c->frames_received += frames;
  c->send_errors += send_errors;
  g_mutex_unlock (&c->stats_mutex);
}

/* canopy-stream-link.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"

#include "canopy-bus-private.h"
#include "canopy-stream-link-private.h"

#define RX_CHUNK 4096

void
_canopy_stream_link_init (CanopyStreamLink            *link,
                          const char                  *name,
                          const CanopyStreamTransport *vtable,
                          gpointer                     transport,
                          guint                        queue_size)
{
  link->vtable = vtable;
  link->transport = transport;
  link->name = name;
  _canopy_message_queue_init (&link->queue, queue_size);
  g_mutex_init (&link->write_mutex);
  g_mutex_init (&link->failure_mutex);
}

/* Records the first failure and wakes every reader: frames received before
 * it can still be taken, then recv() reports it. Takes @error. */
void
_canopy_stream_link_fail (CanopyStreamLink *link,
                          GError           *error)
{
  g_mutex_lock (&link->failure_mutex);
  if (link->failure == NULL)
    link->failure = error;
  else
    g_error_free (error);
  g_mutex_unlock (&link->failure_mutex);

  _canopy_message_queue_close (&link->queue);
}

gboolean
_canopy_stream_link_check (CanopyStreamLink  *link,
                           GError           **error)
{
  gboolean ok;

  g_mutex_lock (&link->failure_mutex);
  ok = link->failure == NULL;
  if (!ok)
    g_propagate_error (error, g_error_copy (link->failure));
  g_mutex_unlock (&link->failure_mutex);

  return ok;
}

static gpointer
reader_thread (gpointer data)
{
  CanopyStreamLink *link = data;
  guint8 buf[RX_CHUNK];

  while (!g_atomic_int_get (&link->stopping))
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      n = link->vtable->read (link->transport, buf, sizeof buf, link->idle ? link->idle_ms : -1, &error);
      if (n < 0)
        {
          if (!g_atomic_int_get (&link->stopping))
            _canopy_stream_link_fail (link, g_steal_pointer (&error));
          break;
        }
      if (n == 0)
        {
          if (link->idle != NULL && !g_atomic_int_get (&link->stopping))
            link->idle (link->owner);
          continue;
        }

      link->bytes_received += n;
      link->feed (link->owner, buf, n);
    }

  return NULL;
}

void
_canopy_stream_link_start (CanopyStreamLink     *link,
                           CanopyStreamFeedFunc  feed,
                           CanopyStreamIdleFunc  idle,
                           int                   idle_ms,
                           gpointer              owner)
{
  g_assert (link->reader == NULL);

  link->feed = feed;
  link->idle = idle;
  link->idle_ms = idle_ms;
  link->owner = owner;
  link->reader = g_thread_new (link->name, reader_thread, link);
}

gboolean
_canopy_stream_link_write (CanopyStreamLink  *link,
                           const void        *buf,
                           gsize              len,
                           double             timeout,
                           GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  int timeout_ms = timeout < 0 ? -1 : (int) MIN (timeout * 1000.0, G_MAXINT);
  gboolean ok;

  if (!_canopy_stream_link_check (link, error))
    return FALSE;

  g_mutex_lock (&link->write_mutex);
  if (link->transport != NULL)
    ok = link->vtable->write_all (link->transport, buf, len, timeout_ms, &local_error);
  else
    {
      g_set_error (&local_error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN, "%s was closed", link->name);
      ok = FALSE;
    }
  g_mutex_unlock (&link->write_mutex);

  if (!ok)
    {
      /* A vanished device fails every later call too. */
      if (g_error_matches (local_error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST))
        _canopy_stream_link_fail (link, g_error_copy (local_error));
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return ok;
}

gboolean
_canopy_stream_link_recv (CanopyStreamLink  *link,
                          CanopyMessage     *msg,
                          double             timeout,
                          GError           **error)
{
  switch (_canopy_message_queue_pop (&link->queue, msg, timeout))
    {
    case CANOPY_QUEUE_POP_MESSAGE:
      return TRUE;
    case CANOPY_QUEUE_POP_TIMEOUT:
      return FALSE;
    case CANOPY_QUEUE_POP_CLOSED:
    default:
      if (_canopy_stream_link_check (link, error))
        g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN, "The bus was shut down");
      return FALSE;
    }
}

/* recv() of a bus on a link: a closed queue means shut down (the bus's
 * words) or the stream failed (its reason). */
gboolean
_canopy_stream_link_recv_for_bus (CanopyStreamLink  *link,
                                  CanopyBus         *bus,
                                  CanopyMessage     *msg,
                                  double             timeout,
                                  GError           **error)
{
  GError *local_error = NULL;

  if (_canopy_stream_link_recv (link, msg, timeout, &local_error))
    return TRUE;
  if (g_error_matches (local_error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN))
    {
      g_clear_error (&local_error);
      return _canopy_bus_check_open (bus, error);
    }
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return FALSE;
}

void
_canopy_stream_link_deliver (CanopyStreamLink    *link,
                             const CanopyMessage *msg)
{
  _canopy_message_queue_push (&link->queue, msg);
}

void
_canopy_stream_link_add_skipped (CanopyStreamLink *link,
                                 guint64           n)
{
  g_atomic_int_add (&link->skipped, (int) MIN (n, G_MAXINT));
}

guint64
_canopy_stream_link_get_skipped (CanopyStreamLink *link)
{
  return (guint) g_atomic_int_get (&link->skipped);
}

/* Frames the full queue refused; 0 when the link has no queue (before
 * _canopy_stream_link_init() and after _canopy_stream_link_clear()). */
guint64
_canopy_stream_link_get_dropped (CanopyStreamLink *link)
{
  return link->vtable != NULL ? _canopy_message_queue_get_dropped (&link->queue) : 0;
}

/* Stops the reader thread: after this no callback runs. */
void
_canopy_stream_link_stop (CanopyStreamLink *link)
{
  if (link->vtable == NULL)
    return;
  g_atomic_int_set (&link->stopping, TRUE);
  if (link->transport != NULL)
    link->vtable->interrupt (link->transport);
  g_clear_pointer (&link->reader, g_thread_join);
  _canopy_message_queue_close (&link->queue);
}

/* Stops the reader and releases the device (closes the socket), so that
 * the other end sees the bus go at once. */
void
_canopy_stream_link_close (CanopyStreamLink *link)
{
  if (link->vtable == NULL)
    return;
  _canopy_stream_link_stop (link);

  g_mutex_lock (&link->write_mutex);
  if (link->transport != NULL)
    link->vtable->close (link->transport);
  link->transport = NULL;
  g_mutex_unlock (&link->write_mutex);
}

void
_canopy_stream_link_clear (CanopyStreamLink *link)
{
  if (link->vtable == NULL)
    return;
  _canopy_stream_link_close (link);
  _canopy_message_queue_clear (&link->queue);
  g_clear_error (&link->failure);
  g_mutex_clear (&link->write_mutex);
  g_mutex_clear (&link->failure_mutex);
  link->vtable = NULL;
}

static gboolean
stream_bus_recv (CanopyBus      *bus,
                 CanopyMessage  *msg,
                 double          timeout,
                 GError        **error)
{
  if (!_canopy_bus_check_open (bus, error))
    return FALSE;
  return _canopy_stream_link_recv_for_bus (CANOPY_STREAM_BUS_LINK (bus), bus, msg, timeout, error);
}

/* Filtered as frames arrive, so that unwanted ones take no room in the
 * queue. */
static gboolean
stream_bus_set_filters (CanopyBus           *bus,
                        const CanopyFilter  *filters,
                        guint                n_filters,
                        gboolean            *software,
                        GError             **error)
{
  *software = FALSE;
  return TRUE;
}

void
_canopy_stream_bus_shutdown (CanopyBus *bus)
{
  _canopy_stream_link_close (CANOPY_STREAM_BUS_LINK (bus));
}

static void
stream_bus_update_statistics (CanopyBus           *bus,
                              CanopyBusStatistics *stats)
{
  CanopyStreamLink *link = CANOPY_STREAM_BUS_LINK (bus);

  if (link->vtable != NULL)
    _canopy_bus_statistics_add_dropped (stats, _canopy_message_queue_get_dropped (&link->queue));
}

void
_canopy_stream_bus_class_init (CanopyBusClass *bus_class)
{
  bus_class->recv = stream_bus_recv;
  bus_class->set_filters = stream_bus_set_filters;
  bus_class->shutdown = _canopy_stream_bus_shutdown;
  bus_class->update_statistics = stream_bus_update_statistics;
}

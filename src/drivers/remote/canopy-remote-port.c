/* canopy-remote-port.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"

#include "canopy-bus-private.h"
#include "canopy-message-queue-private.h"
#include "canopy-remote-port-private.h"
#include "canopy-remote-server-private.h"

/* What a client of a server that shares an open bus gets instead of a bus
 * of its own: the frames the server is fed (by the notifier that reads the
 * shared bus) in a bounded queue, filtered as they arrive, and a send that
 * goes to the shared bus. Shutting a port down leaves the shared bus open:
 * it belongs to whoever made the server. */

struct _CanopyRemotePort
{
  CanopyBus           parent_instance;

  CanopyRemoteServer *server;  /* outlives its clients' ports */
  CanopyBus          *shared;
  CanopyMessageQueue  queue;
  guint               registered : 1;

  /* Under queue.mutex: why frames stopped, once the shared bus failed or
   * is no longer read. */
  GError             *error;
};

G_DEFINE_FINAL_TYPE (CanopyRemotePort, _canopy_remote_port, CANOPY_TYPE_BUS)

static gboolean
canopy_remote_port_open (CanopyBus     *bus,
                         GCancellable  *cancellable,
                         GError       **error)
{
  CanopyRemotePort *self = CANOPY_REMOTE_PORT (bus);
  g_autofree char *info = canopy_bus_dup_channel_info (self->shared);

  _canopy_bus_set_channel_info (bus, info);
  /* For the bus load in the port's statistics. */
  canopy_bus_set_bitrate (bus, canopy_bus_get_bitrate (self->shared));

  if (!_canopy_remote_server_add_port (self->server, self, error))
    return FALSE;
  self->registered = TRUE;
  return TRUE;
}

static gboolean
canopy_remote_port_send (CanopyBus            *bus,
                         const CanopyMessage  *msg,
                         double                timeout,
                         GError              **error)
{
  CanopyRemotePort *self = CANOPY_REMOTE_PORT (bus);

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;

  return canopy_bus_send (self->shared, msg, timeout, error);
}

static gboolean
canopy_remote_port_recv (CanopyBus      *bus,
                         CanopyMessage  *msg,
                         double          timeout,
                         GError        **error)
{
  CanopyRemotePort *self = CANOPY_REMOTE_PORT (bus);

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;

  switch (_canopy_message_queue_pop (&self->queue, msg, timeout))
    {
    case CANOPY_QUEUE_POP_MESSAGE:
      return TRUE;

    case CANOPY_QUEUE_POP_TIMEOUT:
      return FALSE;

    case CANOPY_QUEUE_POP_CLOSED:
    default:
      {
        GError *failure = NULL;

        g_mutex_lock (&self->queue.mutex);
        if (self->error != NULL)
          failure = g_error_copy (self->error);
        g_mutex_unlock (&self->queue.mutex);

        if (failure != NULL)
          {
            g_propagate_error (error, failure);
            return FALSE;
          }
        /* Closed by shutdown, which marks the bus shut down first. */
        if (_canopy_bus_check_open (bus, error))
          g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN,
                               "The client's view of the shared bus was shut down");
        return FALSE;
      }
    }
}

static gboolean
canopy_remote_port_set_filters (CanopyBus           *bus,
                                const CanopyFilter  *filters,
                                guint                n_filters,
                                gboolean            *software,
                                GError             **error)
{
  /* Frames are filtered as they are delivered (see
   * _canopy_remote_port_deliver()), so that those the client does not want
   * take no room in its queue. The shared bus keeps its own filters. */
  *software = FALSE;
  return TRUE;
}

static void
canopy_remote_port_shutdown (CanopyBus *bus)
{
  CanopyRemotePort *self = CANOPY_REMOTE_PORT (bus);

  if (self->registered)
    _canopy_remote_server_remove_port (self->server, self);
  self->registered = FALSE;
  _canopy_message_queue_close (&self->queue);
}

static void
canopy_remote_port_update_statistics (CanopyBus           *bus,
                                      CanopyBusStatistics *stats)
{
  _canopy_bus_statistics_add_dropped (stats, _canopy_message_queue_get_dropped (&CANOPY_REMOTE_PORT (bus)->queue));
}

static void
canopy_remote_port_finalize (GObject *object)
{
  CanopyRemotePort *self = CANOPY_REMOTE_PORT (object);

  /* The base class shut the port down in dispose. */
  g_clear_object (&self->shared);
  g_clear_error (&self->error);
  _canopy_message_queue_clear (&self->queue);

  G_OBJECT_CLASS (_canopy_remote_port_parent_class)->finalize (object);
}

static void
_canopy_remote_port_class_init (CanopyRemotePortClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->finalize = canopy_remote_port_finalize;

  bus_class->open = canopy_remote_port_open;
  bus_class->send = canopy_remote_port_send;
  bus_class->recv = canopy_remote_port_recv;
  bus_class->set_filters = canopy_remote_port_set_filters;
  bus_class->shutdown = canopy_remote_port_shutdown;
  bus_class->update_statistics = canopy_remote_port_update_statistics;
}

static void
_canopy_remote_port_init (CanopyRemotePort *self)
{
}

/* Opens a port on @shared for one client of @server; fails once the
 * shared bus failed or is no longer read. */
CanopyBus *
_canopy_remote_port_new (CanopyRemoteServer  *server,
                         CanopyBus           *shared,
                         guint                queue_size,
                         GError             **error)
{
  g_autoptr(CanopyRemotePort) self = g_object_new (CANOPY_TYPE_REMOTE_PORT, NULL);

  self->server = server;
  self->shared = g_object_ref (shared);
  _canopy_message_queue_init (&self->queue, queue_size);

  if (!g_initable_init (G_INITABLE (self), NULL, error))
    return NULL;

  return CANOPY_BUS (g_steal_pointer (&self));
}

/* Any thread (the shared bus's reader), under the server's port lock. */
void
_canopy_remote_port_deliver (CanopyRemotePort    *self,
                             const CanopyMessage *msg)
{
  gboolean wake = FALSE;

  if (!(msg->flags & CANOPY_MESSAGE_ERROR) && !_canopy_bus_accepts (CANOPY_BUS (self), msg))
    return;

  g_mutex_lock (&self->queue.mutex);
  _canopy_message_queue_append_locked (&self->queue, msg, &wake);
  g_mutex_unlock (&self->queue.mutex);

  if (wake)
    _canopy_message_queue_wake (&self->queue);
}

/* The shared bus failed or is no longer read: the client reads what is
 * queued, then @error, which ends its session. */
void
_canopy_remote_port_fail (CanopyRemotePort *self,
                          const GError     *error)
{
  g_mutex_lock (&self->queue.mutex);
  if (self->error == NULL)
    self->error = g_error_copy (error);
  g_mutex_unlock (&self->queue.mutex);

  _canopy_message_queue_close (&self->queue);
}

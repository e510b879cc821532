/* canopy-virtual-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"
#include "canopy-virtual-bus.h"

#include "canopy-bus-private.h"
#include "canopy-clock-private.h"
#include "canopy-message-queue-private.h"
#include "canopy-options-private.h"
#include "canopy-virtual-bus-private.h"

/**
 * CanopyVirtualBus:
 *
 * python-can's `virtual` interface: every bus opened on the same channel name
 * in one process receives the frames the others send (and its own only with
 * `receive_own_messages`), stamped with the wall-clock time of sending.
 * Each bus queues at most `queue_size` frames; a bus that is not read drops
 * new frames and counts them instead of growing.
 *
 * The channel named `demo` also carries simulated traffic from a handful of
 * ECUs while any bus is open on it.
 */

#define RECV_BATCH 64

struct _CanopyVirtualChannel
{
  char              *name;
  guint              n_users;
  GRWLock            lock;
  GPtrArray         *buses;
  CanopyDemoTraffic *demo;
};

struct _CanopyVirtualBus
{
  GObject               parent_instance;
  CanopyBusCore         core;
  CanopyVirtualChannel *channel;
  CanopyMessageQueue    queue;
  gboolean              receive_own_messages;

  /* Frames taken from the queue in one go, handed out one per recv. */
  GMutex                recv_mutex;
  CanopyMessage         batch[RECV_BATCH];
  guint                 batch_pos;
  guint                 batch_len;
};

static void bus_iface_init (CanopyBusInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyVirtualBus, canopy_virtual_bus, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_BUS, bus_iface_init))

static GMutex channels_mutex;
static GHashTable *channels;

static CanopyVirtualChannel *
channel_acquire (const char *name)
{
  CanopyVirtualChannel *channel;

  g_mutex_lock (&channels_mutex);

  if (channels == NULL)
    channels = g_hash_table_new (g_str_hash, g_str_equal);

  channel = g_hash_table_lookup (channels, name);
  if (channel == NULL)
    {
      channel = g_new0 (CanopyVirtualChannel, 1);
      channel->name = g_strdup (name);
      channel->buses = g_ptr_array_new ();
      g_rw_lock_init (&channel->lock);
      g_hash_table_insert (channels, channel->name, channel);

      if (g_str_equal (name, "demo"))
        channel->demo = _canopy_demo_traffic_start (channel);
    }
  channel->n_users++;

  g_mutex_unlock (&channels_mutex);

  return channel;
}

static void
channel_release (CanopyVirtualChannel *channel)
{
  gboolean last;

  g_mutex_lock (&channels_mutex);
  last = --channel->n_users == 0;
  if (last)
    g_hash_table_remove (channels, channel->name);
  g_mutex_unlock (&channels_mutex);

  if (!last)
    return;

  g_clear_pointer (&channel->demo, _canopy_demo_traffic_stop);
  g_ptr_array_unref (channel->buses);
  g_rw_lock_clear (&channel->lock);
  g_free (channel->name);
  g_free (channel);
}

static inline void
enqueue (CanopyVirtualBus    *bus,
         const CanopyMessage *msg)
{
  gboolean wake = FALSE;

  g_mutex_lock (&bus->queue.mutex);
  if (_canopy_bus_core_accepts (&bus->core, msg))
    _canopy_message_queue_append_locked (&bus->queue, msg, &wake);
  g_mutex_unlock (&bus->queue.mutex);

  if (wake)
    _canopy_message_queue_wake (&bus->queue);
}

void
_canopy_virtual_channel_deliver (CanopyVirtualChannel *channel,
                                 CanopyVirtualBus     *sender,
                                 CanopyMessage        *msg)
{
  msg->timestamp_ns = _canopy_clock_realtime_ns ();
  msg->flags &= ~CANOPY_MESSAGE_TX;

  g_rw_lock_reader_lock (&channel->lock);
  for (guint i = 0; i < channel->buses->len; i++)
    {
      CanopyVirtualBus *bus = channel->buses->pdata[i];

      if (bus != sender)
        enqueue (bus, msg);
    }
  g_rw_lock_reader_unlock (&channel->lock);

  if (sender != NULL && sender->receive_own_messages)
    {
      msg->flags |= CANOPY_MESSAGE_TX;
      enqueue (sender, msg);
    }
}

static gboolean
canopy_virtual_bus_send (CanopyBus            *bus,
                         const CanopyMessage  *msg,
                         double                timeout,
                         GError              **error)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (bus);
  CanopyMessage copy = *msg;

  if (!_canopy_bus_core_check_open (&self->core, error))
    return FALSE;

  _canopy_virtual_channel_deliver (self->channel, self, &copy);
  return TRUE;
}

static gboolean
canopy_virtual_bus_recv (CanopyBus      *bus,
                         CanopyMessage  *msg,
                         double          timeout,
                         GError        **error)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (bus);

  gboolean closed = FALSE;
  gboolean ret = FALSE;

  if (!_canopy_bus_core_check_open (&self->core, error))
    return FALSE;

  g_mutex_lock (&self->recv_mutex);

  if (self->batch_pos == self->batch_len)
    {
      self->batch_pos = 0;
      self->batch_len = _canopy_message_queue_pop_many (&self->queue, self->batch, RECV_BATCH,
                                                        timeout, &closed);
    }

  if (self->batch_pos < self->batch_len)
    {
      *msg = self->batch[self->batch_pos++];
      ret = TRUE;
    }

  g_mutex_unlock (&self->recv_mutex);

  if (closed)
    return _canopy_bus_core_check_open (&self->core, error);

  return ret;
}

static gboolean
canopy_virtual_bus_set_filters (CanopyBus           *bus,
                                const CanopyFilter  *filters,
                                guint                n_filters,
                                GError             **error)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (bus);

  if (!_canopy_bus_core_check_open (&self->core, error))
    return FALSE;

  /* Senders test filters under the queue lock. */
  g_mutex_lock (&self->queue.mutex);
  _canopy_bus_core_set_filters (&self->core, filters, n_filters);
  g_mutex_unlock (&self->queue.mutex);

  return TRUE;
}

static gboolean
canopy_virtual_bus_flush_tx_buffer (CanopyBus  *bus,
                                    GError    **error)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (bus);

  /* Frames are delivered at once: there is never anything waiting to go. */
  return _canopy_bus_core_check_open (&self->core, error);
}

static void
canopy_virtual_bus_shutdown (CanopyBus *bus)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (bus);

  if (!_canopy_bus_core_begin_shutdown (&self->core))
    return;

  g_rw_lock_writer_lock (&self->channel->lock);
  g_ptr_array_remove_fast (self->channel->buses, self);
  g_rw_lock_writer_unlock (&self->channel->lock);

  _canopy_message_queue_close (&self->queue);
}

static const char *
canopy_virtual_bus_get_channel_info (CanopyBus *bus)
{
  return CANOPY_VIRTUAL_BUS (bus)->core.channel_info;
}

static void
bus_iface_init (CanopyBusInterface *iface)
{
  iface->send = canopy_virtual_bus_send;
  iface->recv = canopy_virtual_bus_recv;
  iface->set_filters = canopy_virtual_bus_set_filters;
  iface->flush_tx_buffer = canopy_virtual_bus_flush_tx_buffer;
  iface->shutdown = canopy_virtual_bus_shutdown;
  iface->get_channel_info = canopy_virtual_bus_get_channel_info;
}

static void
canopy_virtual_bus_dispose (GObject *object)
{
  canopy_virtual_bus_shutdown (CANOPY_BUS (object));

  G_OBJECT_CLASS (canopy_virtual_bus_parent_class)->dispose (object);
}

static void
canopy_virtual_bus_finalize (GObject *object)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (object);

  g_clear_pointer (&self->channel, channel_release);
  _canopy_message_queue_clear (&self->queue);
  _canopy_bus_core_clear (&self->core);
  g_mutex_clear (&self->recv_mutex);

  G_OBJECT_CLASS (canopy_virtual_bus_parent_class)->finalize (object);
}

static void
canopy_virtual_bus_class_init (CanopyVirtualBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = canopy_virtual_bus_dispose;
  object_class->finalize = canopy_virtual_bus_finalize;
  object_class->get_property = _canopy_bus_get_property;

  _canopy_bus_class_override_properties (object_class);
}

static void
canopy_virtual_bus_init (CanopyVirtualBus *self)
{
  g_mutex_init (&self->recv_mutex);
}

/**
 * canopy_virtual_bus_new:
 * @channel: (nullable): the channel name; %NULL for `demo`
 * @receive_own_messages: whether the bus receives the frames it sends
 * @queue_size: how many received frames to hold; 0 for
 *   %CANOPY_VIRTUAL_BUS_DEFAULT_QUEUE_SIZE
 *
 * Opens a virtual bus directly; canopy_bus_new() with `virtual` does the same
 * from options.
 *
 * Returns: (transfer full): a new bus
 */
CanopyVirtualBus *
canopy_virtual_bus_new (const char *channel,
                        gboolean    receive_own_messages,
                        guint       queue_size)
{
  CanopyVirtualBus *self;
  g_autofree char *info = NULL;

  if (channel == NULL)
    channel = "demo";
  if (queue_size == 0)
    queue_size = CANOPY_VIRTUAL_BUS_DEFAULT_QUEUE_SIZE;

  self = g_object_new (CANOPY_TYPE_VIRTUAL_BUS, NULL);
  info = g_strdup_printf ("Virtual bus channel %s", channel);
  _canopy_bus_core_init (&self->core, info);
  _canopy_message_queue_init (&self->queue, queue_size);
  self->receive_own_messages = receive_own_messages;
  self->channel = channel_acquire (channel);

  g_rw_lock_writer_lock (&self->channel->lock);
  g_ptr_array_add (self->channel->buses, self);
  g_rw_lock_writer_unlock (&self->channel->lock);

  return self;
}

CanopyBus *
_canopy_virtual_bus_new_from_options (const char  *channel,
                                      GHashTable  *options,
                                      GError     **error)
{
  gboolean receive_own_messages;
  guint64 queue_size;

  if (!_canopy_options_get_boolean (options, "receive_own_messages", FALSE, &receive_own_messages, error) ||
      !_canopy_options_get_uint (options, "queue_size", CANOPY_VIRTUAL_BUS_DEFAULT_QUEUE_SIZE,
                                 16 * 1024 * 1024, &queue_size, error))
    return NULL;

  if (queue_size == 0)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "Option queue_size: a virtual bus needs room for at least one frame");
      return NULL;
    }

  return CANOPY_BUS (canopy_virtual_bus_new (channel, receive_own_messages, queue_size));
}

/**
 * canopy_virtual_bus_get_channel:
 * @self: a virtual bus
 *
 * Returns: the channel name
 */
const char *
canopy_virtual_bus_get_channel (CanopyVirtualBus *self)
{
  g_return_val_if_fail (CANOPY_IS_VIRTUAL_BUS (self), NULL);
  return self->channel->name;
}

/**
 * canopy_virtual_bus_get_dropped:
 * @self: a virtual bus
 *
 * Returns: how many frames this bus dropped because its queue was full
 */
guint64
canopy_virtual_bus_get_dropped (CanopyVirtualBus *self)
{
  g_return_val_if_fail (CANOPY_IS_VIRTUAL_BUS (self), 0);
  return _canopy_message_queue_get_dropped (&self->queue);
}

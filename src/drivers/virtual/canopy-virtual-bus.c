/* canopy-virtual-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"
#include "canopy-virtual-bus.h"

#include "canopy-bus-private.h"
#include "canopy-clock-private.h"
#include "canopy-interface-info-private.h"
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
 * ECUs while any bus is open on it, and its buses default to a bit rate of
 * 500 kbit/s so that their statistics show a bus load.
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
  CanopyBus             parent_instance;
  char                 *channel_name;
  CanopyVirtualChannel *channel;
  CanopyMessageQueue    queue;
  guint                 queue_size;
  gboolean              receive_own_messages;

  /* Frames taken from the queue in one go, handed out one per recv. */
  GMutex                recv_mutex;
  CanopyMessage         batch[RECV_BATCH];
  guint                 batch_pos;
  guint                 batch_len;

  /* A consumer that takes frames on the sender's thread (see
   * _canopy_bus_set_handoff()), set under both locks. Under queue.mutex:
   * frames queued since that the consumer has not dealt with; under
   * recv_mutex: whether recv returned one of them last. */
  CanopyBusHandoffFunc  handoff;
  gpointer              handoff_data;
  guint                 handoff_pending;
  gboolean              handed_out;
};

struct _CanopyVirtualBusClass
{
  CanopyBusClass parent_class;
};

enum {
  PROP_0,
  PROP_CHANNEL,
  PROP_RECEIVE_OWN_MESSAGES,
  PROP_QUEUE_SIZE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyVirtualBus, canopy_virtual_bus, CANOPY_TYPE_BUS)

static GParamSpec *properties[N_PROPS];

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

  if (!_canopy_bus_accepts (CANOPY_BUS (bus), msg))
    return;

  g_mutex_lock (&bus->queue.mutex);
  if (bus->handoff == NULL)
    _canopy_message_queue_append_locked (&bus->queue, msg, &wake);
  else if (bus->handoff_pending > 0 || !bus->handoff (msg, bus->handoff_data))
    {
      /* Behind frames still on their way to the consumer: keep the order. */
      if (_canopy_message_queue_append_locked (&bus->queue, msg, &wake))
        bus->handoff_pending++;
    }
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

  if (!_canopy_bus_check_open (bus, error))
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

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;

  g_mutex_lock (&self->recv_mutex);

  /* Calling again means the consumer dealt with the frame it got last. */
  if (self->handed_out)
    {
      g_mutex_lock (&self->queue.mutex);
      self->handoff_pending--;
      g_mutex_unlock (&self->queue.mutex);
      self->handed_out = FALSE;
    }

  if (self->batch_pos == self->batch_len)
    {
      self->batch_pos = 0;
      self->batch_len = _canopy_message_queue_pop_many (&self->queue, self->batch, RECV_BATCH,
                                                        timeout, &closed);
    }

  if (self->batch_pos < self->batch_len)
    {
      *msg = self->batch[self->batch_pos++];
      self->handed_out = self->handoff != NULL;
      ret = TRUE;
    }

  g_mutex_unlock (&self->recv_mutex);

  if (closed)
    return _canopy_bus_check_open (bus, error);

  return ret;
}

static gboolean
canopy_virtual_bus_set_filters (CanopyBus           *bus,
                                const CanopyFilter  *filters,
                                guint                n_filters,
                                gboolean            *software,
                                GError             **error)
{
  /* Senders filter as they deliver (see enqueue()), so that frames nobody
   * wants never take room in the queue. */
  *software = FALSE;
  return TRUE;
}

static gboolean
canopy_virtual_bus_set_handoff (CanopyBus            *bus,
                                CanopyBusHandoffFunc  func,
                                gpointer              user_data)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (bus);
  gboolean set;

  g_mutex_lock (&self->recv_mutex);
  g_mutex_lock (&self->queue.mutex);
  if (self->handoff == NULL)
    {
      /* What came before goes by recv(), first. */
      self->handoff_pending = self->queue.count + (self->batch_len - self->batch_pos);
      self->handoff = func;
      self->handoff_data = user_data;
    }
  set = self->handoff == func && self->handoff_data == user_data;
  g_mutex_unlock (&self->queue.mutex);
  g_mutex_unlock (&self->recv_mutex);

  return set;
}

static void
canopy_virtual_bus_shutdown (CanopyBus *bus)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (bus);

  /* Once off the channel, nobody delivers to it, nor calls the handoff. */
  g_rw_lock_writer_lock (&self->channel->lock);
  g_ptr_array_remove_fast (self->channel->buses, self);
  g_rw_lock_writer_unlock (&self->channel->lock);

  _canopy_message_queue_close (&self->queue);
}

static gboolean
canopy_virtual_bus_configure (CanopyBus   *bus,
                              const char  *channel,
                              GHashTable  *options,
                              GError     **error)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (bus);
  gboolean receive_own_messages;
  guint queue_size;

  if (!_canopy_options_get_boolean (options, "receive_own_messages", FALSE, &receive_own_messages, error) ||
      !_canopy_options_get_queue_size (options, CANOPY_VIRTUAL_BUS_DEFAULT_QUEUE_SIZE, "virtual",
                                       &queue_size, error))
    return FALSE;

  g_free (self->channel_name);
  self->channel_name = g_strdup (channel != NULL ? channel : "demo");
  self->receive_own_messages = receive_own_messages;
  self->queue_size = queue_size;

  return TRUE;
}

static gboolean
canopy_virtual_bus_open (CanopyBus     *bus,
                         GCancellable  *cancellable,
                         GError       **error)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (bus);
  g_autofree char *info = g_strdup_printf ("Virtual bus channel %s", self->channel_name);

  _canopy_bus_set_channel_info (bus, info);
  /* The simulated ECUs of `demo` stand for a 500 kbit/s powertrain bus:
   * with that bit rate the statistics show a bus load, as on a real bus. */
  if (g_str_equal (self->channel_name, "demo") && canopy_bus_get_bitrate (bus) == 0)
    canopy_bus_set_bitrate (bus, 500000);
  _canopy_message_queue_init (&self->queue, self->queue_size);
  self->channel = channel_acquire (self->channel_name);

  g_rw_lock_writer_lock (&self->channel->lock);
  g_ptr_array_add (self->channel->buses, self);
  g_rw_lock_writer_unlock (&self->channel->lock);

  return TRUE;
}

static void
canopy_virtual_bus_finalize (GObject *object)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (object);

  g_clear_pointer (&self->channel, channel_release);
  if (self->queue.ring != NULL)
    _canopy_message_queue_clear (&self->queue);
  g_clear_pointer (&self->channel_name, g_free);
  g_mutex_clear (&self->recv_mutex);

  G_OBJECT_CLASS (canopy_virtual_bus_parent_class)->finalize (object);
}

static void
canopy_virtual_bus_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_value_set_string (value, self->channel_name);
      break;

    case PROP_RECEIVE_OWN_MESSAGES:
      g_value_set_boolean (value, self->receive_own_messages);
      break;

    case PROP_QUEUE_SIZE:
      g_value_set_uint (value, self->queue_size);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_virtual_bus_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CanopyVirtualBus *self = CANOPY_VIRTUAL_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_free (self->channel_name);
      self->channel_name = g_value_dup_string (value);
      if (self->channel_name == NULL)
        self->channel_name = g_strdup ("demo");
      break;

    case PROP_RECEIVE_OWN_MESSAGES:
      self->receive_own_messages = g_value_get_boolean (value);
      break;

    case PROP_QUEUE_SIZE:
      self->queue_size = g_value_get_uint (value);
      if (self->queue_size == 0)
        self->queue_size = CANOPY_VIRTUAL_BUS_DEFAULT_QUEUE_SIZE;
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_virtual_bus_update_statistics (CanopyBus           *bus,
                                      CanopyBusStatistics *stats)
{
  _canopy_bus_statistics_add_dropped (stats, _canopy_message_queue_get_dropped (&CANOPY_VIRTUAL_BUS (bus)->queue));
}

static void
canopy_virtual_bus_class_init (CanopyVirtualBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->finalize = canopy_virtual_bus_finalize;
  object_class->get_property = canopy_virtual_bus_get_property;
  object_class->set_property = canopy_virtual_bus_set_property;

  bus_class->configure = canopy_virtual_bus_configure;
  bus_class->open = canopy_virtual_bus_open;
  bus_class->send = canopy_virtual_bus_send;
  bus_class->recv = canopy_virtual_bus_recv;
  bus_class->set_filters = canopy_virtual_bus_set_filters;
  bus_class->shutdown = canopy_virtual_bus_shutdown;
  bus_class->update_statistics = canopy_virtual_bus_update_statistics;
  bus_class->set_handoff = canopy_virtual_bus_set_handoff;

  /**
   * CanopyVirtualBus:channel:
   *
   * The channel name: buses on the same name see each other's frames.
   */
  properties[PROP_CHANNEL] =
    g_param_spec_string ("channel", NULL, NULL,
                         "demo",
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyVirtualBus:receive-own-messages:
   *
   * Whether the bus receives the frames it sends, marked %CANOPY_MESSAGE_TX.
   */
  properties[PROP_RECEIVE_OWN_MESSAGES] =
    g_param_spec_boolean ("receive-own-messages", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                           G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyVirtualBus:queue-size:
   *
   * How many received frames the bus holds before it drops new ones.
   */
  properties[PROP_QUEUE_SIZE] =
    g_param_spec_uint ("queue-size", NULL, NULL,
                       1, CANOPY_OPTIONS_MAX_QUEUE_SIZE, CANOPY_VIRTUAL_BUS_DEFAULT_QUEUE_SIZE,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_virtual_bus_init (CanopyVirtualBus *self)
{
  g_mutex_init (&self->recv_mutex);
  self->channel_name = g_strdup ("demo");
  self->queue_size = CANOPY_VIRTUAL_BUS_DEFAULT_QUEUE_SIZE;
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
  /* Joining a channel cannot fail. */
  return g_initable_new (CANOPY_TYPE_VIRTUAL_BUS, NULL, NULL,
                         "channel", channel,
                         "receive-own-messages", receive_own_messages,
                         "queue-size", queue_size ? queue_size : CANOPY_VIRTUAL_BUS_DEFAULT_QUEUE_SIZE,
                         NULL);
}

void
_canopy_virtual_bus_register (void)
{
  _canopy_interface_register ("virtual", NULL, CANOPY_TYPE_VIRTUAL_BUS,
                              "Virtual bus between programs in one process",
                              "a channel name; buses on the same name see each other (“demo” carries simulated traffic)");
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
  return self->channel_name;
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
  if (self->queue.ring == NULL)
    return 0;
  return _canopy_message_queue_get_dropped (&self->queue);
}

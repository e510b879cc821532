/* canopy-buffered-reader.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-buffered-reader.h"

#include "canopy-message-queue-private.h"
#include "canopy-notify-private.h"

/**
 * CanopyBufferedReader:
 *
 * A listener that queues frames until they are asked for with
 * canopy_buffered_reader_get_message(): python-can's `BufferedReader`. The
 * queue is bounded: when it is full, new frames are dropped and counted in
 * [property@Canopy.BufferedReader:dropped].
 */

struct _CanopyBufferedReader
{
  GObject            parent_instance;
  CanopyMessageQueue queue;
  guint              capacity;
  CanopyNotifyQueue  *notify;
};

enum {
  PROP_0,
  PROP_CAPACITY,
  PROP_DROPPED,
  N_PROPS
};

static void listener_iface_init (CanopyListenerInterface *iface);

#define NOTIFY_INTERVAL_USEC (G_USEC_PER_SEC / 10)

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyBufferedReader, canopy_buffered_reader, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_LISTENER, listener_iface_init))

static GParamSpec *properties[N_PROPS];

static void
canopy_buffered_reader_on_message_received (CanopyListener      *listener,
                                            const CanopyMessage *msg)
{
  CanopyBufferedReader *self = CANOPY_BUFFERED_READER (listener);

  /* Drops are the slow path already: each is marked, at most ten
   * notifications a second go out. */
  if G_UNLIKELY (!_canopy_message_queue_push (&self->queue, msg))
    _canopy_notify_queue_add (self->notify, properties[PROP_DROPPED]);
}

static void
listener_iface_init (CanopyListenerInterface *iface)
{
  iface->on_message_received = canopy_buffered_reader_on_message_received;
}

static void
canopy_buffered_reader_constructed (GObject *object)
{
  CanopyBufferedReader *self = CANOPY_BUFFERED_READER (object);

  G_OBJECT_CLASS (canopy_buffered_reader_parent_class)->constructed (object);

  _canopy_message_queue_init (&self->queue, self->capacity);
  self->notify = _canopy_notify_queue_new (object, NULL, NOTIFY_INTERVAL_USEC, NULL);
}

static void
canopy_buffered_reader_dispose (GObject *object)
{
  CanopyBufferedReader *self = CANOPY_BUFFERED_READER (object);

  /* A notifier holds its listeners: nothing delivers frames by now. */
  g_clear_pointer (&self->notify, _canopy_notify_queue_free);

  G_OBJECT_CLASS (canopy_buffered_reader_parent_class)->dispose (object);
}

static void
canopy_buffered_reader_finalize (GObject *object)
{
  CanopyBufferedReader *self = CANOPY_BUFFERED_READER (object);

  _canopy_message_queue_clear (&self->queue);

  G_OBJECT_CLASS (canopy_buffered_reader_parent_class)->finalize (object);
}

static void
canopy_buffered_reader_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CanopyBufferedReader *self = CANOPY_BUFFERED_READER (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      g_value_set_uint (value, canopy_buffered_reader_get_capacity (self));
      break;

    case PROP_DROPPED:
      g_value_set_uint64 (value, canopy_buffered_reader_get_dropped (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_buffered_reader_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  CanopyBufferedReader *self = CANOPY_BUFFERED_READER (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      self->capacity = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_buffered_reader_class_init (CanopyBufferedReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = canopy_buffered_reader_constructed;
  object_class->dispose = canopy_buffered_reader_dispose;
  object_class->finalize = canopy_buffered_reader_finalize;
  object_class->get_property = canopy_buffered_reader_get_property;
  object_class->set_property = canopy_buffered_reader_set_property;

  /**
   * CanopyBufferedReader:capacity:
   *
   * How many frames the reader holds before it drops new ones.
   */
  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL,
                       1, G_MAXINT / sizeof (CanopyMessage), CANOPY_BUFFERED_READER_DEFAULT_CAPACITY,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyBufferedReader:dropped:
   *
   * How many frames were dropped because the queue was full.
   */
  properties[PROP_DROPPED] =
    g_param_spec_uint64 ("dropped", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_buffered_reader_init (CanopyBufferedReader *self)
{
  self->capacity = CANOPY_BUFFERED_READER_DEFAULT_CAPACITY;
}

/**
 * canopy_buffered_reader_new:
 *
 * Returns: (transfer full): a new reader holding up to
 *   %CANOPY_BUFFERED_READER_DEFAULT_CAPACITY frames
 */
CanopyBufferedReader *
canopy_buffered_reader_new (void)
{
  return g_object_new (CANOPY_TYPE_BUFFERED_READER, NULL);
}

/**
 * canopy_buffered_reader_new_with_capacity:
 * @capacity: how many frames to hold
 *
 * Returns: (transfer full): a new reader
 */
CanopyBufferedReader *
canopy_buffered_reader_new_with_capacity (guint capacity)
{
  g_return_val_if_fail (capacity > 0, NULL);

  return g_object_new (CANOPY_TYPE_BUFFERED_READER, "capacity", capacity, NULL);
}

/**
 * canopy_buffered_reader_get_message_into:
 * @self: a reader
 * @msg: (out caller-allocates): where to store the frame
 * @timeout: seconds to wait; negative waits without limit, 0 polls
 *
 * Takes the oldest queued frame without allocating.
 *
 * Returns: %TRUE if @msg was filled, %FALSE on timeout
 */
gboolean
canopy_buffered_reader_get_message_into (CanopyBufferedReader *self,
                                         CanopyMessage        *msg,
                                         double                timeout)
{
  g_return_val_if_fail (CANOPY_IS_BUFFERED_READER (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);

  return _canopy_message_queue_pop (&self->queue, msg, timeout) == CANOPY_QUEUE_POP_MESSAGE;
}

/**
 * canopy_buffered_reader_get_message:
 * @self: a reader
 * @timeout: seconds to wait (python-can's default is 0.5); negative waits
 *   without limit, 0 polls
 *
 * Takes the oldest queued frame, waiting up to @timeout for one.
 *
 * Returns: (transfer full) (nullable): the frame, or %NULL on timeout
 */
CanopyMessage *
canopy_buffered_reader_get_message (CanopyBufferedReader *self,
                                    double                timeout)
{
  CanopyMessage msg;

  if (!canopy_buffered_reader_get_message_into (self, &msg, timeout))
    return NULL;

  return canopy_message_copy (&msg);
}

/**
 * canopy_buffered_reader_get_capacity:
 * @self: a reader
 *
 * Returns: how many frames the reader holds at most
 */
guint
canopy_buffered_reader_get_capacity (CanopyBufferedReader *self)
{
  g_return_val_if_fail (CANOPY_IS_BUFFERED_READER (self), 0);
  return self->capacity;
}

/**
 * canopy_buffered_reader_get_dropped:
 * @self: a reader
 *
 * Returns: how many frames were dropped because the queue was full
 */
guint64
canopy_buffered_reader_get_dropped (CanopyBufferedReader *self)
{
  g_return_val_if_fail (CANOPY_IS_BUFFERED_READER (self), 0);
  return _canopy_message_queue_get_dropped (&self->queue);
}

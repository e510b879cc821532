/* canopy-main-context-listener.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-main-context-listener.h"

#include "canopy-notify-private.h"

/**
 * CanopyMainContextListener:
 *
 * A listener that carries frames from a notifier's worker threads to a
 * #GMainContext (a user interface's) in batches: at most
 * [property@Canopy.MainContextListener:max-rate] batches a second, each
 * delivered by the [signal@Canopy.MainContextListener::messages-received]
 * signal. A saturated bus therefore costs the main loop a bounded number of
 * wake-ups; frames beyond [property@Canopy.MainContextListener:max-pending]
 * waiting for the next batch are dropped and counted, so memory stays
 * bounded too.
 */

#define DEFAULT_MAX_RATE    60
#define DEFAULT_MAX_PENDING 262144

struct _CanopyMainContextListener
{
  GObject       parent_instance;

  GMainContext      *context;
  CanopyNotifyQueue *notify;   /* under mutex */

  GMutex        mutex;
  GArray       *pending;     /* CanopyMessage, filled by worker threads */
  GArray       *delivering;  /* CanopyMessage, owned by the main context */
  GPtrArray    *view;        /* pointers into delivering, for the signal */
  GError       *error;
  gboolean      scheduled;
  gboolean      dropped_dirty;
  guint         max_rate;
  guint         max_pending;
  guint64       dropped;
};

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_MAX_RATE,
  PROP_MAX_PENDING,
  PROP_DROPPED,
  N_PROPS
};

enum {
  MESSAGES_RECEIVED,
  ERROR,
  STOPPED,
  N_SIGNALS
};

static void listener_iface_init (CanopyListenerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyMainContextListener, canopy_main_context_listener, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_LISTENER, listener_iface_init))

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Called on a worker thread with the mutex held: one dispatch for every
 * frame that arrives until the batch is delivered. */
static void
schedule_locked (CanopyMainContextListener *self)
{
  if (self->scheduled || self->notify == NULL)
    return;

  self->scheduled = TRUE;
  _canopy_notify_queue_schedule (self->notify);
}

static void
canopy_main_context_listener_on_message_received (CanopyListener      *listener,
                                                  const CanopyMessage *msg)
{
  CanopyMainContextListener *self = CANOPY_MAIN_CONTEXT_LISTENER (listener);

  g_mutex_lock (&self->mutex);
  if (self->pending->len < self->max_pending)
    g_array_append_vals (self->pending, msg, 1);
  else
    {
      self->dropped++;
      if (!self->dropped_dirty && self->notify != NULL)
        {
          self->dropped_dirty = TRUE;
          _canopy_notify_queue_add (self->notify, properties[PROP_DROPPED]);
        }
    }
  schedule_locked (self);
  g_mutex_unlock (&self->mutex);
}

static void
canopy_main_context_listener_on_error (CanopyListener *listener,
                                       const GError   *error)
{
  CanopyMainContextListener *self = CANOPY_MAIN_CONTEXT_LISTENER (listener);

  g_mutex_lock (&self->mutex);
  if (self->error == NULL)
    self->error = g_error_copy (error);
  schedule_locked (self);
  g_mutex_unlock (&self->mutex);
}

static gboolean
emit_stopped (gpointer data)
{
  g_signal_emit (data, signals[STOPPED], 0);
  return G_SOURCE_REMOVE;
}

static void
canopy_main_context_listener_stop (CanopyListener *listener)
{
  CanopyMainContextListener *self = CANOPY_MAIN_CONTEXT_LISTENER (listener);

  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT_IDLE, emit_stopped,
                              g_object_ref (self), g_object_unref);
}

static void
listener_iface_init (CanopyListenerInterface *iface)
{
  iface->on_message_received = canopy_main_context_listener_on_message_received;
  iface->on_error = canopy_main_context_listener_on_error;
  iface->stop = canopy_main_context_listener_stop;
}

/* On the listener's context, at most max_rate times a second: hands the
 * frames that arrived since the last batch to ::messages-received. */
static void
deliver_batch (GObject *object)
{
  CanopyMainContextListener *self = CANOPY_MAIN_CONTEXT_LISTENER (object);
  g_autoptr(GError) error = NULL;
  GArray *swap;

  g_mutex_lock (&self->mutex);
  swap = self->pending;
  self->pending = self->delivering;
  self->delivering = swap;
  error = g_steal_pointer (&self->error);
  self->scheduled = FALSE;
  self->dropped_dirty = FALSE;
  g_mutex_unlock (&self->mutex);

  if (self->delivering->len > 0)
    {
      g_ptr_array_set_size (self->view, 0);
      for (guint i = 0; i < self->delivering->len; i++)
        g_ptr_array_add (self->view, &g_array_index (self->delivering, CanopyMessage, i));

      g_signal_emit (self, signals[MESSAGES_RECEIVED], 0, self->view);

      g_ptr_array_set_size (self->view, 0);
      g_array_set_size (self->delivering, 0);
    }

  if (error != NULL)
    g_signal_emit (self, signals[ERROR], 0, error);
}

static void
canopy_main_context_listener_constructed (GObject *object)
{
  CanopyMainContextListener *self = CANOPY_MAIN_CONTEXT_LISTENER (object);
  CanopyNotifyQueue *notify;

  G_OBJECT_CLASS (canopy_main_context_listener_parent_class)->constructed (object);

  if (self->context == NULL)
    self->context = g_main_context_ref_thread_default ();

  notify = _canopy_notify_queue_new (object, self->context,
                                     G_USEC_PER_SEC / MAX (self->max_rate, 1), deliver_batch);

  g_mutex_lock (&self->mutex);
  self->notify = notify;
  g_mutex_unlock (&self->mutex);
}

static void
canopy_main_context_listener_dispose (GObject *object)
{
  CanopyMainContextListener *self = CANOPY_MAIN_CONTEXT_LISTENER (object);
  CanopyNotifyQueue *notify;

  /* Workers schedule under the mutex: after this they find no queue. */
  g_mutex_lock (&self->mutex);
  notify = g_steal_pointer (&self->notify);
  g_mutex_unlock (&self->mutex);

  g_clear_pointer (&notify, _canopy_notify_queue_free);

  G_OBJECT_CLASS (canopy_main_context_listener_parent_class)->dispose (object);
}

static void
canopy_main_context_listener_finalize (GObject *object)
{
  CanopyMainContextListener *self = CANOPY_MAIN_CONTEXT_LISTENER (object);

  g_clear_pointer (&self->pending, g_array_unref);
  g_clear_pointer (&self->delivering, g_array_unref);
  g_clear_pointer (&self->view, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->error);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (canopy_main_context_listener_parent_class)->finalize (object);
}

static void
canopy_main_context_listener_get_property (GObject    *object,
                                           guint       prop_id,
                                           GValue     *value,
                                           GParamSpec *pspec)
{
  CanopyMainContextListener *self = CANOPY_MAIN_CONTEXT_LISTENER (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_boxed (value, self->context);
      break;

    case PROP_MAX_RATE:
      g_value_set_uint (value, canopy_main_context_listener_get_max_rate (self));
      break;

    case PROP_MAX_PENDING:
      g_value_set_uint (value, canopy_main_context_listener_get_max_pending (self));
      break;

    case PROP_DROPPED:
      g_value_set_uint64 (value, canopy_main_context_listener_get_dropped (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_main_context_listener_set_property (GObject      *object,
                                           guint         prop_id,
                                           const GValue *value,
                                           GParamSpec   *pspec)
{
  CanopyMainContextListener *self = CANOPY_MAIN_CONTEXT_LISTENER (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_boxed (value);
      break;

    case PROP_MAX_RATE:
      canopy_main_context_listener_set_max_rate (self, g_value_get_uint (value));
      break;

    case PROP_MAX_PENDING:
      canopy_main_context_listener_set_max_pending (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_main_context_listener_class_init (CanopyMainContextListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = canopy_main_context_listener_constructed;
  object_class->dispose = canopy_main_context_listener_dispose;
  object_class->finalize = canopy_main_context_listener_finalize;
  object_class->get_property = canopy_main_context_listener_get_property;
  object_class->set_property = canopy_main_context_listener_set_property;

  /**
   * CanopyMainContextListener:context:
   *
   * The main context batches are delivered on; the thread-default one when
   * not set.
   */
  properties[PROP_CONTEXT] =
    g_param_spec_boxed ("context", NULL, NULL,
                        G_TYPE_MAIN_CONTEXT,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyMainContextListener:max-rate:
   *
   * The most batches delivered in a second.
   */
  properties[PROP_MAX_RATE] =
    g_param_spec_uint ("max-rate", NULL, NULL,
                       1, 1000, DEFAULT_MAX_RATE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyMainContextListener:max-pending:
   *
   * The most frames waiting for the next batch; more are dropped.
   */
  properties[PROP_MAX_PENDING] =
    g_param_spec_uint ("max-pending", NULL, NULL,
                       1, G_MAXINT / sizeof (CanopyMessage), DEFAULT_MAX_PENDING,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyMainContextListener:dropped:
   *
   * How many frames were dropped because too many were waiting.
   */
  properties[PROP_DROPPED] =
    g_param_spec_uint64 ("dropped", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CanopyMainContextListener::messages-received:
   * @self: the listener
   * @messages: (element-type CanopyMessage): the frames of this batch, in order;
   *   valid during the emission only
   *
   * A batch of frames, emitted on the listener's main context.
   */
  signals[MESSAGES_RECEIVED] =
    g_signal_new ("messages-received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * CanopyMainContextListener::error:
   * @self: the listener
   * @error: what went wrong
   *
   * A bus failed; emitted on the listener's main context.
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * CanopyMainContextListener::stopped:
   * @self: the listener
   *
   * The notifier stopped; emitted on the listener's main context.
   */
  signals[STOPPED] =
    g_signal_new ("stopped",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
canopy_main_context_listener_init (CanopyMainContextListener *self)
{
  g_mutex_init (&self->mutex);
  self->pending = g_array_new (FALSE, FALSE, sizeof (CanopyMessage));
  self->delivering = g_array_new (FALSE, FALSE, sizeof (CanopyMessage));
  self->view = g_ptr_array_new ();
  self->max_rate = DEFAULT_MAX_RATE;
  self->max_pending = DEFAULT_MAX_PENDING;
}

/**
 * canopy_main_context_listener_new:
 * @context: (nullable): where to deliver batches; %NULL for the thread-default
 *   main context of the calling thread
 *
 * Returns: (transfer full): a new listener
 */
CanopyMainContextListener *
canopy_main_context_listener_new (GMainContext *context)
{
  return g_object_new (CANOPY_TYPE_MAIN_CONTEXT_LISTENER, "context", context, NULL);
}

/**
 * canopy_main_context_listener_get_max_rate:
 * @self: a listener
 *
 * Returns: the most batches a second
 */
guint
canopy_main_context_listener_get_max_rate (CanopyMainContextListener *self)
{
  g_return_val_if_fail (CANOPY_IS_MAIN_CONTEXT_LISTENER (self), 0);
  return self->max_rate;
}

/**
 * canopy_main_context_listener_set_max_rate:
 * @self: a listener
 * @max_rate: the most batches a second (1–1000)
 *
 * Sets how often batches may be delivered.
 */
void
canopy_main_context_listener_set_max_rate (CanopyMainContextListener *self,
                                           guint                      max_rate)
{
  g_return_if_fail (CANOPY_IS_MAIN_CONTEXT_LISTENER (self));
  g_return_if_fail (max_rate >= 1 && max_rate <= 1000);

  if (self->max_rate != max_rate)
    {
      g_mutex_lock (&self->mutex);
      self->max_rate = max_rate;
      if (self->notify != NULL)
        _canopy_notify_queue_set_min_interval (self->notify, G_USEC_PER_SEC / max_rate);
      g_mutex_unlock (&self->mutex);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_RATE]);
    }
}

/**
 * canopy_main_context_listener_get_max_pending:
 * @self: a listener
 *
 * Returns: the most frames waiting for a batch
 */
guint
canopy_main_context_listener_get_max_pending (CanopyMainContextListener *self)
{
  g_return_val_if_fail (CANOPY_IS_MAIN_CONTEXT_LISTENER (self), 0);
  return self->max_pending;
}

/**
 * canopy_main_context_listener_set_max_pending:
 * @self: a listener
 * @max_pending: the most frames waiting for a batch
 *
 * Bounds the memory a stalled main loop can make the listener use.
 */
void
canopy_main_context_listener_set_max_pending (CanopyMainContextListener *self,
                                              guint                      max_pending)
{
  g_return_if_fail (CANOPY_IS_MAIN_CONTEXT_LISTENER (self));
  g_return_if_fail (max_pending >= 1);

  if (self->max_pending != max_pending)
    {
      g_mutex_lock (&self->mutex);
      self->max_pending = max_pending;
      g_mutex_unlock (&self->mutex);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PENDING]);
    }
}

/**
 * canopy_main_context_listener_get_dropped:
 * @self: a listener
 *
 * Returns: how many frames were dropped
 */
guint64
canopy_main_context_listener_get_dropped (CanopyMainContextListener *self)
{
  guint64 dropped;

  g_return_val_if_fail (CANOPY_IS_MAIN_CONTEXT_LISTENER (self), 0);

  g_mutex_lock (&self->mutex);
  dropped = self->dropped;
  g_mutex_unlock (&self->mutex);

  return dropped;
}

/* canopy-notifier.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"
#include "canopy-notifier.h"
#include "canopy-notify-private.h"

/**
 * CanopyNotifier:
 *
 * Reads one or more buses on worker threads, one per bus, and hands each
 * frame to every listener: python-can's `Notifier`. Listeners are called on
 * those worker threads, never on a main loop; a user interface attaches a
 * [class@Canopy.MainContextListener] to get frames in batches on its own
 * thread.
 *
 * The first error a bus reports is kept (python-can's `Notifier.exception`),
 * handed to every listener's `on_error`, and ends the reading of that bus.
 */

/* How long a reader thread blocks in recv before it looks at the stop flag. */
#define POLL_INTERVAL 0.05

struct _CanopyNotifier
{
  GObject    parent_instance;

  GMutex     mutex;
  GCond      cond;
  GPtrArray *buses;
  GPtrArray *threads;
  /* Published copy-on-write: readers take a reference when the generation
   * changed, so adding a listener never blocks frame delivery. */
  GPtrArray *listeners;
  int        listeners_generation;
  GError    *exception;
  guint      n_running;
  CanopyNotifyQueue *notify;   /* running, exception: from reader threads */
  int        stopping;
  gboolean   stopped;
  guint64    received;
};

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_EXCEPTION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyNotifier, canopy_notifier, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

typedef struct
{
  CanopyNotifier *notifier;
  CanopyBus      *bus;
} ReaderData;

static GPtrArray *
dup_listeners (CanopyNotifier *self,
               int            *generation)
{
  GPtrArray *listeners;

  g_mutex_lock (&self->mutex);
  listeners = g_ptr_array_ref (self->listeners);
  *generation = g_atomic_int_get (&self->listeners_generation);
  g_mutex_unlock (&self->mutex);

  return listeners;
}

static void
record_error (CanopyNotifier *self,
              GPtrArray      *listeners,
              const GError   *error)
{
  g_mutex_lock (&self->mutex);
  if (self->exception == NULL)
    {
      self->exception = g_error_copy (error);
      _canopy_notify_queue_add_urgent (self->notify, properties[PROP_EXCEPTION]);
    }
  g_mutex_unlock (&self->mutex);

  for (guint i = 0; i < listeners->len; i++)
    canopy_listener_on_error (listeners->pdata[i], error);
}

static gpointer
reader_thread (gpointer user_data)
{
  ReaderData *data = user_data;
  CanopyNotifier *self = data->notifier;
  GPtrArray *listeners;
  int generation;
  guint64 received = 0;

  listeners = dup_listeners (self, &generation);

  while (!g_atomic_int_get (&self->stopping))
    {
      g_autoptr(GError) error = NULL;
      CanopyMessage msg;

      if (!canopy_bus_recv_into (data->bus, &msg, POLL_INTERVAL, &error))
        {
          if (error != NULL)
            {
              if (!g_atomic_int_get (&self->stopping))
                record_error (self, listeners, error);
              break;
            }
          continue;
        }

      if G_UNLIKELY (g_atomic_int_get (&self->listeners_generation) != generation)
        {
          g_ptr_array_unref (listeners);
          listeners = dup_listeners (self, &generation);
        }

      for (guint i = 0; i < listeners->len; i++)
        canopy_listener_on_message_received (listeners->pdata[i], &msg);
      received++;
    }

  g_ptr_array_unref (listeners);

  g_mutex_lock (&self->mutex);
  self->received += received;
  if (--self->n_running == 0)
    _canopy_notify_queue_add_urgent (self->notify, properties[PROP_RUNNING]);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_object_unref (data->bus);
  g_object_unref (data->notifier);
  g_free (data);

  return NULL;
}

static void
canopy_notifier_dispose (GObject *object)
{
  CanopyNotifier *self = CANOPY_NOTIFIER (object);

  /* Reader threads hold a reference, so by now they have all ended. */
  g_clear_pointer (&self->notify, _canopy_notify_queue_free);
  g_clear_pointer (&self->threads, g_ptr_array_unref);
  g_clear_pointer (&self->buses, g_ptr_array_unref);
  g_clear_pointer (&self->listeners, g_ptr_array_unref);

  G_OBJECT_CLASS (canopy_notifier_parent_class)->dispose (object);
}

static void
canopy_notifier_constructed (GObject *object)
{
  CanopyNotifier *self = CANOPY_NOTIFIER (object);

  G_OBJECT_CLASS (canopy_notifier_parent_class)->constructed (object);

  /* State changes go at once; only their delivery moves to the context
   * the notifier was made on. */
  self->notify = _canopy_notify_queue_new (object, NULL, 0, NULL);
}

static void
canopy_notifier_finalize (GObject *object)
{
  CanopyNotifier *self = CANOPY_NOTIFIER (object);

  g_clear_error (&self->exception);
  g_cond_clear (&self->cond);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (canopy_notifier_parent_class)->finalize (object);
}

static void
canopy_notifier_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CanopyNotifier *self = CANOPY_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, canopy_notifier_is_running (self));
      break;

    case PROP_EXCEPTION:
      g_mutex_lock (&self->mutex);
      g_value_set_boxed (value, self->exception);
      g_mutex_unlock (&self->mutex);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_notifier_class_init (CanopyNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = canopy_notifier_constructed;
  object_class->dispose = canopy_notifier_dispose;
  object_class->finalize = canopy_notifier_finalize;
  object_class->get_property = canopy_notifier_get_property;

  /**
   * CanopyNotifier:running:
   *
   * Whether any bus is still being read.
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyNotifier:exception:
   *
   * The first error a bus reported, python-can's `Notifier.exception`.
   */
  properties[PROP_EXCEPTION] =
    g_param_spec_boxed ("exception", NULL, NULL,
                        G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_notifier_init (CanopyNotifier *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->buses = g_ptr_array_new_with_free_func (g_object_unref);
  self->threads = g_ptr_array_new_with_free_func ((GDestroyNotify) g_thread_unref);
  self->listeners = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * canopy_notifier_new:
 * @buses: (array length=n_buses): the buses to read
 * @n_buses: the number of buses
 * @listeners: (array length=n_listeners) (nullable): the listeners to feed
 * @n_listeners: the number of listeners
 *
 * Starts reading @buses at once, one worker thread each.
 *
 * Returns: (transfer full): a running notifier
 */
CanopyNotifier *
canopy_notifier_new (CanopyBus      **buses,
                     guint            n_buses,
                     CanopyListener **listeners,
                     guint            n_listeners)
{
  CanopyNotifier *self;

  g_return_val_if_fail (buses != NULL || n_buses == 0, NULL);
  g_return_val_if_fail (listeners != NULL || n_listeners == 0, NULL);

  self = g_object_new (CANOPY_TYPE_NOTIFIER, NULL);
  for (guint i = 0; i < n_listeners; i++)
    canopy_notifier_add_listener (self, listeners[i]);
  for (guint i = 0; i < n_buses; i++)
    canopy_notifier_add_bus (self, buses[i]);

  return self;
}

/**
 * canopy_notifier_add_bus:
 * @self: a notifier
 * @bus: another bus to read
 *
 * Starts reading @bus on a worker thread of its own.
 */
void
canopy_notifier_add_bus (CanopyNotifier *self,
                         CanopyBus      *bus)
{
  ReaderData *data;
  GThread *thread;

  g_return_if_fail (CANOPY_IS_NOTIFIER (self));
  g_return_if_fail (CANOPY_IS_BUS (bus));

  data = g_new0 (ReaderData, 1);
  data->notifier = g_object_ref (self);
  data->bus = g_object_ref (bus);

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->buses, g_object_ref (bus));
  if (self->n_running++ == 0)
    _canopy_notify_queue_add_urgent (self->notify, properties[PROP_RUNNING]);
  thread = g_thread_new ("canopy-notifier", reader_thread, data);
  g_ptr_array_add (self->threads, thread);
  g_mutex_unlock (&self->mutex);
}

static void
publish_listeners (CanopyNotifier *self,
                   GPtrArray      *listeners)
{
  g_ptr_array_unref (self->listeners);
  self->listeners = listeners;
  g_atomic_int_inc (&self->listeners_generation);
}

static GPtrArray *
copy_listeners (CanopyNotifier *self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->listeners->len; i++)
    g_ptr_array_add (copy, g_object_ref (self->listeners->pdata[i]));
  return copy;
}

/**
 * canopy_notifier_add_listener:
 * @self: a notifier
 * @listener: a listener
 *
 * Adds @listener; it gets every frame read from now on.
 */
void
canopy_notifier_add_listener (CanopyNotifier *self,
                              CanopyListener *listener)
{
  GPtrArray *listeners;

  g_return_if_fail (CANOPY_IS_NOTIFIER (self));
  g_return_if_fail (CANOPY_IS_LISTENER (listener));

  g_mutex_lock (&self->mutex);
  listeners = copy_listeners (self);
  g_ptr_array_add (listeners, g_object_ref (listener));
  publish_listeners (self, listeners);
  g_mutex_unlock (&self->mutex);
}

/**
 * canopy_notifier_remove_listener:
 * @self: a notifier
 * @listener: a listener added before
 *
 * Removes @listener without stopping it.
 */
void
canopy_notifier_remove_listener (CanopyNotifier *self,
                                 CanopyListener *listener)
{
  GPtrArray *listeners;

  g_return_if_fail (CANOPY_IS_NOTIFIER (self));
  g_return_if_fail (CANOPY_IS_LISTENER (listener));

  g_mutex_lock (&self->mutex);
  listeners = copy_listeners (self);
  g_ptr_array_remove (listeners, listener);
  publish_listeners (self, listeners);
  g_mutex_unlock (&self->mutex);
}

/**
 * canopy_notifier_stop:
 * @self: a notifier
 * @timeout: seconds to wait for the reader threads; negative waits without limit
 *
 * Stops reading and calls canopy_listener_stop() on every listener, once.
 * The buses stay open.
 *
 * Returns: %TRUE if every reader thread ended within @timeout
 */
gboolean
canopy_notifier_stop (CanopyNotifier *self,
                      double          timeout)
{
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GPtrArray) listeners = NULL;
  gint64 deadline;
  gboolean all_ended;

  g_return_val_if_fail (CANOPY_IS_NOTIFIER (self), FALSE);

  g_atomic_int_set (&self->stopping, TRUE);
  deadline = g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);

  g_mutex_lock (&self->mutex);
  while (self->n_running > 0)
    {
      if (timeout < 0)
        g_cond_wait (&self->cond, &self->mutex);
      else if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
        break;
    }
  all_ended = self->n_running == 0;

  threads = g_steal_pointer (&self->threads);
  self->threads = g_ptr_array_new_with_free_func ((GDestroyNotify) g_thread_unref);

  if (!self->stopped)
    listeners = g_ptr_array_ref (self->listeners);
  self->stopped = TRUE;
  g_mutex_unlock (&self->mutex);

  /* Ended threads are joined; one still inside a driver call is left to
   * finish on its own (it holds references to what it uses). */
  if (all_ended)
    for (guint i = 0; i < threads->len; i++)
      g_thread_join (g_thread_ref (threads->pdata[i]));

  if (listeners != NULL)
    for (guint i = 0; i < listeners->len; i++)
      canopy_listener_stop (listeners->pdata[i]);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return all_ended;
}

/**
 * canopy_notifier_is_running:
 * @self: a notifier
 *
 * Returns: %TRUE while any bus is being read
 */
gboolean
canopy_notifier_is_running (CanopyNotifier *self)
{
  gboolean running;

  g_return_val_if_fail (CANOPY_IS_NOTIFIER (self), FALSE);

  g_mutex_lock (&self->mutex);
  running = self->n_running > 0;
  g_mutex_unlock (&self->mutex);

  return running;
}

/**
 * canopy_notifier_get_exception:
 * @self: a notifier
 *
 * The first error any bus reported while being read.
 *
 * Returns: (nullable) (transfer none): the error, or %NULL
 */
const GError *
canopy_notifier_get_exception (CanopyNotifier *self)
{
  const GError *error;

  g_return_val_if_fail (CANOPY_IS_NOTIFIER (self), NULL);

  /* Set once, never replaced or freed before finalize. */
  g_mutex_lock (&self->mutex);
  error = self->exception;
  g_mutex_unlock (&self->mutex);

  return error;
}

/**
 * canopy_notifier_get_received:
 * @self: a notifier
 *
 * Returns: how many frames reader threads that have ended delivered
 */
guint64
canopy_notifier_get_received (CanopyNotifier *self)
{
  guint64 received;

  g_return_val_if_fail (CANOPY_IS_NOTIFIER (self), 0);

  g_mutex_lock (&self->mutex);
  received = self->received;
  g_mutex_unlock (&self->mutex);

  return received;
}

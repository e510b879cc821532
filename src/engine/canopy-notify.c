/* canopy-notify.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-notify-private.h"

struct _CanopyNotifyQueue
{
  GSource                source;

  GMutex                 mutex;
  GWeakRef               object;
  CanopyNotifyFlushFunc  flush;
  gint64                 min_interval_usec;
  gint64                 last_dispatch;
  gint64                 armed;      /* the ready time set, -1 when idle */
  gboolean               detached;
  guint                  n_dirty;
  GParamSpec            *dirty[CANOPY_NOTIFY_QUEUE_MAX_PROPERTIES];
};

static void
schedule_locked (CanopyNotifyQueue *queue,
                 gboolean           urgent)
{
  gint64 ready;

  if (queue->detached)
    return;

  /* Armed already, and not to be hurried: the armed time cannot be later
   * than what we would set (last_dispatch does not change while armed), so
   * skip reading the clock. This is the path of every frame after the
   * first between two dispatches. */
  if (queue->armed >= 0 && !urgent)
    return;

  ready = urgent ? 0 : MAX (g_get_monotonic_time (),
                            queue->last_dispatch + queue->min_interval_usec);

  /* Already armed as early or earlier: one dispatch serves both. */
  if (queue->armed >= 0 && queue->armed <= ready)
    return;

  queue->armed = ready;
  g_source_set_ready_time (&queue->source, ready);
}

static gboolean
notify_queue_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  CanopyNotifyQueue *queue = (CanopyNotifyQueue *) source;
  GParamSpec *dirty[CANOPY_NOTIFY_QUEUE_MAX_PROPERTIES];
  g_autoptr(GObject) object = NULL;
  guint n_dirty;

  g_mutex_lock (&queue->mutex);
  queue->armed = -1;
  queue->last_dispatch = g_get_monotonic_time ();
  g_source_set_ready_time (source, -1);
  n_dirty = queue->n_dirty;
  memcpy (dirty, queue->dirty, n_dirty * sizeof (GParamSpec *));
  queue->n_dirty = 0;
  g_mutex_unlock (&queue->mutex);

  object = g_weak_ref_get (&queue->object);
  if (object == NULL)
    return G_SOURCE_CONTINUE;

  if (queue->flush != NULL)
    queue->flush (object);

  g_object_freeze_notify (object);
  for (guint i = 0; i < n_dirty; i++)
    g_object_notify_by_pspec (object, dirty[i]);
  g_object_thaw_notify (object);

  return G_SOURCE_CONTINUE;
}

static void
notify_queue_finalize (GSource *source)
{
  CanopyNotifyQueue *queue = (CanopyNotifyQueue *) source;

  g_weak_ref_clear (&queue->object);
  g_mutex_clear (&queue->mutex);
}

static GSourceFuncs notify_queue_funcs = {
  .dispatch = notify_queue_dispatch,
  .finalize = notify_queue_finalize,
};

/*
 * _canopy_notify_queue_new:
 * @object: the object whose properties are notified (weakly referenced)
 * @context: (nullable): where notifications run; %NULL for the thread-default
 *   main context of the caller
 * @min_interval_usec: the shortest time between two dispatches; 0 for none
 * @flush: (nullable): run on @context at each dispatch, before notifying
 *
 * Returns: (transfer full): a queue to free with _canopy_notify_queue_free()
 */
CanopyNotifyQueue *
_canopy_notify_queue_new (GObject               *object,
                          GMainContext          *context,
                          gint64                 min_interval_usec,
                          CanopyNotifyFlushFunc  flush)
{
  g_autoptr(GMainContext) default_context = NULL;
  CanopyNotifyQueue *queue;

  g_assert (G_IS_OBJECT (object));
  g_assert (min_interval_usec >= 0);

  if (context == NULL)
    context = default_context = g_main_context_ref_thread_default ();

  queue = (CanopyNotifyQueue *) g_source_new (&notify_queue_funcs, sizeof *queue);
  g_mutex_init (&queue->mutex);
  g_weak_ref_init (&queue->object, object);
  queue->flush = flush;
  queue->min_interval_usec = min_interval_usec;
  queue->last_dispatch = G_MININT64 / 2;
  queue->armed = -1;

  g_source_set_static_name (&queue->source, "[canopy] notify");
  g_source_set_priority (&queue->source, G_PRIORITY_DEFAULT_IDLE);
  g_source_attach (&queue->source, context);

  return queue;
}

static void
add_locked (CanopyNotifyQueue *queue,
            GParamSpec        *pspec)
{
  for (guint i = 0; i < queue->n_dirty; i++)
    if (queue->dirty[i] == pspec)
      return;

  g_assert (queue->n_dirty < CANOPY_NOTIFY_QUEUE_MAX_PROPERTIES);
  queue->dirty[queue->n_dirty++] = pspec;
}

/*
 * _canopy_notify_queue_add:
 *
 * Marks @pspec changed; it is notified on the queue's context within the
 * queue's interval. Safe from any thread; allocates nothing.
 */
void
_canopy_notify_queue_add (CanopyNotifyQueue *queue,
                          GParamSpec        *pspec)
{
  g_assert (queue != NULL);
  g_assert (pspec != NULL);

  g_mutex_lock (&queue->mutex);
  add_locked (queue, pspec);
  schedule_locked (queue, FALSE);
  g_mutex_unlock (&queue->mutex);
}

/*
 * _canopy_notify_queue_add_urgent:
 *
 * Like _canopy_notify_queue_add(), for state changes a listener should see
 * without waiting out the interval (running → stopped, loaded, an error).
 */
void
_canopy_notify_queue_add_urgent (CanopyNotifyQueue *queue,
                                 GParamSpec        *pspec)
{
  g_assert (queue != NULL);
  g_assert (pspec != NULL);

  g_mutex_lock (&queue->mutex);
  add_locked (queue, pspec);
  schedule_locked (queue, TRUE);
  g_mutex_unlock (&queue->mutex);
}

/*
 * _canopy_notify_queue_schedule:
 *
 * Arms a dispatch (within the interval) without marking a property, so that
 * the flush function runs. Safe from any thread.
 */
void
_canopy_notify_queue_schedule (CanopyNotifyQueue *queue)
{
  g_assert (queue != NULL);

  g_mutex_lock (&queue->mutex);
  schedule_locked (queue, FALSE);
  g_mutex_unlock (&queue->mutex);
}

/*
 * _canopy_notify_queue_set_min_interval:
 *
 * Changes the shortest time between two dispatches (a listener's rate
 * limit set after construction). Safe from any thread.
 */
void
_canopy_notify_queue_set_min_interval (CanopyNotifyQueue *queue,
                                       gint64             min_interval_usec)
{
  g_assert (queue != NULL);
  g_assert (min_interval_usec >= 0);

  g_mutex_lock (&queue->mutex);
  queue->min_interval_usec = min_interval_usec;
  g_mutex_unlock (&queue->mutex);
}

/*
 * _canopy_notify_queue_free:
 *
 * Detaches the queue: nothing is notified after it returns (when called on
 * the queue's context). Call it once no thread can call add() any more.
 */
void
_canopy_notify_queue_free (CanopyNotifyQueue *queue)
{
  if (queue == NULL)
    return;

  g_mutex_lock (&queue->mutex);
  queue->detached = TRUE;
  queue->n_dirty = 0;
  g_mutex_unlock (&queue->mutex);

  g_source_destroy (&queue->source);
  g_source_unref (&queue->source);
}

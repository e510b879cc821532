/* canopy-cyclic-scheduler.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"

#include "canopy-clock-private.h"
#include "canopy-cyclic-scheduler-private.h"
#include "canopy-sleep-private.h"

/* The generic broadcast manager behind every cyclic task without a driver
 * of its own: one thread sleeping to absolute deadlines on the monotonic
 * clock, a binary min-heap of running tasks, missed deadlines skipped and
 * counted rather than sent in a burst. The task object and its API are in
 * canopy-cyclic-task.c. */

/* An idle scheduler thread ends after this long without tasks. */
#define IDLE_EXIT_USEC      (2 * G_USEC_PER_SEC)

/* The generic broadcast manager: one thread, one lock, a binary min-heap of
 * running tasks ordered by their next deadline. */
static struct
{
  GMutex     lock;
  GCond      wake;       /* the scheduler: the heap changed */
  GCond      sent;       /* stop(): an in-flight frame went out */
  GPtrArray *heap;
  GThread   *thread;     /* NULL while no scheduler thread runs */
} scheduler;

#define PRIV(task) _canopy_cyclic_task_get_private (task)

/* Heap of tasks, ordered by deadline. Everything with scheduler.lock held. */

static inline gint64
heap_deadline (guint i)
{
  return PRIV (g_ptr_array_index (scheduler.heap, i))->deadline_ns;
}

static inline void
heap_swap (guint i,
           guint j)
{
  gpointer *pdata = scheduler.heap->pdata;
  gpointer tmp = pdata[i];

  pdata[i] = pdata[j];
  pdata[j] = tmp;
  PRIV (pdata[i])->heap_index = i;
  PRIV (pdata[j])->heap_index = j;
}

static void
heap_sift_up (guint i)
{
  while (i > 0)
    {
      guint parent = (i - 1) / 2;

      if (heap_deadline (parent) <= heap_deadline (i))
        break;
      heap_swap (i, parent);
      i = parent;
    }
}

static void
heap_sift_down (guint i)
{
  guint len = scheduler.heap->len;

  for (;;)
    {
      guint left = 2 * i + 1;
      guint right = left + 1;
      guint smallest = i;

      if (left < len && heap_deadline (left) < heap_deadline (smallest))
        smallest = left;
      if (right < len && heap_deadline (right) < heap_deadline (smallest))
        smallest = right;
      if (smallest == i)
        break;
      heap_swap (i, smallest);
      i = smallest;
    }
}

static void
heap_push (CanopyCyclicTask *task)
{
  if (scheduler.heap == NULL)
    scheduler.heap = g_ptr_array_new ();

  PRIV (task)->heap_index = scheduler.heap->len;
  g_ptr_array_add (scheduler.heap, task);
  heap_sift_up (scheduler.heap->len - 1);
}

static void
heap_remove (CanopyCyclicTask *task)
{
  CanopyCyclicTaskPrivate *priv = PRIV (task);
  guint i = priv->heap_index;
  guint last = scheduler.heap->len - 1;

  g_assert (priv->heap_index >= 0);
  g_assert (g_ptr_array_index (scheduler.heap, i) == task);

  if (i != last)
    heap_swap (i, last);
  g_ptr_array_set_size (scheduler.heap, last);
  priv->heap_index = -1;

  if (i < last)
    {
      heap_sift_up (i);
      heap_sift_down (PRIV (g_ptr_array_index (scheduler.heap, i))->heap_index);
    }
}

/* The schedule: frame k is due at slot_deadline (k). Multi-rate tasks send
 * frames 0 … count-1 at initial_period, then continue at period (or end
 * after them when period is 0). */

static inline gboolean
is_multirate (CanopyCyclicTaskPrivate *priv)
{
  return priv->count > 0 && priv->initial_period_ns > 0;
}

static gint64
slot_deadline (CanopyCyclicTaskPrivate *priv,
               gint64                   k)
{
  if (is_multirate (priv))
    {
      gint64 last_initial = (gint64) priv->count - 1;

      if (k <= last_initial)
        return priv->start_ns + k * priv->initial_period_ns;
      return priv->start_ns + last_initial * priv->initial_period_ns +
             (k - last_initial) * priv->period_ns;
    }

  return priv->start_ns + k * priv->period_ns;
}

/* The last frame whose deadline is at or before @now (at least frame 0). */
static gint64
latest_slot (CanopyCyclicTaskPrivate *priv,
             gint64                   now)
{
  gint64 elapsed = MAX (0, now - priv->start_ns);

  if (is_multirate (priv))
    {
      gint64 last_initial = (gint64) priv->count - 1;
      gint64 initial_span = last_initial * priv->initial_period_ns;

      if (elapsed < initial_span)
        return elapsed / priv->initial_period_ns;
      if (priv->period_ns == 0)
        return last_initial;
      return last_initial + (elapsed - initial_span) / priv->period_ns;
    }

  return elapsed / priv->period_ns;
}

/* The index of the last frame the task sends, G_MAXINT64 if unbounded. */
static gint64
last_slot (CanopyCyclicTaskPrivate *priv)
{
  if (is_multirate (priv) && priv->period_ns == 0)
    return (gint64) priv->count - 1;
  if (priv->end_ns == G_MAXINT64)
    return G_MAXINT64;
  /* The frames due strictly before the end. */
  return latest_slot (priv, priv->end_ns - 1);
}

/* Takes @task out of the schedule; returns the heap's reference, which the
 * caller drops once the lock is released. */
static CanopyCyclicTask *
unschedule_locked (CanopyCyclicTask *task)
{
  CanopyCyclicTaskPrivate *priv = PRIV (task);

  _canopy_cyclic_task_set_running_locked (task, FALSE);

  if (priv->heap_index < 0)
    return NULL;

  heap_remove (task);
  return task;
}

/* Runs with the lock held and @task due; may drop the lock to send. */
static void
dispatch_locked (CanopyCyclicTask *task,
                 gint64            now)
{
  CanopyCyclicTaskPrivate *priv = PRIV (task);
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;
  CanopyBus *bus;
  gint64 latest, last, sent_ns;
  gboolean ok;

  last = last_slot (priv);

  if (priv->slot > last || now >= priv->end_ns)
    {
      CanopyCyclicTask *ref;

      /* Its time is over (duration expired, or a multi-rate task without a
       * subsequent period sent its frames); deadlines that passed unsent
       * count as missed, none is sent late. */
      if (priv->slot <= last)
        {
          priv->missed += last - priv->slot + 1;
          _canopy_cyclic_task_notify_locked (task, PROP_MISSED);
        }
      ref = unschedule_locked (task);

      g_mutex_unlock (&scheduler.lock);
      g_clear_object (&ref);
      g_mutex_lock (&scheduler.lock);
      return;
    }

  /* Behind by a period or more: skip to the last deadline that passed. */
  latest = MIN (latest_slot (priv, now), last);
  if (latest > priv->slot)
    {
      priv->missed += latest - priv->slot;
      priv->slot = latest;
      _canopy_cyclic_task_notify_locked (task, PROP_MISSED);
    }

  msg = priv->message;
  _canopy_cyclic_task_prepare_frame_locked (task, &msg);
  bus = priv->bus;
  priv->slot++;
  /* After the last frame, wake at the end to mark the task stopped. */
  priv->deadline_ns = MIN (slot_deadline (priv, priv->slot), priv->end_ns);
  heap_sift_down (priv->heap_index);
  priv->in_flight = TRUE;
  g_object_ref (task);

  g_mutex_unlock (&scheduler.lock);
  /* Outside the lock: stop() waits for in_flight, so the hook's data
   * stays valid, and only this thread calls it. */
  if (priv->prepare != NULL)
    priv->prepare (&msg, priv->prepare_data);
  sent_ns = _canopy_clock_monotonic_ns ();
  ok = canopy_bus_send (bus, &msg, 0, &error);
  g_mutex_lock (&scheduler.lock);

  priv->in_flight = FALSE;
  if (ok)
    {
      priv->sent++;
      _canopy_cyclic_task_frame_sent_locked (task, sent_ns);
      _canopy_cyclic_task_notify_locked (task, PROP_SENT);
    }
  else
    {
      gboolean shut_down = g_error_matches (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN);

      priv->missed++;
      _canopy_cyclic_task_notify_locked (task, PROP_MISSED);
      _canopy_cyclic_task_take_error_locked (task, &error);

      /* A bus that was shut down never takes a frame again. */
      if (shut_down)
        {
          CanopyCyclicTask *ref = unschedule_locked (task);

          if (ref != NULL)
            g_object_unref (ref);  /* we still hold our own */
        }
    }
  g_cond_broadcast (&scheduler.sent);

  g_mutex_unlock (&scheduler.lock);
  g_object_unref (task);
  g_mutex_lock (&scheduler.lock);
}

static gpointer
scheduler_thread (gpointer data)
{
  _canopy_sleep_request_realtime ();

  g_mutex_lock (&scheduler.lock);

  for (;;)
    {
      CanopyCyclicTaskPrivate *priv;
      CanopyCyclicTask *task;
      gint64 now, deadline;

      if (scheduler.heap == NULL || scheduler.heap->len == 0)
        {
          gint64 idle_end = g_get_monotonic_time () + IDLE_EXIT_USEC;

          while (scheduler.heap->len == 0)
            if (!g_cond_wait_until (&scheduler.wake, &scheduler.lock, idle_end))
              break;

          if (scheduler.heap->len == 0)
            break;
          continue;
        }

      task = g_ptr_array_index (scheduler.heap, 0);
      priv = PRIV (task);
      deadline = priv->deadline_ns;
      now = _canopy_clock_monotonic_ns ();

      if (deadline - now > CANOPY_SLEEP_GUARD_NS)
        {
          /* Far off: wait where start() and stop() can wake us. */
          _canopy_cond_wait_until_ns (&scheduler.wake, &scheduler.lock,
                                      deadline - CANOPY_SLEEP_GUARD_NS);
          continue;
        }

      if (now < deadline)
        {
          /* The last stretch: sleep precisely to the absolute deadline. */
          g_mutex_unlock (&scheduler.lock);
          _canopy_sleep_until_ns (deadline);
          g_mutex_lock (&scheduler.lock);
          continue;
        }

      dispatch_locked (task, now);
    }

  scheduler.thread = NULL;
  g_mutex_unlock (&scheduler.lock);

  return NULL;
}

static void
ensure_scheduler_locked (void)
{
  if (scheduler.thread != NULL)
    {
      g_cond_signal (&scheduler.wake);
      return;
    }

  scheduler.thread = g_thread_new ("canopy-cyclic", scheduler_thread, NULL);
  /* It ends by itself when idle and clears scheduler.thread under the lock. */
  g_thread_unref (scheduler.thread);
}

gboolean
_canopy_cyclic_scheduler_start (CanopyCyclicTask  *self,
               GError           **error)
{
  CanopyCyclicTaskPrivate *priv = PRIV (self);
  gint64 now = _canopy_clock_monotonic_ns ();

  if (priv->bus == NULL || (priv->period_ns == 0 && !is_multirate (priv)))
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "A cyclic task needs a bus and a period");
      return FALSE;
    }

  g_mutex_lock (&scheduler.lock);

  if (priv->heap_index < 0)
    {
      priv->start_ns = now;
      priv->end_ns = priv->duration_ns > 0 ? now + priv->duration_ns : G_MAXINT64;
      priv->slot = 0;
      priv->deadline_ns = now;
      _canopy_cyclic_task_begin_run_locked (self);
      if (priv->error != NULL)
        {
          g_clear_error (&priv->error);
          _canopy_cyclic_task_notify_locked (self, PROP_ERROR);
        }
      _canopy_cyclic_task_set_running_locked (self, TRUE);
      heap_push (g_object_ref (self));
      ensure_scheduler_locked ();
    }

  g_mutex_unlock (&scheduler.lock);

  return TRUE;
}

void
_canopy_cyclic_scheduler_stop (CanopyCyclicTask *self)
{
  CanopyCyclicTaskPrivate *priv = PRIV (self);
  CanopyCyclicTask *ref;

  g_mutex_lock (&scheduler.lock);
  ref = unschedule_locked (self);
  /* A frame being sent right now still goes; none after we return. */
  while (priv->in_flight && scheduler.thread != g_thread_self ())
    g_cond_wait (&scheduler.sent, &scheduler.lock);
  g_mutex_unlock (&scheduler.lock);

  g_clear_object (&ref);
}

gboolean
_canopy_cyclic_scheduler_modify (CanopyCyclicTask     *self,
                const CanopyMessage  *msg,
                GError              **error)
{
  /* The scheduler reads the message under the lock at every send:
   * canopy_cyclic_task_modify_message() storing it is all it takes. */
  return TRUE;
}


void
_canopy_cyclic_scheduler_lock (void)
{
  g_mutex_lock (&scheduler.lock);
}

void
_canopy_cyclic_scheduler_unlock (void)
{
  g_mutex_unlock (&scheduler.lock);
}

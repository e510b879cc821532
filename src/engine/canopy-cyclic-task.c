/* canopy-cyclic-task.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include "canopy-cyclic-task.h"
#include "canopy-error.h"

#include "canopy-bus-private.h"
#include "canopy-clock-private.h"
#include "canopy-cyclic-task-private.h"
#include "canopy-sleep-private.h"

/**
 * CanopyCyclicTask:
 *
 * A frame sent periodically: python-can's broadcast manager
 * (`CyclicSendTaskABC` and `MultiRateCyclicSendTaskABC`). Create one with
 * [method@Canopy.Bus.send_periodic] or
 * [method@Canopy.Bus.send_periodic_multirate]; it runs until
 * [method@Canopy.CyclicTask.stop], until its duration expires or until the
 * bus is shut down, and [method@Canopy.CyclicTask.start] starts it again.
 *
 * Drivers with a broadcast manager of their own (SocketCAN's CAN_BCM) run
 * their tasks there. Every other bus shares one scheduler thread that sleeps
 * to absolute deadlines on the monotonic clock: frame *k* is due at
 * `start + k × period` exactly, so the period does not drift whatever the
 * time each send takes. A scheduler that falls behind (a stalled machine, a
 * suspended laptop) sends one frame for the latest deadline that passed and
 * counts the others as missed
 * ([property@Canopy.CyclicTask:missed]) instead of sending a burst to catch
 * up, which a CAN node would see as a fault.
 *
 * A running task keeps itself (and its bus) alive, as python-can's do: drop
 * your reference and it keeps sending until stopped or until the bus shuts
 * down.
 *
 * On a loaded machine an ordinary thread may wake late; where the
 * environment variable `CANOPY_REALTIME_PRIORITY` is set to a priority from
 * 1 to 99 and the process may use real-time scheduling, the scheduler thread
 * runs with `SCHED_FIFO` at that priority.
 */

typedef struct
{
  CanopyBus     *bus;
  gint64         period_ns;
  gint64         initial_period_ns;
  gint64         duration_ns;
  guint          count;

  GMainContext  *context;
  GSource       *notify_source;

  /* Protected by scheduler.lock, for every task (also driver subclasses). */
  CanopyMessage  message;
  guint64        sent;
  guint64        missed;
  guint          running : 1;
  guint          notified_running : 1;
  guint          in_flight : 1;
  guint          warned : 1;
  int            heap_index;   /* -1 unless scheduled */
  gint64         start_ns;
  gint64         end_ns;
  gint64         slot;         /* the index of the next frame */
  gint64         deadline_ns;  /* when it is due */
} CanopyCyclicTaskPrivate;

enum {
  PROP_0,
  PROP_BUS,
  PROP_MESSAGE,
  PROP_PERIOD,
  PROP_COUNT,
  PROP_INITIAL_PERIOD,
  PROP_DURATION,
  PROP_RUNNING,
  PROP_SENT,
  PROP_MISSED,
  N_PROPS
};

G_DEFINE_TYPE_WITH_PRIVATE (CanopyCyclicTask, canopy_cyclic_task, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

#define NS_PER_SEC          G_GINT64_CONSTANT (1000000000)
#define MIN_PERIOD          1e-6
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

#define PRIV(task) ((CanopyCyclicTaskPrivate *) canopy_cyclic_task_get_instance_private (task))

static gboolean generic_start  (CanopyCyclicTask     *self,
                                GError              **error);
static void     generic_stop   (CanopyCyclicTask     *self);
static gboolean generic_modify (CanopyCyclicTask     *self,
                                const CanopyMessage  *msg,
                                GError              **error);

static inline gint64
seconds_to_ns (double seconds)
{
  if (!(seconds > 0))
    return 0;
  return (gint64) llround (seconds * (double) NS_PER_SEC);
}

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

static void
schedule_notify_locked (CanopyCyclicTask *self)
{
  CanopyCyclicTaskPrivate *priv = PRIV (self);

  if (priv->notify_source != NULL && priv->running != priv->notified_running)
    g_source_set_ready_time (priv->notify_source, 0);
}

/* Takes @task out of the schedule; returns the heap's reference, which the
 * caller drops once the lock is released. */
static CanopyCyclicTask *
unschedule_locked (CanopyCyclicTask *task)
{
  CanopyCyclicTaskPrivate *priv = PRIV (task);

  priv->running = FALSE;
  schedule_notify_locked (task);

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
  gint64 latest, last;
  gboolean ok;

  last = last_slot (priv);

  if (priv->slot > last || now >= priv->end_ns)
    {
      CanopyCyclicTask *ref;

      /* Its time is over (duration expired, or a multi-rate task without a
       * subsequent period sent its frames); deadlines that passed unsent
       * count as missed, none is sent late. */
      if (priv->slot <= last)
        priv->missed += last - priv->slot + 1;
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
    }

  msg = priv->message;
  bus = priv->bus;
  priv->slot++;
  /* After the last frame, wake at the end to mark the task stopped. */
  priv->deadline_ns = MIN (slot_deadline (priv, priv->slot), priv->end_ns);
  heap_sift_down (priv->heap_index);
  priv->in_flight = TRUE;
  g_object_ref (task);

  g_mutex_unlock (&scheduler.lock);
  ok = canopy_bus_send (bus, &msg, 0, &error);
  g_mutex_lock (&scheduler.lock);

  priv->in_flight = FALSE;
  if (ok)
    {
      priv->sent++;
    }
  else
    {
      priv->missed++;

      if (g_error_matches (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN))
        {
          CanopyCyclicTask *ref = unschedule_locked (task);

          g_debug ("Cyclic task 0x%X stops: %s", msg.arbitration_id, error->message);
          if (ref != NULL)
            g_object_unref (ref);  /* we still hold our own */
        }
      else if (!priv->warned)
        {
          /* Once per task: a full transmit queue would repeat it every period. */
          priv->warned = TRUE;
          g_warning ("Cyclic task 0x%X could not send: %s", msg.arbitration_id, error->message);
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

static gboolean
generic_start (CanopyCyclicTask  *self,
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
      priv->running = TRUE;
      schedule_notify_locked (self);
      heap_push (g_object_ref (self));
      ensure_scheduler_locked ();
    }

  g_mutex_unlock (&scheduler.lock);

  return TRUE;
}

static void
generic_stop (CanopyCyclicTask *self)
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

static gboolean
generic_modify (CanopyCyclicTask     *self,
                const CanopyMessage  *msg,
                GError              **error)
{
  /* The scheduler reads the message under the lock at every send:
   * canopy_cyclic_task_modify_message() storing it is all it takes. */
  return TRUE;
}

typedef struct
{
  GSource  source;
  GWeakRef self;
} NotifySource;

static gboolean
notify_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  g_autoptr(CanopyCyclicTask) self = g_weak_ref_get (&((NotifySource *) source)->self);
  gboolean changed = FALSE;

  g_source_set_ready_time (source, -1);

  if (self == NULL)
    return G_SOURCE_CONTINUE;

  g_mutex_lock (&scheduler.lock);
  if (PRIV (self)->notified_running != PRIV (self)->running)
    {
      PRIV (self)->notified_running = PRIV (self)->running;
      changed = TRUE;
    }
  g_mutex_unlock (&scheduler.lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);

  return G_SOURCE_CONTINUE;
}

static void
notify_source_finalize (GSource *source)
{
  g_weak_ref_clear (&((NotifySource *) source)->self);
}

static GSourceFuncs notify_source_funcs = {
  .dispatch = notify_source_dispatch,
  .finalize = notify_source_finalize,
};

static void
canopy_cyclic_task_constructed (GObject *object)
{
  CanopyCyclicTask *self = CANOPY_CYCLIC_TASK (object);
  CanopyCyclicTaskPrivate *priv = PRIV (self);
  GSource *source;

  G_OBJECT_CLASS (canopy_cyclic_task_parent_class)->constructed (object);

  priv->context = g_main_context_ref_thread_default ();
  source = g_source_new (&notify_source_funcs, sizeof (NotifySource));
  g_weak_ref_init (&((NotifySource *) source)->self, self);
  g_source_set_static_name (source, "[canopy] cyclic task state");
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_attach (source, priv->context);

  g_mutex_lock (&scheduler.lock);
  priv->notify_source = source;
  g_mutex_unlock (&scheduler.lock);
}

static void
canopy_cyclic_task_dispose (GObject *object)
{
  CanopyCyclicTask *self = CANOPY_CYCLIC_TASK (object);
  CanopyCyclicTaskPrivate *priv = PRIV (self);
  GSource *source;
  gboolean running;

  g_mutex_lock (&scheduler.lock);
  running = priv->running;
  g_mutex_unlock (&scheduler.lock);

  if (running)
    canopy_cyclic_task_stop (self);

  g_mutex_lock (&scheduler.lock);
  source = g_steal_pointer (&priv->notify_source);
  g_mutex_unlock (&scheduler.lock);

  if (source != NULL)
    {
      g_source_destroy (source);
      g_source_unref (source);
    }

  g_clear_object (&priv->bus);

  G_OBJECT_CLASS (canopy_cyclic_task_parent_class)->dispose (object);
}

static void
canopy_cyclic_task_finalize (GObject *object)
{
  CanopyCyclicTaskPrivate *priv = PRIV (CANOPY_CYCLIC_TASK (object));

  g_clear_pointer (&priv->context, g_main_context_unref);

  G_OBJECT_CLASS (canopy_cyclic_task_parent_class)->finalize (object);
}

static void
canopy_cyclic_task_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CanopyCyclicTask *self = CANOPY_CYCLIC_TASK (object);

  switch (prop_id)
    {
    case PROP_BUS:
      g_value_set_object (value, canopy_cyclic_task_get_bus (self));
      break;

    case PROP_MESSAGE:
      g_value_take_boxed (value, canopy_cyclic_task_dup_message (self));
      break;

    case PROP_PERIOD:
      g_value_set_double (value, canopy_cyclic_task_get_period (self));
      break;

    case PROP_COUNT:
      g_value_set_uint (value, _canopy_cyclic_task_get_count (self));
      break;

    case PROP_INITIAL_PERIOD:
      g_value_set_double (value, _canopy_cyclic_task_get_initial_period (self));
      break;

    case PROP_DURATION:
      g_value_set_double (value, _canopy_cyclic_task_get_duration (self));
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, canopy_cyclic_task_is_running (self));
      break;

    case PROP_SENT:
      g_value_set_uint64 (value, canopy_cyclic_task_get_sent (self));
      break;

    case PROP_MISSED:
      g_value_set_uint64 (value, canopy_cyclic_task_get_missed (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_cyclic_task_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CanopyCyclicTaskPrivate *priv = PRIV (CANOPY_CYCLIC_TASK (object));

  switch (prop_id)
    {
    case PROP_BUS:
      priv->bus = g_value_dup_object (value);
      break;

    case PROP_MESSAGE:
      {
        const CanopyMessage *msg = g_value_get_boxed (value);

        if (msg != NULL)
          priv->message = *msg;
      }
      break;

    case PROP_PERIOD:
      priv->period_ns = seconds_to_ns (g_value_get_double (value));
      break;

    case PROP_COUNT:
      priv->count = g_value_get_uint (value);
      break;

    case PROP_INITIAL_PERIOD:
      priv->initial_period_ns = seconds_to_ns (g_value_get_double (value));
      break;

    case PROP_DURATION:
      priv->duration_ns = seconds_to_ns (g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_cyclic_task_class_init (CanopyCyclicTaskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = canopy_cyclic_task_constructed;
  object_class->dispose = canopy_cyclic_task_dispose;
  object_class->finalize = canopy_cyclic_task_finalize;
  object_class->get_property = canopy_cyclic_task_get_property;
  object_class->set_property = canopy_cyclic_task_set_property;

  klass->start = generic_start;
  klass->stop = generic_stop;
  klass->modify = generic_modify;

  /**
   * CanopyCyclicTask:bus:
   *
   * The bus the frames go out on.
   */
  properties[PROP_BUS] =
    g_param_spec_object ("bus", NULL, NULL,
                         CANOPY_TYPE_BUS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCyclicTask:message:
   *
   * The frame sent, as last given to the task.
   */
  properties[PROP_MESSAGE] =
    g_param_spec_boxed ("message", NULL, NULL,
                        CANOPY_TYPE_MESSAGE,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCyclicTask:period:
   *
   * Seconds between frames (for a multi-rate task, after the first
   * [property@Canopy.CyclicTask:count] frames).
   */
  properties[PROP_PERIOD] =
    g_param_spec_double ("period", NULL, NULL,
                         0, G_MAXDOUBLE, 0,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCyclicTask:count:
   *
   * How many frames a multi-rate task sends at
   * [property@Canopy.CyclicTask:initial-period] before it continues at
   * [property@Canopy.CyclicTask:period]; 0 for a plain task.
   */
  properties[PROP_COUNT] =
    g_param_spec_uint ("count", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCyclicTask:initial-period:
   *
   * Seconds between the first [property@Canopy.CyclicTask:count] frames.
   */
  properties[PROP_INITIAL_PERIOD] =
    g_param_spec_double ("initial-period", NULL, NULL,
                         0, G_MAXDOUBLE, 0,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCyclicTask:duration:
   *
   * Seconds after each start at which the task stops by itself; 0 runs it
   * until stopped.
   */
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL,
                         0, G_MAXDOUBLE, 0,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCyclicTask:running:
   *
   * Whether frames are being sent. Notified on the main context that was
   * the thread-default one when the task was created, also when the task
   * ends by itself (duration expired, bus shut down).
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCyclicTask:sent:
   *
   * Frames sent so far (for drivers that report it). Not notified: poll it.
   */
  properties[PROP_SENT] =
    g_param_spec_uint64 ("sent", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCyclicTask:missed:
   *
   * Deadlines that passed without a frame: the scheduler was late by a
   * period or more, or the bus refused the frame. Not notified: poll it.
   */
  properties[PROP_MISSED] =
    g_param_spec_uint64 ("missed", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_cyclic_task_init (CanopyCyclicTask *self)
{
  CanopyCyclicTaskPrivate *priv = PRIV (self);

  priv->heap_index = -1;
  priv->message.channel = CANOPY_CHANNEL_NONE;
}

static gboolean
check_period (const char  *what,
              double       period,
              gboolean     zero_ok,
              GError     **error)
{
  if (isfinite (period) && (period >= MIN_PERIOD || (zero_ok && period == 0)))
    return TRUE;

  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
               "The %s of a cyclic task must be at least 1 µs, not %g s", what, period);
  return FALSE;
}

static CanopyCyclicTask *
send_periodic (CanopyBus            *bus,
               const CanopyMessage  *msg,
               guint                 count,
               double                initial_period,
               double                period,
               double                duration,
               GError              **error)
{
  g_autoptr(CanopyCyclicTask) task = NULL;
  CanopyBusClass *iface;

  if (!canopy_message_validate (msg, error))
    return NULL;

  if (!isfinite (duration) || duration < 0)
    duration = 0;

  iface = CANOPY_BUS_GET_CLASS (bus);
  if (iface->send_periodic != NULL)
    {
      GObject *object = iface->send_periodic (bus, msg, count, initial_period, period, duration, error);

      if (object == NULL)
        return NULL;
      g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (object), NULL);
      return CANOPY_CYCLIC_TASK (object);
    }

  task = g_object_new (CANOPY_TYPE_CYCLIC_TASK,
                       "bus", bus,
                       "message", msg,
                       "period", period,
                       "count", count,
                       "initial-period", initial_period,
                       "duration", duration,
                       NULL);

  if (!canopy_cyclic_task_start (task, error))
    return NULL;

  return g_steal_pointer (&task);
}

/**
 * canopy_bus_send_periodic:
 * @bus: a bus
 * @msg: the frame to send
 * @period: seconds between frames (at least 1 µs)
 * @duration: seconds after which the task stops by itself; 0 or less sends
 *   until canopy_cyclic_task_stop()
 * @error: return location for a #GError
 *
 * Starts sending @msg every @period seconds, python-can's
 * `bus.send_periodic()`: the first frame goes out at once. Drivers with a
 * broadcast manager of their own run the task there (SocketCAN CAN_BCM);
 * other buses share Canopy's scheduler thread.
 *
 * Returns: (transfer full): the running task, or %NULL with @error set
 */
CanopyCyclicTask *
canopy_bus_send_periodic (CanopyBus            *bus,
                          const CanopyMessage  *msg,
                          double                period,
                          double                duration,
                          GError              **error)
{
  g_return_val_if_fail (CANOPY_IS_BUS (bus), NULL);
  g_return_val_if_fail (msg != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_period ("period", period, FALSE, error))
    return NULL;

  return send_periodic (bus, msg, 0, 0, period, duration, error);
}

/**
 * canopy_bus_send_periodic_multirate:
 * @bus: a bus
 * @msg: the frame to send
 * @count: how many frames to send at @initial_period
 * @initial_period: seconds between the first @count frames
 * @subsequent_period: seconds between the frames after them; 0 stops the
 *   task after the first @count frames
 * @error: return location for a #GError
 *
 * Starts a multi-rate task, python-can's `MultiRateCyclicSendTask`: @count
 * frames @initial_period apart (the first at once), then one every
 * @subsequent_period, as CAN_BCM's `TX_SETUP` with `count`, `ival1` and
 * `ival2`.
 *
 * Returns: (transfer full): the running task, or %NULL with @error set
 */
CanopyCyclicTask *
canopy_bus_send_periodic_multirate (CanopyBus            *bus,
                                    const CanopyMessage  *msg,
                                    guint                 count,
                                    double                initial_period,
                                    double                subsequent_period,
                                    GError              **error)
{
  g_return_val_if_fail (CANOPY_IS_BUS (bus), NULL);
  g_return_val_if_fail (msg != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (count == 0)
    {
      if (!check_period ("period", subsequent_period, FALSE, error))
        return NULL;
      return send_periodic (bus, msg, 0, 0, subsequent_period, 0, error);
    }

  if (!check_period ("initial period", initial_period, FALSE, error) ||
      !check_period ("subsequent period", subsequent_period, TRUE, error))
    return NULL;

  return send_periodic (bus, msg, count, initial_period, subsequent_period, 0, error);
}

/**
 * canopy_cyclic_task_start:
 * @self: a cyclic task
 * @error: return location for a #GError
 *
 * Starts a stopped task again: the first frame goes out at once and the
 * schedule (and the duration) begin anew. A running task is left alone.
 *
 * Returns: %TRUE if the task runs
 */
gboolean
canopy_cyclic_task_start (CanopyCyclicTask  *self,
                          GError           **error)
{
  CanopyCyclicTaskClass *klass;

  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  klass = CANOPY_CYCLIC_TASK_GET_CLASS (self);
  if (!klass->start (self, error))
    return FALSE;

  if (klass->start != generic_start)
    _canopy_cyclic_task_set_running (self, TRUE);

  return TRUE;
}

/**
 * canopy_cyclic_task_stop:
 * @self: a cyclic task
 *
 * Stops sending. No frame of this task goes out after it returns; the task
 * keeps its message and may be started again.
 */
void
canopy_cyclic_task_stop (CanopyCyclicTask *self)
{
  CanopyCyclicTaskClass *klass;

  g_return_if_fail (CANOPY_IS_CYCLIC_TASK (self));

  klass = CANOPY_CYCLIC_TASK_GET_CLASS (self);
  klass->stop (self);

  if (klass->stop != generic_stop)
    _canopy_cyclic_task_set_running (self, FALSE);
}

/**
 * canopy_cyclic_task_modify_message:
 * @self: a cyclic task
 * @msg: the new frame, with the same arbitration id
 * @error: return location for a #GError
 *
 * Replaces the frame sent, without changing when frames go out: the next
 * frame due carries the new content. As in python-can, the arbitration id
 * (and whether it is extended) must stay the same.
 *
 * Returns: %TRUE if the task sends @msg from now on
 */
gboolean
canopy_cyclic_task_modify_message (CanopyCyclicTask     *self,
                                   const CanopyMessage  *msg,
                                   GError              **error)
{
  CanopyCyclicTaskPrivate *priv;
  CanopyMessage current;

  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  priv = PRIV (self);

  if (!canopy_message_validate (msg, error))
    return FALSE;

  _canopy_cyclic_task_get_message (self, &current);
  if (current.arbitration_id != msg->arbitration_id ||
      (current.flags & CANOPY_MESSAGE_EXTENDED) != (msg->flags & CANOPY_MESSAGE_EXTENDED))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "A cyclic task sending 0x%X cannot send 0x%X instead: "
                   "the arbitration id of a task does not change",
                   current.arbitration_id, msg->arbitration_id);
      return FALSE;
    }

  if (!CANOPY_CYCLIC_TASK_GET_CLASS (self)->modify (self, msg, error))
    return FALSE;

  g_mutex_lock (&scheduler.lock);
  priv->message = *msg;
  g_mutex_unlock (&scheduler.lock);

  return TRUE;
}

/**
 * canopy_cyclic_task_modify_data:
 * @self: a cyclic task
 * @data: (array length=len) (nullable): the new payload
 * @len: its length in bytes (a valid CAN or CAN FD length)
 * @error: return location for a #GError
 *
 * Replaces the payload of the frame sent without changing when frames go
 * out, python-can's `modify_data()`. The data length follows @len.
 *
 * Returns: %TRUE if the task sends the new payload from now on
 */
gboolean
canopy_cyclic_task_modify_data (CanopyCyclicTask  *self,
                                const guint8      *data,
                                gsize              len,
                                GError           **error)
{
  CanopyMessage msg;

  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (len > CANOPY_MESSAGE_MAX_DATA || !canopy_length_is_valid (len))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "%" G_GSIZE_FORMAT " bytes is not a CAN or CAN FD payload length", len);
      return FALSE;
    }

  _canopy_cyclic_task_get_message (self, &msg);
  canopy_message_set_data (&msg, data, len);

  return canopy_cyclic_task_modify_message (self, &msg, error);
}

/**
 * canopy_cyclic_task_get_bus:
 * @self: a cyclic task
 *
 * Gets the bus the task sends on.
 *
 * Returns: (transfer none): the bus the frames go out on
 */
CanopyBus *
canopy_cyclic_task_get_bus (CanopyCyclicTask *self)
{
  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), NULL);
  return PRIV (self)->bus;
}

/**
 * canopy_cyclic_task_dup_message:
 * @self: a cyclic task
 *
 * Copies the frame the task sends, with the payload of the last
 * canopy_cyclic_task_modify_data().
 *
 * Returns: (transfer full): a copy of the frame the task sends
 */
CanopyMessage *
canopy_cyclic_task_dup_message (CanopyCyclicTask *self)
{
  CanopyMessage msg;

  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), NULL);

  _canopy_cyclic_task_get_message (self, &msg);
  return canopy_message_copy (&msg);
}

/**
 * canopy_cyclic_task_get_period:
 * @self: a cyclic task
 *
 * Gets the period of the task.
 *
 * Returns: the seconds between frames (after the initial ones of a
 *   multi-rate task)
 */
double
canopy_cyclic_task_get_period (CanopyCyclicTask *self)
{
  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), 0);
  return (double) PRIV (self)->period_ns / NS_PER_SEC;
}

/**
 * canopy_cyclic_task_is_running:
 * @self: a cyclic task
 *
 * Tells whether the task is sending: %FALSE once stopped, once its
 * duration expired or once its bus was shut down.
 *
 * Returns: whether the task is sending
 */
gboolean
canopy_cyclic_task_is_running (CanopyCyclicTask *self)
{
  gboolean running;

  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), FALSE);

  g_mutex_lock (&scheduler.lock);
  running = PRIV (self)->running;
  g_mutex_unlock (&scheduler.lock);

  return running;
}

/**
 * canopy_cyclic_task_get_sent:
 * @self: a cyclic task
 *
 * Counts the frames the task sent.
 *
 * Returns: how many frames the task sent, over all its runs
 */
guint64
canopy_cyclic_task_get_sent (CanopyCyclicTask *self)
{
  guint64 sent;

  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), 0);

  g_mutex_lock (&scheduler.lock);
  sent = PRIV (self)->sent;
  g_mutex_unlock (&scheduler.lock);

  return sent;
}

/**
 * canopy_cyclic_task_get_missed:
 * @self: a cyclic task
 *
 * Deadlines skipped rather than sent late in a burst, and frames the bus
 * refused; see [property@Canopy.CyclicTask:missed].
 *
 * Returns: how many frames did not go out when due, over all runs
 */
guint64
canopy_cyclic_task_get_missed (CanopyCyclicTask *self)
{
  guint64 missed;

  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), 0);

  g_mutex_lock (&scheduler.lock);
  missed = PRIV (self)->missed;
  g_mutex_unlock (&scheduler.lock);

  return missed;
}

void
_canopy_cyclic_task_get_message (CanopyCyclicTask *self,
                                 CanopyMessage    *msg)
{
  g_mutex_lock (&scheduler.lock);
  *msg = PRIV (self)->message;
  g_mutex_unlock (&scheduler.lock);
}

guint
_canopy_cyclic_task_get_count (CanopyCyclicTask *self)
{
  return PRIV (self)->count;
}

double
_canopy_cyclic_task_get_initial_period (CanopyCyclicTask *self)
{
  return (double) PRIV (self)->initial_period_ns / NS_PER_SEC;
}

double
_canopy_cyclic_task_get_duration (CanopyCyclicTask *self)
{
  return (double) PRIV (self)->duration_ns / NS_PER_SEC;
}

void
_canopy_cyclic_task_set_running (CanopyCyclicTask *self,
                                 gboolean          running)
{
  g_mutex_lock (&scheduler.lock);
  PRIV (self)->running = !!running;
  schedule_notify_locked (self);
  g_mutex_unlock (&scheduler.lock);
}

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
#include "canopy-cyclic-scheduler-private.h"
#include "canopy-cyclic-task-private.h"
#include "canopy-notify-private.h"
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
 * Beyond python-can, a task on this scheduler can make one payload byte a
 * rolling counter ([method@Canopy.CyclicTask.set_counter_byte]) and
 * reports the period it achieved
 * ([method@Canopy.CyclicTask.get_measured_period]).
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


/* sent and missed notify at most this often. */
#define NOTIFY_INTERVAL_USEC (G_USEC_PER_SEC / 10)

G_DEFINE_TYPE_WITH_PRIVATE (CanopyCyclicTask, canopy_cyclic_task, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

#define PRIV(task) ((CanopyCyclicTaskPrivate *) canopy_cyclic_task_get_instance_private (task))

CanopyCyclicTaskPrivate *
_canopy_cyclic_task_get_private (CanopyCyclicTask *self)
{
  return canopy_cyclic_task_get_instance_private (self);
}

/* With the scheduler lock held: @prop changed. Counters are coalesced; the
 * running state and errors go at the next main loop iteration. */
void
_canopy_cyclic_task_notify_locked (CanopyCyclicTask *self,
                                   guint             prop)
{
  CanopyCyclicTaskPrivate *priv = PRIV (self);

  if (priv->notify == NULL)
    return;

  if (prop == PROP_SENT || prop == PROP_MISSED)
    _canopy_notify_queue_add (priv->notify, properties[prop]);
  else
    _canopy_notify_queue_add_urgent (priv->notify, properties[prop]);
}

void
_canopy_cyclic_task_set_running_locked (CanopyCyclicTask *self,
                                        gboolean          running)
{
  CanopyCyclicTaskPrivate *priv = PRIV (self);

  if (priv->running == !!running)
    return;
  priv->running = !!running;
  _canopy_cyclic_task_notify_locked (self, PROP_RUNNING);
}

/* Keeps the first failure since the task started: a bus that refuses one
 * frame usually refuses the next ones for the same reason. */
void
_canopy_cyclic_task_take_error_locked (CanopyCyclicTask  *self,
                                       GError           **error)
{
  CanopyCyclicTaskPrivate *priv = PRIV (self);

  if (priv->error != NULL)
    return;
  priv->error = g_steal_pointer (error);
  _canopy_cyclic_task_notify_locked (self, PROP_ERROR);
}

static void
canopy_cyclic_task_constructed (GObject *object)
{
  CanopyCyclicTask *self = CANOPY_CYCLIC_TASK (object);
  CanopyCyclicTaskPrivate *priv = PRIV (self);
  CanopyNotifyQueue *notify;

  G_OBJECT_CLASS (canopy_cyclic_task_parent_class)->constructed (object);

  notify = _canopy_notify_queue_new (object, NULL, NOTIFY_INTERVAL_USEC, NULL);

  _canopy_cyclic_scheduler_lock ();
  priv->notify = notify;
  _canopy_cyclic_scheduler_unlock ();
}

static void
canopy_cyclic_task_dispose (GObject *object)
{
  CanopyCyclicTask *self = CANOPY_CYCLIC_TASK (object);
  CanopyCyclicTaskPrivate *priv = PRIV (self);
  CanopyNotifyQueue *notify;
  gboolean running;

  _canopy_cyclic_scheduler_lock ();
  running = priv->running;
  _canopy_cyclic_scheduler_unlock ();

  if (running)
    canopy_cyclic_task_stop (self);

  /* The scheduler marks changes under the lock: after this it finds no
   * queue. */
  _canopy_cyclic_scheduler_lock ();
  notify = g_steal_pointer (&priv->notify);
  _canopy_cyclic_scheduler_unlock ();

  g_clear_pointer (&notify, _canopy_notify_queue_free);

  g_clear_object (&priv->bus);

  G_OBJECT_CLASS (canopy_cyclic_task_parent_class)->dispose (object);
}

static void
canopy_cyclic_task_finalize (GObject *object)
{
  CanopyCyclicTaskPrivate *priv = PRIV (CANOPY_CYCLIC_TASK (object));

  g_clear_error (&priv->error);
  if (priv->prepare_destroy != NULL)
    priv->prepare_destroy (priv->prepare_data);

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

    case PROP_ERROR:
      g_value_take_boxed (value, canopy_cyclic_task_dup_error (self));
      break;

    case PROP_MISSED:
      g_value_set_uint64 (value, canopy_cyclic_task_get_missed (self));
      break;

    case PROP_COUNTER_BYTE:
      g_value_set_int (value, canopy_cyclic_task_get_counter_byte (self));
      break;

    case PROP_MEASURED_PERIOD:
      g_value_set_double (value, canopy_cyclic_task_get_measured_period (self));
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
      priv->period_ns = _canopy_seconds_to_ns (g_value_get_double (value));
      break;

    case PROP_COUNT:
      priv->count = g_value_get_uint (value);
      break;

    case PROP_INITIAL_PERIOD:
      priv->initial_period_ns = _canopy_seconds_to_ns (g_value_get_double (value));
      break;

    case PROP_DURATION:
      priv->duration_ns = _canopy_seconds_to_ns (g_value_get_double (value));
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

  klass->start = _canopy_cyclic_scheduler_start;
  klass->stop = _canopy_cyclic_scheduler_stop;
  klass->modify = _canopy_cyclic_scheduler_modify;

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

  /**
   * CanopyCyclicTask:error:
   *
   * Why the task could not send: the first failure since it last started
   * (a full transmit queue, a bus gone off, a bus that was shut down, which
   * also stops the task), or %NULL. Notified on the main context the task
   * was made on, once per failure, never per frame.
   */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL,
                        G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCyclicTask:counter-byte:
   *
   * The index of the payload byte that counts up by one in each frame, or
   * -1; see [method@Canopy.CyclicTask.set_counter_byte]. Notified on the
   * main context the task was made on.
   */
  properties[PROP_COUNTER_BYTE] =
    g_param_spec_int ("counter-byte", NULL, NULL,
                      -1, CANOPY_MESSAGE_MAX_DATA - 1, -1,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCyclicTask:measured-period:
   *
   * The mean seconds between the frames sent since the task last started;
   * see [method@Canopy.CyclicTask.get_measured_period]. Not notified: poll
   * it.
   */
  properties[PROP_MEASURED_PERIOD] =
    g_param_spec_double ("measured-period", NULL, NULL,
                         0, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_cyclic_task_init (CanopyCyclicTask *self)
{
  CanopyCyclicTaskPrivate *priv = PRIV (self);

  priv->heap_index = -1;
  priv->message.channel = CANOPY_CHANNEL_NONE;
  priv->counter_byte = -1;
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

  if (klass->start != _canopy_cyclic_scheduler_start)
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

  if (klass->stop != _canopy_cyclic_scheduler_stop)
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

  _canopy_cyclic_scheduler_lock ();
  priv->message = *msg;
  _canopy_cyclic_scheduler_unlock ();

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

  _canopy_cyclic_scheduler_lock ();
  running = PRIV (self)->running;
  _canopy_cyclic_scheduler_unlock ();

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

  _canopy_cyclic_scheduler_lock ();
  sent = PRIV (self)->sent;
  _canopy_cyclic_scheduler_unlock ();

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

  _canopy_cyclic_scheduler_lock ();
  missed = PRIV (self)->missed;
  _canopy_cyclic_scheduler_unlock ();

  return missed;
}

/**
 * canopy_cyclic_task_dup_error:
 * @self: a cyclic task
 *
 * See [property@Canopy.CyclicTask:error].
 *
 * Returns: (transfer full) (nullable): the first failure to send since the
 *   task last started, or %NULL
 */
GError *
canopy_cyclic_task_dup_error (CanopyCyclicTask *self)
{
  GError *error = NULL;

  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), NULL);

  _canopy_cyclic_scheduler_lock ();
  if (PRIV (self)->error != NULL)
    error = g_error_copy (PRIV (self)->error);
  _canopy_cyclic_scheduler_unlock ();

  return error;
}

void
_canopy_cyclic_task_get_message (CanopyCyclicTask *self,
                                 CanopyMessage    *msg)
{
  _canopy_cyclic_scheduler_lock ();
  *msg = PRIV (self)->message;
  _canopy_cyclic_scheduler_unlock ();
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
  _canopy_cyclic_scheduler_lock ();
  _canopy_cyclic_task_set_running_locked (self, running);
  _canopy_cyclic_scheduler_unlock ();
}

void
_canopy_cyclic_task_set_prepare_func (CanopyCyclicTask        *self,
                                      CanopyCyclicPrepareFunc  prepare,
                                      gpointer                 user_data,
                                      GDestroyNotify           destroy)
{
  CanopyCyclicTaskPrivate *priv = PRIV (self);
  gboolean set_before;

  g_return_if_fail (CANOPY_CYCLIC_TASK_GET_CLASS (self)->start == _canopy_cyclic_scheduler_start);

  _canopy_cyclic_scheduler_lock ();
  set_before = priv->heap_index >= 0 || priv->sent > 0 || priv->prepare != NULL;
  if (!set_before)
    {
      priv->prepare = prepare;
      priv->prepare_data = user_data;
      priv->prepare_destroy = destroy;
    }
  _canopy_cyclic_scheduler_unlock ();

  g_return_if_fail (!set_before);
}

/* canopy-cyclic-task-frames.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-cyclic-task.h"
#include "canopy-error.h"

#include "canopy-cyclic-scheduler-private.h"
#include "canopy-cyclic-task-private.h"

/* What a task on Canopy's own scheduler does to each frame it sends: the
 * counter byte, and the figures behind the measured period. The scheduler
 * calls these with its lock held; the task object and its API are in
 * canopy-cyclic-task.c. */

#define PRIV(task) _canopy_cyclic_task_get_private (task)

static inline gboolean
counter_applies (CanopyCyclicTaskPrivate *priv,
                 const CanopyMessage     *msg)
{
  return priv->counter_byte >= 0 &&
         priv->counter_byte < msg->dlc &&
         !(msg->flags & CANOPY_MESSAGE_REMOTE);
}

/* A start: the counter begins at the byte's value in the message, the
 * measured period anew. */
void
_canopy_cyclic_task_begin_run_locked (CanopyCyclicTask *self)
{
  CanopyCyclicTaskPrivate *priv = PRIV (self);

  if (counter_applies (priv, &priv->message))
    priv->counter_next = priv->message.data[priv->counter_byte];
  priv->run_sent = 0;
  priv->run_first_ns = 0;
  priv->run_last_ns = 0;
}

/* @msg is the copy about to be sent. The counter advances per frame the
 * task puts out, not per payload: a modify_data() in between keeps the
 * sequence continuous, as a receiver checking it expects. */
void
_canopy_cyclic_task_prepare_frame_locked (CanopyCyclicTask *self,
                                          CanopyMessage    *msg)
{
  CanopyCyclicTaskPrivate *priv = PRIV (self);

  if (counter_applies (priv, msg))
    msg->data[priv->counter_byte] = priv->counter_next++;
}

void
_canopy_cyclic_task_frame_sent_locked (CanopyCyclicTask *self,
                                       gint64            sent_ns)
{
  CanopyCyclicTaskPrivate *priv = PRIV (self);

  if (priv->run_sent == 0)
    priv->run_first_ns = sent_ns;
  priv->run_last_ns = sent_ns;
  priv->run_sent++;
}

/**
 * canopy_cyclic_task_set_counter_byte:
 * @self: a cyclic task
 * @index: the index of the payload byte that counts, or -1 for none
 * @error: return location for a #GError
 *
 * Makes one payload byte a rolling counter: the next frame carries the
 * byte's value in the current message, each frame after it one more,
 * wrapping from 255 to 0, as the alive counter many CAN nodes expect. The
 * counter continues across [method@Canopy.CyclicTask.modify_data] (a
 * receiver sees no jump) and begins again at each
 * [method@Canopy.CyclicTask.start]. A frame whose payload has become
 * shorter than @index + 1 bytes goes out unchanged.
 *
 * Only tasks on Canopy's own scheduler can count; a task of a driver's own
 * broadcast manager (SocketCAN's CAN_BCM) fails with
 * %CANOPY_ERROR_UNSUPPORTED. To count on such a bus, create a generic task
 * with g_object_new() (%CANOPY_TYPE_CYCLIC_TASK with the
 * [property@Canopy.CyclicTask:bus], [property@Canopy.CyclicTask:message]
 * and [property@Canopy.CyclicTask:period] properties), set the counter
 * byte, then start it.
 *
 * Returns: %TRUE if the byte counts from the next frame on (or counting
 *   stopped, for -1); %FALSE with @error set for an index outside the
 *   current payload or a task that cannot count
 */
gboolean
canopy_cyclic_task_set_counter_byte (CanopyCyclicTask  *self,
                                     int                index,
                                     GError           **error)
{
  CanopyCyclicTaskPrivate *priv;
  guint8 length;

  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  priv = PRIV (self);

  if (index >= 0 && CANOPY_CYCLIC_TASK_GET_CLASS (self)->start != _canopy_cyclic_scheduler_start)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                           "The broadcast manager of this bus cannot count in a frame: "
                           "create a task on Canopy's own scheduler for a counter byte");
      return FALSE;
    }

  _canopy_cyclic_scheduler_lock ();
  length = (priv->message.flags & CANOPY_MESSAGE_REMOTE) ? 0 : priv->message.dlc;
  if (index < -1 || index >= (int) length)
    {
      _canopy_cyclic_scheduler_unlock ();
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Byte %d cannot be a counter: the frame has %u data bytes",
                   index, (guint) length);
      return FALSE;
    }

  if (priv->counter_byte != index)
    {
      priv->counter_byte = index;
      if (index >= 0)
        priv->counter_next = priv->message.data[index];
      _canopy_cyclic_task_notify_locked (self, PROP_COUNTER_BYTE);
    }
  _canopy_cyclic_scheduler_unlock ();

  return TRUE;
}

/**
 * canopy_cyclic_task_get_counter_byte:
 * @self: a cyclic task
 *
 * See [method@Canopy.CyclicTask.set_counter_byte].
 *
 * Returns: the index of the payload byte that counts, or -1 for none
 */
int
canopy_cyclic_task_get_counter_byte (CanopyCyclicTask *self)
{
  int index;

  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), -1);

  _canopy_cyclic_scheduler_lock ();
  index = PRIV (self)->counter_byte;
  _canopy_cyclic_scheduler_unlock ();

  return index;
}

/**
 * canopy_cyclic_task_get_measured_period:
 * @self: a cyclic task
 *
 * The period the task achieved: the mean time between the frames it sent
 * since it last started, measured on the monotonic clock when each frame
 * was handed to the bus. Deadlines that were missed
 * ([property@Canopy.CyclicTask:missed]) lengthen it. It keeps the figure
 * of the last run once the task stops.
 *
 * Tasks of a driver's own broadcast manager (SocketCAN's CAN_BCM) are not
 * told when the kernel sends, and report 0.
 *
 * Returns: the mean seconds between frames, or 0 before two frames went
 *   out
 */
double
canopy_cyclic_task_get_measured_period (CanopyCyclicTask *self)
{
  CanopyCyclicTaskPrivate *priv;
  guint64 n;
  gint64 span;

  g_return_val_if_fail (CANOPY_IS_CYCLIC_TASK (self), 0);

  priv = PRIV (self);

  _canopy_cyclic_scheduler_lock ();
  n = priv->run_sent;
  span = priv->run_last_ns - priv->run_first_ns;
  _canopy_cyclic_scheduler_unlock ();

  if (n < 2)
    return 0;
  return (double) span / (double) (n - 1) / (double) NS_PER_SEC;
}

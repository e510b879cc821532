/* canopy-cyclic-task-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-cyclic-task.h"

G_BEGIN_DECLS

/* The generic task (one scheduler thread for all tasks, absolute monotonic
 * deadlines) is the default implementation; a driver with its own broadcast
 * manager (SocketCAN CAN_BCM) subclasses and overrides all three vfuncs.
 *
 * How a driver provides its own tasks:
 *
 *  - Subclass with G_DECLARE_FINAL_TYPE (…, CanopyCyclicTask) and
 *    G_DEFINE_FINAL_TYPE (…, CANOPY_TYPE_CYCLIC_TASK).
 *  - In the bus's send_periodic() vfunc, construct it with the base class's
 *    construct-only properties and start it:
 *
 *      task = g_object_new (MY_TYPE_CYCLIC_TASK,
 *                           "bus", bus,                 // CanopyBus, kept alive by the task
 *                           "message", msg,             // const CanopyMessage *, copied
 *                           "period", period,           // seconds (subsequent period)
 *                           "count", count,             // frames at initial-period first; 0: none
 *                           "initial-period", initial_period, // seconds
 *                           "duration", duration,       // seconds; <= 0: until stopped
 *                           NULL);
 *      if (!canopy_cyclic_task_start (task, error))
 *        g_clear_object (&task);
 *      return G_OBJECT (task);
 *
 *    canopy_bus_send_periodic() has validated the message and the periods
 *    before it calls the vfunc.
 *  - Read the schedule back with the public getters and the helpers below
 *    (or g_object_get() on the same property names). The current message is
 *    canopy_cyclic_task_dup_message() or _canopy_cyclic_task_get_message().
 *  - start() sets up (or re-arms) the native job: the first frame goes out at
 *    once, then @count frames in all at initial-period, then one every
 *    period. stop() cancels it; after it returns no further frame may be
 *    sent. modify() replaces the payload of a running or stopped job without
 *    touching its timer; the base class has checked that the arbitration id
 *    and its kind are unchanged and stores the message itself once modify()
 *    succeeds.
 *  - The public wrappers mark an overridden task running after start()
 *    succeeds and stopped after stop(); a subclass whose job ends by itself
 *    (a duration expired, the device went away) calls
 *    _canopy_cyclic_task_set_running (self, FALSE), from any thread.
 *  - Dispose of a running task stops it through stop(); a subclass's own
 *    dispose runs first, so stop() must cope with a released job.
 */
struct _CanopyCyclicTaskClass
{
  GObjectClass parent_class;

  gboolean (*start)  (CanopyCyclicTask     *self,
                      GError              **error);
  void     (*stop)   (CanopyCyclicTask     *self);
  /* Replace the payload without disturbing the timing. */
  gboolean (*modify) (CanopyCyclicTask     *self,
                      const CanopyMessage  *msg,
                      GError              **error);

  /*< private >*/
  gpointer padding[8];
};

/* A hook that fills in per-frame fields (a rolling counter, a checksum) of
 * the copy of the message about to be sent: called on the scheduler thread
 * for every frame of a generic task, outside the scheduler's lock, never
 * concurrently with itself, after the counter byte
 * (canopy_cyclic_task_set_counter_byte()) was filled in, so that a checksum
 * covers it; it must not block or allocate. Set it once,
 * before the task first starts; @destroy runs when the task is finalized.
 * Driver-native tasks (CAN_BCM) cannot run it: create the generic type
 * (CANOPY_TYPE_CYCLIC_TASK) with g_object_new() and start it yourself. */
typedef void (*CanopyCyclicPrepareFunc) (CanopyMessage *msg,
                                         gpointer       user_data);

void     _canopy_cyclic_task_set_prepare_func   (CanopyCyclicTask        *self,
                                                 CanopyCyclicPrepareFunc  prepare,
                                                 gpointer                 user_data,
                                                 GDestroyNotify           destroy);

/* Copies the current message into @msg (no allocation). */
void     _canopy_cyclic_task_get_message        (CanopyCyclicTask *self,
                                                 CanopyMessage    *msg);
guint    _canopy_cyclic_task_get_count          (CanopyCyclicTask *self);
double   _canopy_cyclic_task_get_initial_period (CanopyCyclicTask *self);
double   _canopy_cyclic_task_get_duration       (CanopyCyclicTask *self);
void     _canopy_cyclic_task_set_running        (CanopyCyclicTask *self,
                                                 gboolean          running);

G_END_DECLS

/* canopy-cyclic-scheduler-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <math.h>

#include "canopy-cyclic-task-private.h"
#include "canopy-notify-private.h"

G_BEGIN_DECLS

/* Shared by canopy-cyclic-task.c (the object and its API) and
 * canopy-cyclic-scheduler.c (the generic broadcast manager). */

#define NS_PER_SEC          G_GINT64_CONSTANT (1000000000)
#define MIN_PERIOD          1e-6

typedef struct
{
  CanopyBus     *bus;
  gint64         period_ns;
  gint64         initial_period_ns;
  gint64         duration_ns;
  guint          count;

  /* Protected by scheduler.lock, for every task (also driver subclasses). */
  CanopyNotifyQueue *notify;
  CanopyMessage  message;
  guint64        sent;
  guint64        missed;
  GError        *error;        /* the first failure since the last start */
  guint          running : 1;
  guint          in_flight : 1;
  int            heap_index;   /* -1 unless scheduled */
  gint64         start_ns;
  gint64         end_ns;
  gint64         slot;         /* the index of the next frame */
  gint64         deadline_ns;  /* when it is due */

  /* Per-frame hook (signal-level tasks: rolling counter, checksum); set
   * before the task first starts, called on the scheduler thread. */
  CanopyCyclicPrepareFunc prepare;
  gpointer       prepare_data;
  GDestroyNotify prepare_destroy;

  /* The counter byte (-1: none) and the value the next frame carries;
   * generic tasks only, protected by scheduler.lock. */
  int            counter_byte;
  guint8         counter_next;

  /* Frames sent since the last start, and when the first and the latest
   * of them went out (monotonic): the measured period. */
  guint64        run_sent;
  gint64         run_first_ns;
  gint64         run_last_ns;
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
  PROP_ERROR,
  PROP_COUNTER_BYTE,
  PROP_MEASURED_PERIOD,
  N_PROPS
};

static inline gint64
_canopy_seconds_to_ns (double seconds)
{
  if (!(seconds > 0))
    return 0;
  return (gint64) llround (seconds * (double) NS_PER_SEC);
}

/* The scheduler's one lock guards every task's CanopyCyclicTaskPrivate. */
void                     _canopy_cyclic_scheduler_lock          (void);
void                     _canopy_cyclic_scheduler_unlock        (void);
gboolean                 _canopy_cyclic_scheduler_start         (CanopyCyclicTask     *self,
                                                                 GError              **error);
void                     _canopy_cyclic_scheduler_stop          (CanopyCyclicTask     *self);
gboolean                 _canopy_cyclic_scheduler_modify        (CanopyCyclicTask     *self,
                                                                 const CanopyMessage  *msg,
                                                                 GError              **error);

/* canopy-cyclic-task.c; the *_locked ones with the scheduler lock held. */
CanopyCyclicTaskPrivate *_canopy_cyclic_task_get_private        (CanopyCyclicTask     *self);
void                     _canopy_cyclic_task_notify_locked      (CanopyCyclicTask     *self,
                                                                 guint                 prop);
void                     _canopy_cyclic_task_set_running_locked (CanopyCyclicTask     *self,
                                                                 gboolean              running);
void                     _canopy_cyclic_task_take_error_locked  (CanopyCyclicTask     *self,
                                                                 GError              **error);

/* canopy-cyclic-task-frames.c: per-frame features of generic tasks, with
 * the scheduler lock held. */
void                     _canopy_cyclic_task_begin_run_locked   (CanopyCyclicTask     *self);
void                     _canopy_cyclic_task_prepare_frame_locked (CanopyCyclicTask   *self,
                                                                 CanopyMessage        *msg);
void                     _canopy_cyclic_task_frame_sent_locked  (CanopyCyclicTask     *self,
                                                                 gint64                sent_ns);

G_END_DECLS

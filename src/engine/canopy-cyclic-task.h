/* canopy-cyclic-task.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-bus.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_CYCLIC_TASK (canopy_cyclic_task_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (CanopyCyclicTask, canopy_cyclic_task, CANOPY, CYCLIC_TASK, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyCyclicTask *canopy_bus_send_periodic               (CanopyBus              *bus,
                                                          const CanopyMessage    *msg,
                                                          double                  period,
                                                          double                  duration,
                                                          GError                **error);
CANOPY_AVAILABLE_IN_ALL
CanopyCyclicTask *canopy_bus_send_periodic_multirate     (CanopyBus              *bus,
                                                          const CanopyMessage    *msg,
                                                          guint                   count,
                                                          double                  initial_period,
                                                          double                  subsequent_period,
                                                          GError                **error);
CANOPY_AVAILABLE_IN_ALL
gboolean          canopy_cyclic_task_start               (CanopyCyclicTask       *self,
                                                          GError                **error);
CANOPY_AVAILABLE_IN_ALL
void              canopy_cyclic_task_stop                (CanopyCyclicTask       *self);
CANOPY_AVAILABLE_IN_ALL
gboolean          canopy_cyclic_task_modify_data         (CanopyCyclicTask       *self,
                                                          const guint8           *data,
                                                          gsize                   len,
                                                          GError                **error);
CANOPY_AVAILABLE_IN_ALL
gboolean          canopy_cyclic_task_modify_message      (CanopyCyclicTask       *self,
                                                          const CanopyMessage    *msg,
                                                          GError                **error);
CANOPY_AVAILABLE_IN_ALL
CanopyBus        *canopy_cyclic_task_get_bus             (CanopyCyclicTask       *self);
CANOPY_AVAILABLE_IN_ALL
CanopyMessage    *canopy_cyclic_task_dup_message         (CanopyCyclicTask       *self);
CANOPY_AVAILABLE_IN_ALL
double            canopy_cyclic_task_get_period          (CanopyCyclicTask       *self);
CANOPY_AVAILABLE_IN_ALL
gboolean          canopy_cyclic_task_is_running          (CanopyCyclicTask       *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_cyclic_task_get_sent            (CanopyCyclicTask       *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_cyclic_task_get_missed          (CanopyCyclicTask       *self);
CANOPY_AVAILABLE_IN_ALL
GError           *canopy_cyclic_task_dup_error           (CanopyCyclicTask       *self);
CANOPY_AVAILABLE_IN_ALL
gboolean          canopy_cyclic_task_set_counter_byte    (CanopyCyclicTask       *self,
                                                          int                     index,
                                                          GError                **error);
CANOPY_AVAILABLE_IN_ALL
int               canopy_cyclic_task_get_counter_byte    (CanopyCyclicTask       *self);
CANOPY_AVAILABLE_IN_ALL
double            canopy_cyclic_task_get_measured_period (CanopyCyclicTask       *self);

G_END_DECLS

/* canopy-socketcan-cyclic-task-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-bus.h"
#include "canopy-cyclic-task-private.h"

G_BEGIN_DECLS

/* Not public: a final subclass needs the class structure of its parent,
 * which is private. Applications see a CanopyCyclicTask. */
#define CANOPY_TYPE_SOCKETCAN_CYCLIC_TASK (canopy_socketcan_cyclic_task_get_type ())

G_DECLARE_FINAL_TYPE (CanopySocketcanCyclicTask, canopy_socketcan_cyclic_task, CANOPY, SOCKETCAN_CYCLIC_TASK, CanopyCyclicTask)

/* The send_periodic() vfunc of a SocketCAN bus: a started CAN_BCM task. */
GObject *_canopy_socketcan_cyclic_task_send_periodic (CanopyBus            *bus,
                                                      const CanopyMessage  *msg,
                                                      guint                 count,
                                                      double                initial_period,
                                                      double                period,
                                                      double                duration,
                                                      GError              **error);

G_END_DECLS

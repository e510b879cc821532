/* canopy-cyclic-task-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-cyclic-task.h"

G_BEGIN_DECLS

/* The generic task (one scheduler thread for all tasks, absolute monotonic
 * deadlines) is the default implementation; a driver with its own broadcast
 * manager (SocketCAN CAN_BCM) subclasses and overrides all three vfuncs. */
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
};

G_END_DECLS

/* canopy-signal-task.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-bus.h"
#include "canopy-checksum.h"
#include "canopy-cyclic-task.h"
#include "canopy-message-def.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_SIGNAL_TASK (canopy_signal_task_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopySignalTask, canopy_signal_task, CANOPY, SIGNAL_TASK, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopySignalTask *canopy_signal_task_new              (CanopyBus           *bus,
                                                       CanopyMessageDef    *message,
                                                       double               period,
                                                       GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean          canopy_signal_task_set_value        (CanopySignalTask    *self,
                                                       const char          *name,
                                                       double               value,
                                                       GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean          canopy_signal_task_set_values       (CanopySignalTask    *self,
                                                       const char * const  *names,
                                                       const double        *values,
                                                       gsize                n_values,
                                                       GError             **error);
CANOPY_AVAILABLE_IN_ALL
double            canopy_signal_task_get_value        (CanopySignalTask    *self,
                                                       const char          *name);
CANOPY_AVAILABLE_IN_ALL
gboolean          canopy_signal_task_set_counter      (CanopySignalTask    *self,
                                                       const char          *name,
                                                       GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean          canopy_signal_task_set_checksum     (CanopySignalTask    *self,
                                                       const char          *name,
                                                       CanopyChecksumKind   kind,
                                                       const guint8        *data_ids,
                                                       gsize                n_data_ids,
                                                       GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean          canopy_signal_task_start            (CanopySignalTask    *self,
                                                       GError             **error);
CANOPY_AVAILABLE_IN_ALL
void              canopy_signal_task_stop             (CanopySignalTask    *self);
CANOPY_AVAILABLE_IN_ALL
CanopyCyclicTask *canopy_signal_task_get_cyclic_task  (CanopySignalTask    *self);
CANOPY_AVAILABLE_IN_ALL
CanopyMessageDef *canopy_signal_task_get_message_def  (CanopySignalTask    *self);
CANOPY_AVAILABLE_IN_ALL
double            canopy_signal_task_get_period       (CanopySignalTask    *self);

G_END_DECLS

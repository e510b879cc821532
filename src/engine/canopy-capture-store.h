/* canopy-capture-store.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-log-writer.h"
#include "canopy-message.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_CAPTURE_STORE (canopy_capture_store_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyCaptureStore, canopy_capture_store, CANOPY, CAPTURE_STORE, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyCaptureStore *canopy_capture_store_new               (void);
CANOPY_AVAILABLE_IN_ALL
void                canopy_capture_store_append            (CanopyCaptureStore   *self,
                                                            const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void                canopy_capture_store_append_many       (CanopyCaptureStore   *self,
                                                            const CanopyMessage  *msgs,
                                                            guint                 n_msgs);
CANOPY_AVAILABLE_IN_ALL
gboolean            canopy_capture_store_get_message       (CanopyCaptureStore   *self,
                                                            guint                 position,
                                                            CanopyMessage        *msg);
CANOPY_AVAILABLE_IN_ALL
guint64             canopy_capture_store_get_first_frame   (CanopyCaptureStore   *self);
CANOPY_AVAILABLE_IN_ALL
void                canopy_capture_store_clear             (CanopyCaptureStore   *self);
CANOPY_AVAILABLE_IN_ALL
void                canopy_capture_store_set_memory_limit  (CanopyCaptureStore   *self,
                                                            guint64               bytes);
CANOPY_AVAILABLE_IN_ALL
guint64             canopy_capture_store_get_memory_limit  (CanopyCaptureStore   *self);
CANOPY_AVAILABLE_IN_ALL
guint64             canopy_capture_store_get_memory_used   (CanopyCaptureStore   *self);
CANOPY_AVAILABLE_IN_ALL
guint64             canopy_capture_store_get_n_dropped     (CanopyCaptureStore   *self);
CANOPY_AVAILABLE_IN_ALL
guint64             canopy_capture_store_get_n_captured    (CanopyCaptureStore   *self);
CANOPY_AVAILABLE_IN_ALL
void                canopy_capture_store_set_paused        (CanopyCaptureStore   *self,
                                                            gboolean              paused);
CANOPY_AVAILABLE_IN_ALL
gboolean            canopy_capture_store_get_paused        (CanopyCaptureStore   *self);
CANOPY_AVAILABLE_IN_ALL
gboolean            canopy_capture_store_write             (CanopyCaptureStore   *self,
                                                            CanopyLogWriter      *writer,
                                                            guint                 position,
                                                            guint                 n_items,
                                                            GCancellable         *cancellable,
                                                            GError              **error);

G_END_DECLS

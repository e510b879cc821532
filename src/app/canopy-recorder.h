/* canopy-recorder.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>

#include "canopy-connection.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_RECORDER (canopy_recorder_get_type ())

G_DECLARE_FINAL_TYPE (CanopyRecorder, canopy_recorder, CANOPY, RECORDER, GObject)

CanopyRecorder   *canopy_recorder_new            (void);
CanopyConnection *canopy_recorder_get_connection (CanopyRecorder    *self);
void              canopy_recorder_set_connection (CanopyRecorder    *self,
                                                  CanopyConnection  *connection);
gboolean          canopy_recorder_get_recording  (CanopyRecorder    *self);
const char       *canopy_recorder_get_path       (CanopyRecorder    *self);
guint64           canopy_recorder_get_frames     (CanopyRecorder    *self);
const char       *canopy_recorder_get_summary    (CanopyRecorder    *self);
void              canopy_recorder_start          (CanopyRecorder    *self,
                                                  const char        *path,
                                                  guint64            rotate_size,
                                                  guint              rotate_time);
void              canopy_recorder_stop           (CanopyRecorder    *self);

char             *canopy_recorder_find_free_path (const char        *path,
                                                  GError           **error);

G_END_DECLS

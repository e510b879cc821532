/* canopy-record-dialog.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "canopy-recorder.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_RECORD_DIALOG (canopy_record_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CanopyRecordDialog, canopy_record_dialog, CANOPY, RECORD_DIALOG, GtkWindow)

CanopyRecordDialog *canopy_record_dialog_new    (GtkWindow      *parent,
                                                 CanopyRecorder *recorder,
                                                 GSettings      *settings);
void                canopy_record_dialog_record (GtkWindow      *parent,
                                                 CanopyRecorder *recorder,
                                                 GSettings      *settings);

G_END_DECLS

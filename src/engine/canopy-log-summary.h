/* canopy-log-summary.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-message.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_LOG_SUMMARY (canopy_log_summary_get_type ())

/**
 * CANOPY_LOG_SUMMARY_MAX_CHANNELS:
 *
 * Channels 0 to this value minus one are counted one by one; frames of
 * higher channels are counted together.
 */
#define CANOPY_LOG_SUMMARY_MAX_CHANNELS 256

typedef struct _CanopyLogSummary CanopyLogSummary;

CANOPY_AVAILABLE_IN_ALL
GType             canopy_log_summary_get_type                 (void) G_GNUC_CONST;
CANOPY_AVAILABLE_IN_ALL
CanopyLogSummary *canopy_log_summary_new                      (void);
CANOPY_AVAILABLE_IN_ALL
CanopyLogSummary *canopy_log_summary_new_for_file             (GFile                  *file,
                                                               GCancellable           *cancellable,
                                                               GError                **error);
CANOPY_AVAILABLE_IN_ALL
CanopyLogSummary *canopy_log_summary_ref                      (CanopyLogSummary       *self);
CANOPY_AVAILABLE_IN_ALL
void              canopy_log_summary_unref                    (CanopyLogSummary       *self);
CANOPY_AVAILABLE_IN_ALL
CanopyLogSummary *canopy_log_summary_copy                     (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
void              canopy_log_summary_add                      (CanopyLogSummary       *self,
                                                               const CanopyMessage    *msg);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_n_frames             (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
gint64            canopy_log_summary_get_first_time_ns        (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
gint64            canopy_log_summary_get_last_time_ns         (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
gint64            canopy_log_summary_get_min_time_ns          (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
gint64            canopy_log_summary_get_max_time_ns          (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
gint64            canopy_log_summary_get_duration_ns          (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_n_out_of_order       (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_channel_frames       (const CanopyLogSummary *self,
                                                               gint                    channel);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_other_channel_frames (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint             canopy_log_summary_get_n_channels           (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_n_distinct_ids       (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_n_distinct_standard_ids (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_n_distinct_extended_ids (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
gboolean          canopy_log_summary_get_distinct_ids_exact   (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_n_error_frames       (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_n_remote_frames      (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_n_fd_frames          (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_n_brs_frames         (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_n_tx_frames          (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_n_extended_frames    (const CanopyLogSummary *self);
CANOPY_AVAILABLE_IN_ALL
guint64           canopy_log_summary_get_payload_bytes        (const CanopyLogSummary *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyLogSummary, canopy_log_summary_unref)

G_END_DECLS

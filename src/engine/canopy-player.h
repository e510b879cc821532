/* canopy-player.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-bus.h"
#include "canopy-log-reader.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_PLAYER (canopy_player_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyPlayer, canopy_player, CANOPY, PLAYER, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyPlayer *canopy_player_new                   (CanopyBus            *bus);
CANOPY_AVAILABLE_IN_ALL
CanopyBus    *canopy_player_get_bus               (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
gboolean      canopy_player_get_ignore_timestamps (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_set_ignore_timestamps (CanopyPlayer         *self,
                                                   gboolean              ignore_timestamps);
CANOPY_AVAILABLE_IN_ALL
double        canopy_player_get_gap               (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_set_gap               (CanopyPlayer         *self,
                                                   double                gap_ms);
CANOPY_AVAILABLE_IN_ALL
double        canopy_player_get_skip              (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_set_skip              (CanopyPlayer         *self,
                                                   double                skip);
CANOPY_AVAILABLE_IN_ALL
double        canopy_player_get_speed             (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_set_speed             (CanopyPlayer         *self,
                                                   double                speed);
CANOPY_AVAILABLE_IN_ALL
gboolean      canopy_player_get_loop              (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_set_loop              (CanopyPlayer         *self,
                                                   gboolean              loop);
CANOPY_AVAILABLE_IN_ALL
gboolean      canopy_player_get_paused            (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_set_paused            (CanopyPlayer         *self,
                                                   gboolean              paused);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_pause                 (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_resume                (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_stop                  (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
gboolean      canopy_player_is_playing            (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
double        canopy_player_get_position          (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
double        canopy_player_get_duration          (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
guint64       canopy_player_get_frames_sent       (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
guint64       canopy_player_get_frames_left_out   (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
guint         canopy_player_get_loops_done        (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
double        canopy_player_get_lag               (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
double        canopy_player_get_max_lag           (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_map_channel           (CanopyPlayer         *self,
                                                   int                   log_channel,
                                                   int                   bus_channel);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_unmap_channel         (CanopyPlayer         *self,
                                                   int                   log_channel);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_clear_channel_map     (CanopyPlayer         *self);
CANOPY_AVAILABLE_IN_ALL
gboolean      canopy_player_lookup_channel        (CanopyPlayer         *self,
                                                   int                   log_channel,
                                                   int                  *bus_channel);
CANOPY_AVAILABLE_IN_ALL
gboolean      canopy_player_play_reader           (CanopyPlayer         *self,
                                                   CanopyLogReader      *reader,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_play_reader_async     (CanopyPlayer         *self,
                                                   CanopyLogReader      *reader,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
CANOPY_AVAILABLE_IN_ALL
gboolean      canopy_player_play_reader_finish    (CanopyPlayer         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
CANOPY_AVAILABLE_IN_ALL
gboolean      canopy_player_play_file             (CanopyPlayer         *self,
                                                   const char           *path,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
CANOPY_AVAILABLE_IN_ALL
void          canopy_player_play_file_async       (CanopyPlayer         *self,
                                                   const char           *path,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
CANOPY_AVAILABLE_IN_ALL
gboolean      canopy_player_play_file_finish      (CanopyPlayer         *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS

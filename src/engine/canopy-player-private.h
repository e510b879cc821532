/* canopy-player-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-log-reader.h"
#include "canopy-player.h"

#include "canopy-notify-private.h"

G_BEGIN_DECLS

/* Shared by canopy-player.c (the object and its API) and
 * canopy-player-replay.c (the replay loop and its timing). */

#define NOTIFY_INTERVAL_USEC (G_USEC_PER_SEC / 10)
#define SEND_TIMEOUT         0.25

struct _CanopyPlayer
{
  GObject       parent_instance;

  CanopyBus         *bus;
  CanopyNotifyQueue *notify;   /* under mutex */

  GMutex        mutex;
  GCond         cond;

  /* Settings: set from any thread, read by the playing thread per frame. */
  double        gap_ms;
  double        skip;
  double        speed;
  guint         ignore_timestamps : 1;
  guint         loop : 1;
  guint         paused : 1;
  GHashTable   *channel_map; /* log channel -> bus channel, GINT_TO_POINTER; NULL when empty */

  /* State of the current replay. */
  guint         playing : 1;
  guint         stop_requested : 1;
  guint         cancelled : 1;
  gint64        position_ns;
  gint64        duration_ns;   /* -1: not known (yet) */
  guint64       frames_sent;
  guint64       frames_left_out;
  guint         loops_done;
  gint64        lag_ns;
  gint64        max_lag_ns;
};

enum {
  PROP_0,
  PROP_BUS,
  PROP_IGNORE_TIMESTAMPS,
  PROP_GAP,
  PROP_SKIP,
  PROP_SPEED,
  PROP_LOOP,
  PROP_PAUSED,
  PROP_PLAYING,
  PROP_POSITION,
  PROP_DURATION,
  PROP_FRAMES_SENT,
  PROP_FRAMES_LEFT_OUT,
  PROP_LOOPS_DONE,
  PROP_LAG,
  PROP_MAX_LAG,
  N_PROPS
};

enum {
  MESSAGE_SENT,
  N_SIGNALS
};

/* Bits of CanopyPlayer.dirty: properties the playing thread changed. */
enum {
  DIRTY_PLAYING     = 1 << 0,
  DIRTY_POSITION    = 1 << 1,
  DIRTY_DURATION    = 1 << 2,
  DIRTY_FRAMES_SENT = 1 << 3,
  DIRTY_LOOPS_DONE  = 1 << 4,
  DIRTY_LEFT_OUT    = 1 << 5,
  DIRTY_LAG         = 1 << 6,
  DIRTY_MAX_LAG     = 1 << 7,
};

void     _canopy_player_mark_dirty_locked  (CanopyPlayer         *self,
                                            guint                 bits,
                                            gboolean              urgent);
void     _canopy_player_emit_message_sent  (CanopyPlayer         *self,
                                            const CanopyMessage  *msg);
gboolean _canopy_player_map_channel_locked (CanopyPlayer         *self,
                                            int                   log_channel,
                                            int                  *bus_channel);
gboolean _canopy_player_play               (CanopyPlayer         *self,
                                            CanopyLogReader      *reader,
                                            GCancellable         *cancellable,
                                            GError              **error);

G_END_DECLS

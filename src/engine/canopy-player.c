/* canopy-player.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include "canopy-error.h"
#include "canopy-player.h"

#include "canopy-clock-private.h"
#include "canopy-notify-private.h"
#include "canopy-player-private.h"
#include "canopy-sleep-private.h"

/**
 * CanopyPlayer:
 *
 * Replays a log onto a bus, python-can's `canplayer` (`MessageSync`): each
 * frame goes out at its recorded offset from the first frame, measured on
 * the monotonic clock from the moment the first frame was sent. Deadlines
 * are absolute, so a frame sent late never delays the ones after it.
 *
 * As canplayer, [property@Canopy.Player:ignore-timestamps] sends the frames
 * one after the other, [property@Canopy.Player:gap] keeps a minimum time
 * between frames and [property@Canopy.Player:skip] shortens long pauses of
 * the recording. [property@Canopy.Player:speed] plays faster or slower,
 * [property@Canopy.Player:loop] starts a file over at its end, and
 * [property@Canopy.Player:paused] holds the replay (the recorded timing
 * resumes where it stopped). A channel map
 * ([method@Canopy.Player.map_channel]) sends the frames of a log channel
 * on another channel of the bus and leaves out the channels it does not
 * name.
 *
 * Playing blocks ([method@Canopy.Player.play_file]) or runs on a worker
 * thread ([method@Canopy.Player.play_file_async]). Progress
 * ([property@Canopy.Player:position], [property@Canopy.Player:duration],
 * [property@Canopy.Player:frames-sent], [property@Canopy.Player:playing],
 * [property@Canopy.Player:lag]) is
 * notified on the main context that was the thread-default one when the
 * player was created, at most ten times a second, so a user interface can
 * bind to it directly.
 *
 * An asynchronous replay runs on a thread of its own, which switches to
 * real-time scheduling (`SCHED_FIFO`) where the environment variable
 * `CANOPY_REALTIME_PRIORITY` names a priority from 1 to 99 and the process
 * may use it.
 */



G_DEFINE_FINAL_TYPE (CanopyPlayer, canopy_player, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];


static const guint dirty_props[] = {
  PROP_PLAYING, PROP_POSITION, PROP_DURATION, PROP_FRAMES_SENT, PROP_LOOPS_DONE,
  PROP_FRAMES_LEFT_OUT, PROP_LAG, PROP_MAX_LAG,
};

/* With the mutex held, from any thread. Progress is coalesced to at most
 * one notification per NOTIFY_INTERVAL_USEC; @urgent changes (playing
 * started or ended) go at the next iteration of the main context. */
void
_canopy_player_mark_dirty_locked (CanopyPlayer *self,
                                  guint         bits,
                                  gboolean      urgent)
{
  if (self->notify == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (dirty_props); i++)
    {
      if (!(bits & (1u << i)))
        continue;
      if (urgent)
        _canopy_notify_queue_add_urgent (self->notify, properties[dirty_props[i]]);
      else
        _canopy_notify_queue_add (self->notify, properties[dirty_props[i]]);
    }
}

/* Per frame, from the playing thread: nothing is emitted (or copied)
 * unless someone listens. */
void
_canopy_player_emit_message_sent (CanopyPlayer        *self,
                                  const CanopyMessage *msg)
{
  if (g_signal_has_handler_pending (self, signals[MESSAGE_SENT], 0, TRUE))
    g_signal_emit (self, signals[MESSAGE_SENT], 0, msg);
}

static void
canopy_player_constructed (GObject *object)
{
  CanopyPlayer *self = CANOPY_PLAYER (object);
  CanopyNotifyQueue *notify;

  G_OBJECT_CLASS (canopy_player_parent_class)->constructed (object);

  notify = _canopy_notify_queue_new (object, NULL, NOTIFY_INTERVAL_USEC, NULL);

  g_mutex_lock (&self->mutex);
  self->notify = notify;
  g_mutex_unlock (&self->mutex);
}

static void
canopy_player_dispose (GObject *object)
{
  CanopyPlayer *self = CANOPY_PLAYER (object);
  CanopyNotifyQueue *notify;

  /* A playing thread marks progress under the mutex: after this it finds
   * no queue. */
  g_mutex_lock (&self->mutex);
  notify = g_steal_pointer (&self->notify);
  g_mutex_unlock (&self->mutex);

  g_clear_pointer (&notify, _canopy_notify_queue_free);

  g_clear_object (&self->bus);

  G_OBJECT_CLASS (canopy_player_parent_class)->dispose (object);
}

static void
canopy_player_finalize (GObject *object)
{
  CanopyPlayer *self = CANOPY_PLAYER (object);

  g_clear_pointer (&self->channel_map, g_hash_table_unref);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (canopy_player_parent_class)->finalize (object);
}

static void
canopy_player_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CanopyPlayer *self = CANOPY_PLAYER (object);

  switch (prop_id)
    {
    case PROP_BUS:
      g_value_set_object (value, self->bus);
      break;

    case PROP_IGNORE_TIMESTAMPS:
      g_value_set_boolean (value, canopy_player_get_ignore_timestamps (self));
      break;

    case PROP_GAP:
      g_value_set_double (value, canopy_player_get_gap (self));
      break;

    case PROP_SKIP:
      g_value_set_double (value, canopy_player_get_skip (self));
      break;

    case PROP_SPEED:
      g_value_set_double (value, canopy_player_get_speed (self));
      break;

    case PROP_LOOP:
      g_value_set_boolean (value, canopy_player_get_loop (self));
      break;

    case PROP_PAUSED:
      g_value_set_boolean (value, canopy_player_get_paused (self));
      break;

    case PROP_PLAYING:
      g_value_set_boolean (value, canopy_player_is_playing (self));
      break;

    case PROP_POSITION:
      g_value_set_double (value, canopy_player_get_position (self));
      break;

    case PROP_DURATION:
      g_value_set_double (value, canopy_player_get_duration (self));
      break;

    case PROP_FRAMES_SENT:
      g_value_set_uint64 (value, canopy_player_get_frames_sent (self));
      break;

    case PROP_FRAMES_LEFT_OUT:
      g_value_set_uint64 (value, canopy_player_get_frames_left_out (self));
      break;

    case PROP_LOOPS_DONE:
      g_value_set_uint (value, canopy_player_get_loops_done (self));
      break;

    case PROP_LAG:
      g_value_set_double (value, canopy_player_get_lag (self));
      break;

    case PROP_MAX_LAG:
      g_value_set_double (value, canopy_player_get_max_lag (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_player_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CanopyPlayer *self = CANOPY_PLAYER (object);

  switch (prop_id)
    {
    case PROP_BUS:
      self->bus = g_value_dup_object (value);
      break;

    case PROP_IGNORE_TIMESTAMPS:
      canopy_player_set_ignore_timestamps (self, g_value_get_boolean (value));
      break;

    case PROP_GAP:
      canopy_player_set_gap (self, g_value_get_double (value));
      break;

    case PROP_SKIP:
      canopy_player_set_skip (self, g_value_get_double (value));
      break;

    case PROP_SPEED:
      canopy_player_set_speed (self, g_value_get_double (value));
      break;

    case PROP_LOOP:
      canopy_player_set_loop (self, g_value_get_boolean (value));
      break;

    case PROP_PAUSED:
      canopy_player_set_paused (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_player_class_init (CanopyPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = canopy_player_constructed;
  object_class->dispose = canopy_player_dispose;
  object_class->finalize = canopy_player_finalize;
  object_class->get_property = canopy_player_get_property;
  object_class->set_property = canopy_player_set_property;

  /**
   * CanopyPlayer:bus:
   *
   * The bus the frames are replayed onto.
   */
  properties[PROP_BUS] =
    g_param_spec_object ("bus", NULL, NULL,
                         CANOPY_TYPE_BUS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:ignore-timestamps:
   *
   * Send the frames one after the other, only
   * [property@Canopy.Player:gap] apart, instead of at their recorded times.
   */
  properties[PROP_IGNORE_TIMESTAMPS] =
    g_param_spec_boolean ("ignore-timestamps", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:gap:
   *
   * The minimum time between two frames, in milliseconds (canplayer's
   * `-g`).
   */
  properties[PROP_GAP] =
    g_param_spec_double ("gap", NULL, NULL,
                         0, 3600 * 1000.0, 0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:skip:
   *
   * Recorded pauses longer than this many seconds are cut to this length
   * (canplayer's `-s`); 0 keeps every pause.
   */
  properties[PROP_SKIP] =
    g_param_spec_double ("skip", NULL, NULL,
                         0, G_MAXDOUBLE, 0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:speed:
   *
   * How much faster than recorded to replay: 2 plays twice as fast, 0.5 at
   * half speed. It may change while playing.
   */
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL,
                         1e-3, 1e6, 1.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:loop:
   *
   * Start over at the end of the file, until stopped. Applies to readers
   * that have a path (every reader opened from a file).
   */
  properties[PROP_LOOP] =
    g_param_spec_boolean ("loop", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:paused:
   *
   * Hold the replay; the recorded timing continues from the same point
   * when it is cleared.
   */
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:playing:
   *
   * Whether a replay is in progress (also while paused).
   */
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:position:
   *
   * Seconds of the recording replayed so far: the recorded offset of the
   * last frame sent from the first frame of the file (of this pass, when
   * looping).
   */
  properties[PROP_POSITION] =
    g_param_spec_double ("position", NULL, NULL,
                         0, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:duration:
   *
   * Seconds from the first to the last frame of the recording, or -1 while
   * not known: a file is measured on a separate thread as it starts
   * playing, a reader without a file at the end of its first pass.
   */
  properties[PROP_DURATION] =
    g_param_spec_double ("duration", NULL, NULL,
                         -1, G_MAXDOUBLE, -1,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:frames-sent:
   *
   * Frames sent in the current (or last) replay.
   */
  properties[PROP_FRAMES_SENT] =
    g_param_spec_uint64 ("frames-sent", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:frames-left-out:
   *
   * Frames of the log left out of the current (or last) replay: frames
   * no bus can carry (a standard identifier above 0x7FF, a remote CAN FD
   * frame, a length that is not a CAN length), and frames of a channel
   * that a non-empty channel map does not name.
   */
  properties[PROP_FRAMES_LEFT_OUT] =
    g_param_spec_uint64 ("frames-left-out", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:loops-done:
   *
   * How many times a looping replay reached the end of the file.
   */
  properties[PROP_LOOPS_DONE] =
    g_param_spec_uint ("loops-done", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:lag:
   *
   * How late the last frame went out, in milliseconds: the time the bus
   * took it minus the time the recording asked for (at
   * [property@Canopy.Player:speed], with the minimum gap, skipped pauses
   * and time spent paused taken into account). A machine that keeps up
   * stays well under a millisecond; a bus or a system that cannot follow
   * the recording lets it grow. Frames sent with
   * [property@Canopy.Player:ignore-timestamps] have no recorded time to
   * keep: their lag is 0.
   */
  properties[PROP_LAG] =
    g_param_spec_double ("lag", NULL, NULL,
                         0, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyPlayer:max-lag:
   *
   * The largest [property@Canopy.Player:lag] of the current (or last)
   * replay, in milliseconds.
   */
  properties[PROP_MAX_LAG] =
    g_param_spec_double ("max-lag", NULL, NULL,
                         0, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CanopyPlayer::message-sent:
   * @self: the player
   * @message: the frame just sent
   *
   * Emitted on the playing thread after each frame, only when someone
   * listens: the hook for printing frames as canplayer's `-v` does.
   */
  signals[MESSAGE_SENT] =
    g_signal_new ("message-sent",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1, CANOPY_TYPE_MESSAGE | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
canopy_player_init (CanopyPlayer *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->speed = 1.0;
  self->duration_ns = -1;
}

/**
 * canopy_player_new:
 * @bus: the bus to replay onto
 *
 * Creates a player. Its progress notifications arrive on the current
 * thread-default main context.
 *
 * Returns: (transfer full): a new player
 */
CanopyPlayer *
canopy_player_new (CanopyBus *bus)
{
  g_return_val_if_fail (CANOPY_IS_BUS (bus), NULL);

  return g_object_new (CANOPY_TYPE_PLAYER, "bus", bus, NULL);
}

/**
 * canopy_player_get_bus:
 * @self: a player
 *
 * Gets the bus the player replays onto.
 *
 * Returns: (transfer none): the bus frames are replayed onto
 */
CanopyBus *
canopy_player_get_bus (CanopyPlayer *self)
{
  g_return_val_if_fail (CANOPY_IS_PLAYER (self), NULL);
  return self->bus;
}

static gboolean
get_flag (CanopyPlayer *self,
          guint         flag)
{
  gboolean value;

  g_mutex_lock (&self->mutex);
  switch (flag)
    {
    case PROP_IGNORE_TIMESTAMPS: value = self->ignore_timestamps; break;
    case PROP_LOOP:              value = self->loop;              break;
    case PROP_PAUSED:            value = self->paused;            break;
    default:                     g_assert_not_reached ();
    }
  g_mutex_unlock (&self->mutex);

  return value;
}

/* Wakes the playing thread, which reads settings per frame. */
static void
set_flag (CanopyPlayer *self,
          guint         flag,
          gboolean      value)
{
  gboolean changed;

  value = !!value;

  g_mutex_lock (&self->mutex);
  switch (flag)
    {
    case PROP_IGNORE_TIMESTAMPS:
      changed = self->ignore_timestamps != (guint) value;
      self->ignore_timestamps = value;
      break;

    case PROP_LOOP:
      changed = self->loop != (guint) value;
      self->loop = value;
      break;

    case PROP_PAUSED:
      changed = self->paused != (guint) value;
      self->paused = value;
      break;

    default:
      g_assert_not_reached ();
    }
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[flag]);
}

static double
get_double (CanopyPlayer *self,
            const double *field)
{
  double value;

  g_mutex_lock (&self->mutex);
  value = *field;
  g_mutex_unlock (&self->mutex);

  return value;
}

/**
 * canopy_player_get_ignore_timestamps:
 * @self: a player
 *
 * Gets [property@Canopy.Player:ignore-timestamps].
 *
 * Returns: whether frames are sent one after the other
 */
gboolean
canopy_player_get_ignore_timestamps (CanopyPlayer *self)
{
  g_return_val_if_fail (CANOPY_IS_PLAYER (self), FALSE);
  return get_flag (self, PROP_IGNORE_TIMESTAMPS);
}

/**
 * canopy_player_set_ignore_timestamps:
 * @self: a player
 * @ignore_timestamps: whether to ignore the recorded timing
 *
 * Sets [property@Canopy.Player:ignore-timestamps].
 */
void
canopy_player_set_ignore_timestamps (CanopyPlayer *self,
                                     gboolean      ignore_timestamps)
{
  g_return_if_fail (CANOPY_IS_PLAYER (self));
  set_flag (self, PROP_IGNORE_TIMESTAMPS, ignore_timestamps);
}

/**
 * canopy_player_get_loop:
 * @self: a player
 *
 * Gets [property@Canopy.Player:loop].
 *
 * Returns: whether a file starts over at its end
 */
gboolean
canopy_player_get_loop (CanopyPlayer *self)
{
  g_return_val_if_fail (CANOPY_IS_PLAYER (self), FALSE);
  return get_flag (self, PROP_LOOP);
}

/**
 * canopy_player_set_loop:
 * @self: a player
 * @loop: whether to start over at the end
 *
 * Sets [property@Canopy.Player:loop].
 */
void
canopy_player_set_loop (CanopyPlayer *self,
                        gboolean      loop)
{
  g_return_if_fail (CANOPY_IS_PLAYER (self));
  set_flag (self, PROP_LOOP, loop);
}

/**
 * canopy_player_get_paused:
 * @self: a player
 *
 * Gets [property@Canopy.Player:paused].
 *
 * Returns: whether the replay is held
 */
gboolean
canopy_player_get_paused (CanopyPlayer *self)
{
  g_return_val_if_fail (CANOPY_IS_PLAYER (self), FALSE);
  return get_flag (self, PROP_PAUSED);
}

/**
 * canopy_player_set_paused:
 * @self: a player
 * @paused: whether to hold the replay
 *
 * Sets [property@Canopy.Player:paused]; may be called from any thread.
 */
void
canopy_player_set_paused (CanopyPlayer *self,
                          gboolean      paused)
{
  g_return_if_fail (CANOPY_IS_PLAYER (self));
  set_flag (self, PROP_PAUSED, paused);
}

/**
 * canopy_player_get_gap:
 * @self: a player
 *
 * Gets [property@Canopy.Player:gap].
 *
 * Returns: the minimum time between frames, in milliseconds
 */
double
canopy_player_get_gap (CanopyPlayer *self)
{
  g_return_val_if_fail (CANOPY_IS_PLAYER (self), 0);
  return get_double (self, &self->gap_ms);
}

/**
 * canopy_player_get_skip:
 * @self: a player
 *
 * Gets [property@Canopy.Player:skip].
 *
 * Returns: the longest recorded pause replayed, in seconds; 0 for all
 */
double
canopy_player_get_skip (CanopyPlayer *self)
{
  g_return_val_if_fail (CANOPY_IS_PLAYER (self), 0);
  return get_double (self, &self->skip);
}

/**
 * canopy_player_get_speed:
 * @self: a player
 *
 * Gets [property@Canopy.Player:speed].
 *
 * Returns: the replay speed factor
 */
double
canopy_player_get_speed (CanopyPlayer *self)
{
  g_return_val_if_fail (CANOPY_IS_PLAYER (self), 1.0);
  return get_double (self, &self->speed);
}

static void
set_double (CanopyPlayer *self,
            double       *field,
            double        value,
            guint         prop)
{
  gboolean changed;

  g_mutex_lock (&self->mutex);
  changed = *field != value;
  *field = value;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/**
 * canopy_player_set_gap:
 * @self: a player
 * @gap_ms: the minimum time between frames, in milliseconds
 *
 * Sets [property@Canopy.Player:gap].
 */
void
canopy_player_set_gap (CanopyPlayer *self,
                       double        gap_ms)
{
  g_return_if_fail (CANOPY_IS_PLAYER (self));
  g_return_if_fail (isfinite (gap_ms) && gap_ms >= 0);

  set_double (self, &self->gap_ms, gap_ms, PROP_GAP);
}

/**
 * canopy_player_set_skip:
 * @self: a player
 * @skip: seconds; 0 keeps every pause
 *
 * Sets [property@Canopy.Player:skip].
 */
void
canopy_player_set_skip (CanopyPlayer *self,
                        double        skip)
{
  g_return_if_fail (CANOPY_IS_PLAYER (self));
  g_return_if_fail (!isnan (skip) && skip >= 0);

  set_double (self, &self->skip, isfinite (skip) ? skip : 0, PROP_SKIP);
}

/**
 * canopy_player_set_speed:
 * @self: a player
 * @speed: the speed factor, greater than 0
 *
 * Sets [property@Canopy.Player:speed]; takes effect from the next frame.
 */
void
canopy_player_set_speed (CanopyPlayer *self,
                         double        speed)
{
  g_return_if_fail (CANOPY_IS_PLAYER (self));
  g_return_if_fail (isfinite (speed) && speed > 0);

  set_double (self, &self->speed, CLAMP (speed, 1e-3, 1e6), PROP_SPEED);
}

/**
 * canopy_player_pause:
 * @self: a player
 *
 * Holds the replay; canopy_player_resume() continues it.
 */
void
canopy_player_pause (CanopyPlayer *self)
{
  canopy_player_set_paused (self, TRUE);
}

/**
 * canopy_player_resume:
 * @self: a player
 *
 * Continues a held replay with the recorded timing from where it stopped.
 */
void
canopy_player_resume (CanopyPlayer *self)
{
  canopy_player_set_paused (self, FALSE);
}

/**
 * canopy_player_stop:
 * @self: a player
 *
 * Ends the current replay early; the play call returns %TRUE. Any thread
 * may call it.
 */
void
canopy_player_stop (CanopyPlayer *self)
{
  g_return_if_fail (CANOPY_IS_PLAYER (self));

  g_mutex_lock (&self->mutex);
  if (self->playing)
    self->stop_requested = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/**
 * canopy_player_is_playing:
 * @self: a player
 *
 * Tells whether a replay is in progress (also while paused).
 *
 * Returns: whether a replay is in progress
 */
gboolean
canopy_player_is_playing (CanopyPlayer *self)
{
  gboolean playing;

  g_return_val_if_fail (CANOPY_IS_PLAYER (self), FALSE);

  g_mutex_lock (&self->mutex);
  playing = self->playing;
  g_mutex_unlock (&self->mutex);

  return playing;
}

/**
 * canopy_player_get_position:
 * @self: a player
 *
 * Gets how far the replay is into the recording, see
 * [property@Canopy.Player:position].
 *
 * Returns: the seconds of the recording replayed, see
 *   [property@Canopy.Player:position]
 */
double
canopy_player_get_position (CanopyPlayer *self)
{
  gint64 position;

  g_return_val_if_fail (CANOPY_IS_PLAYER (self), 0);

  g_mutex_lock (&self->mutex);
  position = self->position_ns;
  g_mutex_unlock (&self->mutex);

  return MAX (0, position) / 1e9;
}

/**
 * canopy_player_get_duration:
 * @self: a player
 *
 * Gets the length of the recording, see
 * [property@Canopy.Player:duration].
 *
 * Returns: the length of the recording in seconds, or -1 while not known
 */
double
canopy_player_get_duration (CanopyPlayer *self)
{
  gint64 duration;

  g_return_val_if_fail (CANOPY_IS_PLAYER (self), -1);

  g_mutex_lock (&self->mutex);
  duration = self->duration_ns;
  g_mutex_unlock (&self->mutex);

  return duration < 0 ? -1 : duration / 1e9;
}

/**
 * canopy_player_get_frames_sent:
 * @self: a player
 *
 * Counts the frames sent by the current or last replay.
 *
 * Returns: the frames sent in the current or last replay
 */
guint64
canopy_player_get_frames_sent (CanopyPlayer *self)
{
  guint64 n;

  g_return_val_if_fail (CANOPY_IS_PLAYER (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->frames_sent;
  g_mutex_unlock (&self->mutex);

  return n;
}

/**
 * canopy_player_get_frames_left_out:
 * @self: a player
 *
 * Counts the frames of the log left out because no bus can carry them; see
 * [property@Canopy.Player:frames-left-out].
 *
 * Returns: the frames left out of the current or last replay
 */
guint64
canopy_player_get_frames_left_out (CanopyPlayer *self)
{
  guint64 n;

  g_return_val_if_fail (CANOPY_IS_PLAYER (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->frames_left_out;
  g_mutex_unlock (&self->mutex);

  return n;
}

/**
 * canopy_player_get_loops_done:
 * @self: a player
 *
 * Counts how often a looping replay reached the end of its file.
 *
 * Returns: how often a looping replay reached the end of its file
 */
guint
canopy_player_get_loops_done (CanopyPlayer *self)
{
  guint n;

  g_return_val_if_fail (CANOPY_IS_PLAYER (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->loops_done;
  g_mutex_unlock (&self->mutex);

  return n;
}

/**
 * canopy_player_get_lag:
 * @self: a player
 *
 * Gets how late the last frame went out, see
 * [property@Canopy.Player:lag].
 *
 * Returns: the lag of the last frame sent, in milliseconds
 */
double
canopy_player_get_lag (CanopyPlayer *self)
{
  gint64 lag;

  g_return_val_if_fail (CANOPY_IS_PLAYER (self), 0);

  g_mutex_lock (&self->mutex);
  lag = self->lag_ns;
  g_mutex_unlock (&self->mutex);

  return lag / 1e6;
}

/**
 * canopy_player_get_max_lag:
 * @self: a player
 *
 * Gets the largest lag of the current or last replay, see
 * [property@Canopy.Player:max-lag].
 *
 * Returns: the largest lag of a frame, in milliseconds
 */
double
canopy_player_get_max_lag (CanopyPlayer *self)
{
  gint64 lag;

  g_return_val_if_fail (CANOPY_IS_PLAYER (self), 0);

  g_mutex_lock (&self->mutex);
  lag = self->max_lag_ns;
  g_mutex_unlock (&self->mutex);

  return lag / 1e6;
}

static gboolean
is_channel (int channel)
{
  return channel >= CANOPY_CHANNEL_NONE && channel <= G_MAXINT16;
}

/**
 * canopy_player_map_channel:
 * @self: a player
 * @log_channel: a channel of the log, or %CANOPY_CHANNEL_NONE for frames
 *   that name none
 * @bus_channel: the channel to send them on, or %CANOPY_CHANNEL_NONE
 *
 * Sends the frames recorded on @log_channel with @bus_channel as their
 * channel, replacing an earlier mapping of @log_channel. Once the map
 * names a channel, frames of channels it does not name are left out
 * (counted in [property@Canopy.Player:frames-left-out]), as canplayer does
 * with interface assignments; an empty map sends every frame as recorded.
 *
 * Channels are the indices of [struct@Canopy.Message] (an ASC or BLF
 * channel 1 is index 0). The map may change while playing: it applies
 * from the next frame.
 */
void
canopy_player_map_channel (CanopyPlayer *self,
                           int           log_channel,
                           int           bus_channel)
{
  g_return_if_fail (CANOPY_IS_PLAYER (self));
  g_return_if_fail (is_channel (log_channel));
  g_return_if_fail (is_channel (bus_channel));

  g_mutex_lock (&self->mutex);
  if (self->channel_map == NULL)
    self->channel_map = g_hash_table_new (NULL, NULL);
  g_hash_table_insert (self->channel_map, GINT_TO_POINTER (log_channel), GINT_TO_POINTER (bus_channel));
  g_mutex_unlock (&self->mutex);
}

/**
 * canopy_player_unmap_channel:
 * @self: a player
 * @log_channel: a channel of the log
 *
 * Removes the mapping of @log_channel, see
 * canopy_player_map_channel(). While other channels stay mapped, the
 * frames of @log_channel are then left out.
 */
void
canopy_player_unmap_channel (CanopyPlayer *self,
                             int           log_channel)
{
  g_return_if_fail (CANOPY_IS_PLAYER (self));

  g_mutex_lock (&self->mutex);
  if (self->channel_map != NULL)
    {
      g_hash_table_remove (self->channel_map, GINT_TO_POINTER (log_channel));
      if (g_hash_table_size (self->channel_map) == 0)
        g_clear_pointer (&self->channel_map, g_hash_table_unref);
    }
  g_mutex_unlock (&self->mutex);
}

/**
 * canopy_player_clear_channel_map:
 * @self: a player
 *
 * Removes every channel mapping: frames go out on the channels they were
 * recorded on.
 */
void
canopy_player_clear_channel_map (CanopyPlayer *self)
{
  g_return_if_fail (CANOPY_IS_PLAYER (self));

  g_mutex_lock (&self->mutex);
  g_clear_pointer (&self->channel_map, g_hash_table_unref);
  g_mutex_unlock (&self->mutex);
}

/**
 * canopy_player_lookup_channel:
 * @self: a player
 * @log_channel: a channel of the log
 * @bus_channel: (out) (optional): the channel its frames are sent on, or
 *   %CANOPY_CHANNEL_NONE when they are left out
 *
 * Tells where the frames of @log_channel go: on @bus_channel, or nowhere
 * when a non-empty channel map does not name @log_channel.
 *
 * Returns: %TRUE if frames of @log_channel are sent; %FALSE if they are
 *   left out
 */
gboolean
canopy_player_lookup_channel (CanopyPlayer *self,
                              int           log_channel,
                              int          *bus_channel)
{
  int mapped = CANOPY_CHANNEL_NONE;
  gboolean sent;

  g_return_val_if_fail (CANOPY_IS_PLAYER (self), FALSE);

  g_mutex_lock (&self->mutex);
  sent = _canopy_player_map_channel_locked (self, log_channel, &mapped);
  g_mutex_unlock (&self->mutex);

  if (bus_channel != NULL)
    *bus_channel = sent ? mapped : CANOPY_CHANNEL_NONE;

  return sent;
}

/* With the mutex held, per frame: no allocation. */
gboolean
_canopy_player_map_channel_locked (CanopyPlayer *self,
                                   int           log_channel,
                                   int          *bus_channel)
{
  gpointer value;

  if (self->channel_map == NULL)
    {
      *bus_channel = log_channel;
      return TRUE;
    }

  if (!g_hash_table_lookup_extended (self->channel_map, GINT_TO_POINTER (log_channel), NULL, &value))
    return FALSE;

  *bus_channel = GPOINTER_TO_INT (value);
  return TRUE;
}

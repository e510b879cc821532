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
 * resumes where it stopped).
 *
 * Playing blocks ([method@Canopy.Player.play_file]) or runs on a worker
 * thread ([method@Canopy.Player.play_file_async]). Progress
 * ([property@Canopy.Player:position], [property@Canopy.Player:duration],
 * [property@Canopy.Player:frames-sent], [property@Canopy.Player:playing]) is
 * notified on the main context that was the thread-default one when the
 * player was created, at most ten times a second, so a user interface can
 * bind to it directly.
 *
 * An asynchronous replay runs on a thread of its own, which switches to
 * real-time scheduling (`SCHED_FIFO`) where the environment variable
 * `CANOPY_REALTIME_PRIORITY` names a priority from 1 to 99 and the process
 * may use it.
 */

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

  /* State of the current replay. */
  guint         playing : 1;
  guint         stop_requested : 1;
  guint         cancelled : 1;
  gint64        position_ns;
  gint64        duration_ns;   /* -1: not known (yet) */
  guint64       frames_sent;
  guint64       frames_left_out;
  guint         loops_done;
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
  N_PROPS
};

enum {
  MESSAGE_SENT,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CanopyPlayer, canopy_player, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Bits of CanopyPlayer.dirty: properties the playing thread changed. */
enum {
  DIRTY_PLAYING     = 1 << 0,
  DIRTY_POSITION    = 1 << 1,
  DIRTY_DURATION    = 1 << 2,
  DIRTY_FRAMES_SENT = 1 << 3,
  DIRTY_LOOPS_DONE  = 1 << 4,
  DIRTY_LEFT_OUT    = 1 << 5,
};

static const guint dirty_props[] = {
  PROP_PLAYING, PROP_POSITION, PROP_DURATION, PROP_FRAMES_SENT, PROP_LOOPS_DONE,
  PROP_FRAMES_LEFT_OUT,
};

/* With the mutex held, from any thread. Progress is coalesced to at most
 * one notification per NOTIFY_INTERVAL_USEC; @urgent changes (playing
 * started or ended) go at the next iteration of the main context. */
static void
mark_dirty_locked (CanopyPlayer *self,
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

/* The duration of a file is only known at its end: a second reader finds
 * it on a thread of its own while the first one plays. */
typedef struct
{
  CanopyPlayer *self;
  char         *path;
  GCancellable *cancellable;
  GThread      *thread;
} DurationScan;

static gpointer
duration_scan_thread (gpointer data)
{
  DurationScan *scan = data;
  g_autoptr(CanopyLogReader) reader = NULL;
  CanopyMessage msg;
  gint64 first = 0, last = 0;
  guint64 n = 0;

  if (!(reader = canopy_log_reader_new_for_file (scan->path, NULL)))
    return NULL;

  while (canopy_log_reader_next (reader, &msg, NULL))
    {
      if (n++ == 0)
        first = msg.timestamp_ns;
      last = msg.timestamp_ns;

      if ((n & 0xfff) == 0 && g_cancellable_is_cancelled (scan->cancellable))
        return NULL;
    }

  g_mutex_lock (&scan->self->mutex);
  if (scan->self->duration_ns < 0)
    {
      scan->self->duration_ns = n > 0 ? MAX (0, last - first) : 0;
      mark_dirty_locked (scan->self, DIRTY_DURATION, FALSE);
    }
  g_mutex_unlock (&scan->self->mutex);

  return NULL;
}

static DurationScan *
duration_scan_start (CanopyPlayer *self,
                     const char   *path)
{
  DurationScan *scan = g_new0 (DurationScan, 1);

  scan->self = self;
  scan->path = g_strdup (path);
  scan->cancellable = g_cancellable_new ();
  scan->thread = g_thread_new ("canopy-player-scan", duration_scan_thread, scan);

  return scan;
}

static void
duration_scan_finish (DurationScan *scan)
{
  g_cancellable_cancel (scan->cancellable);
  g_thread_join (scan->thread);
  g_object_unref (scan->cancellable);
  g_free (scan->path);
  g_free (scan);
}

static void
on_cancelled (GCancellable *cancellable,
              CanopyPlayer *self)
{
  g_mutex_lock (&self->mutex);
  self->cancelled = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/* The replay's timeline, in monotonic nanoseconds. */
typedef struct
{
  gint64  prev_target;
  gint64  prev_rec;      /* recorded offset of the previous frame, skips removed */
  gint64  anchor_real;   /* recorded offset anchor_rec is due at anchor_real */
  gint64  anchor_rec;
  double  anchor_speed;
} Timeline;

/* With the mutex held: waits until @target, honouring pause, stop and
 * cancellation. Returns with the mutex released, FALSE if the replay ends. */
static gboolean
wait_until (CanopyPlayer *self,
            Timeline     *timeline,
            gint64       *target)
{
  for (;;)
    {
      gint64 now;

      if (self->cancelled || self->stop_requested)
        {
          g_mutex_unlock (&self->mutex);
          return FALSE;
        }

      if (self->paused)
        {
          gint64 paused_at = _canopy_clock_monotonic_ns ();
          gint64 shift;

          while (self->paused && !self->cancelled && !self->stop_requested)
            g_cond_wait (&self->cond, &self->mutex);

          /* The recording resumes where it stopped. */
          shift = _canopy_clock_monotonic_ns () - paused_at;
          *target += shift;
          timeline->prev_target += shift;
          timeline->anchor_real += shift;
          continue;
        }

      now = _canopy_clock_monotonic_ns ();
      if (*target - now > CANOPY_SLEEP_GUARD_NS)
        {
          _canopy_cond_wait_until_ns (&self->cond, &self->mutex, *target - CANOPY_SLEEP_GUARD_NS);
          continue;
        }

      g_mutex_unlock (&self->mutex);
      if (now < *target)
        _canopy_sleep_until_ns (*target);
      return TRUE;
    }
}

static gboolean
send_frame (CanopyPlayer         *self,
            const CanopyMessage  *msg,
            GError              **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean stop;

      if (canopy_bus_send (self->bus, msg, SEND_TIMEOUT, &local_error))
        return TRUE;

      if (!g_error_matches (local_error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      /* A full transmit queue: keep trying unless asked to end. */
      g_mutex_lock (&self->mutex);
      stop = self->cancelled || self->stop_requested;
      g_mutex_unlock (&self->mutex);
      if (stop)
        return TRUE;
    }
}

static gboolean
play_passes (CanopyPlayer     *self,
             CanopyLogReader  *reader,
             const char       *path,
             GError          **error)
{
  g_autoptr(CanopyLogReader) current = g_object_ref (reader);
  Timeline timeline = { 0 };
  gboolean have_prev = FALSE;
  gboolean pass_start = TRUE;
  gint64 first_ts = 0, prev_ts = 0, skipped = 0, last_ts = 0;
  guint64 pass_frames = 0;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      CanopyMessage msg;
      gint64 gap_ns, skip_ns, rec, target, now;
      gboolean ignore_timestamps;
      double speed;

      if (!canopy_log_reader_next (current, &msg, &local_error))
        {
          gboolean again;

          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }

          g_mutex_lock (&self->mutex);
          if (self->duration_ns < 0)
            {
              self->duration_ns = pass_frames > 0 ? MAX (0, last_ts - first_ts) : 0;
              mark_dirty_locked (self, DIRTY_DURATION, FALSE);
            }
          again = self->loop && path != NULL && pass_frames > 0 &&
                  !self->stop_requested && !self->cancelled;
          if (again)
            {
              self->loops_done++;
              mark_dirty_locked (self, DIRTY_LOOPS_DONE, FALSE);
            }
          g_mutex_unlock (&self->mutex);

          if (!again)
            return TRUE;

          g_clear_object (&current);
          if (!(current = canopy_log_reader_new_for_file (path, error)))
            return FALSE;
          pass_start = TRUE;
          pass_frames = 0;
          continue;
        }

      /* Frames no bus can carry (a standard id above 0x7FF, a remote CAN
       * FD frame: python-can's own test logs have them) are left out and
       * counted, rather than ending the replay. */
      if (!canopy_message_validate (&msg, &local_error))
        {
          g_debug ("Player leaves out a frame: %s", local_error->message);
          g_mutex_lock (&self->mutex);
          self->frames_left_out++;
          mark_dirty_locked (self, DIRTY_LEFT_OUT, FALSE);
          g_mutex_unlock (&self->mutex);
          continue;
        }

      g_mutex_lock (&self->mutex);
      gap_ns = (gint64) llround (self->gap_ms * 1e6);
      skip_ns = (gint64) llround (self->skip * 1e9);
      speed = self->speed;
      ignore_timestamps = self->ignore_timestamps;
      now = _canopy_clock_monotonic_ns ();

      if (pass_start)
        {
          first_ts = prev_ts = msg.timestamp_ns;
          skipped = 0;
        }
      else if (skip_ns > 0 && msg.timestamp_ns - prev_ts > skip_ns)
        {
          skipped += msg.timestamp_ns - prev_ts - skip_ns;
        }
      rec = msg.timestamp_ns - first_ts - skipped;

      if (pass_start || ignore_timestamps)
        {
          if (!have_prev)
            target = now;
          else if (pass_start)
            target = MAX (now, timeline.prev_target + gap_ns);
          else
            target = timeline.prev_target + gap_ns;
          /* Timestamps (again) count from here. */
          timeline.anchor_real = target;
          timeline.anchor_rec = rec;
          timeline.anchor_speed = speed;
        }
      else
        {
          if (speed != timeline.anchor_speed)
            {
              /* A new speed applies from the previous frame on. */
              timeline.anchor_real = timeline.prev_target;
              timeline.anchor_rec = timeline.prev_rec;
              timeline.anchor_speed = speed;
            }

          if (speed == 1.0)
            target = timeline.anchor_real + (rec - timeline.anchor_rec);
          else
            target = timeline.anchor_real + (gint64) llround ((double) (rec - timeline.anchor_rec) / speed);

          target = MAX (target, timeline.prev_target + gap_ns);
        }

      pass_start = FALSE;
      prev_ts = msg.timestamp_ns;

      if (!wait_until (self, &timeline, &target))
        return TRUE;

      if (!send_frame (self, &msg, error))
        return FALSE;

      timeline.prev_target = target;
      timeline.prev_rec = rec;
      have_prev = TRUE;
      last_ts = MAX (last_ts, msg.timestamp_ns);
      pass_frames++;

      g_mutex_lock (&self->mutex);
      self->frames_sent++;
      self->position_ns = msg.timestamp_ns - first_ts;
      mark_dirty_locked (self, DIRTY_POSITION | DIRTY_FRAMES_SENT, FALSE);
      g_mutex_unlock (&self->mutex);

      if (g_signal_has_handler_pending (self, signals[MESSAGE_SENT], 0, TRUE))
        g_signal_emit (self, signals[MESSAGE_SENT], 0, &msg);
    }
}

static gboolean
play (CanopyPlayer     *self,
      CanopyLogReader  *reader,
      GCancellable     *cancellable,
      GError          **error)
{
  DurationScan *scan = NULL;
  const char *path;
  gulong cancelled_id = 0;
  gboolean ok;

  g_mutex_lock (&self->mutex);
  if (self->playing)
    {
      g_mutex_unlock (&self->mutex);
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_FAILED,
                           "The player is already playing");
      return FALSE;
    }
  self->playing = TRUE;
  self->stop_requested = FALSE;
  self->cancelled = FALSE;
  self->position_ns = 0;
  self->duration_ns = -1;
  self->frames_sent = 0;
  self->frames_left_out = 0;
  self->loops_done = 0;
  mark_dirty_locked (self, DIRTY_PLAYING | DIRTY_POSITION | DIRTY_DURATION |
                           DIRTY_FRAMES_SENT | DIRTY_LOOPS_DONE | DIRTY_LEFT_OUT, TRUE);
  g_mutex_unlock (&self->mutex);

  if (cancellable != NULL)
    cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);

  path = canopy_log_reader_get_path (reader);
  if (path != NULL)
    scan = duration_scan_start (self, path);

  ok = play_passes (self, reader, path, error);

  g_clear_pointer (&scan, duration_scan_finish);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, cancelled_id);

  if (ok && g_cancellable_set_error_if_cancelled (cancellable, error))
    ok = FALSE;

  g_mutex_lock (&self->mutex);
  self->playing = FALSE;
  mark_dirty_locked (self, DIRTY_PLAYING | DIRTY_POSITION | DIRTY_FRAMES_SENT, TRUE);
  g_mutex_unlock (&self->mutex);

  return ok;
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
   * Frames of the log that no bus can carry (a standard identifier above
   * 0x7FF, a remote CAN FD frame, a length that is not a CAN length), left
   * out of the current (or last) replay.
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
 * canopy_player_play_reader:
 * @self: a player
 * @reader: the frames to replay
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Replays @reader onto the bus and returns when it ends, when
 * canopy_player_stop() is called or when @cancellable is cancelled. A
 * reader opened from a file starts over at its end with
 * [property@Canopy.Player:loop].
 *
 * Returns: %TRUE if the replay ended (at the end or stopped); %FALSE with
 *   @error set on a damaged log, a failing bus, or cancellation
 */
gboolean
canopy_player_play_reader (CanopyPlayer     *self,
                           CanopyLogReader  *reader,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_return_val_if_fail (CANOPY_IS_PLAYER (self), FALSE);
  g_return_val_if_fail (CANOPY_IS_LOG_READER (reader), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return play (self, reader, cancellable, error);
}

/**
 * canopy_player_play_file:
 * @self: a player
 * @path: (type filename): the log file to replay, of any format
 *   canopy_log_reader_new_for_file() opens
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Replays the file onto the bus and returns when it ends; see
 * canopy_player_play_reader().
 *
 * Returns: %TRUE if the replay ended; %FALSE with @error set
 */
gboolean
canopy_player_play_file (CanopyPlayer  *self,
                         const char    *path,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(CanopyLogReader) reader = NULL;

  g_return_val_if_fail (CANOPY_IS_PLAYER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(reader = canopy_log_reader_new_for_file (path, error)))
    return FALSE;

  return play (self, reader, cancellable, error);
}

typedef struct
{
  CanopyLogReader *reader;
  char            *path;
} PlayData;

static void
play_data_free (PlayData *data)
{
  g_clear_object (&data->reader);
  g_free (data->path);
  g_free (data);
}

/* A replay thread of its own, not one of GIO's pool: it may run for hours,
 * and it may ask for real-time scheduling. */
static gpointer
play_thread (gpointer data)
{
  g_autoptr(GTask) task = data;
  CanopyPlayer *self = g_task_get_source_object (task);
  PlayData *play_data = g_task_get_task_data (task);
  GError *error = NULL;

  _canopy_sleep_request_realtime ();

  if (play_data->reader == NULL &&
      !(play_data->reader = canopy_log_reader_new_for_file (play_data->path, &error)))
    {
      g_task_return_error (task, error);
      return NULL;
    }

  if (play (self, play_data->reader, g_task_get_cancellable (task), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);

  return NULL;
}

static void
play_async (CanopyPlayer        *self,
            CanopyLogReader     *reader,
            const char          *path,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            gpointer             source_tag)
{
  GTask *task;
  PlayData *data;

  data = g_new0 (PlayData, 1);
  data->reader = reader ? g_object_ref (reader) : NULL;
  data->path = g_strdup (path);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[canopy] player");
  g_task_set_task_data (task, data, (GDestroyNotify) play_data_free);

  g_thread_unref (g_thread_new ("canopy-player", play_thread, task));
}

/**
 * canopy_player_play_reader_async:
 * @self: a player
 * @reader: the frames to replay
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the replay ends
 * @user_data: (closure callback): data for @callback
 *
 * Replays @reader on a worker thread; see canopy_player_play_reader().
 */
void
canopy_player_play_reader_async (CanopyPlayer        *self,
                                 CanopyLogReader     *reader,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (CANOPY_IS_PLAYER (self));
  g_return_if_fail (CANOPY_IS_LOG_READER (reader));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  play_async (self, reader, NULL, cancellable, callback, user_data,
              canopy_player_play_reader_async);
}

/**
 * canopy_player_play_reader_finish:
 * @self: a player
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes canopy_player_play_reader_async().
 *
 * Returns: %TRUE if the replay ended; %FALSE with @error set
 */
gboolean
canopy_player_play_reader_finish (CanopyPlayer  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (CANOPY_IS_PLAYER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * canopy_player_play_file_async:
 * @self: a player
 * @path: (type filename): the log file to replay
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the replay ends
 * @user_data: (closure callback): data for @callback
 *
 * Replays the file on a worker thread; see canopy_player_play_file().
 */
void
canopy_player_play_file_async (CanopyPlayer        *self,
                               const char          *path,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CANOPY_IS_PLAYER (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  play_async (self, NULL, path, cancellable, callback, user_data,
              canopy_player_play_file_async);
}

/**
 * canopy_player_play_file_finish:
 * @self: a player
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Finishes canopy_player_play_file_async().
 *
 * Returns: %TRUE if the replay ended; %FALSE with @error set
 */
gboolean
canopy_player_play_file_finish (CanopyPlayer  *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (CANOPY_IS_PLAYER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

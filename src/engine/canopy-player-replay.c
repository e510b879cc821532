/* canopy-player-replay.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include "canopy-error.h"
#include "canopy-player.h"

#include "canopy-clock-private.h"
#include "canopy-player-private.h"
#include "canopy-sleep-private.h"

/* The replay: frames read from a log reader go out onto the bus at their
 * recorded offsets (absolute deadlines on the monotonic clock), with the
 * player's settings read per frame; a second reader finds the duration
 * meanwhile. The play functions, blocking and on a worker thread, are
 * here; the object, its settings and progress are in canopy-player.c. */

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
      _canopy_player_mark_dirty_locked (scan->self, DIRTY_DURATION, FALSE);
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
      gint64 gap_ns, skip_ns, rec, target, now, sent_at;
      gboolean ignore_timestamps;
      int bus_channel;
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
              _canopy_player_mark_dirty_locked (self, DIRTY_DURATION, FALSE);
            }
          again = self->loop && path != NULL && pass_frames > 0 &&
                  !self->stop_requested && !self->cancelled;
          if (again)
            {
              self->loops_done++;
              _canopy_player_mark_dirty_locked (self, DIRTY_LOOPS_DONE, FALSE);
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
          _canopy_player_mark_dirty_locked (self, DIRTY_LEFT_OUT, FALSE);
          g_mutex_unlock (&self->mutex);
          continue;
        }

      g_mutex_lock (&self->mutex);
      if (!_canopy_player_map_channel_locked (self, msg.channel, &bus_channel))
        {
          self->frames_left_out++;
          _canopy_player_mark_dirty_locked (self, DIRTY_LEFT_OUT, FALSE);
          g_mutex_unlock (&self->mutex);
          continue;
        }
      msg.channel = (gint16) bus_channel;
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
      sent_at = _canopy_clock_monotonic_ns ();

      timeline.prev_target = target;
      timeline.prev_rec = rec;
      have_prev = TRUE;
      last_ts = MAX (last_ts, msg.timestamp_ns);
      pass_frames++;

      g_mutex_lock (&self->mutex);
      self->frames_sent++;
      self->position_ns = msg.timestamp_ns - first_ts;
      /* Without timestamps no time is asked for, so none is missed. */
      self->lag_ns = ignore_timestamps ? 0 : MAX (0, sent_at - target);
      self->max_lag_ns = MAX (self->max_lag_ns, self->lag_ns);
      _canopy_player_mark_dirty_locked (self, DIRTY_POSITION | DIRTY_FRAMES_SENT |
                                        DIRTY_LAG | DIRTY_MAX_LAG, FALSE);
      g_mutex_unlock (&self->mutex);

      _canopy_player_emit_message_sent (self, &msg);
    }
}

gboolean
_canopy_player_play (CanopyPlayer     *self,
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
  self->lag_ns = 0;
  self->max_lag_ns = 0;
  _canopy_player_mark_dirty_locked (self, DIRTY_PLAYING | DIRTY_POSITION | DIRTY_DURATION |
                           DIRTY_FRAMES_SENT | DIRTY_LOOPS_DONE | DIRTY_LEFT_OUT |
                           DIRTY_LAG | DIRTY_MAX_LAG, TRUE);
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
  _canopy_player_mark_dirty_locked (self, DIRTY_PLAYING | DIRTY_POSITION | DIRTY_FRAMES_SENT |
                                    DIRTY_LAG | DIRTY_MAX_LAG, TRUE);
  g_mutex_unlock (&self->mutex);

  return ok;
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

  return _canopy_player_play (self, reader, cancellable, error);
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

  return _canopy_player_play (self, reader, cancellable, error);
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

  if (_canopy_player_play (self, play_data->reader, g_task_get_cancellable (task), &error))
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

/* canopy-recorder.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "canopy-recorder.h"
#include "canopy-trace-format.h"

/* The Record toggle's engine side: a rotating log writer that listens to
 * the connection's notifier, so every frame is written on the notifier's
 * thread (what the trace gets, paused or not), never on the main thread.
 * Creating the file and closing it (flushing, BLF statistics, a gzip
 * trailer) run in GTask threads; while a file closes, the application is
 * held, so quitting right after Stop still leaves a complete file.
 *
 * An existing recording is never overwritten: when the chosen file (or the
 * first rotated part of it) exists, the recording goes to NAME_2.EXT,
 * NAME_3.EXT, … (canopy_recorder_find_free_path()); the status line names
 * the file actually written. */

#define TICK_INTERVAL_MS 250
#define MAX_ALTERNATIVES 9999

struct _CanopyRecorder
{
  GObject           parent_instance;

  CanopyConnection *connection;
  /* While recording: the connection the writer listens to. */
  CanopyConnection *recording_on;
  CanopyLogWriter  *writer;
  /* While the file is being created. */
  GCancellable     *opening;
  /* The last recording's writer while it closes: then the status line
   * gives its final count. */
  CanopyLogWriter  *closing;

  char             *path;
  /* The first file of the recording, and how many there are. */
  char             *first_path;
  guint             n_files;
  guint64           frames;
  char             *summary;
  guint             tick_source;
};

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_RECORDING,
  PROP_PATH,
  PROP_FRAMES,
  PROP_SUMMARY,
  N_PROPS
};

enum {
  FAILED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CanopyRecorder, canopy_recorder, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  char             *path;
  guint64           rotate_size;
  guint             rotate_time;
  CanopyConnection *connection;
} OpenRequest;

static void
open_request_free (OpenRequest *request)
{
  g_free (request->path);
  g_clear_object (&request->connection);
  g_free (request);
}

/* Splits before the extension, keeping ".asc.gz" whole, as the rotating
 * writer numbers its parts. */
static void
split_extension (const char  *path,
                 char       **stem,
                 char       **extension)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');
  gsize base_offset = strlen (path) - strlen (base);

  if (dot != NULL && dot > base && g_ascii_strcasecmp (dot, ".gz") == 0)
    {
      const char *inner = g_strrstr_len (base, dot - base, ".");

      if (inner != NULL && inner > base)
        dot = inner;
    }

  if (dot == NULL || dot == base)
    dot = base + strlen (base);

  *stem = g_strndup (path, base_offset + (dot - base));
  *extension = g_strdup (dot);
}

/**
 * canopy_recorder_find_free_path:
 * @path: the file a user chose
 * @error: return location for a #GError
 *
 * Where a new recording to @path goes without overwriting one: @path
 * itself when neither it nor its first rotated part (`NAME-001.EXT`)
 * exists, else the first free `NAME_2.EXT`, `NAME_3.EXT`, … Looks at the
 * file system: call it off the main thread.
 *
 * Returns: (transfer full): the path, or %NULL with @error set
 */
char *
canopy_recorder_find_free_path (const char  *path,
                                GError     **error)
{
  g_autofree char *stem = NULL;
  g_autofree char *extension = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  split_extension (path, &stem, &extension);

  for (guint n = 1; n <= MAX_ALTERNATIVES; n++)
    {
      g_autofree char *candidate_stem = n == 1 ? g_strdup (stem) : g_strdup_printf ("%s_%u", stem, n);
      g_autofree char *candidate = g_strconcat (candidate_stem, extension, NULL);
      g_autofree char *first_part = g_strdup_printf ("%s-001%s", candidate_stem, extension);

      if (!g_file_test (candidate, G_FILE_TEST_EXISTS) &&
          !g_file_test (first_part, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&candidate);
    }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               _("%s and %u numbered files beside it exist already"), path, MAX_ALTERNATIVES);
  return NULL;
}

static void
open_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  OpenRequest *request = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  CanopyRotatingWriter *writer;

  if (!(path = canopy_recorder_find_free_path (request->path, &error)) ||
      !(writer = canopy_rotating_writer_new (path, request->rotate_size, request->rotate_time, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, writer, g_object_unref);
}

static void
close_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (!canopy_log_writer_close (task_data, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void set_summary (CanopyRecorder *self);
static void set_frames  (CanopyRecorder *self,
                         guint64         frames);

static void
closed (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(CanopyRecorder) reporter = user_data;
  g_autoptr(GError) error = NULL;
  GApplication *app = g_application_get_default ();
  CanopyLogWriter *writer = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), &error) && reporter != NULL)
    g_signal_emit (reporter, signals[FAILED], 0, error);

  /* Every frame is in the file now: the count is final. */
  if (reporter != NULL && reporter->closing == writer)
    {
      g_clear_object (&reporter->closing);
      set_frames (reporter, canopy_log_writer_get_written (writer));
      reporter->n_files = canopy_rotating_writer_get_n_files (CANOPY_ROTATING_WRITER (writer));
      set_summary (reporter);
    }

  if (app != NULL)
    g_application_release (app);
}

/* Closing flushes and finishes the file: off the main thread. A failure
 * there (a full disk) is reported by @reporter, if any. */
static void
close_writer_async (CanopyRecorder  *reporter,
                    CanopyLogWriter *writer)
{
  g_autoptr(GTask) task = g_task_new (NULL, NULL, closed, reporter != NULL ? g_object_ref (reporter) : NULL);
  GApplication *app = g_application_get_default ();

  if (reporter != NULL)
    g_set_object (&reporter->closing, writer);
  if (app != NULL)
    g_application_hold (app);
  g_task_set_source_tag (task, close_writer_async);
  g_task_set_task_data (task, writer, g_object_unref);
  g_task_run_in_thread (task, close_in_thread);
}

static void
set_summary (CanopyRecorder *self)
{
  g_autofree char *summary = NULL;

  if (self->writer != NULL && self->path != NULL)
    {
      g_autofree char *name = g_path_get_basename (self->path);
      g_autofree char *frames = canopy_format_count (self->frames);

      if (self->n_files > 1)
        /* Translators: a file name, the number of that file in a rotated
         * recording, then a number of frames. */
        summary = g_strdup_printf (_("Recording: %s (file %u) — %s frames"), name, self->n_files, frames);
      else
        /* Translators: a file name, then a number of frames. */
        summary = g_strdup_printf (_("Recording: %s — %s frames"), name, frames);
    }
  else if (self->opening != NULL)
    summary = g_strdup (_("Recording: creating the file…"));
  else if (self->closing != NULL)
    summary = g_strdup (_("Recording: completing the file…"));
  else if (self->first_path != NULL)
    {
      g_autofree char *name = g_path_get_basename (self->first_path);
      g_autofree char *frames = canopy_format_count (self->frames);

      if (self->n_files > 1)
        /* Translators: the first file of a rotated recording, the number
         * of files, then a number of frames. */
        summary = g_strdup_printf (ngettext ("Recorded: %s and %u more file — %s frames",
                                             "Recorded: %s and %u more files — %s frames",
                                             self->n_files - 1),
                                   name, self->n_files - 1, frames);
      else
        /* Translators: a file name, then a number of frames. */
        summary = g_strdup_printf (_("Recorded: %s — %s frames"), name, frames);
    }
  else
    summary = g_strdup ("");

  if (g_strcmp0 (summary, self->summary) != 0)
    {
      g_free (self->summary);
      self->summary = g_steal_pointer (&summary);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);
    }
}

static void
set_path (CanopyRecorder *self,
          char           *path)
{
  if (g_strcmp0 (path, self->path) == 0)
    {
      g_free (path);
      return;
    }
  g_free (self->path);
  self->path = path;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
}

static void
set_frames (CanopyRecorder *self,
            guint64         frames)
{
  if (self->frames == frames)
    return;
  self->frames = frames;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAMES]);
}

/* Stops writing; the file closes in a thread. Returns whether it was on. */
static gboolean
end_recording (CanopyRecorder *self,
               gboolean        report_close)
{
  gboolean was_recording = canopy_recorder_get_recording (self);

  if (self->opening != NULL)
    {
      g_cancellable_cancel (self->opening);
      g_clear_object (&self->opening);
    }

  if (self->writer != NULL)
    {
      /* A frame on its way may still reach the writer: once closed, it
       * drops it. */
      canopy_connection_remove_listener (self->recording_on, CANOPY_LISTENER (self->writer));
      g_clear_object (&self->recording_on);
      set_frames (self, canopy_log_writer_get_written (self->writer));
      close_writer_async (report_close ? self : NULL, g_steal_pointer (&self->writer));
    }

  g_clear_handle_id (&self->tick_source, g_source_remove);
  return was_recording;
}

static void
refresh (CanopyRecorder *self)
{
  g_autoptr(GError) error = NULL;

  if (self->writer == NULL)
    return;

  set_frames (self, canopy_log_writer_get_written (self->writer));
  set_path (self, canopy_rotating_writer_dup_current_path (CANOPY_ROTATING_WRITER (self->writer)));
  self->n_files = canopy_rotating_writer_get_n_files (CANOPY_ROTATING_WRITER (self->writer));

  /* A failed write (a full disk, a file removed under us) ends the
   * recording: later frames would be dropped anyway. */
  if ((error = canopy_log_writer_dup_error (self->writer)) != NULL)
    {
      end_recording (self, FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);
      g_signal_emit (self, signals[FAILED], 0, error);
    }

  set_summary (self);
}

static gboolean
on_tick (gpointer user_data)
{
  refresh (user_data);
  return G_SOURCE_CONTINUE;
}

static void
opened (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  CanopyRecorder *self = CANOPY_RECORDER (source);
  OpenRequest *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(CanopyLogWriter) writer = NULL;
  g_autoptr(GError) error = NULL;

  writer = g_task_propagate_pointer (G_TASK (result), &error);

  /* Stopped (or started anew) meanwhile: the file is closed unused. */
  if (g_task_get_cancellable (G_TASK (result)) != self->opening ||
      self->connection != request->connection)
    {
      if (writer != NULL)
        close_writer_async (NULL, g_steal_pointer (&writer));
      return;
    }

  g_clear_object (&self->opening);

  if (writer == NULL)
    {
      set_summary (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }

  self->writer = g_steal_pointer (&writer);
  g_free (self->first_path);
  self->first_path = canopy_rotating_writer_dup_file_path (CANOPY_ROTATING_WRITER (self->writer), 0);
  self->recording_on = g_object_ref (request->connection);
  canopy_connection_add_listener (self->recording_on, CANOPY_LISTENER (self->writer));
  self->tick_source = g_timeout_add (TICK_INTERVAL_MS, on_tick, self);
  set_frames (self, 0);
  refresh (self);
}

static void
canopy_recorder_dispose (GObject *object)
{
  CanopyRecorder *self = CANOPY_RECORDER (object);

  end_recording (self, FALSE);
  g_clear_object (&self->connection);
  g_clear_object (&self->closing);

  G_OBJECT_CLASS (canopy_recorder_parent_class)->dispose (object);
}

static void
canopy_recorder_finalize (GObject *object)
{
  CanopyRecorder *self = CANOPY_RECORDER (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->first_path, g_free);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (canopy_recorder_parent_class)->finalize (object);
}

static void
canopy_recorder_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CanopyRecorder *self = CANOPY_RECORDER (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, canopy_recorder_get_connection (self));
      break;

    case PROP_RECORDING:
      g_value_set_boolean (value, canopy_recorder_get_recording (self));
      break;

    case PROP_PATH:
      g_value_set_string (value, canopy_recorder_get_path (self));
      break;

    case PROP_FRAMES:
      g_value_set_uint64 (value, canopy_recorder_get_frames (self));
      break;

    case PROP_SUMMARY:
      g_value_set_string (value, canopy_recorder_get_summary (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_recorder_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CanopyRecorder *self = CANOPY_RECORDER (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      canopy_recorder_set_connection (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_recorder_class_init (CanopyRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = canopy_recorder_dispose;
  object_class->finalize = canopy_recorder_finalize;
  object_class->get_property = canopy_recorder_get_property;
  object_class->set_property = canopy_recorder_set_property;

  /* The bus recorded; a recording ends when it changes. */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, CANOPY_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* From start until stop, the creation of the file included. */
  properties[PROP_RECORDING] =
    g_param_spec_boolean ("recording", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The file being written (the last one, once stopped). */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Frames written, over all files of the recording. */
  properties[PROP_FRAMES] =
    g_param_spec_uint64 ("frames", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* "Recording: drive.blf — 1234 frames" for the status bar, then
   * "Recorded: …" with the final count once the file is complete; "" before
   * the first recording. */
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A recording could not start, or ended by an error (a full disk, no
   * permission), or its file could not be completed. */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
canopy_recorder_init (CanopyRecorder *self)
{
  self->summary = g_strdup ("");
}

CanopyRecorder *
canopy_recorder_new (void)
{
  return g_object_new (CANOPY_TYPE_RECORDER, NULL);
}

CanopyConnection *
canopy_recorder_get_connection (CanopyRecorder *self)
{
  g_return_val_if_fail (CANOPY_IS_RECORDER (self), NULL);

  return self->connection;
}

/**
 * canopy_recorder_set_connection:
 *
 * A recording belongs to one connection: a new one (or none, after
 * Disconnect) stops it, and the file is completed.
 */
void
canopy_recorder_set_connection (CanopyRecorder   *self,
                                CanopyConnection *connection)
{
  g_return_if_fail (CANOPY_IS_RECORDER (self));
  g_return_if_fail (connection == NULL || CANOPY_IS_CONNECTION (connection));

  if (self->connection == connection)
    return;

  if (end_recording (self, TRUE))
    {
      set_summary (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);
    }

  g_set_object (&self->connection, connection);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

gboolean
canopy_recorder_get_recording (CanopyRecorder *self)
{
  g_return_val_if_fail (CANOPY_IS_RECORDER (self), FALSE);

  return self->opening != NULL || self->writer != NULL;
}

const char *
canopy_recorder_get_path (CanopyRecorder *self)
{
  g_return_val_if_fail (CANOPY_IS_RECORDER (self), NULL);

  return self->path;
}

guint64
canopy_recorder_get_frames (CanopyRecorder *self)
{
  g_return_val_if_fail (CANOPY_IS_RECORDER (self), 0);

  return self->frames;
}

const char *
canopy_recorder_get_summary (CanopyRecorder *self)
{
  g_return_val_if_fail (CANOPY_IS_RECORDER (self), NULL);

  return self->summary;
}

/**
 * canopy_recorder_start:
 * @path: the file chosen; its extension picks the format
 * @rotate_size: bytes after which the next numbered file starts, or 0
 * @rotate_time: seconds after which the next numbered file starts, or 0
 *
 * Starts recording the connection's traffic (stopping a recording that
 * runs). The file is created in a thread; a failure is reported by
 * #CanopyRecorder::failed.
 */
void
canopy_recorder_start (CanopyRecorder *self,
                       const char     *path,
                       guint64         rotate_size,
                       guint           rotate_time)
{
  g_autoptr(GTask) task = NULL;
  OpenRequest *request;

  g_return_if_fail (CANOPY_IS_RECORDER (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (self->connection != NULL);

  end_recording (self, TRUE);
  g_clear_object (&self->closing);
  g_clear_pointer (&self->first_path, g_free);
  self->n_files = 0;
  set_path (self, NULL);

  request = g_new0 (OpenRequest, 1);
  request->path = g_strdup (path);
  request->rotate_size = rotate_size;
  request->rotate_time = rotate_time;
  request->connection = g_object_ref (self->connection);

  self->opening = g_cancellable_new ();
  task = g_task_new (self, self->opening, opened, NULL);
  g_task_set_source_tag (task, canopy_recorder_start);
  /* A file created after all is closed by opened(), not dropped here. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, request, (GDestroyNotify) open_request_free);
  g_task_run_in_thread (task, open_in_thread);

  set_frames (self, 0);
  set_summary (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);
}

/**
 * canopy_recorder_stop:
 *
 * Stops writing; the file is flushed and closed in a thread.
 */
void
canopy_recorder_stop (CanopyRecorder *self)
{
  g_return_if_fail (CANOPY_IS_RECORDER (self));

  if (!end_recording (self, TRUE))
    return;

  set_summary (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);
}

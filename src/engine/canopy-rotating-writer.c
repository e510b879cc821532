/* canopy-rotating-writer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-error.h"
#include "canopy-rotating-writer.h"

#include "canopy-log-format-private.h"
#include "canopy-log-writer-private.h"

/**
 * CanopyRotatingWriter:
 *
 * A log writer that splits a recording into numbered files by size, by
 * time, or both (python-can 4's `SizedRotatingLogger`, and the logging
 * block of Vector's tools).
 *
 * The first file is the one named, `NAME.EXT`; when the current file holds
 * [property@Canopy.RotatingWriter:rotate-size] bytes or more, or spans
 * [property@Canopy.RotatingWriter:rotate-time] seconds or more, it is
 * closed (complete: BLF header statistics, gzip trailer, database
 * committed) and the recording goes on in `NAME-001.EXT`, `NAME-002.EXT`,
 * and so on (wider numbers past 999). The number goes before the whole
 * extension, `.gz` included: `drive.asc.gz`, `drive-001.asc.gz`. Each file
 * is written by the writer canopy_log_writer_new_for_file() picks for its
 * name, so every writable format rotates, and each file opens on its own.
 *
 * Unlike python-can, closed files are not renamed: the name chosen is the
 * first part of the recording and stays a valid log whatever happens
 * later, no file changes name while a reader (or Windows) holds it open,
 * and the parts sort by number. An existing file of a part's name is
 * treated as canopy_log_writer_new_for_file() treats it (text and BLF
 * files are replaced, a database is appended to).
 *
 * A file is rotated just before the frame that finds it full, so no file
 * is ever empty and every frame is written exactly once, in order. The
 * size is the format's own count (canopy_log_writer_get_size()): no system
 * call per frame. Time is that of the frames themselves: a file ends at
 * the first frame @rotate-time seconds after the file's first frame (or
 * that far before it: a clock that jumped back starts a new file too).
 * For live traffic that is the time since the file was opened; a
 * recording converted or replayed later splits the same way, and no clock
 * is read per frame.
 *
 * It is a #CanopyLogWriter like any other: give it to a #CanopyNotifier or
 * call canopy_log_writer_write(); the base class counts
 * [property@Canopy.LogWriter:written] over all files and keeps the first
 * error, such as a next file that cannot be created.
 * [property@Canopy.RotatingWriter:current-path] and
 * [property@Canopy.RotatingWriter:n-files] notify on the main context the
 * writer was made on.
 */

struct _CanopyRotatingWriter
{
  CanopyLogWriter  parent_instance;

  /* Construct-only */
  guint64          rotate_size;
  gint64           rotate_time_ns;
  char            *stem;       /* the path up to the extension */
  char            *extension;  /* ".blf", ".asc.gz", or "" */

  /* Under the base class's mutex (the write path) */
  CanopyLogWriter *current;
  gint64           file_start_ns;
  guint            file_has_frames : 1;

  /* Also read by getters on other threads */
  GMutex           state_mutex;
  char            *current_path;
  guint            n_files;
};

enum {
  PROP_0,
  PROP_ROTATE_SIZE,
  PROP_ROTATE_TIME,
  PROP_CURRENT_PATH,
  PROP_N_FILES,
  N_PROPS
};

static void initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyRotatingWriter, canopy_rotating_writer, CANOPY_TYPE_LOG_WRITER,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, initable_iface_init))

static GParamSpec *properties[N_PROPS];

/* Splits @path before its extension: the last one, or the last two when
 * the last is ".gz" ("drive.asc.gz"). A leading dot is part of the name. */
static void
split_extension (const char  *path,
                 char       **stem,
                 char       **extension)
{
  const char *base = path;
  const char *dot;

  for (const char *p = path; *p != '\0'; p++)
    if (*p == '/' || *p == G_DIR_SEPARATOR)
      base = p + 1;

  dot = strrchr (base, '.');
  if (dot != NULL && dot > base && g_ascii_strcasecmp (dot, ".gz") == 0)
    {
      const char *inner = g_strrstr_len (base, dot - base, ".");

      if (inner != NULL && inner > base)
        dot = inner;
    }

  if (dot == NULL || dot == base)
    dot = path + strlen (path);

  *stem = g_strndup (path, dot - path);
  *extension = g_strdup (dot);
}

static char *
file_path (CanopyRotatingWriter *self,
           guint                 index)
{
  if (index == 0)
    return g_strconcat (self->stem, self->extension, NULL);

  return g_strdup_printf ("%s-%03u%s", self->stem, index, self->extension);
}

/* Opens part @index as the current file. */
static gboolean
open_file (CanopyRotatingWriter  *self,
           guint                  index,
           GError               **error)
{
  g_autofree char *path = file_path (self, index);
  g_autoptr(CanopyLogWriter) next = NULL;
  g_autoptr(CanopyLogWriter) previous = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!(next = canopy_log_writer_new_for_file (path, &local_error)))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Cannot go on with part %u of the recording: ", index + 1);
      return FALSE;
    }

  /* The next file is open before the previous one closes: should it fail,
   * the previous file is still closed properly, by close(). */
  previous = g_steal_pointer (&self->current);
  self->current = g_steal_pointer (&next);
  self->file_has_frames = FALSE;

  g_mutex_lock (&self->state_mutex);
  g_free (self->current_path);
  self->current_path = g_steal_pointer (&path);
  self->n_files = index + 1;
  g_mutex_unlock (&self->state_mutex);

  if (index > 0)
    {
      _canopy_log_writer_notify_locked (CANOPY_LOG_WRITER (self), properties[PROP_CURRENT_PATH]);
      _canopy_log_writer_notify_locked (CANOPY_LOG_WRITER (self), properties[PROP_N_FILES]);
    }

  if (previous != NULL && !canopy_log_writer_close (previous, error))
    return FALSE;

  return TRUE;
}

static gboolean
is_full (CanopyRotatingWriter *self,
         const CanopyMessage  *msg)
{
  if (!self->file_has_frames)
    return FALSE;

  if (self->rotate_time_ns > 0 &&
      (msg->timestamp_ns - self->file_start_ns >= self->rotate_time_ns ||
       self->file_start_ns - msg->timestamp_ns >= self->rotate_time_ns))
    return TRUE;

  return self->rotate_size > 0 &&
         _canopy_log_writer_encode_size (self->current) >= self->rotate_size;
}

static gboolean
canopy_rotating_writer_write (CanopyLogWriter      *writer,
                              const CanopyMessage  *msg,
                              GError              **error)
{
  CanopyRotatingWriter *self = CANOPY_ROTATING_WRITER (writer);
  guint n_files;

  g_assert (self->current != NULL);

  if (G_UNLIKELY (is_full (self, msg)))
    {
      g_mutex_lock (&self->state_mutex);
      n_files = self->n_files;
      g_mutex_unlock (&self->state_mutex);

      if (!open_file (self, n_files, error))
        return FALSE;
    }

  if (!_canopy_log_writer_encode (self->current, msg, error))
    return FALSE;

  if (!self->file_has_frames)
    {
      self->file_has_frames = TRUE;
      self->file_start_ns = msg->timestamp_ns;
    }

  return TRUE;
}

static gboolean
canopy_rotating_writer_log_event (CanopyLogWriter  *writer,
                                  const char       *text,
                                  gint64            timestamp_ns,
                                  GError          **error)
{
  CanopyRotatingWriter *self = CANOPY_ROTATING_WRITER (writer);

  return _canopy_log_writer_encode_event (self->current, text, timestamp_ns, error);
}

static gboolean
canopy_rotating_writer_flush (CanopyLogWriter  *writer,
                              GError          **error)
{
  CanopyRotatingWriter *self = CANOPY_ROTATING_WRITER (writer);

  return self->current == NULL || _canopy_log_writer_encode_flush (self->current, error);
}

static guint64
canopy_rotating_writer_get_size (CanopyLogWriter *writer)
{
  CanopyRotatingWriter *self = CANOPY_ROTATING_WRITER (writer);

  return self->current != NULL ? _canopy_log_writer_encode_size (self->current) : 0;
}

static gboolean
canopy_rotating_writer_close (CanopyLogWriter  *writer,
                              GError          **error)
{
  CanopyRotatingWriter *self = CANOPY_ROTATING_WRITER (writer);

  return self->current == NULL || canopy_log_writer_close (self->current, error);
}

static gboolean
canopy_rotating_writer_initable_init (GInitable     *initable,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  CanopyRotatingWriter *self = CANOPY_ROTATING_WRITER (initable);
  const char *path = canopy_log_writer_get_path (CANOPY_LOG_WRITER (self));

  if (path == NULL)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "A rotating log writer needs a file name");
      return FALSE;
    }

  split_extension (path, &self->stem, &self->extension);

  if (!open_file (self, 0, error))
    return FALSE;

  _canopy_log_writer_set_format_name (CANOPY_LOG_WRITER (self),
                                      canopy_log_writer_get_format (self->current));
  return TRUE;
}

static void
initable_iface_init (GInitableIface *iface)
{
  iface->init = canopy_rotating_writer_initable_init;
}

static void
canopy_rotating_writer_finalize (GObject *object)
{
  CanopyRotatingWriter *self = CANOPY_ROTATING_WRITER (object);

  /* The base class closed the current file in dispose, through close(). */
  g_clear_object (&self->current);
  g_clear_pointer (&self->stem, g_free);
  g_clear_pointer (&self->extension, g_free);
  g_clear_pointer (&self->current_path, g_free);
  g_mutex_clear (&self->state_mutex);

  G_OBJECT_CLASS (canopy_rotating_writer_parent_class)->finalize (object);
}

static void
canopy_rotating_writer_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CanopyRotatingWriter *self = CANOPY_ROTATING_WRITER (object);

  switch (prop_id)
    {
    case PROP_ROTATE_SIZE:
      g_value_set_uint64 (value, canopy_rotating_writer_get_rotate_size (self));
      break;

    case PROP_ROTATE_TIME:
      g_value_set_double (value, canopy_rotating_writer_get_rotate_time (self));
      break;

    case PROP_CURRENT_PATH:
      g_value_take_string (value, canopy_rotating_writer_dup_current_path (self));
      break;

    case PROP_N_FILES:
      g_value_set_uint (value, canopy_rotating_writer_get_n_files (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_rotating_writer_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  CanopyRotatingWriter *self = CANOPY_ROTATING_WRITER (object);

  switch (prop_id)
    {
    case PROP_ROTATE_SIZE:
      self->rotate_size = g_value_get_uint64 (value);
      break;

    case PROP_ROTATE_TIME:
      self->rotate_time_ns = (gint64) (g_value_get_double (value) * G_GINT64_CONSTANT (1000000000));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_rotating_writer_class_init (CanopyRotatingWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogWriterClass *writer_class = CANOPY_LOG_WRITER_CLASS (klass);

  object_class->finalize = canopy_rotating_writer_finalize;
  object_class->get_property = canopy_rotating_writer_get_property;
  object_class->set_property = canopy_rotating_writer_set_property;

  writer_class->write = canopy_rotating_writer_write;
  writer_class->log_event = canopy_rotating_writer_log_event;
  writer_class->flush = canopy_rotating_writer_flush;
  writer_class->close = canopy_rotating_writer_close;
  writer_class->get_size = canopy_rotating_writer_get_size;

  /**
   * CanopyRotatingWriter:rotate-size:
   *
   * Start the next file once the current one holds this many bytes (as
   * canopy_log_writer_get_size() counts them); 0 for no limit.
   */
  properties[PROP_ROTATE_SIZE] =
    g_param_spec_uint64 ("rotate-size", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyRotatingWriter:rotate-time:
   *
   * Start the next file at the first frame this many seconds after the
   * current file's first frame; 0 for no limit.
   */
  properties[PROP_ROTATE_TIME] =
    g_param_spec_double ("rotate-time", NULL, NULL,
                         0, 9e9, 0,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyRotatingWriter:current-path:
   *
   * The file being written: the path named first, then `NAME-001.EXT`, …
   */
  properties[PROP_CURRENT_PATH] =
    g_param_spec_string ("current-path", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyRotatingWriter:n-files:
   *
   * How many files the recording has so far, the current one included.
   */
  properties[PROP_N_FILES] =
    g_param_spec_uint ("n-files", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_rotating_writer_init (CanopyRotatingWriter *self)
{
  g_mutex_init (&self->state_mutex);
}

/**
 * canopy_rotating_writer_new:
 * @path: (type filename): the first file; its extension chooses the format,
 *   as for canopy_log_writer_new_for_file()
 * @rotate_size: bytes after which the next file starts, or 0
 * @rotate_time: seconds after which the next file starts, or 0
 * @error: return location for a #GError
 *
 * Creates the first file of a recording split by size, by time, or both.
 * With both limits 0 it writes @path alone, as
 * canopy_log_writer_new_for_file() would.
 *
 * Returns: (transfer full): a new writer, or %NULL with @error set
 */
CanopyRotatingWriter *
canopy_rotating_writer_new (const char  *path,
                            guint64      rotate_size,
                            double       rotate_time,
                            GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (rotate_time >= 0 && rotate_time <= 9e9, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (CANOPY_TYPE_ROTATING_WRITER, NULL, error,
                         "path", path,
                         "rotate-size", rotate_size,
                         "rotate-time", rotate_time,
                         NULL);
}

/**
 * canopy_rotating_writer_new_for_gfile:
 * @file: the first file, a local one
 * @rotate_size: bytes after which the next file starts, or 0
 * @rotate_time: seconds after which the next file starts, or 0
 * @error: return location for a #GError
 *
 * Like canopy_rotating_writer_new(), for a #GFile (what a file chooser
 * gives).
 *
 * Returns: (transfer full): a new writer, or %NULL with @error set
 */
CanopyRotatingWriter *
canopy_rotating_writer_new_for_gfile (GFile    *file,
                                      guint64   rotate_size,
                                      double    rotate_time,
                                      GError  **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(path = _canopy_log_format_local_path (file, NULL, "written", error)))
    return NULL;

  return canopy_rotating_writer_new (path, rotate_size, rotate_time, error);
}

/**
 * canopy_rotating_writer_get_rotate_size:
 * @self: a rotating writer
 *
 * Returns: the size limit of a file in bytes, or 0
 */
guint64
canopy_rotating_writer_get_rotate_size (CanopyRotatingWriter *self)
{
  g_return_val_if_fail (CANOPY_IS_ROTATING_WRITER (self), 0);

  return self->rotate_size;
}

/**
 * canopy_rotating_writer_get_rotate_time:
 * @self: a rotating writer
 *
 * Returns: the time limit of a file in seconds, or 0
 */
double
canopy_rotating_writer_get_rotate_time (CanopyRotatingWriter *self)
{
  g_return_val_if_fail (CANOPY_IS_ROTATING_WRITER (self), 0);

  return self->rotate_time_ns / 1e9;
}

/**
 * canopy_rotating_writer_dup_current_path:
 * @self: a rotating writer
 *
 * Returns: (transfer full) (type filename) (nullable): the file being
 *   written (the last one, once closed)
 */
char *
canopy_rotating_writer_dup_current_path (CanopyRotatingWriter *self)
{
  char *path;

  g_return_val_if_fail (CANOPY_IS_ROTATING_WRITER (self), NULL);

  g_mutex_lock (&self->state_mutex);
  path = g_strdup (self->current_path);
  g_mutex_unlock (&self->state_mutex);

  return path;
}

/**
 * canopy_rotating_writer_get_n_files:
 * @self: a rotating writer
 *
 * Returns: how many files the recording has, the current one included
 */
guint
canopy_rotating_writer_get_n_files (CanopyRotatingWriter *self)
{
  guint n_files;

  g_return_val_if_fail (CANOPY_IS_ROTATING_WRITER (self), 0);

  g_mutex_lock (&self->state_mutex);
  n_files = self->n_files;
  g_mutex_unlock (&self->state_mutex);

  return n_files;
}

/**
 * canopy_rotating_writer_dup_file_path:
 * @self: a rotating writer
 * @index: a file of the recording, from 0 to
 *   canopy_rotating_writer_get_n_files() - 1
 *
 * The name of each part, in order, for whoever opens the recording
 * afterwards (the first is the path the writer was made with).
 *
 * Returns: (transfer full) (type filename) (nullable): the path of file
 *   @index, or %NULL past the last one
 */
char *
canopy_rotating_writer_dup_file_path (CanopyRotatingWriter *self,
                                      guint                 index)
{
  g_return_val_if_fail (CANOPY_IS_ROTATING_WRITER (self), NULL);

  if (index >= canopy_rotating_writer_get_n_files (self))
    return NULL;

  return file_path (self, index);
}

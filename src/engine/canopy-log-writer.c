/* canopy-log-writer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"
#include "canopy-log-format-private.h"
#include "canopy-log-writer-private.h"
#include "canopy-notify-private.h"

/**
 * CanopyLogWriter:
 *
 * The base class of every log file writer (python-can's `BaseIOHandler`
 * plus `Listener`). It is a #CanopyListener, so a writer can be handed to a
 * #CanopyNotifier directly.
 *
 * The base class serialises all calls with one mutex, so a writer may be
 * fed from several threads; it counts frames, keeps the first error (a
 * listener callback has nowhere to report one) and makes closing
 * idempotent. Once a write failed, later frames are dropped.
 *
 * Files are crash-safe: at least once a second while frames arrive (and
 * whenever canopy_log_writer_flush() is called) everything written is put
 * into the file in a shape readers accept, so a process that is killed
 * loses at most the last second of frames.
 */

/* How often frames written are made durable in the file. */
#define FLUSH_INTERVAL_US G_USEC_PER_SEC

typedef struct
{
  GMutex        mutex;
  char         *path;
  GCancellable *cancellable;
  GError       *error;
  guint64  written;
  gboolean written_dirty;
  CanopyNotifyQueue *notify;
  gint64   last_flush_us;
  const char *format_name;
  guint    closed : 1;
} CanopyLogWriterPrivate;

enum {
  PROP_0,
  PROP_PATH,
  PROP_FORMAT,
  PROP_WRITTEN,
  N_PROPS
};

static void listener_iface_init (CanopyListenerInterface *iface);

#define NOTIFY_INTERVAL_USEC (G_USEC_PER_SEC / 10)

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (CanopyLogWriter, canopy_log_writer, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (CanopyLogWriter)
                                  G_IMPLEMENT_INTERFACE (CANOPY_TYPE_LISTENER, listener_iface_init))

static GParamSpec *properties[N_PROPS];

static void
keep_error_locked (CanopyLogWriter *self,
                   const GError    *error)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);

  if (priv->error == NULL && error != NULL)
    priv->error = g_error_copy (error);
}

static gboolean
flush_locked (CanopyLogWriter  *self,
              GError          **error)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);
  g_autoptr(GError) local_error = NULL;

  priv->last_flush_us = g_get_monotonic_time ();

  if (priv->closed || priv->error != NULL ||
      CANOPY_LOG_WRITER_GET_CLASS (self)->flush == NULL)
    return TRUE;

  if (!CANOPY_LOG_WRITER_GET_CLASS (self)->flush (self, &local_error))
    {
      keep_error_locked (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_locked (CanopyLogWriter      *self,
              const CanopyMessage  *msg,
              GError              **error)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);
  g_autoptr(GError) local_error = NULL;

  if (priv->closed)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN,
                   "The log writer for %s is closed",
                   priv->path ? priv->path : "standard output");
      return FALSE;
    }

  if (priv->error != NULL)
    {
      g_propagate_error (error, g_error_copy (priv->error));
      return FALSE;
    }

  if (priv->cancellable != NULL && g_cancellable_set_error_if_cancelled (priv->cancellable, error))
    return FALSE;

  if (!CANOPY_LOG_WRITER_GET_CLASS (self)->write (self, msg, &local_error))
    {
      keep_error_locked (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  priv->written++;
  if (!priv->written_dirty && priv->notify != NULL)
    {
      priv->written_dirty = TRUE;
      _canopy_notify_queue_add (priv->notify, properties[PROP_WRITTEN]);
    }

  /* The clock is read every 64 frames only: nothing per frame on the hot
   * path. Callers that may go quiet (canopy-logger) also flush on a timer. */
  if (G_UNLIKELY ((priv->written & 63) == 0) &&
      g_get_monotonic_time () - priv->last_flush_us >= FLUSH_INTERVAL_US)
    return flush_locked (self, error);

  return TRUE;
}

static gboolean
close_locked (CanopyLogWriter  *self,
              GError          **error)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);
  g_autoptr(GError) local_error = NULL;

  if (priv->closed)
    return TRUE;

  priv->closed = TRUE;

  if (CANOPY_LOG_WRITER_GET_CLASS (self)->close != NULL &&
      !CANOPY_LOG_WRITER_GET_CLASS (self)->close (self, &local_error))
    {
      keep_error_locked (self, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static void
canopy_log_writer_on_message_received (CanopyListener      *listener,
                                       const CanopyMessage *msg)
{
  CanopyLogWriter *self = CANOPY_LOG_WRITER (listener);
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);

  g_mutex_lock (&priv->mutex);
  /* A listener has nowhere to report; the error is kept for dup_error(). */
  if (!priv->closed && priv->error == NULL)
    write_locked (self, msg, NULL);
  g_mutex_unlock (&priv->mutex);
}

static void
canopy_log_writer_stop (CanopyListener *listener)
{
  CanopyLogWriter *self = CANOPY_LOG_WRITER (listener);
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);

  g_mutex_lock (&priv->mutex);
  close_locked (self, NULL);
  g_mutex_unlock (&priv->mutex);
}

static void
listener_iface_init (CanopyListenerInterface *iface)
{
  iface->on_message_received = canopy_log_writer_on_message_received;
  iface->stop = canopy_log_writer_stop;
}

/* On the writer's context, just before :written is notified. */
static void
written_flush (GObject *object)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (CANOPY_LOG_WRITER (object));

  g_mutex_lock (&priv->mutex);
  priv->written_dirty = FALSE;
  g_mutex_unlock (&priv->mutex);
}

static void
canopy_log_writer_constructed (GObject *object)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (CANOPY_LOG_WRITER (object));
  CanopyNotifyQueue *notify;

  G_OBJECT_CLASS (canopy_log_writer_parent_class)->constructed (object);

  notify = _canopy_notify_queue_new (object, NULL, NOTIFY_INTERVAL_USEC, written_flush);

  g_mutex_lock (&priv->mutex);
  priv->notify = notify;
  g_mutex_unlock (&priv->mutex);
}

static void
canopy_log_writer_dispose (GObject *object)
{
  CanopyLogWriter *self = CANOPY_LOG_WRITER (object);
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);

  CanopyNotifyQueue *notify;

  /* Closing here (not in finalize) so subclasses still have their state
   * when their close vfunc runs. */
  g_mutex_lock (&priv->mutex);
  close_locked (self, NULL);
  notify = g_steal_pointer (&priv->notify);
  g_mutex_unlock (&priv->mutex);

  g_clear_pointer (&notify, _canopy_notify_queue_free);

  G_OBJECT_CLASS (canopy_log_writer_parent_class)->dispose (object);
}

static void
canopy_log_writer_finalize (GObject *object)
{
  CanopyLogWriter *self = CANOPY_LOG_WRITER (object);
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);

  g_clear_pointer (&priv->path, g_free);
  g_clear_object (&priv->cancellable);
  g_clear_error (&priv->error);
  g_mutex_clear (&priv->mutex);

  G_OBJECT_CLASS (canopy_log_writer_parent_class)->finalize (object);
}

static void
canopy_log_writer_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CanopyLogWriter *self = CANOPY_LOG_WRITER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, canopy_log_writer_get_path (self));
      break;

    case PROP_FORMAT:
      g_value_set_string (value, canopy_log_writer_get_format (self));
      break;

    case PROP_WRITTEN:
      g_value_set_uint64 (value, canopy_log_writer_get_written (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_log_writer_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CanopyLogWriter *self = CANOPY_LOG_WRITER (object);
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (priv->path);
      priv->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_log_writer_class_init (CanopyLogWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = canopy_log_writer_constructed;
  object_class->dispose = canopy_log_writer_dispose;
  object_class->finalize = canopy_log_writer_finalize;
  object_class->get_property = canopy_log_writer_get_property;
  object_class->set_property = canopy_log_writer_set_property;

  /**
   * CanopyLogWriter:path:
   *
   * The file written to, or %NULL for standard output.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogWriter:format:
   *
   * The short name of the file format ("asc", "blf", "csv", …).
   */
  properties[PROP_FORMAT] =
    g_param_spec_string ("format", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogWriter:written:
   *
   * How many frames were written.
   */
  properties[PROP_WRITTEN] =
    g_param_spec_uint64 ("written", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_log_writer_init (CanopyLogWriter *self)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);

  g_mutex_init (&priv->mutex);
  priv->last_flush_us = g_get_monotonic_time ();
}

/**
 * canopy_log_writer_new_for_file:
 * @path: (type filename): the file to create (or truncate)
 * @error: return location for a #GError
 *
 * Creates a writer chosen by the extension of @path, as python-can's
 * `Logger`: `.asc`, `.blf`, `.csv`, `.db`, `.log` (candump `-L`), and a
 * text printer for anything else. A trailing `.gz` compresses text formats.
 *
 * Returns: (transfer full): a new writer, or %NULL with @error set
 */
CanopyLogWriter *
canopy_log_writer_new_for_file (const char  *path,
                                GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _canopy_log_format_open_writer (path, error);
}

/**
 * canopy_log_writer_new_for_gfile:
 * @file: the file to write
 * @cancellable: (nullable): cancels the writing: canopy_log_writer_write()
 *   then fails with %G_IO_ERROR_CANCELLED (close the writer to keep what
 *   was written)
 * @error: return location for a #GError
 *
 * Like canopy_log_writer_new_for_file(), for a #GFile, which must be a
 * local file (one with a path).
 *
 * Returns: (transfer full): a new writer, or %NULL with @error set
 */
CanopyLogWriter *
canopy_log_writer_new_for_gfile (GFile         *file,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autofree char *path = NULL;
  CanopyLogWriter *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(path = _canopy_log_format_local_path (file, cancellable, "written", error)))
    return NULL;

  if ((self = _canopy_log_format_open_writer (path, error)) != NULL && cancellable != NULL)
    {
      CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);

      priv->cancellable = g_object_ref (cancellable);
    }

  return self;
}

/**
 * canopy_log_writer_write:
 * @self: a log writer
 * @msg: the frame to append
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the frame was written (or queued, for writers that
 *   write on a background thread)
 */
gboolean
canopy_log_writer_write (CanopyLogWriter      *self,
                         const CanopyMessage  *msg,
                         GError              **error)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);
  gboolean ret;

  g_return_val_if_fail (CANOPY_IS_LOG_WRITER (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&priv->mutex);
  ret = write_locked (self, msg, error);
  g_mutex_unlock (&priv->mutex);

  return ret;
}

/* The writer's text or full event, serialised like frames. */
static gboolean
write_event (CanopyLogWriter       *self,
             const char            *text,
             gint64                 timestamp_ns,
             const CanopyLogEvent  *event,
             GError               **error)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);
  CanopyLogWriterClass *klass = CANOPY_LOG_WRITER_GET_CLASS (self);
  g_autoptr(GError) local_error = NULL;
  gboolean ret = TRUE;

  g_mutex_lock (&priv->mutex);
  if (priv->closed)
    {
      g_set_error (&local_error, CANOPY_ERROR, CANOPY_ERROR_SHUT_DOWN,
                   "The log writer for %s is closed",
                   priv->path ? priv->path : "standard output");
      ret = FALSE;
    }
  else if (priv->error != NULL)
    {
      local_error = g_error_copy (priv->error);
      ret = FALSE;
    }
  else if (event != NULL ? klass->write_event != NULL : klass->log_event != NULL)
    {
      if (event != NULL)
        ret = klass->write_event (self, event, &local_error);
      else
        ret = klass->log_event (self, text, timestamp_ns, &local_error);
      if (!ret)
        keep_error_locked (self, local_error);
    }
  g_mutex_unlock (&priv->mutex);

  if (!ret)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return ret;
}

/**
 * canopy_log_writer_log_event:
 * @self: a log writer
 * @text: the text of the marker
 * @timestamp_ns: when it happened, in nanoseconds, or a negative value for
 *   "at the last frame"
 * @error: return location for a #GError
 *
 * Adds a text marker where the format has one (an ASC comment, a BLF
 * global marker). Formats without markers ignore it and return %TRUE.
 *
 * Returns: %TRUE on success
 */
gboolean
canopy_log_writer_log_event (CanopyLogWriter  *self,
                             const char       *text,
                             gint64            timestamp_ns,
                             GError          **error)
{
  g_return_val_if_fail (CANOPY_IS_LOG_WRITER (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return write_event (self, text, timestamp_ns, NULL, error);
}

/**
 * canopy_log_writer_write_event:
 * @self: a log writer
 * @event: an event, as canopy_log_reader_next_with_events() gives it
 * @error: return location for a #GError
 *
 * Writes @event with everything it carries: a BLF writer writes an
 * application text or a global marker as the source file had it, so a BLF
 * to BLF conversion keeps them. Formats without such events ignore it and
 * return %TRUE.
 *
 * Returns: %TRUE on success
 */
gboolean
canopy_log_writer_write_event (CanopyLogWriter       *self,
                               const CanopyLogEvent  *event,
                               GError               **error)
{
  g_return_val_if_fail (CANOPY_IS_LOG_WRITER (self), FALSE);
  g_return_val_if_fail (event != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return write_event (self, NULL, 0, event, error);
}

/**
 * canopy_log_writer_flush:
 * @self: a log writer
 * @error: return location for a #GError
 *
 * Makes every frame written so far durable and readable in the file, as
 * if the writer were closed, without closing it: BLF log containers and
 * the file header, text buffers, database transactions. Writers do it on
 * their own at least once a second while frames arrive; call it from a
 * timer when frames may stop arriving for a while.
 *
 * Returns: %TRUE on success
 */
gboolean
canopy_log_writer_flush (CanopyLogWriter  *self,
                         GError          **error)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);
  gboolean ret;

  g_return_val_if_fail (CANOPY_IS_LOG_WRITER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&priv->mutex);
  ret = flush_locked (self, error);
  g_mutex_unlock (&priv->mutex);

  return ret;
}

/**
 * canopy_log_writer_close:
 * @self: a log writer
 * @error: return location for a #GError
 *
 * Flushes everything, finishes headers and statistics and closes the file.
 * Closing twice is harmless. canopy_listener_stop() closes too.
 *
 * Returns: %TRUE if the file was completed
 */
gboolean
canopy_log_writer_close (CanopyLogWriter  *self,
                         GError          **error)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);
  gboolean ret;

  g_return_val_if_fail (CANOPY_IS_LOG_WRITER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&priv->mutex);
  ret = close_locked (self, error);
  g_mutex_unlock (&priv->mutex);

  return ret;
}

/**
 * canopy_log_writer_get_path:
 * @self: a log writer
 *
 * Returns: (nullable) (type filename): the file written to, or %NULL for
 *   standard output
 */
const char *
canopy_log_writer_get_path (CanopyLogWriter *self)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_LOG_WRITER (self), NULL);

  return priv->path;
}

/**
 * canopy_log_writer_get_format:
 * @self: a log writer
 *
 * Returns: (nullable): the short name of the format, such as "asc"
 */
const char *
canopy_log_writer_get_format (CanopyLogWriter *self)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_LOG_WRITER (self), NULL);

  if (priv->format_name != NULL)
    return priv->format_name;

  return _canopy_log_format_name_for_type (G_OBJECT_TYPE (self));
}

/**
 * canopy_log_writer_get_written:
 * @self: a log writer
 *
 * Returns: how many frames were written (or queued) successfully
 */
guint64
canopy_log_writer_get_written (CanopyLogWriter *self)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);
  guint64 written;

  g_return_val_if_fail (CANOPY_IS_LOG_WRITER (self), 0);

  g_mutex_lock (&priv->mutex);
  written = priv->written;
  g_mutex_unlock (&priv->mutex);

  return written;
}

/**
 * canopy_log_writer_get_size:
 * @self: a log writer
 *
 * How many bytes the file holds so far, counting those still buffered for
 * it, as python-can's `file_size()`: exact for plain text formats, an
 * estimate where data is still to be compressed (BLF counts its pending
 * log containers uncompressed, gzip counts what reached the file) or
 * queued for a database. Cheap: no system call.
 *
 * Returns: the size in bytes, or 0 where the format does not know it
 */
guint64
canopy_log_writer_get_size (CanopyLogWriter *self)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);
  guint64 size = 0;

  g_return_val_if_fail (CANOPY_IS_LOG_WRITER (self), 0);

  g_mutex_lock (&priv->mutex);
  if (!priv->closed)
    size = _canopy_log_writer_encode_size (self);
  g_mutex_unlock (&priv->mutex);

  return size;
}

/**
 * canopy_log_writer_dup_error:
 * @self: a log writer
 *
 * A writer used as a listener cannot report a failure when it happens;
 * it keeps the first one, and drops later frames.
 *
 * Returns: (transfer full) (nullable): the first error, if any
 */
GError *
canopy_log_writer_dup_error (CanopyLogWriter *self)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);
  GError *error;

  g_return_val_if_fail (CANOPY_IS_LOG_WRITER (self), NULL);

  g_mutex_lock (&priv->mutex);
  error = priv->error ? g_error_copy (priv->error) : NULL;
  g_mutex_unlock (&priv->mutex);

  return error;
}

gboolean
_canopy_log_writer_encode (CanopyLogWriter      *self,
                           const CanopyMessage  *msg,
                           GError              **error)
{
  return CANOPY_LOG_WRITER_GET_CLASS (self)->write (self, msg, error);
}

gboolean
_canopy_log_writer_encode_event (CanopyLogWriter  *self,
                                 const char       *text,
                                 gint64            timestamp_ns,
                                 GError          **error)
{
  CanopyLogWriterClass *klass = CANOPY_LOG_WRITER_GET_CLASS (self);

  return klass->log_event == NULL || klass->log_event (self, text, timestamp_ns, error);
}

gboolean
_canopy_log_writer_encode_flush (CanopyLogWriter  *self,
                                 GError          **error)
{
  CanopyLogWriterClass *klass = CANOPY_LOG_WRITER_GET_CLASS (self);

  return klass->flush == NULL || klass->flush (self, error);
}

guint64
_canopy_log_writer_encode_size (CanopyLogWriter *self)
{
  CanopyLogWriterClass *klass = CANOPY_LOG_WRITER_GET_CLASS (self);

  return klass->get_size != NULL ? klass->get_size (self) : 0;
}

void
_canopy_log_writer_notify_locked (CanopyLogWriter *self,
                                  GParamSpec      *pspec)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);

  if (priv->notify != NULL)
    _canopy_notify_queue_add_urgent (priv->notify, pspec);
}

void
_canopy_log_writer_set_format_name (CanopyLogWriter *self,
                                    const char      *name)
{
  CanopyLogWriterPrivate *priv = canopy_log_writer_get_instance_private (self);

  priv->format_name = name;
}

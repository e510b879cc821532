/* canopy-log-reader.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <gio/gio.h>

#include "canopy-error.h"
#include "canopy-log-format-private.h"
#include "canopy-log-reader-private.h"
#include "canopy-notify-private.h"

/**
 * CanopyLogReader:
 *
 * The base class of every log file reader (python-can's `LogReader`).
 *
 * Readers stream: memory stays constant whatever the size of the file, and
 * canopy_log_reader_next() fills a caller-owned #CanopyMessage without
 * allocating. On damaged input a reader first delivers every intact frame
 * and then fails with a %CANOPY_ERROR that names the byte or line offset.
 *
 * Text readers (ASC, candump, CSV, TRC) are tolerant: a line they cannot
 * parse is skipped and counted, and reading goes on. The count and the
 * first few reasons, with line numbers, are in
 * canopy_log_reader_get_n_skipped() and
 * canopy_log_reader_get_skip_reasons().
 */

typedef struct
{
  char         *path;
  GCancellable *cancellable;
  guint64       bytes_read;
  guint64  bytes_total;
  guint    finished : 1;
  CanopyNotifyQueue *notify;
  GMutex   damage_mutex;
  GError  *damage;        /* the first damage read past, if any */
  /* Lines or objects skipped as unparseable, and the first few reasons
   * (NULL-terminated, for canopy_log_reader_get_skip_reasons()). */
  guint64  n_skipped;
  char    *skip_reasons[CANOPY_LOG_READER_MAX_SKIP_REASONS + 1];
} CanopyLogReaderPrivate;

enum {
  PROP_0,
  PROP_PATH,
  PROP_FORMAT,
  PROP_BYTES_READ,
  PROP_BYTES_TOTAL,
  PROP_FRACTION,
  PROP_DAMAGE,
  N_PROPS
};

#define NOTIFY_INTERVAL_USEC (G_USEC_PER_SEC / 10)

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (CanopyLogReader, canopy_log_reader, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
canopy_log_reader_constructed (GObject *object)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (CANOPY_LOG_READER (object));

  G_OBJECT_CLASS (canopy_log_reader_parent_class)->constructed (object);

  priv->notify = _canopy_notify_queue_new (object, NULL, NOTIFY_INTERVAL_USEC, NULL);
}

static void
canopy_log_reader_dispose (GObject *object)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (CANOPY_LOG_READER (object));

  g_clear_pointer (&priv->notify, _canopy_notify_queue_free);

  G_OBJECT_CLASS (canopy_log_reader_parent_class)->dispose (object);
}

static void
canopy_log_reader_finalize (GObject *object)
{
  CanopyLogReader *self = CANOPY_LOG_READER (object);
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  g_clear_pointer (&priv->path, g_free);
  g_clear_error (&priv->damage);
  g_mutex_clear (&priv->damage_mutex);
  g_clear_object (&priv->cancellable);
  for (guint i = 0; priv->skip_reasons[i] != NULL; i++)
    g_clear_pointer (&priv->skip_reasons[i], g_free);

  G_OBJECT_CLASS (canopy_log_reader_parent_class)->finalize (object);
}

static void
canopy_log_reader_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CanopyLogReader *self = CANOPY_LOG_READER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, canopy_log_reader_get_path (self));
      break;

    case PROP_FORMAT:
      g_value_set_string (value, canopy_log_reader_get_format (self));
      break;

    case PROP_BYTES_READ:
      g_value_set_uint64 (value, canopy_log_reader_get_bytes_read (self));
      break;

    case PROP_BYTES_TOTAL:
      g_value_set_uint64 (value, canopy_log_reader_get_bytes_total (self));
      break;

    case PROP_DAMAGE:
      g_value_take_boxed (value, canopy_log_reader_dup_damage (self));
      break;

    case PROP_FRACTION:
      g_value_set_double (value, canopy_log_reader_get_fraction (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_log_reader_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CanopyLogReader *self = CANOPY_LOG_READER (object);
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

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
canopy_log_reader_class_init (CanopyLogReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = canopy_log_reader_constructed;
  object_class->dispose = canopy_log_reader_dispose;
  object_class->finalize = canopy_log_reader_finalize;
  object_class->get_property = canopy_log_reader_get_property;
  object_class->set_property = canopy_log_reader_set_property;

  /**
   * CanopyLogReader:path:
   *
   * The file read.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogReader:format:
   *
   * The short name of the file format ("asc", "blf", "csv", …).
   */
  properties[PROP_FORMAT] =
    g_param_spec_string ("format", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogReader:bytes-read:
   *
   * How many bytes of the file on disk were consumed so far.
   */
  properties[PROP_BYTES_READ] =
    g_param_spec_uint64 ("bytes-read", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogReader:bytes-total:
   *
   * The size of the file on disk, or 0 when unknown.
   */
  properties[PROP_BYTES_TOTAL] =
    g_param_spec_uint64 ("bytes-total", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogReader:fraction:
   *
   * The part of the file consumed so far, from 0 to 1.
   */
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL,
                         0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogReader:damage:
   *
   * The first damage the reader read past without stopping (a corrupt
   * object skipped to the next intact one), or %NULL. Damage the reader
   * cannot get past ends canopy_log_reader_next() with a #GError instead.
   */
  properties[PROP_DAMAGE] =
    g_param_spec_boxed ("damage", NULL, NULL, G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_log_reader_init (CanopyLogReader *self)
{
}

/**
 * canopy_log_reader_new_for_file:
 * @path: (type filename): the file to read
 * @error: return location for a #GError
 *
 * Opens a reader chosen by the extension of @path (`.asc`, `.blf`, `.csv`,
 * `.db`, `.log`, `.trc`, and `.gz` variants of the text formats), or by
 * the first bytes of the file when the extension is unknown.
 *
 * Returns: (transfer full): a new reader, or %NULL with @error set
 */
CanopyLogReader *
canopy_log_reader_new_for_file (const char  *path,
                                GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _canopy_log_format_open_reader (path, error);
}

/**
 * canopy_log_reader_new_for_gfile:
 * @file: the file to read
 * @cancellable: (nullable): cancels the reading: canopy_log_reader_next()
 *   then fails with %G_IO_ERROR_CANCELLED
 * @error: return location for a #GError
 *
 * Like canopy_log_reader_new_for_file(), for a #GFile. Log files are read
 * with random access and memory maps in mind: @file must be a local file
 * (one with a path).
 *
 * Returns: (transfer full): a new reader, or %NULL with @error set
 */
CanopyLogReader *
canopy_log_reader_new_for_gfile (GFile         *file,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autofree char *path = NULL;
  CanopyLogReader *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(path = _canopy_log_format_local_path (file, cancellable, "read", error)))
    return NULL;

  if ((self = _canopy_log_format_open_reader (path, error)) != NULL)
    canopy_log_reader_set_cancellable (self, cancellable);

  return self;
}

/* A reader that reported the end (or damage) stays there; a cancelled one
 * ends. */
static inline gboolean
may_read (CanopyLogReaderPrivate  *priv,
          GError                 **error)
{
  if (priv->finished)
    return FALSE;

  if (G_UNLIKELY (priv->cancellable != NULL) &&
      g_cancellable_set_error_if_cancelled (priv->cancellable, error))
    {
      priv->finished = TRUE;
      return FALSE;
    }

  return TRUE;
}

/**
 * canopy_log_reader_next:
 * @self: a log reader
 * @msg: (out caller-allocates): the frame read
 * @error: return location for a #GError
 *
 * Reads the next frame into @msg without allocating.
 *
 * Returns: %TRUE if @msg was filled; %FALSE at the end of the file (with
 *   @error unset) or on damaged input (with @error set)
 */
gboolean
canopy_log_reader_next (CanopyLogReader  *self,
                        CanopyMessage    *msg,
                        GError          **error)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_LOG_READER (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!may_read (priv, error))
    return FALSE;

  if (!CANOPY_LOG_READER_GET_CLASS (self)->next (self, msg, error))
    {
      priv->finished = TRUE;
      return FALSE;
    }

  return TRUE;
}

/**
 * canopy_log_reader_next_with_events:
 * @self: a log reader
 * @msg: (out caller-allocates): the frame read
 * @event: (out) (transfer full) (nullable): the event read, or %NULL
 * @error: return location for a #GError
 *
 * Like canopy_log_reader_next(), but also returns the events the file
 * records between frames (BLF application texts and global markers), in
 * file order: each call either fills @msg and sets *@event to %NULL, or
 * sets *@event. canopy_log_reader_next() steps over events. Formats
 * without events return frames only.
 *
 * Returns: %TRUE if @msg was filled or *@event set; %FALSE at the end of
 *   the file (with @error unset) or on damaged input (with @error set)
 */
gboolean
canopy_log_reader_next_with_events (CanopyLogReader  *self,
                                    CanopyMessage    *msg,
                                    CanopyLogEvent  **event,
                                    GError          **error)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);
  CanopyLogReaderClass *klass;

  g_return_val_if_fail (CANOPY_IS_LOG_READER (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *event = NULL;
  klass = CANOPY_LOG_READER_GET_CLASS (self);
  if (klass->next_with_events == NULL)
    return canopy_log_reader_next (self, msg, error);

  if (!may_read (priv, error))
    return FALSE;

  if (!klass->next_with_events (self, msg, event, error))
    {
      priv->finished = TRUE;
      return FALSE;
    }

  return TRUE;
}

/**
 * canopy_log_reader_read:
 * @self: a log reader
 * @error: return location for a #GError
 *
 * Like canopy_log_reader_next(), but returns a new message; convenient
 * from languages other than C.
 *
 * Returns: (transfer full) (nullable): the next frame, or %NULL at the end
 *   of the file (with @error unset) or on damaged input (with @error set)
 */
CanopyMessage *
canopy_log_reader_read (CanopyLogReader  *self,
                        GError          **error)
{
  CanopyMessage msg;

  g_return_val_if_fail (CANOPY_IS_LOG_READER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!canopy_log_reader_next (self, &msg, error))
    return NULL;

  return canopy_message_copy (&msg);
}

/**
 * canopy_log_reader_get_path:
 * @self: a log reader
 *
 * Returns: (nullable) (type filename): the file read
 */
const char *
canopy_log_reader_get_path (CanopyLogReader *self)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_LOG_READER (self), NULL);

  return priv->path;
}

/**
 * canopy_log_reader_get_format:
 * @self: a log reader
 *
 * Returns: (nullable): the short name of the format, such as "asc"
 */
const char *
canopy_log_reader_get_format (CanopyLogReader *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_READER (self), NULL);

  return _canopy_log_format_name_for_type (G_OBJECT_TYPE (self));
}

/**
 * canopy_log_reader_get_bytes_read:
 * @self: a log reader
 *
 * Returns: how many bytes of the file on disk were consumed so far
 */
guint64
canopy_log_reader_get_bytes_read (CanopyLogReader *self)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_LOG_READER (self), 0);

  return priv->bytes_read;
}

/**
 * canopy_log_reader_get_bytes_total:
 * @self: a log reader
 *
 * Returns: the size of the file on disk, or 0 when unknown
 */
guint64
canopy_log_reader_get_bytes_total (CanopyLogReader *self)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_LOG_READER (self), 0);

  return priv->bytes_total;
}

/**
 * canopy_log_reader_get_fraction:
 * @self: a log reader
 *
 * Returns: the part of the file consumed so far, from 0 to 1
 */
double
canopy_log_reader_get_fraction (CanopyLogReader *self)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_LOG_READER (self), 0.0);

  if (priv->bytes_total == 0)
    return priv->finished ? 1.0 : 0.0;

  return CLAMP ((double) priv->bytes_read / (double) priv->bytes_total, 0.0, 1.0);
}

void
_canopy_log_reader_set_progress (CanopyLogReader *self,
                                 guint64          bytes_read,
                                 guint64          bytes_total)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  /* Called per block, not per frame; notified at most ten times a second
   * on the context the reader was made on. */
  if (priv->bytes_total != bytes_total && priv->notify != NULL)
    _canopy_notify_queue_add (priv->notify, properties[PROP_BYTES_TOTAL]);
  if (priv->bytes_read != bytes_read && priv->notify != NULL)
    {
      _canopy_notify_queue_add (priv->notify, properties[PROP_BYTES_READ]);
      _canopy_notify_queue_add (priv->notify, properties[PROP_FRACTION]);
    }
  priv->bytes_read = bytes_read;
  priv->bytes_total = bytes_total;
}

/* For subclasses that recover from damage (skip to the next intact
 * object): the damage reaches the caller through
 * [property@Canopy.LogReader:damage], never through the log, and counts
 * as a skip (with its message as the reason) so that summaries that show
 * skipped lines show it too. Takes ownership of @damage; only the first
 * is kept. */
void
_canopy_log_reader_report_damage (CanopyLogReader *self,
                                  GError          *damage)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);
  gboolean first;

  _canopy_log_reader_skip (self, "%s", damage->message);

  g_mutex_lock (&priv->damage_mutex);
  first = priv->damage == NULL;
  if (first)
    priv->damage = damage;
  g_mutex_unlock (&priv->damage_mutex);

  if (!first)
    {
      g_error_free (damage);
      return;
    }
  if (priv->notify != NULL)
    _canopy_notify_queue_add_urgent (priv->notify, properties[PROP_DAMAGE]);
}

/**
 * canopy_log_reader_dup_damage:
 * @self: a log reader
 *
 * See [property@Canopy.LogReader:damage].
 *
 * Returns: (transfer full) (nullable): the first damage read past, or %NULL
 */
GError *
canopy_log_reader_dup_damage (CanopyLogReader *self)
{
  CanopyLogReaderPrivate *priv;
  GError *ret = NULL;

  g_return_val_if_fail (CANOPY_IS_LOG_READER (self), NULL);

  priv = canopy_log_reader_get_instance_private (self);
  g_mutex_lock (&priv->damage_mutex);
  if (priv->damage != NULL)
    ret = g_error_copy (priv->damage);
  g_mutex_unlock (&priv->damage_mutex);

  return ret;
}

/**
 * canopy_log_reader_get_n_skipped:
 * @self: a log reader
 *
 * How many lines (text formats) or objects were skipped so far because
 * they could not be parsed or hold a time that cannot be represented, and
 * how many stretches of damage a binary reader stepped over (a damaged BLF
 * log container, a broken object header: see
 * [property@Canopy.LogReader:damage]). Reading went on after each of them.
 *
 * Returns: the number of skipped lines or objects
 */
guint64
canopy_log_reader_get_n_skipped (CanopyLogReader *self)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_LOG_READER (self), 0);

  return priv->n_skipped;
}

/**
 * canopy_log_reader_get_skip_reasons:
 * @self: a log reader
 *
 * The reasons for the first skipped lines or objects (at most
 * %CANOPY_LOG_READER_MAX_SKIP_REASONS), each naming its place, such as
 * "line 12: invalid identifier".
 *
 * Returns: (array zero-terminated=1) (transfer none): the reasons, oldest
 *   first; empty when nothing was skipped
 */
const char * const *
canopy_log_reader_get_skip_reasons (CanopyLogReader *self)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_LOG_READER (self), NULL);

  return (const char * const *) priv->skip_reasons;
}

void
_canopy_log_reader_skip (CanopyLogReader *self,
                         const char      *format,
                         ...)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  /* Only the first reasons are formatted: a file of garbage costs a
   * counter increment per line, not an allocation. */
  if (priv->n_skipped < CANOPY_LOG_READER_MAX_SKIP_REASONS)
    {
      va_list args;

      va_start (args, format);
      priv->skip_reasons[priv->n_skipped] = g_strdup_vprintf (format, args);
      va_end (args);
    }

  priv->n_skipped++;
}

/**
 * canopy_log_reader_set_cancellable:
 * @self: a log reader
 * @cancellable: (nullable): a #GCancellable, or %NULL
 *
 * Once @cancellable is cancelled, canopy_log_reader_next() fails with
 * %G_IO_ERROR_CANCELLED, also in the middle of a long read (an SQLite
 * query is interrupted). Tools cancel it from their SIGINT handler.
 */
void
canopy_log_reader_set_cancellable (CanopyLogReader *self,
                                   GCancellable    *cancellable)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  g_return_if_fail (CANOPY_IS_LOG_READER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  g_set_object (&priv->cancellable, cancellable);
}

/**
 * canopy_log_reader_get_cancellable:
 * @self: a log reader
 *
 * Returns: (nullable) (transfer none): the #GCancellable given to
 *   canopy_log_reader_set_cancellable()
 */
GCancellable *
canopy_log_reader_get_cancellable (CanopyLogReader *self)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  g_return_val_if_fail (CANOPY_IS_LOG_READER (self), NULL);

  return priv->cancellable;
}

guint
_canopy_log_reader_next_batch (CanopyLogReader  *self,
                               CanopyMessage    *msgs,
                               guint             n_msgs,
                               GError          **error)
{
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);
  gboolean (*next) (CanopyLogReader *, CanopyMessage *, GError **) = CANOPY_LOG_READER_GET_CLASS (self)->next;
  guint n = 0;

  if (priv->finished)
    return 0;

  if (priv->cancellable != NULL && g_cancellable_set_error_if_cancelled (priv->cancellable, error))
    {
      priv->finished = TRUE;
      return 0;
    }

  while (n < n_msgs)
    {
      if (!next (self, &msgs[n], error))
        {
          priv->finished = TRUE;
          break;
        }
      n++;
    }

  return n;
}

gboolean
_canopy_log_reader_save_checkpoint (CanopyLogReader           *self,
                                    CanopyLogReaderCheckpoint *checkpoint)
{
  CanopyLogReaderClass *klass = CANOPY_LOG_READER_GET_CLASS (self);
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  memset (checkpoint, 0, sizeof *checkpoint);

  if (klass->save_checkpoint == NULL || priv->finished)
    return FALSE;

  return klass->save_checkpoint (self, checkpoint);
}

gboolean
_canopy_log_reader_restore_checkpoint (CanopyLogReader                 *self,
                                       const CanopyLogReaderCheckpoint *checkpoint,
                                       GError                         **error)
{
  CanopyLogReaderClass *klass = CANOPY_LOG_READER_GET_CLASS (self);
  CanopyLogReaderPrivate *priv = canopy_log_reader_get_instance_private (self);

  if (klass->restore_checkpoint == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "%s: the %s reader cannot go back to an earlier frame",
                   priv->path, canopy_log_reader_get_format (self));
      return FALSE;
    }

  /* A reader at its end (or at damage) reads again from the checkpoint. */
  priv->finished = FALSE;

  if (!klass->restore_checkpoint (self, checkpoint, error))
    {
      priv->finished = TRUE;
      return FALSE;
    }

  return TRUE;
}

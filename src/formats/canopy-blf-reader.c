/* canopy-blf-reader.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "canopy-error.h"
#include "canopy-blf-reader.h"
#include "canopy-blf-reader-private.h"

/**
 * CanopyBlfReader:
 *
 * Reads Vector BLF files (python-can's `BLFReader`): CAN_MESSAGE,
 * CAN_MESSAGE2, CAN_FD_MESSAGE, CAN_FD_MESSAGE_64, CAN_ERROR_EXT (and the
 * older CAN_ERROR and CAN_FD_ERROR_64) objects become frames; every other
 * object is skipped.
 *
 * The reader streams: log containers are read one after the other and
 * inflated ahead on worker threads (they are independent zlib blocks), while
 * frames are delivered in file order from a bounded ring of containers, so
 * memory stays constant whatever the size of the file. Objects that span
 * containers are reassembled.
 *
 * Damage is survived where possible: an object whose header is broken is
 * skipped with a warning once the next object header is found, a damaged
 * container is inflated as far as it goes. When the file ends inside an
 * object or no further object can be found, every intact frame before the
 * damage has been delivered and canopy_log_reader_next() fails with a
 * %CANOPY_ERROR naming the offset.
 *
 * Absolute times are the measurement start of the file header plus each
 * object's relative time. The header stores the start as local wall-clock
 * time (Vector tools, python-can up to 4.5, Wireshark); set
 * [property@Canopy.BlfReader:utc] for files written by python-can 4.6 or
 * later, which use UTC.
 */

enum {
  PROP_0,
  PROP_UTC,
  PROP_START_TIME_NS,
  PROP_STOP_TIME_NS,
  N_PROPS
};

static void initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyBlfReader, canopy_blf_reader, CANOPY_TYPE_LOG_READER,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, initable_iface_init))

static GParamSpec *properties[N_PROPS];

static gboolean
canopy_blf_reader_next (CanopyLogReader  *reader,
                        CanopyMessage    *msg,
                        GError          **error)
{
  /* Per frame: the base class has checked the type already. */
  return _canopy_blf_parser_next ((CanopyBlfReader *) reader, msg, error);
}

static gboolean
canopy_blf_reader_initable_init (GInitable     *initable,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  CanopyBlfReader *self = CANOPY_BLF_READER (initable);
  const char *path = canopy_log_reader_get_path (CANOPY_LOG_READER (self));
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  gsize avail;

  if (path == NULL)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "A BLF reader needs a file name");
      return FALSE;
    }

  file = g_file_new_for_path (path);
  if (!(stream = g_file_read (file, cancellable, error)))
    return FALSE;
  if ((info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL)))
    self->file_size = g_file_info_get_size (info);
  self->stream = G_INPUT_STREAM (g_steal_pointer (&stream));

  avail = _canopy_blf_scanner_fill (self, BLF_FILE_HEADER_SIZE);
  if (!_canopy_blf_file_header_parse (self->fbuf + self->fpos, avail, &self->header, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  if (_canopy_blf_scanner_skip (self, self->header.header_size) < self->header.header_size)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                   "%s: offset %" G_GUINT64_FORMAT ": the file ends inside its %u-byte header",
                   path, self->foffset, self->header.header_size);
      return FALSE;
    }

  _canopy_blf_systemtime_to_ns (&self->header.start, self->utc, &self->start_ns);
  _canopy_blf_systemtime_to_ns (&self->header.stop, self->utc, &self->stop_ns);

  self->resume_offset = self->foffset;

  _canopy_blf_pipeline_start (self);

  _canopy_log_reader_set_progress (CANOPY_LOG_READER (self), self->foffset, self->file_size);

  return TRUE;
}

static void
initable_iface_init (GInitableIface *iface)
{
  iface->init = canopy_blf_reader_initable_init;
}
static gboolean
canopy_blf_reader_save_checkpoint (CanopyLogReader           *reader,
                                   CanopyLogReaderCheckpoint *checkpoint)
{
  CanopyBlfReader *self = CANOPY_BLF_READER (reader);

  checkpoint->offset = self->resume_offset;
  checkpoint->state[0] = self->resume_inner;
  checkpoint->line = self->resume_frames;
  return TRUE;
}

static gboolean
canopy_blf_reader_restore_checkpoint (CanopyLogReader                  *reader,
                                      const CanopyLogReaderCheckpoint  *checkpoint,
                                      GError                          **error)
{
  CanopyBlfReader *self = CANOPY_BLF_READER (reader);
  CanopyMessage scratch;

  _canopy_blf_pipeline_reset_for_random_access (self);
  self->cur = NULL;
  self->buf = NULL;
  self->len = self->pos = 0;
  self->in_join = FALSE;
  self->carry_len = 0;
  self->skip_remaining = 0;
  self->quiet_scan = FALSE;
  self->finished = FALSE;
  g_clear_pointer (&self->pending_bad, g_free);
  g_clear_error (&self->pending_damage);
  g_clear_error (&self->ferror);

  if (!g_seekable_seek (G_SEEKABLE (self->stream), (goffset) checkpoint->offset,
                        G_SEEK_SET, NULL, error))
    return FALSE;
  self->fpos = self->flen = 0;
  self->foffset = checkpoint->offset;
  self->feof = FALSE;
  self->stream_total = 0;
  self->resume_offset = checkpoint->offset;
  self->resume_inner = self->restore_inner = (gsize) checkpoint->state[0];
  self->resume_frames = 0;

  for (guint64 i = 0; i < checkpoint->line; i++)
    if (!canopy_blf_reader_next (reader, &scratch, error))
      {
        if (error != NULL && *error == NULL)
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                       "offset %" G_GUINT64_FORMAT ": fewer frames than when the file was indexed",
                       checkpoint->offset);
        return FALSE;
      }

  return TRUE;
}

static void
canopy_blf_reader_dispose (GObject *object)
{
  CanopyBlfReader *self = CANOPY_BLF_READER (object);

  _canopy_blf_pipeline_stop (self);

  if (self->stream != NULL)
    g_input_stream_close (self->stream, NULL, NULL);
  g_clear_object (&self->stream);

  G_OBJECT_CLASS (canopy_blf_reader_parent_class)->dispose (object);
}

static void
canopy_blf_reader_finalize (GObject *object)
{
  CanopyBlfReader *self = CANOPY_BLF_READER (object);

  for (guint i = 0; i < self->n_slots; i++)
    {
      _canopy_blf_slot_release (&self->slots[i]);
      g_free (self->slots[i].cbuf);
      g_free (self->slots[i].ubuf);
    }
  g_free (self->slots);
  g_free (self->fbuf);
  g_free (self->join);
  g_free (self->carry);
  g_free (self->pending_bad);
  g_clear_error (&self->pending_damage);
  g_clear_error (&self->ferror);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (canopy_blf_reader_parent_class)->finalize (object);
}

static void
canopy_blf_reader_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CanopyBlfReader *self = CANOPY_BLF_READER (object);

  switch (prop_id)
    {
    case PROP_UTC:
      g_value_set_boolean (value, canopy_blf_reader_get_utc (self));
      break;

    case PROP_START_TIME_NS:
      g_value_set_int64 (value, canopy_blf_reader_get_start_time_ns (self));
      break;

    case PROP_STOP_TIME_NS:
      g_value_set_int64 (value, canopy_blf_reader_get_stop_time_ns (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_blf_reader_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CanopyBlfReader *self = CANOPY_BLF_READER (object);

  switch (prop_id)
    {
    case PROP_UTC:
      self->utc = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_blf_reader_class_init (CanopyBlfReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogReaderClass *reader_class = CANOPY_LOG_READER_CLASS (klass);

  object_class->dispose = canopy_blf_reader_dispose;
  object_class->finalize = canopy_blf_reader_finalize;
  object_class->get_property = canopy_blf_reader_get_property;
  object_class->set_property = canopy_blf_reader_set_property;

  reader_class->next = canopy_blf_reader_next;
  reader_class->save_checkpoint = canopy_blf_reader_save_checkpoint;
  reader_class->restore_checkpoint = canopy_blf_reader_restore_checkpoint;

  /**
   * CanopyBlfReader:utc:
   *
   * Whether the file header's start time is UTC (python-can 4.6 and
   * later) rather than local time (Vector tools, older python-can).
   */
  properties[PROP_UTC] =
    g_param_spec_boolean ("utc", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyBlfReader:start-time-ns:
   *
   * The measurement start of the file header, in nanoseconds since the
   * Unix epoch, or 0 when the file has none.
   */
  properties[PROP_START_TIME_NS] =
    g_param_spec_int64 ("start-time-ns", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyBlfReader:stop-time-ns:
   *
   * The time of the last object according to the file header, or 0.
   */
  properties[PROP_STOP_TIME_NS] =
    g_param_spec_int64 ("stop-time-ns", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_blf_reader_init (CanopyBlfReader *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->fbuf = g_malloc (FILE_BUFFER_SIZE);
  self->join = g_malloc (2 * (BLF_MAX_ASSEMBLED_OBJECT + BLF_BASE_HEADER_SIZE));
  self->carry = g_malloc (BLF_MAX_ASSEMBLED_OBJECT + BLF_BASE_HEADER_SIZE);
}

/**
 * canopy_blf_reader_new:
 * @path: (type filename): the BLF file to read
 * @error: return location for a #GError
 *
 * Opens @path and reads its file header. Start times are taken as local
 * time; create the object with g_initable_new() and
 * [property@Canopy.BlfReader:utc] for UTC.
 *
 * Returns: (transfer full): a new reader, or %NULL with @error set
 */
CanopyBlfReader *
canopy_blf_reader_new (const char  *path,
                       GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (CANOPY_TYPE_BLF_READER, NULL, error,
                         "path", path,
                         NULL);
}

/**
 * canopy_blf_reader_get_utc:
 * @self: a BLF reader
 *
 * Returns: whether the header's times are read as UTC
 */
gboolean
canopy_blf_reader_get_utc (CanopyBlfReader *self)
{
  g_return_val_if_fail (CANOPY_IS_BLF_READER (self), FALSE);

  return self->utc;
}

/**
 * canopy_blf_reader_get_start_time_ns:
 * @self: a BLF reader
 *
 * Returns: the measurement start in nanoseconds since the Unix epoch, or 0
 */
gint64
canopy_blf_reader_get_start_time_ns (CanopyBlfReader *self)
{
  g_return_val_if_fail (CANOPY_IS_BLF_READER (self), 0);

  return self->start_ns;
}

/**
 * canopy_blf_reader_get_stop_time_ns:
 * @self: a BLF reader
 *
 * Returns: the time of the last object according to the header, or 0
 */
gint64
canopy_blf_reader_get_stop_time_ns (CanopyBlfReader *self)
{
  g_return_val_if_fail (CANOPY_IS_BLF_READER (self), 0);

  return self->stop_ns;
}

/**
 * canopy_blf_reader_get_object_count:
 * @self: a BLF reader
 *
 * The header's count of objects (frames, texts, markers; not containers).
 * Writers that crashed leave it stale: it is not trusted when reading.
 *
 * Returns: the object count of the file header
 */
guint
canopy_blf_reader_get_object_count (CanopyBlfReader *self)
{
  g_return_val_if_fail (CANOPY_IS_BLF_READER (self), 0);

  return self->header.object_count;
}

/**
 * canopy_blf_reader_get_skipped:
 * @self: a BLF reader
 *
 * Returns: how many damaged or oversized objects and containers were
 *   skipped so far
 */
guint64
canopy_blf_reader_get_skipped (CanopyBlfReader *self)
{
  g_return_val_if_fail (CANOPY_IS_BLF_READER (self), 0);

  return self->skipped;
}

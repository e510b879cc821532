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
 * older CAN_ERROR and CAN_FD_ERROR_64) objects become frames; application
 * texts and global markers become events for
 * canopy_log_reader_next_with_events() (objects up to 3 MiB: texts of up
 * to 1 MiB); every other object is stepped over and counted by type
 * (canopy_blf_reader_dup_object_types()).
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
  return _canopy_blf_parser_next ((CanopyBlfReader *) reader, msg, NULL, error);
}

static gboolean
canopy_blf_reader_next_with_events (CanopyLogReader  *reader,
                                    CanopyMessage    *msg,
                                    CanopyLogEvent  **event,
                                    GError          **error)
{
  return _canopy_blf_parser_next ((CanopyBlfReader *) reader, msg, event, error);
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
  g_clear_pointer (&self->event_object, g_byte_array_unref);
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
  g_clear_pointer (&self->event_object, g_byte_array_unref);
  g_clear_pointer (&self->other_object_counts, g_hash_table_unref);
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
  reader_class->next_with_events = canopy_blf_reader_next_with_events;
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

/* Vector's object type names (vector_blf ObjectHeaderBase.h, Wireshark's
 * blf.h); NULL where the number is reserved or unknown. */
static const char * const object_type_names[] = {
  [0] = "UNKNOWN", "CAN_MESSAGE", "CAN_ERROR", "CAN_OVERLOAD", "CAN_STATISTIC",
  "APP_TRIGGER", "ENV_INTEGER", "ENV_DOUBLE", "ENV_STRING", "ENV_DATA",
  "LOG_CONTAINER", "LIN_MESSAGE", "LIN_CRC_ERROR", "LIN_DLC_INFO", "LIN_RCV_ERROR",
  "LIN_SND_ERROR", "LIN_SLV_TIMEOUT", "LIN_SCHED_MODCH", "LIN_SYN_ERROR", "LIN_BAUDRATE",
  "LIN_SLEEP", "LIN_WAKEUP", "MOST_SPY", "MOST_CTRL", "MOST_LIGHTLOCK",
  "MOST_STATISTIC", NULL, NULL, NULL, "FLEXRAY_DATA",
  "FLEXRAY_SYNC", "CAN_DRIVER_ERROR", "MOST_PKT", "MOST_PKT2", "MOST_HWMODE",
  "MOST_REG", "MOST_GENREG", "MOST_NETSTATE", "MOST_DATALOST", "MOST_TRIGGER",
  "FLEXRAY_CYCLE", "FLEXRAY_MESSAGE", "LIN_CHECKSUM_INFO", "LIN_SPIKE_EVENT", "CAN_DRIVER_SYNC",
  "FLEXRAY_STATUS", "GPS_EVENT", "FR_ERROR", "FR_STATUS", "FR_STARTCYCLE",
  "FR_RCVMESSAGE", "REALTIMECLOCK", NULL, NULL, "LIN_STATISTIC",
  "J1708_MESSAGE", "J1708_VIRTUAL_MSG", "LIN_MESSAGE2", "LIN_SND_ERROR2", "LIN_SYN_ERROR2",
  "LIN_CRC_ERROR2", "LIN_RCV_ERROR2", "LIN_WAKEUP2", "LIN_SPIKE_EVENT2", "LIN_LONG_DOM_SIG",
  "APP_TEXT", "FR_RCVMESSAGE_EX", "MOST_STATISTICEX", "MOST_TXLIGHT", "MOST_ALLOCTAB",
  "MOST_STRESS", "ETHERNET_FRAME", "SYS_VARIABLE", "CAN_ERROR_EXT", "CAN_DRIVER_ERROR_EXT",
  "LIN_LONG_DOM_SIG2", "MOST_150_MESSAGE", "MOST_150_PKT", "MOST_ETHERNET_PKT", "MOST_150_MESSAGE_FRAGMENT",
  "MOST_150_PKT_FRAGMENT", "MOST_ETHERNET_PKT_FRAGMENT", "MOST_SYSTEM_EVENT", "MOST_150_ALLOCTAB", "MOST_50_MESSAGE",
  "MOST_50_PKT", "CAN_MESSAGE2", "LIN_UNEXPECTED_WAKEUP", "LIN_SHORT_OR_SLOW_RESPONSE", "LIN_DISTURBANCE_EVENT",
  "SERIAL_EVENT", "OVERRUN_ERROR", "EVENT_COMMENT", "WLAN_FRAME", "WLAN_STATISTIC",
  "MOST_ECL", "GLOBAL_MARKER", "AFDX_FRAME", "AFDX_STATISTIC", "KLINE_STATUSEVENT",
  "CAN_FD_MESSAGE", "CAN_FD_MESSAGE_64", "ETHERNET_RX_ERROR", "ETHERNET_STATUS", "CAN_FD_ERROR_64",
  "LIN_SHORT_OR_SLOW_RESPONSE2", "AFDX_STATUS", "AFDX_BUS_STATISTIC", NULL, "AFDX_ERROR_EVENT",
  "A429_ERROR", "A429_STATUS", "A429_BUS_STATISTIC", "A429_MESSAGE", "ETHERNET_STATISTIC",
  "RESTORE_POINTS", NULL, NULL, "TEST_STRUCTURE", "DIAG_REQUEST_INTERPRETATION",
  "ETHERNET_FRAME_EX", "ETHERNET_FRAME_FORWARDED", "ETHERNET_ERROR_EX", "ETHERNET_ERROR_FORWARDED", "FUNCTION_BUS",
  "DATA_LOST_BEGIN", "DATA_LOST_END", "WATER_MARK_EVENT", "TRIGGER_CONDITION", "CAN_SETTING_CHANGED",
};

/**
 * canopy_blf_reader_get_object_type_name:
 * @type: a BLF object type number
 *
 * The name Vector gives an object type, as vector_blf and Wireshark
 * spell it: "APP_TEXT" for 65, "GLOBAL_MARKER" for 96. Type 115, which
 * Vector leaves undocumented, holds restore points: "RESTORE_POINTS".
 *
 * Returns: (nullable): the name, or %NULL for a reserved or unknown type
 */
const char *
canopy_blf_reader_get_object_type_name (guint type)
{
  if (type < G_N_ELEMENTS (object_type_names))
    return object_type_names[type];
  return NULL;
}

static int
compare_types (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/**
 * canopy_blf_reader_dup_object_types:
 * @self: a BLF reader
 * @n_types: (out): the number of types returned
 *
 * The types of the objects read so far that are not frames (application
 * texts, global markers, LIN, FlexRay, Ethernet, driver errors, overload
 * frames, …): such objects are not lost silently, they are counted by
 * type. Get each count with canopy_blf_reader_get_n_objects_of_type() and
 * a name with canopy_blf_reader_get_object_type_name(). Objects too
 * damaged to know their type are counted by
 * canopy_blf_reader_get_skipped() instead. Types beyond the 64 first
 * unknown ones of a damaged file are counted together as %G_MAXUINT32.
 *
 * Returns: (transfer full) (array length=n_types): the object types, in
 *   ascending order
 */
guint *
canopy_blf_reader_dup_object_types (CanopyBlfReader *self,
                                    guint           *n_types)
{
  GArray *types;

  g_return_val_if_fail (CANOPY_IS_BLF_READER (self), NULL);
  g_return_val_if_fail (n_types != NULL, NULL);

  types = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < G_N_ELEMENTS (self->object_counts); i++)
    if (self->object_counts[i] > 0)
      g_array_append_val (types, i);
  if (self->other_object_counts != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, self->other_object_counts);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          guint type = GPOINTER_TO_UINT (key);

          g_array_append_val (types, type);
        }
    }
  g_array_sort (types, compare_types);

  *n_types = types->len;
  return (guint *) (gpointer) g_array_free (types, FALSE);
}

/**
 * canopy_blf_reader_get_n_objects_of_type:
 * @self: a BLF reader
 * @type: a BLF object type number
 *
 * Returns: how many objects of @type that are not frames were read so far
 */
guint64
canopy_blf_reader_get_n_objects_of_type (CanopyBlfReader *self,
                                         guint            type)
{
  const guint64 *n;

  g_return_val_if_fail (CANOPY_IS_BLF_READER (self), 0);

  if (type < G_N_ELEMENTS (self->object_counts))
    return self->object_counts[type];
  if (self->other_object_counts == NULL)
    return 0;
  n = g_hash_table_lookup (self->other_object_counts, GUINT_TO_POINTER (type));
  return n != NULL ? *n : 0;
}

/* canopy-blf-writer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "canopy-error.h"
#include "canopy-blf-writer.h"
#include "canopy-blf-private.h"
#include "canopy-clock-private.h"
#include "canopy-log-writer-private.h"

/**
 * CanopyBlfWriter:
 *
 * Writes Vector BLF files that python-can, Wireshark and Vector's tools
 * read (python-can's `BLFWriter`).
 *
 * Classic frames become CAN_MESSAGE objects (or CAN_MESSAGE2 with
 * [property@Canopy.BlfWriter:can-message2]), CAN FD frames
 * CAN_FD_MESSAGE_64 objects (or python-can's CAN_FD_MESSAGE with
 * [property@Canopy.BlfWriter:fd-message-64] unset), error frames
 * CAN_ERROR_EXT, and canopy_log_writer_log_event() a GLOBAL_MARKER (or an
 * APP_TEXT with [property@Canopy.BlfWriter:app-text-events]).
 *
 * Objects go into log containers of 128 KiB uncompressed, cut at exactly
 * that size as python-can does. Each full container is deflated on a worker
 * thread (with libdeflate where available) while the next one fills; the
 * containers are written in order. On close the file header gets its
 * statistics: sizes, object count, and the start and stop times.
 *
 * Object times are counted from the header's start time, which BLF stores
 * to the millisecond: the start is the first object's time truncated to the
 * millisecond, so absolute times survive a round trip to the nanosecond.
 */

enum {
  SLOT_FREE,
  SLOT_QUEUED,
  SLOT_RUNNING,
  SLOT_DONE,
};

typedef struct
{
  gint     state;   /* atomic */
  int      level;
  guint8  *ubuf;    /* BLF_CONTAINER_SIZE bytes */
  gsize    ulen;
  guint8  *cbuf;
  gsize    ccap;
  gsize    clen;    /* 0: store uncompressed */
} BlfWriteSlot;

struct _CanopyBlfWriter
{
  CanopyLogWriter  parent_instance;

  FILE            *file;
  BlfFileHeader    header;
  guint64          file_size;
  gint64           start_ns;
  gint64           last_ns;
  gboolean         started;

  GThreadPool     *pool;
  GMutex           mutex;
  GCond            cond;
  BlfWriteSlot    *slots;
  guint            n_slots;
  guint            head;      /* oldest submitted slot */
  guint            n_pending; /* submitted, not yet written */
  guint64          pending_bytes; /* their uncompressed bytes */
  BlfWriteSlot    *cur;       /* being filled */

  int              level;
  guint            utc : 1;
  guint            can_message2 : 1;
  guint            fd_message_64 : 1;
  guint            app_text_events : 1;
};

enum {
  PROP_0,
  PROP_COMPRESSION_LEVEL,
  PROP_UTC,
  PROP_CAN_MESSAGE2,
  PROP_FD_MESSAGE_64,
  PROP_APP_TEXT_EVENTS,
  N_PROPS
};

static void initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyBlfWriter, canopy_blf_writer, CANOPY_TYPE_LOG_WRITER,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, initable_iface_init))

static GParamSpec *properties[N_PROPS];

/* python-can 4.1 reads SYSTEMTIME fields only from plausible Unix times;
 * earlier "timestamps" are relative times (virtual buses, tests). */
#define PLAUSIBLE_EPOCH_NS (G_GINT64_CONSTANT (631152000) * 1000000000)

static void
slot_deflate (BlfWriteSlot *slot)
{
  BlfCodec *codec;

  if (slot->level == 0)
    {
      slot->clen = 0;
      return;
    }

  codec = _canopy_blf_codec_get_for_thread (slot->level);
  slot->clen = _canopy_blf_codec_compress (codec, slot->ubuf, slot->ulen, slot->cbuf, slot->ccap);
}

static void
worker_func (gpointer data,
             gpointer user_data)
{
  BlfWriteSlot *slot = data;
  CanopyBlfWriter *self = user_data;

  if (!g_atomic_int_compare_and_exchange (&slot->state, SLOT_QUEUED, SLOT_RUNNING))
    return;

  slot_deflate (slot);

  g_mutex_lock (&self->mutex);
  g_atomic_int_set (&slot->state, SLOT_DONE);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

static gboolean
write_bytes (CanopyBlfWriter  *self,
             const void       *data,
             gsize             len,
             GError          **error)
{
  if (len > 0 && fwrite (data, 1, len, self->file) != len)
    {
      int errsv = errno;

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "%s: offset %" G_GUINT64_FORMAT ": %s",
                   canopy_log_writer_get_path (CANOPY_LOG_WRITER (self)),
                   self->file_size, g_strerror (errsv));
      return FALSE;
    }
  self->file_size += len;
  return TRUE;
}

/* Writes the oldest submitted container, waiting for (or doing) its
 * compression. */
static gboolean
retire_oldest (CanopyBlfWriter  *self,
               GError          **error)
{
  BlfWriteSlot *slot = &self->slots[self->head];
  static const guint8 zeros[4];
  guint8 hdr[BLF_CONTAINER_HEADER_SIZE] = { 0 };
  const guint8 *payload;
  gsize payload_len;
  guint16 method;
  guint32 object_size;

  g_assert (self->n_pending > 0);

  if (g_atomic_int_compare_and_exchange (&slot->state, SLOT_QUEUED, SLOT_RUNNING))
    {
      slot_deflate (slot);
      g_atomic_int_set (&slot->state, SLOT_DONE);
    }
  else if (g_atomic_int_get (&slot->state) != SLOT_DONE)
    {
      g_mutex_lock (&self->mutex);
      while (g_atomic_int_get (&slot->state) != SLOT_DONE)
        g_cond_wait (&self->cond, &self->mutex);
      g_mutex_unlock (&self->mutex);
    }

  if (slot->clen > 0)
    {
      method = BLF_COMPRESSION_ZLIB;
      payload = slot->cbuf;
      payload_len = slot->clen;
    }
  else
    {
      method = BLF_COMPRESSION_NONE;
      payload = slot->ubuf;
      payload_len = slot->ulen;
    }

  object_size = BLF_CONTAINER_HEADER_SIZE + payload_len;
  blf_write_u32 (hdr, BLF_OBJ_SIGNATURE);
  blf_write_u16 (hdr + 4, BLF_BASE_HEADER_SIZE);
  blf_write_u16 (hdr + 6, 1);
  blf_write_u32 (hdr + 8, object_size);
  blf_write_u32 (hdr + 12, BLF_OBJ_LOG_CONTAINER);
  blf_write_u16 (hdr + 16, method);
  blf_write_u32 (hdr + 24, slot->ulen);

  self->header.uncompressed_size += BLF_CONTAINER_HEADER_SIZE + slot->ulen;

  self->head = (self->head + 1) % self->n_slots;
  self->n_pending--;
  self->pending_bytes -= slot->ulen;
  slot->ulen = 0;
  g_atomic_int_set (&slot->state, SLOT_FREE);

  return write_bytes (self, hdr, sizeof hdr, error) &&
         write_bytes (self, payload, payload_len, error) &&
         write_bytes (self, zeros, object_size % 4, error);
}

/* Hands the filling container to the workers and takes a free one. */
static gboolean
submit_current (CanopyBlfWriter  *self,
                GError          **error)
{
  BlfWriteSlot *slot = self->cur;

  self->cur = NULL;
  if (slot->ulen == 0)
    {
      self->cur = slot;
      return TRUE;
    }

  self->n_pending++;
  self->pending_bytes += slot->ulen;
  slot->level = self->level;
  g_atomic_int_set (&slot->state, SLOT_QUEUED);
  if (self->pool != NULL)
    g_thread_pool_push (self->pool, slot, NULL);

  /* Write out whatever is already compressed, in order. */
  while (self->n_pending > 0 &&
         g_atomic_int_get (&self->slots[self->head].state) == SLOT_DONE)
    if (!retire_oldest (self, error))
      return FALSE;

  /* All slots busy: wait for the oldest. */
  if (self->n_pending == self->n_slots && !retire_oldest (self, error))
    return FALSE;

  self->cur = &self->slots[(self->head + self->n_pending) % self->n_slots];
  self->cur->ulen = 0;
  return TRUE;
}

/* Appends object bytes, cutting containers at exactly BLF_CONTAINER_SIZE. */
static gboolean
append (CanopyBlfWriter  *self,
        const guint8     *data,
        gsize             len,
        GError          **error)
{
  while (len > 0)
    {
      gsize n = MIN (len, BLF_CONTAINER_SIZE - self->cur->ulen);

      memcpy (self->cur->ubuf + self->cur->ulen, data, n);
      self->cur->ulen += n;
      data += n;
      len -= n;

      if (self->cur->ulen == BLF_CONTAINER_SIZE && !submit_current (self, error))
        return FALSE;
    }

  return TRUE;
}

static guint64
relative_time (CanopyBlfWriter *self,
               gint64           timestamp_ns)
{
  if (!self->started)
    {
      self->started = TRUE;
      if (timestamp_ns >= PLAUSIBLE_EPOCH_NS)
        {
          gint64 back;

          /* The start is what a reader reconstructs from the SYSTEMTIME,
           * so relative times are counted from exactly that. */
          _canopy_blf_ns_to_systemtime (timestamp_ns, self->utc, &self->header.start);
          if (_canopy_blf_systemtime_to_ns (&self->header.start, self->utc, &back) &&
              back <= timestamp_ns)
            self->start_ns = back;
          else
            self->start_ns = timestamp_ns - timestamp_ns % 1000000;
        }
      else
        {
          memset (&self->header.start, 0, sizeof self->header.start);
          self->start_ns = 0;
        }
    }

  self->last_ns = timestamp_ns;
  self->header.object_count++;

  /* Objects before the start cannot be expressed: python-can clamps too. */
  return timestamp_ns > self->start_ns ? (guint64) (timestamp_ns - self->start_ns) : 0;
}

static gboolean
canopy_blf_writer_write (CanopyLogWriter      *writer,
                         const CanopyMessage  *msg,
                         GError              **error)
{
  CanopyBlfWriter *self = CANOPY_BLF_WRITER (writer);
  BlfWriteSlot *cur = self->cur;
  guint64 rel = relative_time (self, msg->timestamp_ns);
  BlfClassicObject classic = self->can_message2 ? BLF_CLASSIC_CAN_MESSAGE2 : BLF_CLASSIC_CAN_MESSAGE;
  BlfFdObject fd = self->fd_message_64 ? BLF_FD_CAN_FD_MESSAGE_64 : BLF_FD_CAN_FD_MESSAGE;

  /* Fast path: encode in place. */
  if (G_LIKELY (BLF_CONTAINER_SIZE - cur->ulen >= BLF_MAX_ENCODED_FRAME))
    {
      cur->ulen += _canopy_blf_encode_frame (cur->ubuf + cur->ulen, msg, rel, classic, fd);
      if (cur->ulen == BLF_CONTAINER_SIZE)
        return submit_current (self, error);
      return TRUE;
    }
  else
    {
      guint8 tmp[BLF_MAX_ENCODED_FRAME];
      gsize n = _canopy_blf_encode_frame (tmp, msg, rel, classic, fd);

      return append (self, tmp, n, error);
    }
}

static gboolean
canopy_blf_writer_write_event (CanopyLogWriter       *writer,
                               const CanopyLogEvent  *event,
                               GError               **error)
{
  CanopyBlfWriter *self = CANOPY_BLF_WRITER (writer);
  g_autofree guint8 *obj = NULL;
  guint64 rel = relative_time (self, canopy_log_event_get_timestamp_ns (event));
  gsize n = _canopy_blf_encode_event (NULL, event, rel);

  obj = g_malloc (n);
  _canopy_blf_encode_event (obj, event, rel);
  return append (self, obj, n, error);
}

static gboolean
canopy_blf_writer_log_event (CanopyLogWriter  *writer,
                             const char       *text,
                             gint64            timestamp_ns,
                             GError          **error)
{
  CanopyBlfWriter *self = CANOPY_BLF_WRITER (writer);
  g_autoptr(CanopyLogEvent) event = NULL;

  if (timestamp_ns < 0)
    timestamp_ns = self->started ? self->last_ns : _canopy_clock_realtime_ns ();

  if (self->app_text_events)
    event = canopy_log_event_new_text (timestamp_ns, 0, text);
  else
    event = canopy_log_event_new_marker (timestamp_ns, text, "canopy", "Added by Canopy");

  return canopy_blf_writer_write_event (writer, event, error);
}

/* Writes every object so far in containers (the last one possibly short)
 * and a file header that counts them, then back to the end of the file:
 * the file is complete as it stands. */
static gboolean
write_out_all (CanopyBlfWriter  *self,
               GError          **error)
{
  guint8 hdr[BLF_FILE_HEADER_SIZE];

  if (self->cur != NULL && !submit_current (self, error))
    return FALSE;
  while (self->n_pending > 0)
    if (!retire_oldest (self, error))
      return FALSE;

  if (self->started && self->start_ns != 0)
    _canopy_blf_ns_to_systemtime (self->last_ns, self->utc, &self->header.stop);
  self->header.file_size = self->file_size;

  _canopy_blf_file_header_write (&self->header, hdr);
  if (fseek (self->file, 0, SEEK_SET) != 0 ||
      fwrite (hdr, 1, sizeof hdr, self->file) != sizeof hdr ||
      fseek (self->file, 0, SEEK_END) != 0 ||
      fflush (self->file) != 0)
    {
      int errsv = errno;

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "%s: cannot rewrite the file header: %s",
                   canopy_log_writer_get_path (CANOPY_LOG_WRITER (self)), g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

/* At least once a second (the base class decides): a killed logger
 * leaves a file that python-can and Canopy read up to the last flush. */
static gboolean
canopy_blf_writer_flush (CanopyLogWriter  *writer,
                         GError          **error)
{
  CanopyBlfWriter *self = CANOPY_BLF_WRITER (writer);

  if (self->file == NULL)
    return TRUE;

  return write_out_all (self, error);
}

/* As python-can's BLFWriter.file_size(): the file so far plus the objects
 * not yet compressed, counted uncompressed (an upper bound). */
static guint64
canopy_blf_writer_get_size (CanopyLogWriter *writer)
{
  CanopyBlfWriter *self = CANOPY_BLF_WRITER (writer);

  return MAX (self->file_size, BLF_FILE_HEADER_SIZE) + self->pending_bytes +
         (self->cur != NULL ? self->cur->ulen : 0);
}

static gboolean
canopy_blf_writer_close (CanopyLogWriter  *writer,
                         GError          **error)
{
  CanopyBlfWriter *self = CANOPY_BLF_WRITER (writer);
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  if (self->file == NULL)
    return TRUE;

  ok = write_out_all (self, &local_error);

  if (fclose (self->file) != 0 && ok)
    {
      int errsv = errno;

      g_set_error (&local_error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "%s: %s", canopy_log_writer_get_path (writer), g_strerror (errsv));
      ok = FALSE;
    }
  self->file = NULL;

  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

static gboolean
canopy_blf_writer_initable_init (GInitable     *initable,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  CanopyBlfWriter *self = CANOPY_BLF_WRITER (initable);
  const char *path = canopy_log_writer_get_path (CANOPY_LOG_WRITER (self));
  static const guint8 app_bytes[8] = { 0x05, 0x00, 0x00, 0x00, 0x02, 0x06, 0x08, 0x01 };
  guint8 hdr[BLF_FILE_HEADER_SIZE];
  guint n_workers;
  gsize bound;

  if (path == NULL)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "A BLF writer needs a file name (BLF files are not streamable)");
      return FALSE;
    }

  if (!(self->file = g_fopen (path, "wb")))
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "%s: %s", path, g_strerror (errsv));
      return FALSE;
    }

  /* The header pattern python-can writes (and Wireshark accepts): the
   * Vector converter's application and binlog version bytes. */
  memcpy (self->header.app_bytes, app_bytes, sizeof app_bytes);
  self->header.uncompressed_size = BLF_FILE_HEADER_SIZE;
  _canopy_blf_file_header_write (&self->header, hdr);
  if (!write_bytes (self, hdr, sizeof hdr, error))
    return FALSE;
  /* A file killed before its first flush still has a whole header. */
  if (fflush (self->file) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "%s: %s", path, g_strerror (errsv));
      return FALSE;
    }

  n_workers = CLAMP (g_get_num_processors (), 1, 8);
  self->n_slots = 2 * n_workers + 2;
  self->slots = g_new0 (BlfWriteSlot, self->n_slots);
  bound = _canopy_blf_codec_bound (NULL, BLF_CONTAINER_SIZE);
  for (guint i = 0; i < self->n_slots; i++)
    {
      self->slots[i].ubuf = g_malloc (BLF_CONTAINER_SIZE);
      self->slots[i].cbuf = g_malloc (bound);
      self->slots[i].ccap = bound;
    }
  self->cur = &self->slots[0];

  if (n_workers > 1 && self->level > 0)
    self->pool = g_thread_pool_new (worker_func, self, n_workers, FALSE, NULL);

  return TRUE;
}

static void
initable_iface_init (GInitableIface *iface)
{
  iface->init = canopy_blf_writer_initable_init;
}

static void
canopy_blf_writer_dispose (GObject *object)
{
  CanopyBlfWriter *self = CANOPY_BLF_WRITER (object);

  /* The parent closes the file (through our close vfunc) first. */
  G_OBJECT_CLASS (canopy_blf_writer_parent_class)->dispose (object);

  if (self->pool != NULL)
    {
      for (guint i = 0; i < self->n_slots; i++)
        g_atomic_int_compare_and_exchange (&self->slots[i].state, SLOT_QUEUED, SLOT_FREE);
      g_thread_pool_free (g_steal_pointer (&self->pool), TRUE, TRUE);
    }
}

static void
canopy_blf_writer_finalize (GObject *object)
{
  CanopyBlfWriter *self = CANOPY_BLF_WRITER (object);

  if (self->file != NULL)
    fclose (self->file);
  for (guint i = 0; i < self->n_slots; i++)
    {
      g_free (self->slots[i].ubuf);
      g_free (self->slots[i].cbuf);
    }
  g_free (self->slots);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (canopy_blf_writer_parent_class)->finalize (object);
}

static void
canopy_blf_writer_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CanopyBlfWriter *self = CANOPY_BLF_WRITER (object);

  switch (prop_id)
    {
    case PROP_COMPRESSION_LEVEL:
      g_value_set_int (value, self->level);
      break;

    case PROP_UTC:
      g_value_set_boolean (value, self->utc);
      break;

    case PROP_CAN_MESSAGE2:
      g_value_set_boolean (value, self->can_message2);
      break;

    case PROP_FD_MESSAGE_64:
      g_value_set_boolean (value, self->fd_message_64);
      break;

    case PROP_APP_TEXT_EVENTS:
      g_value_set_boolean (value, self->app_text_events);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_blf_writer_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CanopyBlfWriter *self = CANOPY_BLF_WRITER (object);

  switch (prop_id)
    {
    case PROP_COMPRESSION_LEVEL:
      self->level = g_value_get_int (value);
      break;

    case PROP_UTC:
      self->utc = g_value_get_boolean (value);
      break;

    case PROP_CAN_MESSAGE2:
      self->can_message2 = g_value_get_boolean (value);
      break;

    case PROP_FD_MESSAGE_64:
      self->fd_message_64 = g_value_get_boolean (value);
      break;

    case PROP_APP_TEXT_EVENTS:
      self->app_text_events = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_blf_writer_class_init (CanopyBlfWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogWriterClass *writer_class = CANOPY_LOG_WRITER_CLASS (klass);

  object_class->dispose = canopy_blf_writer_dispose;
  object_class->finalize = canopy_blf_writer_finalize;
  object_class->get_property = canopy_blf_writer_get_property;
  object_class->set_property = canopy_blf_writer_set_property;

  writer_class->write = canopy_blf_writer_write;
  writer_class->log_event = canopy_blf_writer_log_event;
  writer_class->write_event = canopy_blf_writer_write_event;
  writer_class->close = canopy_blf_writer_close;
  writer_class->flush = canopy_blf_writer_flush;
  writer_class->get_size = canopy_blf_writer_get_size;

  /**
   * CanopyBlfWriter:compression-level:
   *
   * The deflate level of the log containers: 0 stores them uncompressed,
   * 1–9 as zlib (up to 12 with libdeflate). The default 6 gives files
   * about the size of python-can's.
   */
  properties[PROP_COMPRESSION_LEVEL] =
    g_param_spec_int ("compression-level", NULL, NULL,
                      0, 12, 6,
                      (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyBlfWriter:utc:
   *
   * Store the header's start and stop times as UTC (python-can 4.6 and
   * later) instead of local time (Vector tools, older python-can).
   */
  properties[PROP_UTC] =
    g_param_spec_boolean ("utc", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyBlfWriter:can-message2:
   *
   * Write classic frames as CAN_MESSAGE2 (as recent Vector tools do)
   * instead of CAN_MESSAGE.
   */
  properties[PROP_CAN_MESSAGE2] =
    g_param_spec_boolean ("can-message2", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyBlfWriter:fd-message-64:
   *
   * Write CAN FD frames as CAN_FD_MESSAGE_64, sized to their data, rather
   * than python-can's fixed-size CAN_FD_MESSAGE.
   */
  properties[PROP_FD_MESSAGE_64] =
    g_param_spec_boolean ("fd-message-64", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyBlfWriter:app-text-events:
   *
   * Write canopy_log_writer_log_event() texts as APP_TEXT objects instead
   * of python-can's GLOBAL_MARKER.
   */
  properties[PROP_APP_TEXT_EVENTS] =
    g_param_spec_boolean ("app-text-events", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_blf_writer_init (CanopyBlfWriter *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->level = 6;
  self->fd_message_64 = TRUE;
}

/**
 * canopy_blf_writer_new:
 * @path: (type filename): the file to create (or truncate)
 * @error: return location for a #GError
 *
 * Creates a BLF writer with the default settings; use g_initable_new()
 * to set [property@Canopy.BlfWriter:compression-level] and the others.
 *
 * Returns: (transfer full): a new writer, or %NULL with @error set
 */
CanopyBlfWriter *
canopy_blf_writer_new (const char  *path,
                       GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (CANOPY_TYPE_BLF_WRITER, NULL, error,
                         "path", path,
                         NULL);
}

/**
 * canopy_blf_writer_get_compression_level:
 * @self: a BLF writer
 *
 * Returns: the deflate level of the log containers (0 = stored)
 */
int
canopy_blf_writer_get_compression_level (CanopyBlfWriter *self)
{
  g_return_val_if_fail (CANOPY_IS_BLF_WRITER (self), 0);

  return self->level;
}

/**
 * canopy_blf_writer_get_utc:
 * @self: a BLF writer
 *
 * Returns: whether the header's times are stored as UTC
 */
gboolean
canopy_blf_writer_get_utc (CanopyBlfWriter *self)
{
  g_return_val_if_fail (CANOPY_IS_BLF_WRITER (self), FALSE);

  return self->utc;
}

/* canopy-blf-reader.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "canopy-error.h"
#include "canopy-blf-reader.h"
#include "canopy-blf-private.h"
#include "canopy-log-reader-private.h"

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

#define FILE_BUFFER_SIZE (64 * 1024)

enum {
  SLOT_FREE,
  SLOT_QUEUED,
  SLOT_RUNNING,
  SLOT_DONE,
};

typedef enum {
  SLOT_DATA,
  SLOT_END,
} SlotKind;

typedef struct
{
  CanopyBlfReader *reader;
  gint             state;          /* atomic */
  SlotKind         kind;
  gboolean         compressed;
  gboolean         ok;
  gboolean         discontinuity;  /* the stream broke before this slot */
  guint8          *cbuf;
  gsize            ccap;
  gsize            clen;
  guint8          *ubuf;
  gsize            ucap;
  gsize            ulen;           /* announced */
  gsize            produced;       /* good bytes in ubuf */
  guint64          file_offset;    /* of the object */
  guint64          end_offset;     /* file offset after it */
  guint64          stream_offset;  /* of ubuf[0] in the inflated stream */
  char            *warning;        /* emitted when the slot is reached */
  GError          *error;          /* SLOT_END: NULL at a clean end */
  GError          *damage;         /* SLOT_DATA: payload damaged */
} BlfSlot;

struct _CanopyBlfReader
{
  CanopyLogReader  parent_instance;

  GInputStream    *stream;
  guint64          file_size;
  BlfFileHeader    header;
  gint64           start_ns;
  gint64           stop_ns;

  /* Buffered file access for the top-level objects. */
  guint8          *fbuf;
  gsize            fpos;           /* read position in fbuf */
  gsize            flen;           /* valid bytes in fbuf */
  guint64          foffset;        /* file offset of fbuf[fpos] */
  gboolean         feof;
  GError          *ferror;

  /* The ring of containers being read ahead. */
  GThreadPool     *pool;
  GMutex           mutex;
  GCond            cond;
  BlfSlot         *slots;
  guint            n_slots;
  guint            head;           /* oldest slot in use */
  guint            n_used;
  gboolean         top_done;       /* an END slot was queued */
  guint64          stream_total;   /* inflated bytes announced so far */

  /* The parse window: a container's payload, or the join buffer holding
   * an object's carried-over start plus the beginning of the next
   * container. */
  BlfSlot         *cur;
  const guint8    *buf;
  gsize            len;
  gsize            pos;
  gboolean         in_join;
  gsize            join_carry;     /* carried bytes at the front of join */
  gsize            join_base;      /* where in cur the join's copy starts */
  guint8          *join;
  guint8          *carry;
  gsize            carry_len;
  guint64          skip_remaining;
  gboolean         quiet_scan;
  char            *pending_bad;    /* warning shown once we resync */
  GError          *pending_damage; /* of the slot just finished */
  gboolean         finished;
  guint64          skipped;

  guint            utc : 1;
};

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

/* Worker side */

static void
slot_inflate (BlfSlot *slot)
{
  BlfCodec *codec = _canopy_blf_codec_get_for_thread (6);

  slot->ok = _canopy_blf_codec_decompress (codec, slot->cbuf, slot->clen,
                                           slot->ubuf, slot->ulen, &slot->produced);
}

static void
worker_func (gpointer data,
             gpointer user_data)
{
  BlfSlot *slot = data;
  CanopyBlfReader *self = user_data;

  /* The consumer may have taken the job itself (or cancelled it). */
  if (!g_atomic_int_compare_and_exchange (&slot->state, SLOT_QUEUED, SLOT_RUNNING))
    return;

  slot_inflate (slot);

  g_mutex_lock (&self->mutex);
  g_atomic_int_set (&slot->state, SLOT_DONE);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/* Buffered file access */

static gsize
file_fill (CanopyBlfReader *self,
           gsize            want)
{
  want = MIN (want, FILE_BUFFER_SIZE);

  if (self->flen - self->fpos >= want || self->feof)
    return self->flen - self->fpos;

  memmove (self->fbuf, self->fbuf + self->fpos, self->flen - self->fpos);
  self->flen -= self->fpos;
  self->fpos = 0;

  while (self->flen < want && !self->feof)
    {
      gssize n = g_input_stream_read (self->stream, self->fbuf + self->flen,
                                      FILE_BUFFER_SIZE - self->flen, NULL,
                                      self->ferror ? NULL : &self->ferror);
      if (n <= 0)
        self->feof = TRUE;
      else
        self->flen += n;
    }

  return self->flen - self->fpos;
}

static void
file_consume (CanopyBlfReader *self,
              gsize            n)
{
  g_assert (n <= self->flen - self->fpos);
  self->fpos += n;
  self->foffset += n;
}

/* Copies up to @n bytes to @dest; returns how many the file had. */
static gsize
file_read (CanopyBlfReader *self,
           guint8          *dest,
           gsize            n)
{
  gsize got = MIN (n, self->flen - self->fpos);

  memcpy (dest, self->fbuf + self->fpos, got);
  file_consume (self, got);

  if (got < n && !self->feof)
    {
      gsize more = 0;

      if (!g_input_stream_read_all (self->stream, dest + got, n - got, &more, NULL,
                                    self->ferror ? NULL : &self->ferror))
        self->feof = TRUE;
      if (more < n - got)
        self->feof = TRUE;
      got += more;
      self->foffset += more;
    }

  return got;
}

static guint64
file_skip (CanopyBlfReader *self,
           guint64          n)
{
  guint64 done = 0;

  while (done < n)
    {
      gsize avail = file_fill (self, FILE_BUFFER_SIZE);
      gsize step;

      if (avail == 0)
        break;
      step = (gsize) MIN ((guint64) avail, n - done);
      file_consume (self, step);
      done += step;
    }

  return done;
}

static void
slot_set_warning (BlfSlot    *slot,
                  const char *format,
                  ...) G_GNUC_PRINTF (2, 3);

static void
slot_set_warning (BlfSlot    *slot,
                  const char *format,
                  ...)
{
  va_list args;
  char *msg;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);

  /* Keep the first: it names where the damage starts. */
  if (slot->warning == NULL)
    slot->warning = msg;
  else
    g_free (msg);
}

static gboolean
slot_reserve (guint8 **buf,
              gsize   *cap,
              gsize    need)
{
  if (*cap >= need)
    return TRUE;
  g_free (*buf);
  *buf = g_try_malloc (MAX (need, 1));
  *cap = *buf ? need : 0;
  return *buf != NULL;
}

/* Scans the file for the next "LOBJ". Returns TRUE when found (the file is
 * positioned on it); *nonzero says whether anything but zeros was skipped. */
static gboolean
file_scan (CanopyBlfReader *self,
           guint64         *skipped,
           gboolean        *nonzero)
{
  *skipped = 0;

  for (;;)
    {
      gsize avail = file_fill (self, FILE_BUFFER_SIZE);
      const guint8 *p = self->fbuf + self->fpos;
      gsize i;

      if (avail < 4)
        {
          for (i = 0; i < avail; i++)
            if (p[i] != 0)
              *nonzero = TRUE;
          *skipped += avail;
          file_consume (self, avail);
          return FALSE;
        }

      for (i = 0; i + 4 <= avail; i++)
        {
          if (p[i] == 'L' && blf_read_u32 (p + i) == BLF_OBJ_SIGNATURE)
            {
              file_consume (self, i);
              *skipped += i;
              return TRUE;
            }
          if (p[i] != 0)
            *nonzero = TRUE;
        }

      file_consume (self, i);
      *skipped += i;
    }
}

/* Reads the next top-level object into @slot: a container (queued for
 * inflating when compressed), a bare object, or the end of the file. */
static void
read_top_level (CanopyBlfReader *self,
                BlfSlot         *slot)
{
  gboolean broke = FALSE;

  slot->kind = SLOT_DATA;
  slot->compressed = FALSE;
  slot->ok = TRUE;
  slot->produced = 0;
  slot->ulen = 0;
  slot->clen = 0;

  for (;;)
    {
      BlfObjectHeader h;
      guint64 offset = self->foffset;
      gsize avail = file_fill (self, BLF_CONTAINER_HEADER_SIZE);
      const guint8 *p = self->fbuf + self->fpos;

      if (avail < BLF_BASE_HEADER_SIZE)
        {
          gboolean zeros = TRUE;

          for (gsize i = 0; i < avail; i++)
            zeros &= p[i] == 0;
          slot->kind = SLOT_END;
          if (self->ferror != NULL)
            slot->error = g_error_new (CANOPY_ERROR, CANOPY_ERROR_IO,
                                       "offset %" G_GUINT64_FORMAT ": %s",
                                       offset, self->ferror->message);
          else if (!zeros)
            slot->error = g_error_new (CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                                       "offset %" G_GUINT64_FORMAT ": the file ends inside an "
                                       "object header (%" G_GSIZE_FORMAT " of 16 bytes)",
                                       offset, avail);
          file_consume (self, avail);
          self->top_done = TRUE;
          return;
        }

      if (avail < BLF_CONTAINER_HEADER_SIZE && blf_base_header_parse (p, &h) &&
          h.object_type == BLF_OBJ_LOG_CONTAINER)
        {
          slot->kind = SLOT_END;
          slot->error = g_error_new (CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                                     "offset %" G_GUINT64_FORMAT ": the file ends inside a log "
                                     "container header (%" G_GSIZE_FORMAT " of 32 bytes)",
                                     offset, avail);
          file_consume (self, avail);
          self->top_done = TRUE;
          return;
        }

      if (!blf_base_header_parse (p, &h) ||
          h.object_size < BLF_BASE_HEADER_SIZE ||
          h.header_size < BLF_BASE_HEADER_SIZE ||
          h.header_size > h.object_size ||
          (h.object_type == BLF_OBJ_LOG_CONTAINER && h.object_size < BLF_CONTAINER_HEADER_SIZE))
        {
          guint64 skipped = 0;
          gboolean nonzero = FALSE;
          gboolean is_obj = blf_read_u32 (p) == BLF_OBJ_SIGNATURE;

          /* Zero padding after an object is normal; anything else is
           * damage: look for the next object header. */
          file_consume (self, is_obj ? 1 : 0);
          if (is_obj)
            nonzero = TRUE;
          if (!file_scan (self, &skipped, &nonzero))
            {
              slot->kind = SLOT_END;
              if (nonzero)
                slot->error = g_error_new (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                                           "offset %" G_GUINT64_FORMAT ": %s, and no further "
                                           "object follows",
                                           offset, is_obj ? "broken object header"
                                                          : "not a BLF object");
              self->top_done = TRUE;
              return;
            }
          if (nonzero)
            {
              slot_set_warning (slot,
                                "offset %" G_GUINT64_FORMAT ": %s; skipped %" G_GUINT64_FORMAT
                                " bytes to the next object",
                                offset, is_obj ? "broken object header" : "not a BLF object",
                                skipped + (is_obj ? 1 : 0));
              broke = TRUE;
            }
          continue;
        }

      if (h.object_type != BLF_OBJ_LOG_CONTAINER)
        {
          /* Objects outside containers (Wireshark reads them, python-can
           * skips them): fed to the object stream as they are. */
          if (h.object_size > BLF_MAX_ASSEMBLED_OBJECT)
            {
              guint64 done = file_skip (self, h.object_size);

              self->skipped++;
              if (done < h.object_size)
                {
                  slot->kind = SLOT_END;
                  slot->error = g_error_new (CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                                             "offset %" G_GUINT64_FORMAT ": the file ends inside "
                                             "an object of %u bytes",
                                             offset, h.object_size);
                  self->top_done = TRUE;
                  return;
                }
              continue;
            }

          if (!slot_reserve (&slot->ubuf, &slot->ucap, h.object_size))
            {
              slot->kind = SLOT_END;
              slot->error = g_error_new (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                                         "offset %" G_GUINT64_FORMAT ": no memory for an object "
                                         "of %u bytes", offset, h.object_size);
              self->top_done = TRUE;
              return;
            }
          slot->file_offset = offset;
          slot->ulen = h.object_size;
          slot->produced = file_read (self, slot->ubuf, h.object_size);
          if (slot->produced < h.object_size)
            {
              slot->ok = FALSE;
              slot->damage = g_error_new (CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                                          "offset %" G_GUINT64_FORMAT ": the file ends inside an "
                                          "object (%" G_GSIZE_FORMAT " of %u bytes)",
                                          offset, slot->produced, h.object_size);
            }
          break;
        }
      else
        {
          guint16 method = blf_read_u16 (p + 16);
          guint32 usize = blf_read_u32 (p + 24);
          gsize payload = h.object_size - BLF_CONTAINER_HEADER_SIZE;
          const char *problem = NULL;

          if (method == BLF_COMPRESSION_NONE && payload > BLF_MAX_CONTAINER_STORED)
            problem = "stored log container is implausibly large";
          else if (method == BLF_COMPRESSION_ZLIB &&
                   (usize > BLF_MAX_CONTAINER_INFLATED || payload > BLF_MAX_CONTAINER_STORED))
            problem = "log container is implausibly large";
          else if (method != BLF_COMPRESSION_NONE && method != BLF_COMPRESSION_ZLIB)
            problem = "unknown compression method";

          if (problem != NULL)
            {
              guint64 done = file_skip (self, h.object_size);

              self->skipped++;
              if (done < h.object_size)
                {
                  slot->kind = SLOT_END;
                  slot->error = g_error_new (CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                                             "offset %" G_GUINT64_FORMAT ": %s (method %u, "
                                             "%u bytes inflated), and the file ends inside it",
                                             offset, problem, method, usize);
                  self->top_done = TRUE;
                  return;
                }
              slot_set_warning (slot, "offset %" G_GUINT64_FORMAT ": %s (method %u, %u bytes "
                                "inflated); skipped", offset, problem, method, usize);
              broke = TRUE;
              continue;
            }

          file_consume (self, BLF_CONTAINER_HEADER_SIZE);
          slot->file_offset = offset;

          if (method == BLF_COMPRESSION_NONE)
            {
              if (!slot_reserve (&slot->ubuf, &slot->ucap, payload))
                {
                  slot->kind = SLOT_END;
                  slot->error = g_error_new (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                                             "offset %" G_GUINT64_FORMAT ": no memory for a log "
                                             "container of %u bytes", offset, (guint) payload);
                  self->top_done = TRUE;
                  return;
                }
              slot->ulen = payload;
              slot->produced = file_read (self, slot->ubuf, payload);
              if (slot->produced < payload)
                slot->ok = FALSE;
            }
          else
            {
              if (!slot_reserve (&slot->cbuf, &slot->ccap, payload) ||
                  !slot_reserve (&slot->ubuf, &slot->ucap, usize))
                {
                  slot->kind = SLOT_END;
                  slot->error = g_error_new (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                                             "offset %" G_GUINT64_FORMAT ": no memory for a log "
                                             "container of %u bytes inflated", offset, (guint) usize);
                  self->top_done = TRUE;
                  return;
                }
              slot->ulen = usize;
              slot->clen = file_read (self, slot->cbuf, payload);
              slot->compressed = TRUE;
            }

          if (slot->clen < payload && slot->compressed)
            slot->damage = g_error_new (CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                                        "offset %" G_GUINT64_FORMAT ": the file ends inside a log "
                                        "container (%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                                        " compressed bytes)",
                                        offset, slot->clen, payload);
          else if (!slot->compressed && slot->produced < payload)
            slot->damage = g_error_new (CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                                        "offset %" G_GUINT64_FORMAT ": the file ends inside a log "
                                        "container (%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes)",
                                        offset, slot->produced, payload);
          break;
        }
    }

  slot->discontinuity = broke;
  slot->end_offset = self->foffset;
  slot->stream_offset = self->stream_total;
  self->stream_total += slot->ulen;
}

static void
fill_pipeline (CanopyBlfReader *self)
{
  while (!self->top_done && self->n_used < self->n_slots)
    {
      BlfSlot *slot = &self->slots[(self->head + self->n_used) % self->n_slots];

      self->n_used++;
      read_top_level (self, slot);

      if (slot->kind == SLOT_DATA && slot->compressed)
        {
          g_atomic_int_set (&slot->state, SLOT_QUEUED);
          if (self->pool != NULL)
            g_thread_pool_push (self->pool, slot, NULL);
        }
      else
        g_atomic_int_set (&slot->state, SLOT_DONE);
    }
}

static void
slot_wait (CanopyBlfReader *self,
           BlfSlot         *slot)
{
  /* Not started yet: do it here rather than wait for a worker. */
  if (g_atomic_int_compare_and_exchange (&slot->state, SLOT_QUEUED, SLOT_RUNNING))
    {
      slot_inflate (slot);
      g_atomic_int_set (&slot->state, SLOT_DONE);
      return;
    }

  if (g_atomic_int_get (&slot->state) == SLOT_DONE)
    return;

  g_mutex_lock (&self->mutex);
  while (g_atomic_int_get (&slot->state) != SLOT_DONE)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

static void
slot_release (BlfSlot *slot)
{
  g_clear_pointer (&slot->warning, g_free);
  g_clear_error (&slot->error);
  g_clear_error (&slot->damage);
  slot->discontinuity = FALSE;
  g_atomic_int_set (&slot->state, SLOT_FREE);
}

/* The object stream */

static void
format_offset (CanopyBlfReader *self,
               char            *buf,
               gsize            buf_len)
{
  guint64 stream_offset;

  if (self->cur == NULL)
    {
      g_snprintf (buf, buf_len, "offset %" G_GUINT64_FORMAT, self->foffset);
      return;
    }

  stream_offset = self->cur->stream_offset + self->pos;
  if (self->in_join)
    stream_offset = self->cur->stream_offset + self->join_base + self->pos - self->join_carry;

  g_snprintf (buf, buf_len,
              "offset %" G_GUINT64_FORMAT " (inflated byte %" G_GUINT64_FORMAT
              " of the object stream)",
              self->cur->file_offset, stream_offset);
}

static void
note_bad (CanopyBlfReader *self,
          const char      *why)
{
  char where[128];

  self->skipped++;
  if (self->pending_bad != NULL)
    return;
  format_offset (self, where, sizeof where);
  self->pending_bad = g_strdup_printf ("%s: %s", where, why);
}

static void
resynced (CanopyBlfReader *self)
{
  if (self->pending_bad != NULL)
    {
      _canopy_log_reader_report_damage (CANOPY_LOG_READER (self),
                                        g_error_new (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                                                     "%s; skipped to the next object",
                                                     self->pending_bad));
      g_clear_pointer (&self->pending_bad, g_free);
    }
  self->quiet_scan = FALSE;
}

static gboolean
is_frame_type (guint32 type)
{
  switch (type)
    {
    case BLF_OBJ_CAN_MESSAGE:
    case BLF_OBJ_CAN_MESSAGE2:
    case BLF_OBJ_CAN_ERROR:
    case BLF_OBJ_CAN_ERROR_EXT:
    case BLF_OBJ_CAN_FD_MESSAGE:
    case BLF_OBJ_CAN_FD_MESSAGE_64:
    case BLF_OBJ_CAN_FD_ERROR_64:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Parses the window from pos. Returns TRUE with a frame in @msg, FALSE when
 * the window is exhausted (pos is then at the start of what must be
 * carried over). */
static gboolean
parse_window (CanopyBlfReader *self,
              CanopyMessage   *msg)
{
  for (;;)
    {
      const guint8 *p;
      gsize remaining;
      guint32 size, type;
      guint16 hsize;
      const char *why = NULL;

      if (self->in_join && self->pos >= self->join_carry)
        {
          /* Past the carried bytes: continue in the container itself. */
          self->pos = self->pos - self->join_carry + self->join_base;
          self->buf = self->cur->ubuf;
          self->len = self->cur->produced;
          self->in_join = FALSE;
        }

      remaining = self->len - self->pos;

      if (G_UNLIKELY (self->skip_remaining > 0))
        {
          gsize n = (gsize) MIN ((guint64) remaining, self->skip_remaining);

          self->pos += n;
          self->skip_remaining -= n;
          /* Window used up: the next container goes on; but the join
           * buffer only holds the start of the current one. */
          if (self->skip_remaining > 0 && !self->in_join)
            return FALSE;
          continue;
        }

      if (remaining < BLF_BASE_HEADER_SIZE)
        return FALSE;

      p = self->buf + self->pos;

      if (G_UNLIKELY (blf_read_u32 (p) != BLF_OBJ_SIGNATURE))
        {
          gsize i;
          gboolean nonzero = FALSE;

          /* Padding (zeros) or damage: find the next object header. */
          for (i = 0; i + 4 <= remaining; i++)
            {
              if (p[i] == 'L' && blf_read_u32 (p + i) == BLF_OBJ_SIGNATURE)
                break;
              nonzero |= p[i] != 0;
            }
          if (nonzero && !self->quiet_scan)
            note_bad (self, "bytes that are not an object");
          if (i + 4 > remaining)
            {
              /* Keep the last three bytes: "LOBJ" may straddle. In the
               * join buffer, go on scanning in the container itself. */
              self->pos += remaining - 3;
              if (self->in_join && self->pos >= self->join_carry)
                continue;
              return FALSE;
            }
          self->pos += i;
          resynced (self);
          continue;
        }

      hsize = blf_read_u16 (p + 4);
      size = blf_read_u32 (p + 8);
      type = blf_read_u32 (p + 12);

      if (G_UNLIKELY (size < BLF_BASE_HEADER_SIZE || hsize < BLF_BASE_HEADER_SIZE ||
                      hsize > size || type == 0 || type > 0xFFFF ||
                      type == BLF_OBJ_LOG_CONTAINER ||
                      (is_frame_type (type) && size > BLF_MAX_ASSEMBLED_OBJECT)))
        {
          note_bad (self, type == BLF_OBJ_LOG_CONTAINER
                          ? "log container nested in a log container"
                          : "broken object header");
          self->pos += 1;
          continue;
        }

      if (size > remaining)
        {
          if (size > BLF_MAX_ASSEMBLED_OBJECT)
            {
              /* A large object we do not read: stream over it. */
              self->skip_remaining = size;
              self->skipped++;
              continue;
            }
          return FALSE;
        }

      switch (_canopy_blf_decode_object (p, size, self->start_ns, msg, &why))
        {
        case BLF_DECODE_FRAME:
          self->pos += size;
          if (G_UNLIKELY (self->pending_bad != NULL || self->quiet_scan))
            resynced (self);
          return TRUE;

        case BLF_DECODE_SKIP:
          self->pos += size;
          if (G_UNLIKELY (self->pending_bad != NULL || self->quiet_scan))
            resynced (self);
          break;

        case BLF_DECODE_BAD:
        default:
          note_bad (self, why);
          self->pos += size;
          break;
        }
    }
}

static gboolean
all_zero (const guint8 *p,
          gsize         n)
{
  for (gsize i = 0; i < n; i++)
    if (p[i] != 0)
      return FALSE;
  return TRUE;
}

/* Moves the window to the next container. Returns FALSE at the end, with
 * @error set when the end is damage. */
static gboolean
next_slot (CanopyBlfReader  *self,
           GError          **error)
{
  BlfSlot *slot;
  gsize start = 0;

  /* Whatever is left of the window must be carried over. */
  if (self->cur != NULL)
    {
      gsize rest = self->len - self->pos;

      if (rest > 0)
        {
          g_assert (rest <= BLF_MAX_ASSEMBLED_OBJECT + BLF_BASE_HEADER_SIZE);
          memmove (self->carry, self->buf + self->pos, rest);
        }
      self->carry_len = rest;

      if (self->cur->damage != NULL)
        {
          g_clear_error (&self->pending_damage);
          self->pending_damage = g_steal_pointer (&self->cur->damage);
        }
      else if (!self->cur->ok && self->cur->kind == SLOT_DATA)
        {
          g_clear_error (&self->pending_damage);
          self->pending_damage =
            g_error_new (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                         "offset %" G_GUINT64_FORMAT ": damaged log container "
                         "(%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes inflate)",
                         self->cur->file_offset, self->cur->produced, self->cur->ulen);
        }

      slot_release (self->cur);
      self->head = (self->head + 1) % self->n_slots;
      self->n_used--;
      self->cur = NULL;
    }

  fill_pipeline (self);
  g_assert (self->n_used > 0);

  slot = &self->slots[self->head];
  slot_wait (self, slot);
  self->cur = slot;

  if (slot->warning != NULL)
    {
      self->skipped++;
      _canopy_log_reader_report_damage (CANOPY_LOG_READER (self),
                                        g_error_new_literal (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                                                             slot->warning));
    }

  if (slot->kind == SLOT_END)
    {
      _canopy_log_reader_set_progress (CANOPY_LOG_READER (self), self->foffset, self->file_size);

      if (self->pending_damage != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&self->pending_damage));
          return FALSE;
        }
      if (slot->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&slot->error));
          return FALSE;
        }
      if (self->pending_bad != NULL)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                       "%s, and no further object follows", self->pending_bad);
          return FALSE;
        }
      if (self->skip_remaining > 0 ||
          (self->carry_len > 0 && !all_zero (self->carry, self->carry_len)))
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                       "offset %" G_GUINT64_FORMAT ": the object stream ends inside an object "
                       "(inflated byte %" G_GUINT64_FORMAT ")",
                       self->foffset, self->stream_total - self->carry_len);
          return FALSE;
        }
      return FALSE;
    }

  _canopy_log_reader_set_progress (CANOPY_LOG_READER (self), slot->end_offset, self->file_size);

  if (self->pending_damage != NULL)
    {
      /* More data follows the damaged container: go on, and tell. */
      _canopy_log_reader_report_damage (CANOPY_LOG_READER (self),
                                        g_error_new (self->pending_damage->domain,
                                                     self->pending_damage->code,
                                                     "%s; continuing with the next log container",
                                                     self->pending_damage->message));
      g_clear_error (&self->pending_damage);
      self->skipped++;
      slot->discontinuity = TRUE;
    }

  if (slot->discontinuity)
    {
      self->carry_len = 0;
      self->skip_remaining = 0;
      self->quiet_scan = TRUE;
    }

  if (self->carry_len > 0)
    {
      gsize k = MIN (slot->produced - start, (gsize) BLF_MAX_ASSEMBLED_OBJECT + BLF_BASE_HEADER_SIZE);

      memcpy (self->join, self->carry, self->carry_len);
      memcpy (self->join + self->carry_len, slot->ubuf + start, k);
      self->join_carry = self->carry_len;
      self->join_base = start;
      self->buf = self->join;
      self->len = self->carry_len + k;
      self->pos = 0;
      self->in_join = TRUE;
      self->carry_len = 0;
    }
  else
    {
      self->buf = slot->ubuf;
      self->len = slot->produced;
      self->pos = start;
      self->in_join = FALSE;
    }

  return TRUE;
}

static gboolean
canopy_blf_reader_next (CanopyLogReader  *reader,
                        CanopyMessage    *msg,
                        GError          **error)
{
  /* Per frame: the base class has checked the type already. */
  CanopyBlfReader *self = (CanopyBlfReader *) reader;

  if (self->finished)
    return FALSE;

  for (;;)
    {
      if (self->cur != NULL && parse_window (self, msg))
        return TRUE;

      if (!next_slot (self, error))
        {
          self->finished = TRUE;
          return FALSE;
        }
    }
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
  guint n_workers;
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

  avail = file_fill (self, BLF_FILE_HEADER_SIZE);
  if (!_canopy_blf_file_header_parse (self->fbuf + self->fpos, avail, &self->header, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  if (file_skip (self, self->header.header_size) < self->header.header_size)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                   "%s: offset %" G_GUINT64_FORMAT ": the file ends inside its %u-byte header",
                   path, self->foffset, self->header.header_size);
      return FALSE;
    }

  _canopy_blf_systemtime_to_ns (&self->header.start, self->utc, &self->start_ns);
  _canopy_blf_systemtime_to_ns (&self->header.stop, self->utc, &self->stop_ns);

  n_workers = CLAMP (g_get_num_processors (), 1, 8);
  self->n_slots = 2 * n_workers + 2;
  self->slots = g_new0 (BlfSlot, self->n_slots);
  for (guint i = 0; i < self->n_slots; i++)
    self->slots[i].reader = self;
  if (n_workers > 1)
    self->pool = g_thread_pool_new (worker_func, self, n_workers, FALSE, NULL);

  _canopy_log_reader_set_progress (CANOPY_LOG_READER (self), self->foffset, self->file_size);

  return TRUE;
}

static void
initable_iface_init (GInitableIface *iface)
{
  iface->init = canopy_blf_reader_initable_init;
}

static void
canopy_blf_reader_dispose (GObject *object)
{
  CanopyBlfReader *self = CANOPY_BLF_READER (object);

  /* Cancel what no worker started, then wait for the rest. */
  if (self->pool != NULL)
    {
      for (guint i = 0; i < self->n_slots; i++)
        g_atomic_int_compare_and_exchange (&self->slots[i].state, SLOT_QUEUED, SLOT_FREE);
      g_thread_pool_free (g_steal_pointer (&self->pool), TRUE, TRUE);
    }

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
      slot_release (&self->slots[i]);
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

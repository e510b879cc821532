/* canopy-blf-scanner.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-error.h"
#include "canopy-blf-reader-private.h"

/* The container scanner: reads the file's top-level objects one after the
 * other into slots of the pipeline (a log container's compressed payload,
 * a stored container or a bare object as it is), through one buffer, and
 * steps over damage between them to the next object header. */

gsize
_canopy_blf_scanner_fill (CanopyBlfReader *self,
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

  /* An empty window may have no buffer yet: no memcpy from NULL. */
  if (got > 0)
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

guint64
_canopy_blf_scanner_skip (CanopyBlfReader *self,
                          guint64          n)
{
  guint64 done = 0;

  while (done < n)
    {
      gsize avail = _canopy_blf_scanner_fill (self, FILE_BUFFER_SIZE);
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
      gsize avail = _canopy_blf_scanner_fill (self, FILE_BUFFER_SIZE);
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

/* Containers never nest, and deflate data holds a container header
 * ("LOBJ", header size 16, version 1, type 10) practically never: one
 * inside a container's payload (compressed, or stored as it is) or inside
 * a bare object is the next container, and the size that covers it is
 * damage. */
static gboolean
is_container_header (const guint8 *q)
{
  return blf_read_u32 (q) == BLF_OBJ_SIGNATURE && blf_read_u16 (q + 4) == BLF_BASE_HEADER_SIZE &&
         blf_read_u16 (q + 6) == 1 && blf_read_u32 (q + 12) == BLF_OBJ_LOG_CONTAINER &&
         blf_read_u32 (q + 8) >= BLF_CONTAINER_HEADER_SIZE;
}

/* Where in @p a container header starts, at @from or later with its base
 * header within @n bytes; -1 if nowhere. */
static gssize
find_container_header (const guint8 *p,
                       gsize         n,
                       gsize         from)
{
  for (gsize i = from; i + BLF_BASE_HEADER_SIZE <= n; i++)
    {
      const guint8 *q = memchr (p + i, 'L', n - BLF_BASE_HEADER_SIZE + 1 - i);

      if (q == NULL)
        break;
      i = q - p;
      if (is_container_header (q))
        return i;
    }
  return -1;
}

/* Goes back (or on) to @target to read the file from there. */
static gboolean
read_on_from (CanopyBlfReader *self,
              guint64          target)
{
  if (!G_IS_SEEKABLE (self->stream) ||
      !g_seekable_seek (G_SEEKABLE (self->stream), (goffset) target, G_SEEK_SET, NULL, NULL))
    return FALSE;
  self->fpos = self->flen = 0;
  self->foffset = target;
  self->feof = FALSE;
  return TRUE;
}

/* A container whose size field grew by damage swallows the containers
 * after it: its payload is cut at the next container header and the file
 * read on from there. Returns the payload's length, cut or not. */
static gsize
cut_at_next_container (CanopyBlfReader *self,
                       BlfSlot         *slot,
                       guint64          offset,
                       const guint8    *p,
                       gsize            n,
                       gsize            payload)
{
  gssize i = find_container_header (p, n, 0);
  guint64 target;

  if (i < 0)
    return payload;
  target = offset + BLF_CONTAINER_HEADER_SIZE + i;
  if (!read_on_from (self, target))
    return payload;
  slot_set_warning (slot, "offset %" G_GUINT64_FORMAT ": the log container's size (%"
                    G_GSIZE_FORMAT " bytes) covers the next one at offset %" G_GUINT64_FORMAT
                    "; read on from there", offset, payload, target);
  return i;
}

/* Steps over the @n bytes of the object at the read position, unless a
 * container header lies inside them: then it stops there and returns
 * FALSE. *@done says how far it got. */
static gboolean
skip_object (CanopyBlfReader *self,
             guint64          n,
             guint64         *done)
{
  *done = 0;

  while (*done < n)
    {
      gsize avail = _canopy_blf_scanner_fill (self, FILE_BUFFER_SIZE);
      const guint8 *p = self->fbuf + self->fpos;
      gsize in_object = (gsize) MIN ((guint64) avail, n - *done);
      gsize checkable = 0;
      gsize step;
      gssize at;

      if (avail == 0)
        break;
      /* The header starts whose base header is in the buffer; the object's
       * own at 0 aside. */
      if (avail >= BLF_BASE_HEADER_SIZE)
        checkable = MIN (in_object, avail - BLF_BASE_HEADER_SIZE + 1);
      at = find_container_header (p, checkable + BLF_BASE_HEADER_SIZE - 1, *done == 0 ? 1 : 0);
      if (at >= 0)
        {
          file_consume (self, at);
          *done += at;
          return FALSE;
        }
      /* Keep what may hold the start of a header for the next round, unless
       * the file ends too soon to hold one. */
      step = checkable < in_object && !self->feof ? checkable : in_object;
      file_consume (self, step);
      *done += step;
    }

  return TRUE;
}

/* Reads the next top-level object into @slot: a container (queued for
 * inflating when compressed), a bare object, or the end of the file. */
void
_canopy_blf_scanner_read_object (CanopyBlfReader *self,
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
      gsize avail = _canopy_blf_scanner_fill (self, BLF_CONTAINER_HEADER_SIZE);
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
          if (h.object_size > (blf_is_event_type (h.object_type) ? BLF_MAX_EVENT_OBJECT
                                                                  : BLF_MAX_ASSEMBLED_OBJECT))
            {
              guint64 done;

              self->skipped++;
              if (!skip_object (self, h.object_size, &done))
                {
                  slot_set_warning (slot, "offset %" G_GUINT64_FORMAT ": the object's size (%u "
                                    "bytes) covers the log container at offset %" G_GUINT64_FORMAT
                                    "; read on from there", offset, h.object_size, self->foffset);
                  broke = TRUE;
                  continue;
                }
              _canopy_blf_count_object (self, h.object_type);
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
          {
            gssize at = find_container_header (slot->ubuf, slot->produced, 1);

            if (at >= 0 && read_on_from (self, offset + at))
              {
                self->skipped++;
                slot->ulen = slot->produced = 0;
                slot_set_warning (slot, "offset %" G_GUINT64_FORMAT ": the object's size (%u bytes) "
                                  "covers the log container at offset %" G_GUINT64_FORMAT
                                  "; read on from there", offset, h.object_size, offset + at);
                broke = TRUE;
                continue;
              }
          }
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

          if (problem != NULL && method != BLF_COMPRESSION_NONE && method != BLF_COMPRESSION_ZLIB &&
              h.object_size <= BLF_MAX_CONTAINER_STORED)
            ;  /* an intact container we cannot inflate: skipped whole below */
          else if (problem != NULL)
            {
              guint64 skipped = 0;
              gboolean nonzero = TRUE;

              /* Its size is damage, not a container: the next intact one
               * is found by its header. */
              self->skipped++;
              file_consume (self, 1);
              if (!file_scan (self, &skipped, &nonzero))
                {
                  slot->kind = SLOT_END;
                  slot->error = g_error_new (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                                             "offset %" G_GUINT64_FORMAT ": %s (method %u, %u bytes "
                                             "inflated), and no further object follows",
                                             offset, problem, method, usize);
                  self->top_done = TRUE;
                  return;
                }
              slot_set_warning (slot, "offset %" G_GUINT64_FORMAT ": %s (method %u, %u bytes "
                                "inflated); skipped %" G_GUINT64_FORMAT " bytes to the next object",
                                offset, problem, method, usize, skipped + 1);
              broke = TRUE;
              continue;
            }

          if (problem != NULL)
            {
              guint64 done;

              self->skipped++;
              if (!skip_object (self, h.object_size, &done))
                {
                  slot_set_warning (slot, "offset %" G_GUINT64_FORMAT ": %s (method %u); its size "
                                    "covers the log container at offset %" G_GUINT64_FORMAT
                                    "; read on from there", offset, problem, method, self->foffset);
                  broke = TRUE;
                  continue;
                }
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
              slot->produced = file_read (self, slot->ubuf, payload);
              payload = cut_at_next_container (self, slot, offset, slot->ubuf, slot->produced, payload);
              slot->produced = MIN (slot->produced, payload);
              slot->ulen = payload;
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
              payload = cut_at_next_container (self, slot, offset, slot->cbuf, slot->clen, payload);
              slot->clen = MIN (slot->clen, payload);
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


/* canopy-gzip-input.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <zlib.h>

#include "canopy-error.h"
#include "canopy-gzip-input-private.h"

#define INPUT_SIZE   (64 * 1024)
#define WINDOW_SIZE  32768
/* Text between two access points: going back costs inflating at most this
 * much, and a point costs WINDOW_SIZE bytes of memory (1 % of the span). */
#define POINT_SPAN   (4 * 1024 * 1024)

typedef struct
{
  guint64  in;       /* file offset of the first whole byte of the block */
  guint64  out;      /* text offset of the block */
  int      bits;     /* bits of the block in the byte before @in */
  guint8  *window;   /* the WINDOW_SIZE bytes of text before @out */
} AccessPoint;

struct _CanopyGzipInput
{
  FILE     *file;
  char     *path;
  z_stream  zs;
  guint8   *input;
  gsize     input_start;
  gsize     input_end;
  guint64   disk_offset;     /* file offset after input_end */
  guint64   text_offset;     /* text produced so far */
  gboolean  input_eof;
  gboolean  raw;             /* inflating raw deflate from an access point */
  gboolean  done;            /* after the last member */

  /* The last WINDOW_SIZE bytes of text, a ring. */
  guint8   *window;
  gsize     window_pos;
  gsize     window_len;

  GArray   *points;          /* AccessPoint, by offset */
};

static void
clear_point (gpointer data)
{
  AccessPoint *point = data;

  g_free (point->window);
}

CanopyGzipInput *
_canopy_gzip_input_new (FILE       *file,
                        const char *path)
{
  CanopyGzipInput *self = g_new0 (CanopyGzipInput, 1);

  self->file = file;
  self->path = g_strdup (path);
  self->input = g_malloc (INPUT_SIZE);
  self->window = g_malloc (WINDOW_SIZE);
  self->points = g_array_new (FALSE, FALSE, sizeof (AccessPoint));
  g_array_set_clear_func (self->points, clear_point);

  /* 15 window bits, +32: a gzip (or zlib) header. */
  if (inflateInit2 (&self->zs, 15 + 32) != Z_OK)
    g_error ("out of memory");

  canopy_fseek (file, 0);

  return self;
}

void
_canopy_gzip_input_free (CanopyGzipInput *self)
{
  if (self == NULL)
    return;

  inflateEnd (&self->zs);
  g_clear_pointer (&self->points, g_array_unref);
  g_free (self->input);
  g_free (self->window);
  g_free (self->path);
  g_free (self);
}

guint64
_canopy_gzip_input_get_disk_offset (CanopyGzipInput *self)
{
  return self->disk_offset - (self->input_end - self->input_start);
}

static gboolean
fill_input (CanopyGzipInput  *self,
            GError          **error)
{
  size_t n;

  if (self->input_start < self->input_end || self->input_eof)
    return TRUE;

  n = fread (self->input, 1, INPUT_SIZE, self->file);
  if (n == 0 && ferror (self->file))
    {
      int saved_errno = errno;

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "%s: read error at byte %" G_GUINT64_FORMAT ": %s",
                   self->path, self->disk_offset, g_strerror (saved_errno));
      return FALSE;
    }

  self->input_start = 0;
  self->input_end = n;
  self->input_eof = n == 0;
  self->disk_offset += n;

  return TRUE;
}

static void
window_add (CanopyGzipInput *self,
            const guint8    *text,
            gsize            len)
{
  if (len >= WINDOW_SIZE)
    {
      memcpy (self->window, text + len - WINDOW_SIZE, WINDOW_SIZE);
      self->window_pos = 0;
      self->window_len = WINDOW_SIZE;
      return;
    }

  while (len > 0)
    {
      gsize n = MIN (len, WINDOW_SIZE - self->window_pos);

      memcpy (self->window + self->window_pos, text, n);
      self->window_pos = (self->window_pos + n) % WINDOW_SIZE;
      self->window_len = MIN (self->window_len + n, WINDOW_SIZE);
      text += n;
      len -= n;
    }
}

static void
add_point (CanopyGzipInput *self)
{
  AccessPoint point;
  gsize head;

  /* Only beyond what is indexed already (a rewound input reads known
   * text again). */
  if (self->points->len > 0 &&
      self->text_offset < g_array_index (self->points, AccessPoint, self->points->len - 1).out + POINT_SPAN)
    return;

  point.in = _canopy_gzip_input_get_disk_offset (self);
  point.out = self->text_offset;
  point.bits = self->zs.data_type & 7;
  point.window = g_malloc0 (WINDOW_SIZE);

  /* Unroll the ring, oldest byte first, right-aligned. */
  head = (self->window_pos + WINDOW_SIZE - self->window_len) % WINDOW_SIZE;
  for (gsize i = 0, n; i < self->window_len; i += n)
    {
      n = MIN (self->window_len - i, WINDOW_SIZE - (head + i) % WINDOW_SIZE);
      memcpy (point.window + WINDOW_SIZE - self->window_len + i,
              self->window + (head + i) % WINDOW_SIZE, n);
    }

  g_array_append_val (self->points, point);
}

/* After a member: another member, or the end (anything else after the
 * last member is ignored, as gzip does). */
static gboolean
next_member (CanopyGzipInput  *self,
             GError          **error)
{
  /* A raw stream from an access point stops before the member's 8-byte
   * trailer (CRC-32 and size), which gzip mode would have checked. */
  for (guint skip = self->raw ? 8 : 0; skip > 0;)
    {
      gsize n;

      if (!fill_input (self, error))
        return FALSE;
      if (self->input_eof)
        break;
      n = MIN (skip, self->input_end - self->input_start);
      self->input_start += n;
      skip -= n;
    }

  if (!fill_input (self, error))
    return FALSE;

  if (self->input_end - self->input_start >= 2 &&
      self->input[self->input_start] == 0x1f &&
      (guint8) self->input[self->input_start + 1] == 0x8b)
    {
      inflateReset2 (&self->zs, 15 + 32);
      self->raw = FALSE;
      return TRUE;
    }

  self->done = TRUE;
  return TRUE;
}

gssize
_canopy_gzip_input_read (CanopyGzipInput  *self,
                         char             *out,
                         gsize             size,
                         GError          **error)
{
  gsize produced = 0;

  /* Fill @out: at the end that also reads the last member's trailer, so
   * the whole file counts as consumed with the last line. Damage found
   * after some text is reported by the next call, once that text is out. */
  while (produced < size && !self->done)
    {
      g_autoptr(GError) local_error = NULL;
      gsize avail_in;
      gsize n;
      int ret;

      if (!fill_input (self, &local_error))
        {
          if (produced > 0)
            break;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }

      if (self->input_start == self->input_end && self->input_eof)
        {
          if (produced > 0)
            break;
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                       "%s: the gzip stream ends early (at byte %" G_GUINT64_FORMAT ")",
                       self->path, self->disk_offset);
          return -1;
        }

      avail_in = self->input_end - self->input_start;
      self->zs.next_in = self->input + self->input_start;
      self->zs.avail_in = avail_in;
      self->zs.next_out = (Bytef *) out + produced;
      self->zs.avail_out = size - produced;

      /* Stop at block boundaries: the places an access point can be. */
      ret = inflate (&self->zs, Z_BLOCK);

      self->input_start += avail_in - self->zs.avail_in;
      n = size - produced - self->zs.avail_out;
      window_add (self, (const guint8 *) out + produced, n);
      self->text_offset += n;
      produced += n;

      if (ret == Z_NEED_DICT || ret == Z_DATA_ERROR || ret == Z_MEM_ERROR || ret == Z_STREAM_ERROR)
        {
          if (produced > 0)
            break;
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                       "%s: corrupt gzip data near byte %" G_GUINT64_FORMAT ": %s",
                       self->path, _canopy_gzip_input_get_disk_offset (self),
                       self->zs.msg ? self->zs.msg : "invalid data");
          return -1;
        }

      if (ret == Z_STREAM_END)
        {
          if (!next_member (self, &local_error))
            {
              if (produced > 0)
                break;
              g_propagate_error (error, g_steal_pointer (&local_error));
              return -1;
            }
          continue;
        }

      /* The end of a block that is not the last one. */
      if ((self->zs.data_type & 128) && !(self->zs.data_type & 64))
        add_point (self);
    }

  return produced;
}

gboolean
_canopy_gzip_input_rewind (CanopyGzipInput  *self,
                           guint64           text_offset,
                           guint64          *restart_offset,
                           GError          **error)
{
  const AccessPoint *point = NULL;
  guint lo = 0;
  guint hi = self->points->len;
  guint64 seek_to = 0;

  /* The last point at or before @text_offset. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->points, AccessPoint, mid).out <= text_offset)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo > 0)
    point = &g_array_index (self->points, AccessPoint, lo - 1);

  if (point != NULL)
    seek_to = point->in - (point->bits ? 1 : 0);

  if (canopy_fseek (self->file, seek_to) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "%s: cannot seek to byte %" G_GUINT64_FORMAT ": %s",
                   self->path, seek_to, g_strerror (saved_errno));
      return FALSE;
    }

  self->input_start = self->input_end = 0;
  self->input_eof = FALSE;
  self->disk_offset = seek_to;
  self->done = FALSE;

  if (point == NULL)
    {
      inflateReset2 (&self->zs, 15 + 32);
      self->raw = FALSE;
      self->text_offset = 0;
      self->window_pos = self->window_len = 0;
    }
  else
    {
      inflateReset2 (&self->zs, -15);
      self->raw = TRUE;
      if (point->bits)
        {
          int c = fgetc (self->file);

          if (c == EOF)
            {
              g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                           "%s: the gzip stream ends early (at byte %" G_GUINT64_FORMAT ")",
                           self->path, seek_to);
              return FALSE;
            }
          self->disk_offset++;
          inflatePrime (&self->zs, point->bits, c >> (8 - point->bits));
        }
      inflateSetDictionary (&self->zs, point->window, WINDOW_SIZE);
      self->text_offset = point->out;
      memcpy (self->window, point->window, WINDOW_SIZE);
      self->window_pos = 0;
      self->window_len = WINDOW_SIZE;
    }

  *restart_offset = self->text_offset;
  return TRUE;
}

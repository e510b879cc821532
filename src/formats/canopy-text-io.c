/* canopy-text-io.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "canopy-error.h"
#include "canopy-gzip-input-private.h"
#include "canopy-log-reader-private.h"
#include "canopy-text-io-private.h"
#include "canopy-time-private.h"

#define READ_BUFFER_SIZE  (256 * 1024)
#define RAW_BUFFER_SIZE   (64 * 1024)
#define WRITE_BUFFER_SIZE (256 * 1024)

const char _canopy_hex_upper[16] = "0123456789ABCDEF";
const char _canopy_hex_lower[16] = "0123456789abcdef";

const gint8 _canopy_hex_table[256] = {
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
   0,  1,  2,  3,  4,  5,  6,  7,  8,  9, -1, -1, -1, -1, -1, -1,
  -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

struct _CanopyLineReader
{
  char      *path;
  FILE      *file;
  CanopyGzipInput *gzip;

  /* Decompressed text: [start, end) not yet handed out. One spare byte for
   * the NUL after a last line without a line end. */
  char      *buf;
  gsize      start;
  gsize      end;
  gsize      scan;

  guint8    *raw;
  gsize      raw_start;
  gsize      raw_end;

  guint64    line;
  guint64    disk_offset;
  guint64    disk_size;
  guint64    text_offset;   /* uncompressed offset of buf[0] */

  guint      eof : 1;
  guint      raw_eof : 1;
};

void
_canopy_line_reader_free (CanopyLineReader *self)
{
  if (self == NULL)
    return;

  if (self->file != NULL)
    fclose (self->file);
  g_clear_pointer (&self->gzip, _canopy_gzip_input_free);
  g_free (self->buf);
  g_free (self->raw);
  g_free (self->path);
  g_free (self);
}

static gboolean
fill_raw (CanopyLineReader  *self,
          GError           **error)
{
  size_t n;

  if (self->raw_start < self->raw_end || self->raw_eof)
    return TRUE;

  n = fread (self->raw, 1, RAW_BUFFER_SIZE, self->file);
  if (n == 0)
    {
      if (ferror (self->file))
        {
          int saved_errno = errno;

          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                       "%s: read error at byte %" G_GUINT64_FORMAT ": %s",
                       self->path, self->disk_offset, g_strerror (saved_errno));
          return FALSE;
        }
      self->raw_eof = TRUE;
    }

  self->raw_start = 0;
  self->raw_end = n;
  self->disk_offset += n;

  return TRUE;
}

CanopyLineReader *
_canopy_line_reader_open (const char  *path,
                          GError     **error)
{
  g_autoptr(CanopyLineReader) self = g_new0 (CanopyLineReader, 1);
  GStatBuf st;

  self->path = g_strdup (path);

  if (!(self->file = g_fopen (path, "rb")))
    {
      int saved_errno = errno;

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Cannot open %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }

  setvbuf (self->file, NULL, _IONBF, 0);

  if (g_stat (path, &st) == 0)
    self->disk_size = st.st_size;

  self->buf = g_malloc (READ_BUFFER_SIZE + CANOPY_LINE_MAX + 1);
  self->raw = g_malloc (RAW_BUFFER_SIZE);

  if (!fill_raw (self, error))
    return NULL;

  /* Gzip reads the file itself, from its start. */
  if (self->raw_end >= 2 && self->raw[0] == 0x1f && self->raw[1] == 0x8b)
    {
      self->gzip = _canopy_gzip_input_new (self->file, path);
      self->raw_start = self->raw_end = 0;
      self->disk_offset = 0;
    }

  return g_steal_pointer (&self);
}

static gboolean
fill (CanopyLineReader  *self,
      GError           **error)
{
  gsize room;
  gsize n;

  if (self->start > 0)
    {
      memmove (self->buf, self->buf + self->start, self->end - self->start);
      self->text_offset += self->start;
      self->end -= self->start;
      self->scan -= self->start;
      self->start = 0;
    }

  room = READ_BUFFER_SIZE + CANOPY_LINE_MAX - self->end;

  if (self->gzip != NULL)
    {
      gssize got = _canopy_gzip_input_read (self->gzip, self->buf + self->end, room, error);

      if (got < 0)
        return FALSE;
      if (got == 0)
        self->eof = TRUE;
      self->end += got;
      return TRUE;
    }

  /* Plain text: drain what fill_raw() already buffered, then read. */
  if (self->raw_start < self->raw_end)
    {
      n = MIN (room, self->raw_end - self->raw_start);
      memcpy (self->buf + self->end, self->raw + self->raw_start, n);
      self->raw_start += n;
      self->end += n;
      return TRUE;
    }

  n = fread (self->buf + self->end, 1, room, self->file);
  if (n == 0)
    {
      if (ferror (self->file))
        {
          int saved_errno = errno;

          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                       "%s: read error at byte %" G_GUINT64_FORMAT ": %s",
                       self->path, self->disk_offset, g_strerror (saved_errno));
          return FALSE;
        }
      self->eof = TRUE;
    }
  self->end += n;
  self->disk_offset += n;

  return TRUE;
}

char *
_canopy_line_reader_next (CanopyLineReader  *self,
                          gsize             *len,
                          GError           **error)
{
  for (;;)
    {
      char *nl = memchr (self->buf + self->scan, '\n', self->end - self->scan);

      if (nl != NULL || (self->eof && self->start < self->end))
        {
          char *line = self->buf + self->start;
          gsize line_len;

          if (nl != NULL)
            {
              line_len = nl - line;
              self->start = self->scan = (nl - self->buf) + 1;
            }
          else
            {
              line_len = self->end - self->start;
              self->start = self->scan = self->end;
            }

          if (line_len > 0 && line[line_len - 1] == '\r')
            line_len--;
          line[line_len] = '\0';
          self->line++;

          if (len != NULL)
            *len = line_len;
          return line;
        }

      if (self->eof)
        return NULL;

      self->scan = self->end;

      if (self->end - self->start >= CANOPY_LINE_MAX)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                       "%s: line %" G_GUINT64_FORMAT " (byte %" G_GUINT64_FORMAT "): "
                       "longer than %u bytes, not a text log",
                       self->path, self->line + 1, self->text_offset + self->start,
                       (guint) CANOPY_LINE_MAX);
          return NULL;
        }

      if (!fill (self, error))
        return NULL;
    }
}

guint64
_canopy_line_reader_get_line (CanopyLineReader *self)
{
  return self->line;
}

guint64
_canopy_line_reader_get_disk_offset (CanopyLineReader *self)
{
  if (self->gzip != NULL)
    return _canopy_gzip_input_get_disk_offset (self->gzip);
  return self->disk_offset - (self->raw_end - self->raw_start);
}

guint64
_canopy_line_reader_get_disk_size (CanopyLineReader *self)
{
  return self->disk_size;
}

void
_canopy_line_reader_tell (CanopyLineReader          *self,
                          CanopyLogReaderCheckpoint *checkpoint)
{
  checkpoint->offset = self->text_offset + self->start;
  checkpoint->line = self->line;
}

gboolean
_canopy_line_reader_seek (CanopyLineReader                 *self,
                          const CanopyLogReaderCheckpoint  *checkpoint,
                          GError                          **error)
{
  guint64 text_offset = checkpoint->offset;

  /* Lines handed out were cut in place (a NUL for the line end): going
   * back means reading again. Gzip goes back to its nearest access point,
   * plain text seeks. */
  if (text_offset < self->text_offset + self->start ||
      (self->gzip == NULL && text_offset > self->text_offset + self->end))
    {
      guint64 restart = text_offset;

      if (self->gzip != NULL)
        {
          if (!_canopy_gzip_input_rewind (self->gzip, text_offset, &restart, error))
            return FALSE;
        }
      else if (canopy_fseek (self->file, text_offset) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                       "%s: cannot seek to byte %" G_GUINT64_FORMAT ": %s",
                       self->path, text_offset, g_strerror (saved_errno));
          return FALSE;
        }
      self->start = self->end = self->scan = 0;
      self->raw_start = self->raw_end = 0;
      self->eof = self->raw_eof = FALSE;
      self->disk_offset = self->gzip != NULL ? 0 : restart;
      self->text_offset = restart;
    }

  /* Decompress (gzip) or read up to the line. */
  while (self->text_offset + self->end < text_offset && !self->eof)
    {
      self->start = self->scan = self->end;
      if (!fill (self, error))
        return FALSE;
    }

  if (text_offset > self->text_offset + self->end)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                   "%s: the text ends before byte %" G_GUINT64_FORMAT,
                   self->path, text_offset);
      return FALSE;
    }

  self->start = self->scan = text_offset - self->text_offset;
  self->line = checkpoint->line;

  return TRUE;
}

char *
_canopy_text_reader_next_line (CanopyLogReader   *reader,
                               CanopyLineReader  *lines,
                               GError           **error)
{
  char *line = _canopy_line_reader_next (lines, NULL, error);

  if (line != NULL)
    _canopy_log_reader_set_progress (reader,
                                     _canopy_line_reader_get_disk_offset (lines),
                                     _canopy_line_reader_get_disk_size (lines));

  return line;
}

int
_canopy_text_reader_skip (CanopyLogReader  *reader,
                          CanopyLineReader *lines,
                          const char       *why)
{
  _canopy_log_reader_skip (reader, "line %" G_GUINT64_FORMAT ": %s", lines->line, why);
  return 0;
}

guint
_canopy_tokenize (const char  *line,
                  CanopyToken *tokens,
                  guint        max)
{
  guint n = 0;
  const char *p = line;

  while (n < max)
    {
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0')
        break;
      tokens[n].s = p;
      while (*p != '\0' && *p != ' ' && *p != '\t')
        p++;
      tokens[n].len = p - tokens[n].s;
      n++;
    }

  return n;
}

/* Output */

struct _CanopyTextOutput
{
  char       *path;
  FILE       *file;
  GConverter *compressor;
  char       *buf;
  gsize       len;
  char       *zbuf;
  guint64     disk_bytes;  /* what reached the file */
};

static gboolean
set_write_error (CanopyTextOutput  *self,
                 int                saved_errno,
                 GError           **error)
{
  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
               "Cannot write to %s: %s", self->path, g_strerror (saved_errno));
  return FALSE;
}

static void
text_output_free (CanopyTextOutput *self)
{
  if (self->file != NULL)
    fclose (self->file);
  g_clear_object (&self->compressor);
  g_free (self->buf);
  g_free (self->zbuf);
  g_free (self->path);
  g_free (self);
}

CanopyTextOutput *
_canopy_text_output_open (const char  *path,
                          GError     **error)
{
  CanopyTextOutput *self;
  FILE *file;

  if (!(file = g_fopen (path, "wb")))
    {
      int saved_errno = errno;

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                   "Cannot open %s for writing: %s", path, g_strerror (saved_errno));
      return NULL;
    }

  /* We buffer ourselves, in large blocks: no second copy in stdio. */
  setvbuf (file, NULL, _IONBF, 0);

  self = g_new0 (CanopyTextOutput, 1);
  self->path = g_strdup (path);
  self->file = file;
  self->buf = g_malloc (WRITE_BUFFER_SIZE);

  if (g_str_has_suffix (path, ".gz") || g_str_has_suffix (path, ".GZ"))
    {
      self->compressor = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6));
      self->zbuf = g_malloc (RAW_BUFFER_SIZE);
    }

  return self;
}

/* @flags: G_CONVERTER_INPUT_AT_END to finish the stream, G_CONVERTER_FLUSH
 * for a sync point a reader can decompress up to. */
static gboolean
compress (CanopyTextOutput  *self,
          const char        *data,
          gsize              len,
          GConverterFlags    flags,
          GError           **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      GConverterResult res;
      gsize bytes_read = 0;
      gsize bytes_written = 0;

      res = g_converter_convert (self->compressor, data, len,
                                 self->zbuf, RAW_BUFFER_SIZE,
                                 flags,
                                 &bytes_read, &bytes_written, &local_error);
      if (res == G_CONVERTER_ERROR)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_IO,
                       "Cannot compress %s: %s", self->path, local_error->message);
          return FALSE;
        }

      if (bytes_written > 0 &&
          fwrite (self->zbuf, 1, bytes_written, self->file) != bytes_written)
        return set_write_error (self, errno, error);
      self->disk_bytes += bytes_written;

      data += bytes_read;
      len -= bytes_read;

      if (res == G_CONVERTER_FINISHED || res == G_CONVERTER_FLUSHED)
        return TRUE;
      if (len == 0 && flags == G_CONVERTER_NO_FLAGS)
        return TRUE;
    }
}

gboolean
_canopy_text_output_sync (CanopyTextOutput  *self,
                          GError           **error)
{
  if (!_canopy_text_output_flush (self, error))
    return FALSE;

  /* A gzip sync point: everything so far decompresses from the file. */
  if (self->compressor != NULL &&
      !compress (self, "", 0, G_CONVERTER_FLUSH, error))
    return FALSE;

  if (fflush (self->file) != 0)
    return set_write_error (self, errno, error);

  return TRUE;
}

gboolean
_canopy_text_output_flush (CanopyTextOutput  *self,
                           GError           **error)
{
  gsize len = self->len;

  self->len = 0;

  if (len == 0)
    return TRUE;

  if (self->compressor != NULL)
    return compress (self, self->buf, len, G_CONVERTER_NO_FLAGS, error);

  if (fwrite (self->buf, 1, len, self->file) != len)
    return set_write_error (self, errno, error);
  self->disk_bytes += len;

  return TRUE;
}

char *
_canopy_text_output_reserve (CanopyTextOutput  *self,
                             gsize              size,
                             GError           **error)
{
  g_assert (size <= WRITE_BUFFER_SIZE);

  if (WRITE_BUFFER_SIZE - self->len < size &&
      !_canopy_text_output_flush (self, error))
    return NULL;

  return self->buf + self->len;
}

void
_canopy_text_output_commit (CanopyTextOutput *self,
                            gsize             len)
{
  g_assert (self->len + len <= WRITE_BUFFER_SIZE);
  self->len += len;
}

gboolean
_canopy_text_output_write (CanopyTextOutput  *self,
                           const char        *text,
                           gssize             len,
                           GError           **error)
{
  if (len < 0)
    len = strlen (text);

  while (len > 0)
    {
      gsize chunk = MIN ((gsize) len, (gsize) CANOPY_LINE_MAX);
      char *p;

      if (!(p = _canopy_text_output_reserve (self, chunk, error)))
        return FALSE;
      memcpy (p, text, chunk);
      _canopy_text_output_commit (self, chunk);
      text += chunk;
      len -= chunk;
    }

  return TRUE;
}

gboolean
_canopy_text_output_printf (CanopyTextOutput  *self,
                            GError           **error,
                            const char        *format,
                            ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  return _canopy_text_output_write (self, text, -1, error);
}

guint64
_canopy_text_output_get_size (CanopyTextOutput *self)
{
  /* Plain text: exact. Compressed: what the compressor let out so far;
   * the buffered text is not counted, its compressed size is unknown. */
  return self->disk_bytes + (self->compressor == NULL ? self->len : 0);
}

gboolean
_canopy_text_output_close (CanopyTextOutput  *self,
                           GError           **error)
{
  gboolean ret = _canopy_text_output_flush (self, error);

  if (ret && self->compressor != NULL)
    ret = compress (self, "", 0, G_CONVERTER_INPUT_AT_END, error);

  if (self->file != NULL)
    {
      FILE *file = g_steal_pointer (&self->file);

      if (fclose (file) != 0 && ret)
        ret = set_write_error (self, errno, error);
    }

  text_output_free (self);

  return ret;
}

/* Number helpers */

gsize
_canopy_format_uint64 (char    *buf,
                       guint64  value)
{
  char tmp[24];
  gsize n = 0;

  do
    {
      tmp[n++] = '0' + (value % 10);
      value /= 10;
    }
  while (value != 0);

  for (gsize i = 0; i < n; i++)
    buf[i] = tmp[n - 1 - i];

  return n;
}

static const guint64 powers_of_ten[] = {
  1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
  10000000ULL, 100000000ULL, 1000000000ULL,
};

gsize
_canopy_format_seconds (char   *buf,
                        gint64  ns,
                        guint   decimals)
{
  guint64 abs_ns;
  guint64 q;
  guint64 v;
  guint64 frac;
  gsize n = 0;

  decimals = CLAMP (decimals, 1, 9);

  if (ns < 0)
    {
      buf[n++] = '-';
      abs_ns = (guint64) -(ns + 1) + 1;
    }
  else
    abs_ns = (guint64) ns;

  q = powers_of_ten[9 - decimals];
  v = (abs_ns + q / 2) / q;
  /* Round to nearest, but never out of what readers can represent: the
   * last nanoseconds of 2262 round down. */
  if (v > (ns < 0 ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64) / q)
    v = abs_ns / q;
  frac = v % powers_of_ten[decimals];

  n += _canopy_format_uint64 (buf + n, v / powers_of_ten[decimals]);
  buf[n++] = '.';
  for (guint i = decimals; i > 0; i--)
    {
      buf[n + i - 1] = '0' + (frac % 10);
      frac /= 10;
    }

  return n + decimals;
}

gsize
_canopy_parse_seconds (const char *text,
                       gint64     *ns,
                       gboolean   *out_of_range)
{
  const char *p = text;
  gboolean negative = FALSE;
  gboolean too_big = FALSE;
  guint64 whole = 0;
  guint64 frac = 0;
  guint frac_digits = 0;
  gboolean any = FALSE;

  if (out_of_range != NULL)
    *out_of_range = FALSE;

  if (*p == '-' || *p == '+')
    negative = *p++ == '-';

  while (g_ascii_isdigit (*p))
    {
      /* Keep consuming digits of a huge number so that it is reported as
       * out of range, not as garbage. */
      if (whole > G_MAXUINT64 / 10 - 1)
        too_big = TRUE;
      else
        whole = whole * 10 + (*p - '0');
      p++;
      any = TRUE;
    }

  if (*p == '.')
    {
      p++;
      while (g_ascii_isdigit (*p))
        {
          if (frac_digits < 9)
            {
              frac = frac * 10 + (*p - '0');
              frac_digits++;
            }
          else if (frac_digits == 9)
            {
              /* Round on the tenth digit. */
              if (*p >= '5')
                frac++;
              frac_digits++;
            }
          p++;
          any = TRUE;
        }
    }

  if (!any)
    return 0;

  if (*p == 'e' || *p == 'E')
    {
      char *end = NULL;
      double value = g_ascii_strtod (text, &end);

      if (end == NULL || end <= p)
        return 0;
      if (!_canopy_time_from_double (value, ns))
        {
          if (out_of_range != NULL)
            *out_of_range = TRUE;
          return 0;
        }
      return end - text;
    }

  if (frac_digits > 9)
    frac_digits = 9;
  frac *= powers_of_ten[9 - frac_digits];

  /* Rounding on the tenth digit can carry into the seconds. */
  if (frac >= 1000000000)
    {
      frac -= 1000000000;
      whole++;
    }

  if (too_big || !_canopy_time_from_seconds (negative, whole, (guint32) frac, ns))
    {
      if (out_of_range != NULL)
        *out_of_range = TRUE;
      return 0;
    }

  return p - text;
}

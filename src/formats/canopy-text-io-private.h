/* canopy-text-io-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <string.h>

#include <glib.h>

#include "canopy-log-reader-private.h"

G_BEGIN_DECLS

/* Streaming line input for the text formats: one fixed buffer, lines handed
 * out in place (NUL-terminated, without the line end), gzip detected by its
 * magic bytes. Memory is constant whatever the file size. */
typedef struct _CanopyLineReader CanopyLineReader;

#define CANOPY_LINE_MAX 65536

CanopyLineReader *_canopy_line_reader_open        (const char        *path,
                                                   GError           **error);
void              _canopy_line_reader_free        (CanopyLineReader  *self);
/* NULL with no error at the end of the input. The line stays valid until
 * the next call. */
char             *_canopy_line_reader_next        (CanopyLineReader  *self,
                                                   gsize             *len,
                                                   GError           **error);
/* 1-based number of the line last returned. */
guint64           _canopy_line_reader_get_line    (CanopyLineReader  *self);
/* Bytes of the file on disk consumed so far, and its size. */
guint64           _canopy_line_reader_get_disk_offset (CanopyLineReader *self);
guint64           _canopy_line_reader_get_disk_size   (CanopyLineReader *self);
/* Random access (the text readers' checkpoints): where the next line
 * starts in the decompressed text and the number of the line before it,
 * and going back (or ahead) there. Plain files seek; gzip inflates again
 * from its nearest access point (canopy-gzip-input-private.h). */
void              _canopy_line_reader_tell        (CanopyLineReader                *self,
                                                   CanopyLogReaderCheckpoint       *checkpoint);
gboolean          _canopy_line_reader_seek        (CanopyLineReader                *self,
                                                   const CanopyLogReaderCheckpoint *checkpoint,
                                                   GError                         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyLineReader, _canopy_line_reader_free)

/* Buffered output for the text formats; gzip when the name ends in ".gz". */
typedef struct _CanopyTextOutput CanopyTextOutput;

CanopyTextOutput *_canopy_text_output_open    (const char        *path,
                                               GError           **error);
/* Room for at least @size bytes (size <= CANOPY_LINE_MAX); commit what was
 * used with _canopy_text_output_commit(). NULL on a write error. */
char             *_canopy_text_output_reserve (CanopyTextOutput  *self,
                                               gsize              size,
                                               GError           **error);
void              _canopy_text_output_commit  (CanopyTextOutput  *self,
                                               gsize              len);
gboolean          _canopy_text_output_write   (CanopyTextOutput  *self,
                                               const char        *text,
                                               gssize             len,
                                               GError           **error);
gboolean          _canopy_text_output_printf  (CanopyTextOutput  *self,
                                               GError           **error,
                                               const char        *format,
                                               ...) G_GNUC_PRINTF (3, 4);
gboolean          _canopy_text_output_flush   (CanopyTextOutput  *self,
                                               GError           **error);
/* Flush, then a gzip sync point and the C library's buffer: whatever was
 * written is in the file, readable, should the process be killed. */
gboolean          _canopy_text_output_sync    (CanopyTextOutput  *self,
                                               GError           **error);
/* Bytes of the file so far (canopy_log_writer_get_size()): exact for plain
 * text, what reached the file for gzip. */
guint64           _canopy_text_output_get_size (CanopyTextOutput *self);
/* Flushes, finishes the gzip stream and closes; frees in any case. */
gboolean          _canopy_text_output_close   (CanopyTextOutput  *self,
                                               GError           **error);

/* Fast formatting helpers, no locale, no allocation. */
extern const char _canopy_hex_upper[16];
extern const char _canopy_hex_lower[16];
/* Writes @value as decimal, returns the number of characters. */
gsize             _canopy_format_uint64       (char              *buf,
                                               guint64            value);
/* Writes seconds.fraction with @decimals (1–9) digits, returns the length.
 * Negative values get a leading '-'. */
gsize             _canopy_format_seconds      (char              *buf,
                                               gint64             ns,
                                               guint              decimals);
/* Parses "[-]seconds[.fraction]" (or "1.5e9") into nanoseconds, rounded,
 * through the checked conversion of canopy-time-private.h. Returns the
 * number of characters consumed; 0 when there is no number, and then
 * @out_of_range (nullable) says whether it was a number that 64-bit
 * nanoseconds cannot represent. */
gsize             _canopy_parse_seconds       (const char        *text,
                                               gint64            *ns,
                                               gboolean          *out_of_range);

/* -1 for anything that is not a hex digit */
extern const gint8 _canopy_hex_table[256];

static inline int
_canopy_hex_value (char c)
{
  return _canopy_hex_table[(guint8) c];
}

/* The text readers' line loop: the next line (as _canopy_line_reader_next())
 * with @reader's progress brought up to date. */
char             *_canopy_text_reader_next_line (CanopyLogReader   *reader,
                                                 CanopyLineReader  *lines,
                                                 GError           **error);
/* Counts the line last returned as skipped, with @why (a constant) and
 * its line number, on @reader's report. Returns 0, what the line parsers
 * return for a line that is not a frame. */
int               _canopy_text_reader_skip      (CanopyLogReader   *reader,
                                                 CanopyLineReader  *lines,
                                                 const char        *why);

/* A word of a line split at blanks, pointing into the line: no copy. */
typedef struct
{
  const char *s;
  guint       len;
} CanopyToken;

/* Splits @line at spaces and tabs into at most @max tokens; returns how
 * many. The line is not modified. */
guint             _canopy_tokenize              (const char        *line,
                                                 CanopyToken       *tokens,
                                                 guint              max);

/* The helpers below run per token of every line: inline, so that the
 * length of a constant @word folds away. */

/* Whether the token is @word, ignoring ASCII case. */
static inline gboolean
_canopy_token_is (const CanopyToken *t,
                  const char        *word)
{
  gsize len = strlen (word);

  return t->len == len && g_ascii_strncasecmp (t->s, word, len) == 0;
}

static inline gboolean
_canopy_token_is_digits (const CanopyToken *t)
{
  if (t->len == 0)
    return FALSE;
  for (guint i = 0; i < t->len; i++)
    if (!g_ascii_isdigit (t->s[i]))
      return FALSE;
  return TRUE;
}

/* Parses a whole token as an unsigned number in @base (at most 10 or 16),
 * at most 16 digits. */
static inline gboolean
_canopy_token_to_uint (const CanopyToken *t,
                       guint              base,
                       guint64           *value)
{
  guint64 v = 0;

  if (t->len == 0 || t->len > 16)
    return FALSE;

  if (base == 16)
    {
      for (guint i = 0; i < t->len; i++)
        {
          int d = _canopy_hex_value (t->s[i]);

          if (d < 0)
            return FALSE;
          v = (v << 4) | d;
        }
    }
  else
    {
      for (guint i = 0; i < t->len; i++)
        {
          guint d = (guint8) t->s[i] - '0';

          if (d >= base)
            return FALSE;
          v = v * base + d;
        }
    }

  *value = v;
  return TRUE;
}

G_END_DECLS

/* canopy-text-io-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

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
gboolean          _canopy_line_reader_is_gzip     (CanopyLineReader  *self);

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
/* Parses "[-]seconds[.fraction]" into nanoseconds (rounded). Returns the
 * number of characters consumed, 0 when there is no number. */
gsize             _canopy_parse_seconds       (const char        *text,
                                               gint64            *ns);

/* -1 for anything that is not a hex digit */
extern const gint8 _canopy_hex_table[256];

static inline int
_canopy_hex_value (char c)
{
  return _canopy_hex_table[(guint8) c];
}

G_END_DECLS

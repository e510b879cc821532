/* canopy-formats.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "canopy-error.h"
#include "canopy-formats-private.h"
#include "canopy-log-format-private.h"
#include "canopy-printer.h"
#include "canopy-blf-reader.h"
#include "canopy-blf-writer.h"
#include "canopy-asc-reader.h"
#include "canopy-asc-writer.h"
#include "canopy-candump-reader.h"
#include "canopy-candump-writer.h"
#include "canopy-csv-reader.h"
#include "canopy-csv-writer.h"
#include "canopy-sqlite-reader.h"
#include "canopy-sqlite-writer.h"
#include "canopy-trc-reader.h"

/* The formats register themselves with the engine's registry from here:
 * one function per format, each called by one line in
 * src/canopy-builtins.c. The constructors return the base types. */

static CanopyLogReader *
asc_open_reader (const char  *path,
                 GError     **error)
{
  return CANOPY_LOG_READER (canopy_asc_reader_new (path, error));
}

static CanopyLogWriter *
asc_open_writer (const char  *path,
                 GError     **error)
{
  return CANOPY_LOG_WRITER (canopy_asc_writer_new (path, error));
}

static CanopyLogReader *
blf_open_reader (const char  *path,
                 GError     **error)
{
  return CANOPY_LOG_READER (canopy_blf_reader_new (path, error));
}

static CanopyLogWriter *
blf_open_writer (const char  *path,
                 GError     **error)
{
  return CANOPY_LOG_WRITER (canopy_blf_writer_new (path, error));
}

static CanopyLogReader *
candump_open_reader (const char  *path,
                     GError     **error)
{
  return CANOPY_LOG_READER (canopy_candump_reader_new (path, error));
}

static CanopyLogWriter *
candump_open_writer (const char  *path,
                     GError     **error)
{
  return CANOPY_LOG_WRITER (canopy_candump_writer_new (path, error));
}

static CanopyLogReader *
csv_open_reader (const char  *path,
                 GError     **error)
{
  return CANOPY_LOG_READER (canopy_csv_reader_new (path, error));
}

static CanopyLogWriter *
csv_open_writer (const char  *path,
                 GError     **error)
{
  return CANOPY_LOG_WRITER (canopy_csv_writer_new (path, error));
}

static CanopyLogReader *
sqlite_open_reader (const char  *path,
                    GError     **error)
{
  return CANOPY_LOG_READER (canopy_sqlite_reader_new (path, error));
}

static CanopyLogWriter *
sqlite_open_writer (const char  *path,
                    GError     **error)
{
  return CANOPY_LOG_WRITER (canopy_sqlite_writer_new (path, error));
}

static CanopyLogReader *
trc_open_reader (const char  *path,
                 GError     **error)
{
  return CANOPY_LOG_READER (canopy_trc_reader_new (path, error));
}

static CanopyLogWriter *
printer_open_writer (const char  *path,
                     GError     **error)
{
  return CANOPY_LOG_WRITER (canopy_printer_new (path, error));
}

static gboolean
sniff_blf (const guint8 *head,
           gsize         len)
{
  return len >= 4 && memcmp (head, "LOGG", 4) == 0;
}

static gboolean
sniff_sqlite (const guint8 *head,
              gsize         len)
{
  return len >= 16 && memcmp (head, "SQLite format 3", 16) == 0;
}

static const char *const asc_extensions[] = { ".asc", NULL };
static const char *const blf_extensions[] = { ".blf", NULL };
static const char *const csv_extensions[] = { ".csv", NULL };
static const char *const sqlite_extensions[] = { ".db", NULL };
static const char *const candump_extensions[] = { ".log", NULL };
static const char *const trc_extensions[] = { ".trc", NULL };

void
_canopy_asc_format_register (void)
{
  static CanopyLogFormatEntry entry = {
    .name = "asc", .description = "Vector ASCII log (.asc)",
    .extensions = asc_extensions, .compressible = TRUE,
    .open_reader = asc_open_reader, .open_writer = asc_open_writer,
  };

  entry.reader_type = CANOPY_TYPE_ASC_READER;
  entry.writer_type = CANOPY_TYPE_ASC_WRITER;
  _canopy_log_format_register (&entry);
}

void
_canopy_blf_format_register (void)
{
  static CanopyLogFormatEntry entry = {
    .name = "blf", .description = "Vector binary logging format (.blf)",
    .extensions = blf_extensions,
    .open_reader = blf_open_reader, .open_writer = blf_open_writer, .sniff = sniff_blf,
  };

  entry.reader_type = CANOPY_TYPE_BLF_READER;
  entry.writer_type = CANOPY_TYPE_BLF_WRITER;
  _canopy_log_format_register (&entry);
}

void
_canopy_csv_format_register (void)
{
  static CanopyLogFormatEntry entry = {
    .name = "csv", .description = "python-can CSV (.csv)",
    .extensions = csv_extensions, .mime_type = "text/csv", .compressible = TRUE,
    .open_reader = csv_open_reader, .open_writer = csv_open_writer,
  };

  entry.reader_type = CANOPY_TYPE_CSV_READER;
  entry.writer_type = CANOPY_TYPE_CSV_WRITER;
  _canopy_log_format_register (&entry);
}

void
_canopy_sqlite_format_register (void)
{
  static CanopyLogFormatEntry entry = {
    .name = "sqlite", .description = "python-can SQLite database (.db)",
    .extensions = sqlite_extensions, .mime_type = "application/vnd.sqlite3",
    .open_reader = sqlite_open_reader, .open_writer = sqlite_open_writer, .sniff = sniff_sqlite,
  };

  entry.reader_type = CANOPY_TYPE_SQLITE_READER;
  entry.writer_type = CANOPY_TYPE_SQLITE_WRITER;
  _canopy_log_format_register (&entry);
}

void
_canopy_candump_format_register (void)
{
  static CanopyLogFormatEntry entry = {
    .name = "candump", .description = "can-utils candump -L log (.log)",
    .extensions = candump_extensions, .compressible = TRUE,
    .open_reader = candump_open_reader, .open_writer = candump_open_writer,
  };

  entry.reader_type = CANOPY_TYPE_CANDUMP_READER;
  entry.writer_type = CANOPY_TYPE_CANDUMP_WRITER;
  _canopy_log_format_register (&entry);
}

void
_canopy_trc_format_register (void)
{
  static CanopyLogFormatEntry entry = {
    .name = "trc", .description = "PEAK PCAN-View trace (.trc)",
    .extensions = trc_extensions, .compressible = TRUE,
    .open_reader = trc_open_reader,
  };

  entry.reader_type = CANOPY_TYPE_TRC_READER;
  _canopy_log_format_register (&entry);
}

void
_canopy_printer_format_register (void)
{
  static CanopyLogFormatEntry entry = {
    .name = "printer", .description = "Text, one frame a line (python-can's Printer)",
    .fallback_writer = TRUE,
    .open_writer = printer_open_writer,
  };

  entry.writer_type = CANOPY_TYPE_PRINTER;
  _canopy_log_format_register (&entry);
}

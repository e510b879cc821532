/* canopy-formats.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "canopy-error.h"
#include "canopy-formats-private.h"
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

/* Constructors returning the base type, for the table. */
#define OPENERS(prefix, Reader, Writer) \
  static CanopyLogReader * \
  prefix##_open_reader (const char *path, GError **error) \
  { \
    return (CanopyLogReader *) Reader (path, error); \
  } \
  static CanopyLogWriter * \
  prefix##_open_writer (const char *path, GError **error) \
  { \
    return (CanopyLogWriter *) Writer (path, error); \
  }

OPENERS (blf, canopy_blf_reader_new, canopy_blf_writer_new)
OPENERS (asc, canopy_asc_reader_new, canopy_asc_writer_new)
OPENERS (candump, canopy_candump_reader_new, canopy_candump_writer_new)
OPENERS (csv, canopy_csv_reader_new, canopy_csv_writer_new)
OPENERS (sqlite, canopy_sqlite_reader_new, canopy_sqlite_writer_new)

static CanopyLogReader *
trc_open_reader (const char  *path,
                 GError     **error)
{
  return (CanopyLogReader *) canopy_trc_reader_new (path, error);
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

/* The one table of log formats. Each line names a format, its extensions
 * and its constructors; canopy_log_writer_new_for_file() and
 * canopy_log_reader_new_for_file() only consult this table. */

static const CanopyFormatInfo formats[] = {
  { .name = "asc", .extensions = asc_extensions, .text = TRUE,
    .open_reader = asc_open_reader, .open_writer = asc_open_writer, .sniff = NULL },
  { .name = "blf", .extensions = blf_extensions, .text = FALSE,
    .open_reader = blf_open_reader, .open_writer = blf_open_writer, .sniff = sniff_blf },
  { .name = "csv", .extensions = csv_extensions, .text = TRUE,
    .open_reader = csv_open_reader, .open_writer = csv_open_writer, .sniff = NULL },
  { .name = "sqlite", .extensions = sqlite_extensions, .text = FALSE,
    .open_reader = sqlite_open_reader, .open_writer = sqlite_open_writer, .sniff = sniff_sqlite },
  { .name = "candump", .extensions = candump_extensions, .text = TRUE,
    .open_reader = candump_open_reader, .open_writer = candump_open_writer, .sniff = NULL },
  { .name = "trc", .extensions = trc_extensions, .text = TRUE,
    .open_reader = trc_open_reader, .open_writer = NULL, .sniff = NULL },
};

const CanopyFormatInfo *
_canopy_formats_get (guint *n_formats)
{
  if (n_formats != NULL)
    *n_formats = G_N_ELEMENTS (formats);
  return formats;
}

const CanopyFormatInfo *
_canopy_formats_lookup (const char *path)
{
  g_autofree char *base = NULL;
  g_autofree char *lower = NULL;
  gboolean gz = FALSE;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);

  base = g_path_get_basename (path);
  lower = g_ascii_strdown (base, -1);
  len = strlen (lower);

  if (g_str_has_suffix (lower, ".gz"))
    {
      gz = TRUE;
      len -= 3;
      lower[len] = '\0';
    }

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      if (gz && !formats[i].text)
        continue;

      for (guint j = 0; formats[i].extensions[j] != NULL; j++)
        if (g_str_has_suffix (lower, formats[i].extensions[j]))
          return &formats[i];
    }

  return NULL;
}

static const CanopyFormatInfo *
sniff_file (const char  *path,
            GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  guint8 head[64];
  gsize len = 0;

  if (!(stream = g_file_read (file, NULL, error)))
    return NULL;

  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), head, sizeof head, &len, NULL, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (formats[i].sniff != NULL && formats[i].sniff (head, len))
      return &formats[i];

  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
               "%s: unknown log format (known extensions: "
               ".asc .blf .csv .db .log .trc, and .gz for text formats)",
               path);
  return NULL;
}

CanopyLogReader *
_canopy_formats_open_reader (const char  *path,
                             GError     **error)
{
  const CanopyFormatInfo *info;

  g_return_val_if_fail (path != NULL, NULL);

  if (!(info = _canopy_formats_lookup (path)) &&
      !(info = sniff_file (path, error)))
    return NULL;

  if (info->open_reader == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "%s: reading the %s format is not supported", path, info->name);
      return NULL;
    }

  return info->open_reader (path, error);
}

CanopyLogWriter *
_canopy_formats_open_writer (const char  *path,
                             GError     **error)
{
  const CanopyFormatInfo *info;

  g_return_val_if_fail (path != NULL, NULL);

  /* As python-can's Logger: anything unknown gets the Printer's text, but
   * not under a name that promises compression. */
  if (!(info = _canopy_formats_lookup (path)))
    {
      if (g_str_has_suffix (path, ".gz") || g_str_has_suffix (path, ".GZ"))
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                       "%s: only text formats (.asc, .csv, .log, .trc) can be "
                       "written compressed", path);
          return NULL;
        }
      return CANOPY_LOG_WRITER (canopy_printer_new (path, error));
    }

  if (info->open_writer == NULL)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "%s: writing the %s format is not supported", path, info->name);
      return NULL;
    }

  return info->open_writer (path, error);
}

const char *
_canopy_formats_name_for_type (GType type)
{
  static GHashTable *names;
  static GMutex mutex;
  const char *type_name = g_type_name (type);
  const char *ret;

  /* "CanopyAscWriter" -> "asc", "CanopyPrinter" -> "printer". */
  g_mutex_lock (&mutex);
  if (names == NULL)
    names = g_hash_table_new (NULL, NULL);
  if (!(ret = g_hash_table_lookup (names, GSIZE_TO_POINTER (type))))
    {
      g_autofree char *lower = NULL;
      const char *start = type_name;
      gsize len;

      if (g_str_has_prefix (start, "Canopy"))
        start += strlen ("Canopy");
      len = strlen (start);
      if (g_str_has_suffix (start, "Writer") || g_str_has_suffix (start, "Reader"))
        len -= strlen ("Writer");
      lower = g_ascii_strdown (start, len);
      ret = g_intern_string (lower);
      g_hash_table_insert (names, GSIZE_TO_POINTER (type), (gpointer) ret);
    }
  g_mutex_unlock (&mutex);

  return ret;
}

char *
_canopy_formats_local_path (GFile         *file,
                            GCancellable  *cancellable,
                            const char    *done_to,
                            GError       **error)
{
  char *path;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!(path = g_file_get_path (file)))
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                   "%s: only local files can be %s as logs", uri, done_to);
      return NULL;
    }

  return path;
}

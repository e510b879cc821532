/* canopy-csv-reader.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-csv-reader.h"
#include "canopy-error.h"
#include "canopy-log-reader-private.h"
#include "canopy-text-io-private.h"

/**
 * CanopyCsvReader:
 *
 * Reads the CSV layout of python-can's `CSVWriter` (`.csv`, `.csv.gz`):
 * a header line, then `timestamp,arbitration_id,extended,remote,error,dlc,data`
 * with the identifier in hex and the data in base64. The format has no
 * CAN FD column; a payload longer than 8 bytes is read as a CAN FD frame.
 */

struct _CanopyCsvReader
{
  CanopyLogReader   parent_instance;
  CanopyLineReader *lines;
};

G_DEFINE_FINAL_TYPE (CanopyCsvReader, canopy_csv_reader, CANOPY_TYPE_LOG_READER)

/* Standard and URL-safe alphabets; -1 for anything else. */
static const gint8 base64_table[256] = {
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, 62, -1, 63,
  52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
  -1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
  15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, 63,
  -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
  41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
  -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

static inline int
base64_value (char c)
{
  return base64_table[(guint8) c];
}

/* Decodes [p, end) into @out (at most 64 bytes); -1 when malformed. */
static int
base64_decode (const char *p,
               const char *end,
               guint8     *out)
{
  guint32 acc = 0;
  int bits = 0;
  int n = 0;

  for (; p < end; p++)
    {
      int v;

      if (*p == '=' || *p == ' ')
        continue;
      if ((v = base64_value (*p)) < 0)
        return -1;
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          if (n >= CANOPY_MESSAGE_MAX_DATA)
            return -1;
          out[n++] = (acc >> bits) & 0xff;
        }
    }

  return n;
}

static gboolean
parse_flag (const char *field,
            gsize       len,
            gboolean   *value)
{
  if (len == 1 && (field[0] == '0' || field[0] == '1'))
    {
      *value = field[0] == '1';
      return TRUE;
    }
  if (len == 4 && g_ascii_strncasecmp (field, "True", 4) == 0)
    {
      *value = TRUE;
      return TRUE;
    }
  if (len == 5 && g_ascii_strncasecmp (field, "False", 5) == 0)
    {
      *value = FALSE;
      return TRUE;
    }
  return FALSE;
}

static int
parse_line (CanopyCsvReader  *self,
            char             *line,
            CanopyMessage    *msg,
            GError          **error)
{
  const char *fields[7];
  gsize lens[7];
  char *p = line;
  gboolean extended, remote, error_frame;
  guint64 id = 0;
  guint64 dlc = 0;
  gsize used;
  int n;

  while (*p == ' ')
    p++;
  if (*p == '\0')
    return 0;

  for (int i = 0; i < 7; i++)
    {
      char *comma = strchr (p, ',');

      fields[i] = p;
      if (i < 6)
        {
          if (comma == NULL)
            return _canopy_line_reader_corrupt (self->lines, error, "fewer than 7 columns");
          lens[i] = comma - p;
          p = comma + 1;
        }
      else
        {
          if (comma != NULL)
            return _canopy_line_reader_corrupt (self->lines, error, "more than 7 columns");
          lens[i] = strlen (p);
        }
    }

  memset (msg, 0, G_STRUCT_OFFSET (CanopyMessage, data));
  msg->channel = CANOPY_CHANNEL_NONE;

  if (!(used = _canopy_parse_seconds (fields[0], &msg->timestamp_ns)) || used != lens[0])
    return _canopy_line_reader_corrupt (self->lines, error, "invalid timestamp");

  {
    const char *s = fields[1];
    gsize len = lens[1];

    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
      {
        s += 2;
        len -= 2;
      }
    if (len == 0 || len > 8)
      return _canopy_line_reader_corrupt (self->lines, error, "invalid identifier");
    for (gsize i = 0; i < len; i++)
      {
        int v = _canopy_hex_value (s[i]);

        if (v < 0)
          return _canopy_line_reader_corrupt (self->lines, error, "invalid identifier");
        id = (id << 4) | v;
      }
    if (id > 0x1FFFFFFF)
      return _canopy_line_reader_corrupt (self->lines, error, "identifier out of range");
  }

  if (!parse_flag (fields[2], lens[2], &extended) ||
      !parse_flag (fields[3], lens[3], &remote) ||
      !parse_flag (fields[4], lens[4], &error_frame))
    return _canopy_line_reader_corrupt (self->lines, error, "invalid flag column");

  if (lens[5] == 0 || lens[5] > 3)
    return _canopy_line_reader_corrupt (self->lines, error, "invalid DLC");
  for (gsize i = 0; i < lens[5]; i++)
    {
      if (!g_ascii_isdigit (fields[5][i]))
        return _canopy_line_reader_corrupt (self->lines, error, "invalid DLC");
      dlc = dlc * 10 + (fields[5][i] - '0');
    }

  if ((n = base64_decode (fields[6], fields[6] + lens[6], msg->data)) < 0)
    return _canopy_line_reader_corrupt (self->lines, error, "invalid base64 data");

  msg->arbitration_id = id;
  if (extended || id > 0x7FF)
    msg->flags |= CANOPY_MESSAGE_EXTENDED;
  if (error_frame)
    msg->flags |= CANOPY_MESSAGE_ERROR;
  if (remote)
    {
      msg->flags |= CANOPY_MESSAGE_REMOTE;
      msg->dlc = MIN (dlc, 8);
    }
  else
    {
      msg->dlc = n;
      if (n > 8)
        msg->flags |= CANOPY_MESSAGE_FD;
    }

  return 1;
}

static gboolean
canopy_csv_reader_next (CanopyLogReader  *reader,
                        CanopyMessage    *msg,
                        GError          **error)
{
  CanopyCsvReader *self = CANOPY_CSV_READER (reader);
  char *line;

  while ((line = _canopy_text_reader_next_line (reader, self->lines, error)))
    {
      int ret;

      /* The header (python-can skips the first line whatever it is). */
      if (_canopy_line_reader_get_line (self->lines) == 1 && !g_ascii_isdigit (line[0]))
        continue;

      if ((ret = parse_line (self, line, msg, error)) < 0)
        return FALSE;
      if (ret > 0)
        return TRUE;
    }

  return FALSE;
}

static void
canopy_csv_reader_finalize (GObject *object)
{
  CanopyCsvReader *self = CANOPY_CSV_READER (object);

  g_clear_pointer (&self->lines, _canopy_line_reader_free);

  G_OBJECT_CLASS (canopy_csv_reader_parent_class)->finalize (object);
}

/* Random access (the log document): after the header, the next line is
 * all the state there is. */
static gboolean
canopy_csv_reader_save_checkpoint (CanopyLogReader           *reader,
                             CanopyLogReaderCheckpoint *checkpoint)
{
  _canopy_line_reader_tell (CANOPY_CSV_READER (reader)->lines, checkpoint);
  return TRUE;
}

static gboolean
canopy_csv_reader_restore_checkpoint (CanopyLogReader                  *reader,
                                const CanopyLogReaderCheckpoint  *checkpoint,
                                GError                          **error)
{
  return _canopy_line_reader_seek (CANOPY_CSV_READER (reader)->lines, checkpoint, error);
}

static void
canopy_csv_reader_class_init (CanopyCsvReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogReaderClass *reader_class = CANOPY_LOG_READER_CLASS (klass);

  object_class->finalize = canopy_csv_reader_finalize;
  reader_class->next = canopy_csv_reader_next;
  reader_class->save_checkpoint = canopy_csv_reader_save_checkpoint;
  reader_class->restore_checkpoint = canopy_csv_reader_restore_checkpoint;
}

static void
canopy_csv_reader_init (CanopyCsvReader *self)
{
}

/**
 * canopy_csv_reader_new:
 * @path: (type filename): a CSV file, optionally gzip-compressed
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a new reader, or %NULL if @path cannot be opened
 */
CanopyCsvReader *
canopy_csv_reader_new (const char  *path,
                       GError     **error)
{
  g_autoptr(CanopyCsvReader) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CANOPY_TYPE_CSV_READER, "path", path, NULL);
  if (!(self->lines = _canopy_line_reader_open (path, error)))
    return NULL;

  return g_steal_pointer (&self);
}

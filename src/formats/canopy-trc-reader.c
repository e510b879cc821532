/* canopy-trc-reader.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-error.h"
#include "canopy-log-reader-private.h"
#include "canopy-text-io-private.h"
#include "canopy-trc-reader.h"

/**
 * CanopyTrcReader:
 *
 * Reads PEAK-System TRC traces (`.trc`, `.trc.gz`) of versions 1.0, 1.1,
 * 1.2, 1.3, 2.0 and 2.1: data frames (classic and CAN FD with BRS/ESI),
 * remote frames (`RTR` rows and `RR`), and error frames (`ERROR`/`Error`
 * rows and `ER`). Status, error-counter and user-event rows are skipped.
 *
 * Timestamps are `$STARTTIME` (taken as UTC, as python-can ≥ 4.2 does)
 * plus each row's offset; without it the offsets alone. The channel is the
 * bus number minus one (python-can's writer stores channel + 1).
 */

#define MAX_TOKENS 96
#define MAX_COLUMNS 16

struct _CanopyTrcReader
{
  CanopyLogReader   parent_instance;
  CanopyLineReader *lines;
  gint64            start_ns;
  guint             major;
  guint             minor;
  char              columns[MAX_COLUMNS];
  guint             n_columns;
  CanopyToken       tokens[MAX_TOKENS];
};

G_DEFINE_FINAL_TYPE (CanopyTrcReader, canopy_trc_reader, CANOPY_TYPE_LOG_READER)

static void
set_default_columns (CanopyTrcReader *self)
{
  const char *cols = self->minor >= 1 ? "NOTBIdRLD" : "NOTIdlD";

  self->n_columns = strlen (cols);
  memcpy (self->columns, cols, self->n_columns);
}

static void
handle_keyword (CanopyTrcReader *self,
                char            *line)
{
  if (g_str_has_prefix (line, ";$FILEVERSION="))
    {
      const char *v = line + strlen (";$FILEVERSION=");

      self->major = 1;
      self->minor = 0;
      if (g_ascii_isdigit (v[0]))
        {
          self->major = v[0] - '0';
          if (v[1] == '.' && g_ascii_isdigit (v[2]))
            self->minor = v[2] - '0';
        }
      if (self->major >= 2 && self->n_columns == 0)
        set_default_columns (self);
    }
  else if (g_str_has_prefix (line, ";$STARTTIME="))
    {
      gint64 days_ns = 0;
      char *v = line + strlen (";$STARTTIME=");
      gsize used;

      /* OLE automation date: days since 1899-12-30, fraction of a day. */
      g_strstrip (v);
      if ((used = _canopy_parse_seconds (v, &days_ns)) > 0 && used == strlen (v) &&
          days_ns > G_GINT64_CONSTANT (25569000000000) &&
          days_ns < G_GINT64_CONSTANT (2958465000000000))
        self->start_ns = (days_ns - G_GINT64_CONSTANT (25569000000000)) * 86400;
    }
  else if (g_str_has_prefix (line, ";$COLUMNS="))
    {
      const char *p = line + strlen (";$COLUMNS=");

      self->n_columns = 0;
      for (; *p != '\0' && self->n_columns < MAX_COLUMNS; p++)
        if (g_ascii_isalpha (*p))
          self->columns[self->n_columns++] = *p;
    }
}

static gboolean
parse_offset (const CanopyToken *t,
              gint64            *ns)
{
  char buf[32];
  gint64 v;

  if (t->len == 0 || t->len >= sizeof buf)
    return FALSE;
  memcpy (buf, t->s, t->len);
  buf[t->len] = '\0';

  /* Milliseconds: parse as seconds and scale. */
  if (_canopy_parse_seconds (buf, &v) != t->len)
    return FALSE;
  *ns = v / 1000;
  return TRUE;
}

static gboolean
parse_id (const CanopyToken *t,
          CanopyMessage     *msg)
{
  guint64 id;

  if (!_canopy_token_to_uint (t, 16, &id) || id > 0x1FFFFFFF)
    return FALSE;
  msg->arbitration_id = id;
  /* PEAK writes 4 digits for 11-bit ids and 8 for 29-bit ones. */
  if (t->len > 4 || id > 0x7FF)
    msg->flags |= CANOPY_MESSAGE_EXTENDED;
  return TRUE;
}

static gboolean
parse_bytes (const CanopyToken *tokens,
             guint              n,
             CanopyMessage     *msg)
{
  for (guint i = 0; i < n; i++)
    {
      guint64 v;

      if (!_canopy_token_to_uint (&tokens[i], 16, &v) || v > 0xFF)
        return FALSE;
      msg->data[i] = v;
    }
  return TRUE;
}

/* Version 1.x: "N) O [Bus] [Type] ID [-] DLC data|RTR|ERROR …" */
static int
parse_v1 (CanopyTrcReader  *self,
          CanopyToken      *t,
          guint             n,
          CanopyMessage    *msg,
          GError          **error)
{
  guint i = 1;
  guint64 dlc;
  gint64 offset;

  if (t[0].len < 2 || t[0].s[t[0].len - 1] != ')')
    return 0;
  if (n < 4 || !parse_offset (&t[i++], &offset))
    return _canopy_line_reader_corrupt (self->lines, error, "invalid time offset");

  msg->timestamp_ns = self->start_ns + offset;
  msg->channel = 0;

  if (self->minor >= 2)
    {
      guint64 bus;

      if (!_canopy_token_to_uint (&t[i++], 10, &bus) || bus == 0)
        return _canopy_line_reader_corrupt (self->lines, error, "invalid bus");
      msg->channel = MIN (bus - 1, G_MAXINT16);
    }

  if (self->minor >= 1)
    {
      const CanopyToken *type = &t[i++];

      if (_canopy_token_is (type, "Warng"))
        return 0;
      if (_canopy_token_is (type, "Error"))
        {
          msg->flags |= CANOPY_MESSAGE_ERROR;
          return 1;
        }
      if (_canopy_token_is (type, "Tx"))
        msg->flags |= CANOPY_MESSAGE_TX;
      else if (!_canopy_token_is (type, "Rx"))
        return 0;
    }

  if (i + 2 > n)
    return _canopy_line_reader_corrupt (self->lines, error, "too few columns");

  if (self->minor == 0 && _canopy_token_is (&t[i], "FFFFFFFF"))
    return 0;
  if (!parse_id (&t[i++], msg))
    return _canopy_line_reader_corrupt (self->lines, error, "invalid identifier");

  if (self->minor >= 3 && i < n && _canopy_token_is (&t[i], "-"))
    i++;

  if (i >= n || !_canopy_token_to_uint (&t[i++], 10, &dlc) || dlc > 15)
    return _canopy_line_reader_corrupt (self->lines, error, "invalid DLC");

  if (i < n && _canopy_token_is (&t[i], "RTR"))
    {
      msg->flags |= CANOPY_MESSAGE_REMOTE;
      msg->dlc = MIN (dlc, 8);
      return 1;
    }

  if (i < n && _canopy_token_is (&t[i], "ERROR"))
    {
      /* 1.0: the id is the error type, then direction, position, counters. */
      msg->flags = (msg->flags & ~CANOPY_MESSAGE_EXTENDED) | CANOPY_MESSAGE_ERROR;
      msg->arbitration_id = 0;
      return 1;
    }

  dlc = MIN (dlc, 8);
  if (i + dlc > n || !parse_bytes (&t[i], dlc, msg))
    return _canopy_line_reader_corrupt (self->lines, error, "fewer or invalid data bytes than the DLC says");
  msg->dlc = dlc;

  return 1;
}

/* Version 2.x: the columns named by $COLUMNS, data last. */
static int
parse_v2 (CanopyTrcReader  *self,
          CanopyToken      *t,
          guint             n,
          CanopyMessage    *msg,
          GError          **error)
{
  const CanopyToken *type = NULL;
  gboolean fd = FALSE;
  gboolean remote = FALSE;
  guint64 length = 0;
  gboolean have_length = FALSE;
  guint i = 0;

  if (self->n_columns == 0)
    set_default_columns (self);

  msg->channel = 0;

  for (guint c = 0; c < self->n_columns; c++)
    {
      char col = self->columns[c];

      if (col == 'D')
        break;

      if (i >= n)
        return _canopy_line_reader_corrupt (self->lines, error, "too few columns");

      switch (col)
        {
        case 'N':
          i++;
          break;

        case 'O':
          {
            gint64 offset;

            if (!parse_offset (&t[i++], &offset))
              return _canopy_line_reader_corrupt (self->lines, error, "invalid time offset");
            msg->timestamp_ns = self->start_ns + offset;
          }
          break;

        case 'T':
          type = &t[i++];
          if (_canopy_token_is (type, "DT"))
            ;
          else if (_canopy_token_is (type, "FD"))
            fd = TRUE;
          else if (_canopy_token_is (type, "FB"))
            {
              fd = TRUE;
              msg->flags |= CANOPY_MESSAGE_BRS;
            }
          else if (_canopy_token_is (type, "FE"))
            {
              fd = TRUE;
              msg->flags |= CANOPY_MESSAGE_ESI;
            }
          else if (_canopy_token_is (type, "BI"))
            {
              fd = TRUE;
              msg->flags |= CANOPY_MESSAGE_BRS | CANOPY_MESSAGE_ESI;
            }
          else if (_canopy_token_is (type, "RR"))
            remote = TRUE;
          else if (_canopy_token_is (type, "ER"))
            {
              /* The id column is empty or "-"; details are not kept. */
              guint64 bus;

              msg->flags = CANOPY_MESSAGE_ERROR;
              if (c + 1 < self->n_columns && self->columns[c + 1] == 'B' &&
                  i < n && _canopy_token_to_uint (&t[i], 10, &bus) && bus > 0)
                msg->channel = MIN (bus - 1, G_MAXINT16);
              for (; i < n; i++)
                if (_canopy_token_is (&t[i], "Tx"))
                  msg->flags |= CANOPY_MESSAGE_TX;
              return 1;
            }
          else
            return 0; /* ST, EC, EV and anything newer */
          break;

        case 'B':
          {
            guint64 bus;

            if (_canopy_token_is (&t[i], "-"))
              {
                i++;
                break;
              }
            if (!_canopy_token_to_uint (&t[i++], 10, &bus) || bus == 0)
              return _canopy_line_reader_corrupt (self->lines, error, "invalid bus");
            msg->channel = MIN (bus - 1, G_MAXINT16);
          }
          break;

        case 'I':
          if (!parse_id (&t[i++], msg))
            return _canopy_line_reader_corrupt (self->lines, error, "invalid identifier");
          break;

        case 'd':
          if (_canopy_token_is (&t[i], "Tx"))
            msg->flags |= CANOPY_MESSAGE_TX;
          i++;
          break;

        case 'l':
          if (!_canopy_token_to_uint (&t[i++], 10, &length) || length > CANOPY_MESSAGE_MAX_DATA)
            return _canopy_line_reader_corrupt (self->lines, error, "invalid data length");
          have_length = TRUE;
          break;

        case 'L':
          if (!_canopy_token_to_uint (&t[i++], 10, &length) || length > 15)
            return _canopy_line_reader_corrupt (self->lines, error, "invalid DLC");
          /* A DLC code: 9–15 mean 12–64 bytes in CAN FD, 8 in classic. */
          length = fd ? canopy_dlc_to_length (length) : MIN (length, 8);
          have_length = TRUE;
          break;

        default:
          i++;
          break;
        }
    }

  if (type == NULL || !have_length)
    return _canopy_line_reader_corrupt (self->lines, error, "no type or length column");

  if (remote)
    {
      msg->flags |= CANOPY_MESSAGE_REMOTE;
      msg->dlc = MIN (length, 8);
      return 1;
    }

  if (fd)
    msg->flags |= CANOPY_MESSAGE_FD;
  else
    length = MIN (length, 8);

  if (i + length > n || !parse_bytes (&t[i], length, msg))
    return _canopy_line_reader_corrupt (self->lines, error, "fewer or invalid data bytes than the length says");
  msg->dlc = length;

  return 1;
}

static gboolean
canopy_trc_reader_next (CanopyLogReader  *reader,
                        CanopyMessage    *msg,
                        GError          **error)
{
  CanopyTrcReader *self = CANOPY_TRC_READER (reader);
  char *line;

  while ((line = _canopy_text_reader_next_line (reader, self->lines, error)))
    {
      guint n;
      int ret;

      while (*line == ' ' || *line == '\t')
        line++;
      if (*line == ';')
        {
          handle_keyword (self, line);
          continue;
        }

      if ((n = _canopy_tokenize (line, self->tokens, MAX_TOKENS)) == 0)
        continue;

      memset (msg, 0, G_STRUCT_OFFSET (CanopyMessage, data));

      if (self->major >= 2)
        ret = parse_v2 (self, self->tokens, n, msg, error);
      else
        ret = parse_v1 (self, self->tokens, n, msg, error);

      if (ret < 0)
        return FALSE;
      if (ret > 0)
        return TRUE;
    }

  return FALSE;
}

static void
canopy_trc_reader_finalize (GObject *object)
{
  CanopyTrcReader *self = CANOPY_TRC_READER (object);

  g_clear_pointer (&self->lines, _canopy_line_reader_free);

  G_OBJECT_CLASS (canopy_trc_reader_parent_class)->finalize (object);
}

/* Random access (the log document): after the header, the next line is
 * all the state there is. */
static gboolean
canopy_trc_reader_save_checkpoint (CanopyLogReader           *reader,
                             CanopyLogReaderCheckpoint *checkpoint)
{
  _canopy_line_reader_tell (CANOPY_TRC_READER (reader)->lines, checkpoint);
  return TRUE;
}

static gboolean
canopy_trc_reader_restore_checkpoint (CanopyLogReader                  *reader,
                                const CanopyLogReaderCheckpoint  *checkpoint,
                                GError                          **error)
{
  return _canopy_line_reader_seek (CANOPY_TRC_READER (reader)->lines, checkpoint, error);
}

static void
canopy_trc_reader_class_init (CanopyTrcReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogReaderClass *reader_class = CANOPY_LOG_READER_CLASS (klass);

  object_class->finalize = canopy_trc_reader_finalize;
  reader_class->next = canopy_trc_reader_next;
  reader_class->save_checkpoint = canopy_trc_reader_save_checkpoint;
  reader_class->restore_checkpoint = canopy_trc_reader_restore_checkpoint;
}

static void
canopy_trc_reader_init (CanopyTrcReader *self)
{
  self->major = 1;
  self->minor = 0;
}

/**
 * canopy_trc_reader_new:
 * @path: (type filename): a PEAK TRC trace, optionally gzip-compressed
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a new reader, or %NULL if @path cannot be opened
 */
CanopyTrcReader *
canopy_trc_reader_new (const char  *path,
                       GError     **error)
{
  g_autoptr(CanopyTrcReader) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CANOPY_TYPE_TRC_READER, "path", path, NULL);
  if (!(self->lines = _canopy_line_reader_open (path, error)))
    return NULL;

  return g_steal_pointer (&self);
}

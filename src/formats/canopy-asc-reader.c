/* canopy-asc-reader.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-asc-reader.h"
#include "canopy-error.h"
#include "canopy-log-reader-private.h"
#include "canopy-text-io-private.h"

/**
 * CanopyAscReader:
 *
 * Reads Vector ASC logs (`.asc`, `.asc.gz`): classic and CANFD lines, error
 * and remote frames, hex or decimal bases, absolute or relative
 * timestamps, English and German date lines. Status, statistics and other
 * event lines are skipped, as CANoe's own readers do.
 *
 * Timestamps are the date of the trigger block (or of the `date` line) in
 * local time plus each line's offset, like python-can's reader with
 * `relative_timestamp=False`; without a date they are the raw offsets.
 */

#define MAX_TOKENS 96

struct _CanopyAscReader
{
  CanopyLogReader   parent_instance;
  CanopyLineReader *lines;
  gint64            base_ns;
  gint64            last_offset_ns;
  guint             dec : 1;
  guint             relative : 1;
  guint             have_trigger_date : 1;
  CanopyToken       tokens[MAX_TOKENS];
};

G_DEFINE_FINAL_TYPE (CanopyAscReader, canopy_asc_reader, CANOPY_TYPE_LOG_READER)

static int
month_number (const CanopyToken *t)
{
  static const struct { const char *name; int month; } months[] = {
    { "jan", 1 }, { "feb", 2 }, { "mar", 3 }, { "mär", 3 }, { "mrz", 3 },
    { "apr", 4 }, { "may", 5 }, { "mai", 5 }, { "jun", 6 }, { "jul", 7 },
    { "aug", 8 }, { "sep", 9 }, { "oct", 10 }, { "okt", 10 }, { "nov", 11 },
    { "dec", 12 }, { "dez", 12 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (months); i++)
    {
      gsize len = strlen (months[i].name);

      if (t->len >= 3 && t->len <= len + 6 &&
          g_ascii_strncasecmp (t->s, months[i].name, len) == 0)
        return months[i].month;
    }

  return 0;
}

/* "<weekday> <month> <day> <hh:mm:ss[.frac]> [am|pm] <year>" in local time,
 * in English or German, 12- or 24-hour. */
static gboolean
parse_date (const CanopyToken *tokens,
            guint              n,
            gint64            *ns)
{
  g_autoptr(GDateTime) dt = NULL;
  guint64 day, year;
  gint64 time_ns = 0;
  guint hour = 0, minute = 0;
  int month;
  guint i;

  if (n < 5)
    return FALSE;

  /* tokens[0] is the weekday */
  if (!(month = month_number (&tokens[1])) ||
      !_canopy_token_to_uint (&tokens[2], 10, &day) || day < 1 || day > 31)
    return FALSE;

  /* hh:mm:ss[.fff] */
  {
    const CanopyToken *t = &tokens[3];
    char buf[32];
    const char *p;
    gint64 sec_ns = 0;
    gsize used;

    if (t->len >= sizeof buf)
      return FALSE;
    memcpy (buf, t->s, t->len);
    buf[t->len] = '\0';

    p = buf;
    if (!g_ascii_isdigit (p[0]))
      return FALSE;
    hour = strtoul (p, (char **) &p, 10);
    if (*p++ != ':' || !g_ascii_isdigit (p[0]))
      return FALSE;
    minute = strtoul (p, (char **) &p, 10);
    if (*p++ != ':')
      return FALSE;
    if (!(used = _canopy_parse_seconds (p, &sec_ns)) || p[used] != '\0' || sec_ns < 0)
      return FALSE;
    if (hour > 23 || minute > 59 || sec_ns >= G_GINT64_CONSTANT (61000000000))
      return FALSE;
    time_ns = sec_ns;
  }

  i = 4;
  if (_canopy_token_is (&tokens[i], "am") || _canopy_token_is (&tokens[i], "pm"))
    {
      gboolean pm = _canopy_token_is (&tokens[i], "pm");

      if (hour == 0 || hour > 12)
        {
          /* 24-hour clock with a marker anyway (CANoe 2024 writes that). */
          if (hour > 12 && !pm)
            return FALSE;
        }
      else if (hour == 12)
        hour = pm ? 12 : 0;
      else if (pm)
        hour += 12;
      i++;
    }

  if (i >= n || !_canopy_token_to_uint (&tokens[i], 10, &year) || year < 1970 || year > 9999)
    return FALSE;

  if (!(dt = g_date_time_new_local (year, month, day, hour, minute, 0)))
    return FALSE;

  *ns = g_date_time_to_unix (dt) * G_GINT64_CONSTANT (1000000000) + time_ns;
  return TRUE;
}

static gboolean
parse_id (CanopyAscReader   *self,
          const CanopyToken *t,
          CanopyMessage     *msg)
{
  CanopyToken id = *t;
  guint64 value;

  if (id.len > 1 && (id.s[id.len - 1] == 'x' || id.s[id.len - 1] == 'X'))
    {
      msg->flags |= CANOPY_MESSAGE_EXTENDED;
      id.len--;
    }

  if (!_canopy_token_to_uint (&id, self->dec ? 10 : 16, &value) || value > 0x1FFFFFFF)
    return FALSE;
  if (!(msg->flags & CANOPY_MESSAGE_EXTENDED) && value > 0x7FF)
    msg->flags |= CANOPY_MESSAGE_EXTENDED;

  msg->arbitration_id = value;
  return TRUE;
}

static gboolean
parse_bytes (CanopyAscReader   *self,
             const CanopyToken *tokens,
             guint              n,
             CanopyMessage     *msg)
{
  guint base = self->dec ? 10 : 16;

  for (guint i = 0; i < n; i++)
    {
      guint64 v;

      if (!_canopy_token_to_uint (&tokens[i], base, &v) || v > 0xFF)
        return FALSE;
      msg->data[i] = v;
    }

  return TRUE;
}

static gboolean
is_direction (const CanopyToken *t)
{
  return _canopy_token_is (t, "Rx") || _canopy_token_is (t, "Tx") || _canopy_token_is (t, "TxRq");
}

static void
set_channel (CanopyMessage *msg,
             guint64        one_based)
{
  /* ASC channels are 1-based; python-can's indices 0-based. */
  msg->channel = one_based == 0 ? CANOPY_CHANNEL_NONE : (gint16) MIN (one_based - 1, G_MAXINT16);
}

/* <ch> <id> <dir> d|r <dlc> <bytes…> [Length = …] | <ch> ErrorFrame … */
static int
parse_classic (CanopyAscReader  *self,
               CanopyToken      *tokens,
               guint             n,
               CanopyMessage    *msg,
               GError          **error)
{
  guint64 channel;
  guint64 dlc = 0;
  guint len;

  if (!_canopy_token_to_uint (&tokens[1], 10, &channel))
    return 0;

  if (tokens[2].len >= 10 && g_ascii_strncasecmp (tokens[2].s, "ErrorFrame", 10) == 0)
    {
      set_channel (msg, channel);
      msg->flags |= CANOPY_MESSAGE_ERROR;
      return 1;
    }

  if (n < 5 ||
      !(_canopy_token_is (&tokens[3], "Rx") || _canopy_token_is (&tokens[3], "Tx") || _canopy_token_is (&tokens[3], "TxRq")) ||
      !(_canopy_token_is (&tokens[4], "d") || _canopy_token_is (&tokens[4], "r")))
    return 0;

  set_channel (msg, channel);
  if (!parse_id (self, &tokens[2], msg))
    return _canopy_line_reader_corrupt (self->lines, error, "invalid identifier");
  if (!_canopy_token_is (&tokens[3], "Rx"))
    msg->flags |= CANOPY_MESSAGE_TX;

  if (_canopy_token_is (&tokens[4], "r"))
    {
      msg->flags |= CANOPY_MESSAGE_REMOTE;
      if (n > 5 && _canopy_token_to_uint (&tokens[5], 16, &dlc) && dlc <= 15)
        msg->dlc = MIN (dlc, 8);
      return 1;
    }

  if (n < 6 || !_canopy_token_to_uint (&tokens[5], 16, &dlc))
    return _canopy_line_reader_corrupt (self->lines, error, "missing or invalid DLC");

  /* A classic DLC of 9–15 still carries 8 bytes; larger values are
   * lengths written by python-can for long frames in classic syntax. */
  if (dlc <= 8)
    len = dlc;
  else if (dlc <= 15)
    len = 8;
  else
    len = MIN (dlc, CANOPY_MESSAGE_MAX_DATA);

  if (n < 6 + len)
    return _canopy_line_reader_corrupt (self->lines, error, "fewer data bytes than the DLC says");
  if (!parse_bytes (self, &tokens[6], len, msg))
    return _canopy_line_reader_corrupt (self->lines, error, "invalid data byte");

  msg->dlc = len;
  return 1;
}

static void
set_fd (CanopyMessage *msg,
        gboolean       brs,
        gboolean       esi)
{
  msg->flags |= CANOPY_MESSAGE_FD;
  if (brs)
    msg->flags |= CANOPY_MESSAGE_BRS;
  if (esi)
    msg->flags |= CANOPY_MESSAGE_ESI;
}

/* CANFD <ch> <dir> <id> [name] <brs> <esi> <dlc> <len> <bytes…> <dur> <bits> <flags> … */
static int
parse_fd (CanopyAscReader  *self,
          CanopyToken      *tokens,
          guint             n,
          CanopyMessage    *msg,
          GError          **error)
{
  guint64 channel, brs, esi, dlc, len, flags = 0;
  gboolean have_flags;
  guint dir = 3;
  guint i;

  /* Old CANFD lines (before logging format 8.1) put the id before the
   * direction: "CANFD 1 101 Tx 1 0 d 8 8 F1 … Length = …". */
  if (n > 4 && !is_direction (&tokens[3]) && is_direction (&tokens[4]))
    dir = 4;

  if (n < 4 || !_canopy_token_to_uint (&tokens[2], 10, &channel) || !is_direction (&tokens[dir]))
    return 0;

  set_channel (msg, channel);
  if (!_canopy_token_is (&tokens[dir], "Rx"))
    msg->flags |= CANOPY_MESSAGE_TX;

  if (dir == 3 && n > 4 && tokens[4].len >= 10 &&
      g_ascii_strncasecmp (tokens[4].s, "ErrorFrame", 10) == 0)
    {
      msg->flags |= CANOPY_MESSAGE_ERROR | CANOPY_MESSAGE_FD;
      return 1;
    }

  if (n < 9)
    return 0;

  if (!parse_id (self, &tokens[dir == 3 ? 4 : 3], msg))
    return _canopy_line_reader_corrupt (self->lines, error, "invalid identifier");

  if (dir == 4)
    {
      gboolean remote;

      if (n < 10 ||
          !_canopy_token_to_uint (&tokens[5], 10, &brs) || brs > 1 ||
          !_canopy_token_to_uint (&tokens[6], 10, &esi) || esi > 1 ||
          !(_canopy_token_is (&tokens[7], "d") || _canopy_token_is (&tokens[7], "r")) ||
          !_canopy_token_to_uint (&tokens[8], 16, &dlc) || dlc > 15 ||
          !_canopy_token_to_uint (&tokens[9], 10, &len) || len > CANOPY_MESSAGE_MAX_DATA)
        return _canopy_line_reader_corrupt (self->lines, error, "invalid CANFD frame fields");

      remote = _canopy_token_is (&tokens[7], "r");
      if (remote)
        {
          msg->flags |= CANOPY_MESSAGE_REMOTE;
          msg->dlc = MIN (dlc, 8);
          return 1;
        }
      if (n < 10 + len)
        return _canopy_line_reader_corrupt (self->lines, error, "fewer data bytes than the data length says");
      if (!parse_bytes (self, &tokens[10], len, msg))
        return _canopy_line_reader_corrupt (self->lines, error, "invalid data byte");
      set_fd (msg, brs, esi);
      msg->dlc = len;
      return 1;
    }

  /* Without a database the symbolic-name column is absent. */
  i = _canopy_token_is_digits (&tokens[5]) ? 5 : 6;
  if (n < i + 4 ||
      !_canopy_token_to_uint (&tokens[i], 10, &brs) || brs > 1 ||
      !_canopy_token_to_uint (&tokens[i + 1], 10, &esi) || esi > 1 ||
      !_canopy_token_to_uint (&tokens[i + 2], 16, &dlc) || dlc > 15 ||
      !_canopy_token_to_uint (&tokens[i + 3], 10, &len) || len > CANOPY_MESSAGE_MAX_DATA)
    return _canopy_line_reader_corrupt (self->lines, error, "invalid CANFD frame fields");
  i += 4;

  if (n < i + len)
    return _canopy_line_reader_corrupt (self->lines, error, "fewer data bytes than the data length says");
  if (!parse_bytes (self, &tokens[i], len, msg))
    return _canopy_line_reader_corrupt (self->lines, error, "invalid data byte");
  i += len;

  /* <duration> <bit count> <flags>: the flags tell FD from classic frames
   * in CANFD syntax and mark remote frames. */
  have_flags = n > i + 2 && _canopy_token_to_uint (&tokens[i + 2], 16, &flags) && flags != 0;

  if (have_flags ? (flags & 0x10) != 0 : len == 0)
    {
      msg->flags |= CANOPY_MESSAGE_REMOTE;
      msg->dlc = MIN (dlc, 8);
      return 1;
    }

  /* Zero flags (hand-written files) say nothing: then it is FD. */
  if (!have_flags || (flags & 0x1000) != 0 || len > 8 || dlc > 8 || brs || esi)
    set_fd (msg, brs, esi);

  msg->dlc = len;
  return 1;
}

static void
handle_header_line (CanopyAscReader *self,
                    CanopyToken     *tokens,
                    guint            n)
{
  gint64 ns;

  if (_canopy_token_is (&tokens[0], "date"))
    {
      if (!self->have_trigger_date && parse_date (&tokens[1], n - 1, &ns))
        self->base_ns = ns;
    }
  else if (_canopy_token_is (&tokens[0], "base") && n >= 2)
    {
      self->dec = _canopy_token_is (&tokens[1], "dec");
      if (n >= 4 && _canopy_token_is (&tokens[2], "timestamps"))
        self->relative = _canopy_token_is (&tokens[3], "relative");
    }
  else if (_canopy_token_is (&tokens[0], "begin") && n >= 2 && _canopy_token_is (&tokens[1], "triggerblock"))
    {
      if (parse_date (&tokens[2], n - 2, &ns))
        {
          self->base_ns = ns;
          self->have_trigger_date = TRUE;
        }
      self->last_offset_ns = 0;
    }
}

static gboolean
canopy_asc_reader_next (CanopyLogReader  *reader,
                        CanopyMessage    *msg,
                        GError          **error)
{
  CanopyAscReader *self = CANOPY_ASC_READER (reader);
  char *line;

  while ((line = _canopy_text_reader_next_line (reader, self->lines, error)))
    {
      guint n = _canopy_tokenize (line, self->tokens, MAX_TOKENS);
      gint64 offset_ns;
      gsize used;
      int ret;

      if (n == 0)
        continue;

      /* Event lines start with a number with a decimal point. */
      if (!g_ascii_isdigit (self->tokens[0].s[0]))
        {
          handle_header_line (self, self->tokens, n);
          continue;
        }

      if (n < 3 ||
          !(used = _canopy_parse_seconds (self->tokens[0].s, &offset_ns)) ||
          used != self->tokens[0].len)
        continue;

      /* Relative offsets count from the previous event, whatever it is. */
      if (self->relative)
        {
          self->last_offset_ns += offset_ns;
          offset_ns = self->last_offset_ns;
        }

      memset (msg, 0, G_STRUCT_OFFSET (CanopyMessage, data));

      if (_canopy_token_is (&self->tokens[1], "CANFD"))
        ret = parse_fd (self, self->tokens, n, msg, error);
      else if (_canopy_token_is_digits (&self->tokens[1]))
        ret = parse_classic (self, self->tokens, n, msg, error);
      else
        ret = 0;

      if (ret < 0)
        return FALSE;

      /* "Start of measurement", statistics, status, … */
      if (ret == 0)
        continue;

      msg->timestamp_ns = self->base_ns + offset_ns;
      return TRUE;
    }

  return FALSE;
}

static void
canopy_asc_reader_finalize (GObject *object)
{
  CanopyAscReader *self = CANOPY_ASC_READER (object);

  g_clear_pointer (&self->lines, _canopy_line_reader_free);

  G_OBJECT_CLASS (canopy_asc_reader_parent_class)->finalize (object);
}

/* Random access (the log document): the next line, and the base time and
 * mode that "base"/"Begin Triggerblock" lines set along the file. */
static gboolean
canopy_asc_reader_save_checkpoint (CanopyLogReader           *reader,
                                   CanopyLogReaderCheckpoint *checkpoint)
{
  CanopyAscReader *self = CANOPY_ASC_READER (reader);

  _canopy_line_reader_tell (self->lines, checkpoint);
  checkpoint->state[0] = self->base_ns;
  checkpoint->state[1] = self->last_offset_ns;
  checkpoint->state[2] = self->dec | self->relative << 1 | self->have_trigger_date << 2;
  return TRUE;
}

static gboolean
canopy_asc_reader_restore_checkpoint (CanopyLogReader                  *reader,
                                      const CanopyLogReaderCheckpoint  *checkpoint,
                                      GError                          **error)
{
  CanopyAscReader *self = CANOPY_ASC_READER (reader);

  if (!_canopy_line_reader_seek (self->lines, checkpoint, error))
    return FALSE;
  self->base_ns = checkpoint->state[0];
  self->last_offset_ns = checkpoint->state[1];
  self->dec = (checkpoint->state[2] & 1) != 0;
  self->relative = (checkpoint->state[2] & 2) != 0;
  self->have_trigger_date = (checkpoint->state[2] & 4) != 0;
  return TRUE;
}

static void
canopy_asc_reader_class_init (CanopyAscReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogReaderClass *reader_class = CANOPY_LOG_READER_CLASS (klass);

  object_class->finalize = canopy_asc_reader_finalize;
  reader_class->next = canopy_asc_reader_next;
  reader_class->save_checkpoint = canopy_asc_reader_save_checkpoint;
  reader_class->restore_checkpoint = canopy_asc_reader_restore_checkpoint;
}

static void
canopy_asc_reader_init (CanopyAscReader *self)
{
}

/**
 * canopy_asc_reader_new:
 * @path: (type filename): an ASC file, optionally gzip-compressed
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a new reader, or %NULL if @path cannot be opened
 */
CanopyAscReader *
canopy_asc_reader_new (const char  *path,
                       GError     **error)
{
  g_autoptr(CanopyAscReader) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CANOPY_TYPE_ASC_READER, "path", path, NULL);
  if (!(self->lines = _canopy_line_reader_open (path, error)))
    return NULL;

  return g_steal_pointer (&self);
}

/* canopy-candump-reader.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-candump-reader.h"
#include "canopy-error.h"
#include "canopy-log-reader-private.h"
#include "canopy-text-io-private.h"

/**
 * CanopyCandumpReader:
 *
 * Reads the compact log of can-utils' `candump -L` / `candump -l` (`.log`,
 * `.log.gz`): classic and CAN FD frames, remote frames with or without a
 * DLC, raw DLC suffixes, SocketCAN error frames (any class), and the
 * `R`/`T` direction suffix. Lines not starting with `(` are comments, as
 * for `canplayer`.
 *
 * The channel is the number at the end of the interface name (`can1` is
 * channel 1). Error frames keep their class bits as the identifier and
 * their detail bytes as data.
 */

struct _CanopyCandumpReader
{
  CanopyLogReader   parent_instance;
  CanopyLineReader *lines;
};

G_DEFINE_FINAL_TYPE (CanopyCandumpReader, canopy_candump_reader, CANOPY_TYPE_LOG_READER)

static const char *
skip_space (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* Returns 1 for a frame, 0 for a line to skip, -1 on damage. */
static int
parse_line (CanopyCandumpReader  *self,
            const char           *line,
            CanopyMessage        *msg,
            GError              **error)
{
  const char *p = skip_space (line);
  const char *iface;
  const char *iface_end;
  const char *id_start;
  guint32 id = 0;
  guint id_len;
  guint len = 0;
  gsize used;

  if (*p != '(')
    return 0;
  p++;

  memset (msg, 0, G_STRUCT_OFFSET (CanopyMessage, data));

  if (!(used = _canopy_parse_seconds (p, &msg->timestamp_ns)) || p[used] != ')')
    return _canopy_line_reader_corrupt (self->lines, error, "invalid timestamp");
  p = skip_space (p + used + 1);

  /* Interface: the trailing number is the channel. */
  iface = p;
  while (*p != '\0' && *p != ' ' && *p != '\t')
    p++;
  iface_end = p;
  if (iface_end == iface)
    return _canopy_line_reader_corrupt (self->lines, error, "missing interface name");
  {
    const char *d = iface_end;
    guint64 channel = 0;

    while (d > iface && g_ascii_isdigit (d[-1]))
      d--;
    if (d == iface_end || iface_end - d > 5)
      msg->channel = CANOPY_CHANNEL_NONE;
    else
      {
        for (; d < iface_end; d++)
          channel = channel * 10 + (*d - '0');
        msg->channel = (gint16) MIN (channel, G_MAXINT16);
      }
  }

  p = skip_space (p);
  id_start = p;
  while (*p != '#' && *p != '\0')
    {
      int v = _canopy_hex_value (*p);

      if (v < 0 || p - id_start >= 8)
        return _canopy_line_reader_corrupt (self->lines, error, "invalid identifier");
      id = (id << 4) | v;
      p++;
    }
  id_len = p - id_start;
  if (*p != '#' || id_len == 0)
    return _canopy_line_reader_corrupt (self->lines, error, "missing '#' after the identifier");
  p++;

  /* CAN XL (5 digits: VCID and priority) is not a CAN frame we carry. */
  if (id_len == 5)
    return 0;

  if (id_len > 3)
    {
      if (id & 0x20000000)
        msg->flags |= CANOPY_MESSAGE_ERROR;
      else
        msg->flags |= CANOPY_MESSAGE_EXTENDED;
      id &= 0x1FFFFFFF;
    }
  msg->arbitration_id = id;

  if (*p == '#')
    {
      int fd_flags = _canopy_hex_value (p[1]);

      if (fd_flags < 0)
        return _canopy_line_reader_corrupt (self->lines, error, "invalid CAN FD flags");
      msg->flags |= CANOPY_MESSAGE_FD;
      if (fd_flags & 0x1)
        msg->flags |= CANOPY_MESSAGE_BRS;
      if (fd_flags & 0x2)
        msg->flags |= CANOPY_MESSAGE_ESI;
      p += 2;
    }
  else if (*p == 'R' || *p == 'r')
    {
      msg->flags |= CANOPY_MESSAGE_REMOTE;
      p++;
      if (g_ascii_isdigit (*p))
        {
          msg->dlc = MIN (*p - '0', 8);
          p++;
        }
      if (*p == '_' && _canopy_hex_value (p[1]) >= 0)
        p += 2;
      goto direction;
    }

  while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '_')
    {
      int hi, lo;

      if (*p == '.')
        {
          p++;
          continue;
        }
      hi = _canopy_hex_value (p[0]);
      lo = hi >= 0 ? _canopy_hex_value (p[1]) : -1;
      if (lo < 0)
        return _canopy_line_reader_corrupt (self->lines, error, "invalid data byte");
      if (len >= CANOPY_MESSAGE_MAX_DATA)
        return _canopy_line_reader_corrupt (self->lines, error, "more than 64 data bytes");
      msg->data[len++] = (hi << 4) | lo;
      p += 2;
    }
  if (len > 8 && !(msg->flags & CANOPY_MESSAGE_FD))
    return _canopy_line_reader_corrupt (self->lines, error, "more than 8 data bytes in a classic CAN frame");

  /* A raw DLC 9–15 behind 8 bytes (len8_dlc) changes nothing we keep. */
  if (*p == '_')
    {
      if (_canopy_hex_value (p[1]) < 0)
        return _canopy_line_reader_corrupt (self->lines, error, "invalid raw DLC");
      p += 2;
    }
  msg->dlc = len;

direction:
  p = skip_space (p);
  if (*p == 'T' || *p == 't')
    msg->flags |= CANOPY_MESSAGE_TX;
  else if (*p != '\0' && *p != 'R' && *p != 'r')
    return _canopy_line_reader_corrupt (self->lines, error, "unexpected text after the frame");

  return 1;
}

static gboolean
canopy_candump_reader_next (CanopyLogReader  *reader,
                            CanopyMessage    *msg,
                            GError          **error)
{
  CanopyCandumpReader *self = CANOPY_CANDUMP_READER (reader);
  char *line;

  while ((line = _canopy_text_reader_next_line (reader, self->lines, error)))
    {
      int ret = parse_line (self, line, msg, error);

      if (ret < 0)
        return FALSE;
      if (ret > 0)
        return TRUE;
    }

  return FALSE;
}

static void
canopy_candump_reader_finalize (GObject *object)
{
  CanopyCandumpReader *self = CANOPY_CANDUMP_READER (object);

  g_clear_pointer (&self->lines, _canopy_line_reader_free);

  G_OBJECT_CLASS (canopy_candump_reader_parent_class)->finalize (object);
}

/* Random access (the log document): after the header, the next line is
 * all the state there is. */
static gboolean
canopy_candump_reader_save_checkpoint (CanopyLogReader           *reader,
                                 CanopyLogReaderCheckpoint *checkpoint)
{
  _canopy_line_reader_tell (CANOPY_CANDUMP_READER (reader)->lines, checkpoint);
  return TRUE;
}

static gboolean
canopy_candump_reader_restore_checkpoint (CanopyLogReader                  *reader,
                                    const CanopyLogReaderCheckpoint  *checkpoint,
                                    GError                          **error)
{
  return _canopy_line_reader_seek (CANOPY_CANDUMP_READER (reader)->lines, checkpoint, error);
}

static void
canopy_candump_reader_class_init (CanopyCandumpReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyLogReaderClass *reader_class = CANOPY_LOG_READER_CLASS (klass);

  object_class->finalize = canopy_candump_reader_finalize;
  reader_class->next = canopy_candump_reader_next;
  reader_class->save_checkpoint = canopy_candump_reader_save_checkpoint;
  reader_class->restore_checkpoint = canopy_candump_reader_restore_checkpoint;
}

static void
canopy_candump_reader_init (CanopyCandumpReader *self)
{
}

/**
 * canopy_candump_reader_new:
 * @path: (type filename): a candump log, optionally gzip-compressed
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a new reader, or %NULL if @path cannot be opened
 */
CanopyCandumpReader *
canopy_candump_reader_new (const char  *path,
                           GError     **error)
{
  g_autoptr(CanopyCandumpReader) self = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CANOPY_TYPE_CANDUMP_READER, "path", path, NULL);
  if (!(self->lines = _canopy_line_reader_open (path, error)))
    return NULL;

  return g_steal_pointer (&self);
}

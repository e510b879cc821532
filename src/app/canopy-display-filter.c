/* canopy-display-filter.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "canopy-display-filter.h"

/* What the trace shows, never what it keeps: a display filter decides per
 * frame, and the views that use it keep every captured frame underneath.
 *
 * The criteria, all of which a frame must meet:
 * - ids: identifiers and ranges (`123`, `100-1FF`), any of which a frame must
 *   have when one is given, and excluded ones (`!7DF`, `!700-7FF`); a
 *   trailing `x` (`18FEF100x`, as the trace writes extended ids) limits an
 *   entry to extended frames;
 * - data: the first payload bytes, `??` for any byte, `?` for any nibble
 *   (`?? 01 F?`); a frame needs at least as many bytes;
 * - direction: received, sent or both;
 * - channel: one channel number, or any.
 * Error frames carry no identifier or payload worth matching, so the ids and
 * data do not apply to them: the error-frames choice (show, hide, only)
 * decides, with direction and channel.
 *
 * A filter does not change once made: a view that shares it needs no
 * locking and no change signal; editing makes a new one. */

typedef struct
{
  guint32  first;
  guint32  last;
  gboolean extended_only;
} IdRange;

struct _CanopyDisplayFilter
{
  GObject                parent_instance;

  char                  *ids_text;
  char                  *data_text;
  char                  *channel_text;
  CanopyDirectionFilter  direction;
  CanopyErrorFrames      error_frames;

  GArray                *include;       /* IdRange */
  GArray                *exclude;       /* IdRange */
  guint8                 data_value[CANOPY_MESSAGE_MAX_DATA];
  guint8                 data_mask[CANOPY_MESSAGE_MAX_DATA];
  guint                  data_len;
  int                    channel;       /* -1: any */
};

G_DEFINE_FINAL_TYPE (CanopyDisplayFilter, canopy_display_filter, G_TYPE_OBJECT)

static const char *direction_nicks[] = { "both", "rx", "tx" };
static const char *error_frames_nicks[] = { "show", "hide", "only" };

static gboolean
parse_id (const char  *text,
          guint32     *value,
          gboolean    *extended_only)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  gsize len = strlen (copy);
  guint64 v;

  *extended_only = len > 1 && (copy[len - 1] == 'x' || copy[len - 1] == 'X');
  if (*extended_only)
    copy[len - 1] = '\0';
  if (g_str_has_prefix (copy, "0x") || g_str_has_prefix (copy, "0X"))
    memmove (copy, copy + 2, strlen (copy + 2) + 1);
  if (!g_ascii_string_to_unsigned (copy, 16, 0, 0x1FFFFFFF, &v, NULL))
    return FALSE;
  *value = (guint32) v;
  return TRUE;
}

static gboolean
parse_ids (CanopyDisplayFilter  *self,
           const char           *text,
           GError              **error)
{
  g_auto(GStrv) tokens = g_strsplit_set (text, " ,;\t", -1);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = tokens[i];
      gboolean exclude = FALSE;
      const char *dash;
      IdRange range = { 0 };
      gboolean ok;

      if (*token == '\0')
        continue;
      if (*token == '!')
        {
          exclude = TRUE;
          token++;
        }

      dash = strchr (token, '-');
      if (dash != NULL)
        {
          g_autofree char *first = g_strndup (token, dash - token);
          gboolean first_extended;

          ok = parse_id (first, &range.first, &first_extended) &&
               parse_id (dash + 1, &range.last, &range.extended_only) &&
               range.first <= range.last;
          range.extended_only = range.extended_only || first_extended;
        }
      else
        {
          ok = parse_id (token, &range.first, &range.extended_only);
          range.last = range.first;
        }

      if (!ok)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not an identifier or a range such as 123, 100-1FF or !7DF"),
                       tokens[i]);
          return FALSE;
        }
      g_array_append_val (exclude ? self->exclude : self->include, range);
    }

  return TRUE;
}

static int
hex_nibble (char c)
{
  return g_ascii_xdigit_value (c);
}

static gboolean
parse_data (CanopyDisplayFilter  *self,
            const char           *text,
            GError              **error)
{
  g_auto(GStrv) tokens = g_strsplit_set (text, " \t", -1);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = tokens[i];
      gsize len = strlen (token);

      if (len % 2 != 0)
        goto bad;

      for (gsize j = 0; j < len; j += 2)
        {
          guint8 value = 0, mask = 0;

          if (self->data_len == CANOPY_MESSAGE_MAX_DATA)
            {
              g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           _("The data pattern is longer than %d bytes"), CANOPY_MESSAGE_MAX_DATA);
              return FALSE;
            }
          for (guint k = 0; k < 2; k++)
            {
              char c = token[j + k];
              int nibble = hex_nibble (c);

              value <<= 4;
              mask <<= 4;
              if (c == '?')
                continue;
              if (nibble < 0)
                goto bad;
              value |= nibble;
              mask |= 0xF;
            }
          self->data_value[self->data_len] = value;
          self->data_mask[self->data_len] = mask;
          self->data_len++;
        }
      continue;

    bad:
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a data pattern of hexadecimal bytes and ?? such as ?? 01 FF"),
                   tokens[i]);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_channel (CanopyDisplayFilter  *self,
               const char           *text,
               GError              **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  guint64 v;

  if (*copy == '\0')
    {
      self->channel = -1;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (copy, 10, 0, G_MAXINT16, &v, NULL))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a channel number"), copy);
      return FALSE;
    }
  self->channel = (int) v;
  return TRUE;
}

static gboolean
range_matches (const GArray        *ranges,
               const CanopyMessage *msg)
{
  for (guint i = 0; i < ranges->len; i++)
    {
      const IdRange *range = &g_array_index (ranges, IdRange, i);

      if (msg->arbitration_id >= range->first && msg->arbitration_id <= range->last &&
          (!range->extended_only || (msg->flags & CANOPY_MESSAGE_EXTENDED)))
        return TRUE;
    }
  return FALSE;
}

static void
canopy_display_filter_finalize (GObject *object)
{
  CanopyDisplayFilter *self = CANOPY_DISPLAY_FILTER (object);

  g_clear_pointer (&self->ids_text, g_free);
  g_clear_pointer (&self->data_text, g_free);
  g_clear_pointer (&self->channel_text, g_free);
  g_clear_pointer (&self->include, g_array_unref);
  g_clear_pointer (&self->exclude, g_array_unref);

  G_OBJECT_CLASS (canopy_display_filter_parent_class)->finalize (object);
}

static void
canopy_display_filter_class_init (CanopyDisplayFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = canopy_display_filter_finalize;
}

static void
canopy_display_filter_init (CanopyDisplayFilter *self)
{
  self->include = g_array_new (FALSE, FALSE, sizeof (IdRange));
  self->exclude = g_array_new (FALSE, FALSE, sizeof (IdRange));
  self->channel = -1;
}

/**
 * canopy_display_filter_new:
 * @ids: (nullable): identifiers and ranges, `!` before the hidden ones
 * @data: (nullable): a pattern of the first payload bytes
 * @direction: the direction shown
 * @error_frames: what to do with error frames
 * @channel: (nullable): a channel number; empty or %NULL for any
 * @error: return location for a #GError
 *
 * Parses a display filter from what the user typed.
 *
 * Returns: (transfer full) (nullable): the filter, or %NULL with @error set
 *   saying which part is wrong
 */
CanopyDisplayFilter *
canopy_display_filter_new (const char             *ids,
                           const char             *data,
                           CanopyDirectionFilter   direction,
                           CanopyErrorFrames       error_frames,
                           const char             *channel,
                           GError                **error)
{
  g_autoptr(CanopyDisplayFilter) self = g_object_new (CANOPY_TYPE_DISPLAY_FILTER, NULL);

  g_return_val_if_fail (direction <= CANOPY_DIRECTION_FILTER_TX, NULL);
  g_return_val_if_fail (error_frames <= CANOPY_ERROR_FRAMES_ONLY, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self->ids_text = g_strstrip (g_strdup (ids != NULL ? ids : ""));
  self->data_text = g_strstrip (g_strdup (data != NULL ? data : ""));
  self->channel_text = g_strstrip (g_strdup (channel != NULL ? channel : ""));
  self->direction = direction;
  self->error_frames = error_frames;

  if (!parse_ids (self, self->ids_text, error) ||
      !parse_data (self, self->data_text, error) ||
      !parse_channel (self, self->channel_text, error))
    return NULL;

  return g_steal_pointer (&self);
}

static int
nick_index (const char  *nick,
            const char **nicks,
            guint        n_nicks)
{
  for (guint i = 0; i < n_nicks; i++)
    if (g_strcmp0 (nick, nicks[i]) == 0)
      return (int) i;
  return -1;
}

/**
 * canopy_display_filter_new_from_key_file:
 * @group: the group holding the filter's keys (`ids`, `data`, `direction`,
 *   `error-frames`, `channel`); missing keys take their defaults
 *
 * Reads a filter written by canopy_display_filter_to_key_file().
 *
 * Returns: (transfer full) (nullable): the filter, or %NULL with @error set
 */
CanopyDisplayFilter *
canopy_display_filter_new_from_key_file (GKeyFile    *key_file,
                                         const char  *group,
                                         GError     **error)
{
  g_autofree char *ids = NULL;
  g_autofree char *data = NULL;
  g_autofree char *channel = NULL;
  g_autofree char *direction = NULL;
  g_autofree char *error_frames = NULL;
  int direction_index = CANOPY_DIRECTION_FILTER_BOTH;
  int error_frames_index = CANOPY_ERROR_FRAMES_SHOW;

  g_return_val_if_fail (key_file != NULL, NULL);
  g_return_val_if_fail (group != NULL, NULL);

  ids = g_key_file_get_string (key_file, group, "ids", NULL);
  data = g_key_file_get_string (key_file, group, "data", NULL);
  channel = g_key_file_get_string (key_file, group, "channel", NULL);
  direction = g_key_file_get_string (key_file, group, "direction", NULL);
  error_frames = g_key_file_get_string (key_file, group, "error-frames", NULL);

  if (direction != NULL &&
      (direction_index = nick_index (direction, direction_nicks, G_N_ELEMENTS (direction_nicks))) < 0)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("Unknown direction “%s” (both, rx or tx)"), direction);
      return NULL;
    }
  if (error_frames != NULL &&
      (error_frames_index = nick_index (error_frames, error_frames_nicks, G_N_ELEMENTS (error_frames_nicks))) < 0)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("Unknown error frame choice “%s” (show, hide or only)"), error_frames);
      return NULL;
    }

  return canopy_display_filter_new (ids, data, direction_index, error_frames_index, channel, error);
}

/**
 * canopy_display_filter_to_key_file:
 *
 * Writes the filter as the user typed it into @group of @key_file.
 */
void
canopy_display_filter_to_key_file (CanopyDisplayFilter *self,
                                   GKeyFile            *key_file,
                                   const char          *group)
{
  g_return_if_fail (CANOPY_IS_DISPLAY_FILTER (self));
  g_return_if_fail (key_file != NULL);
  g_return_if_fail (group != NULL);

  g_key_file_set_string (key_file, group, "ids", self->ids_text);
  g_key_file_set_string (key_file, group, "data", self->data_text);
  g_key_file_set_string (key_file, group, "direction", direction_nicks[self->direction]);
  g_key_file_set_string (key_file, group, "error-frames", error_frames_nicks[self->error_frames]);
  g_key_file_set_string (key_file, group, "channel", self->channel_text);
}

/**
 * canopy_display_filter_matches:
 *
 * Returns: whether the view shows @msg
 */
gboolean
canopy_display_filter_matches (CanopyDisplayFilter *self,
                               const CanopyMessage *msg)
{
  gboolean is_error;

  g_return_val_if_fail (CANOPY_IS_DISPLAY_FILTER (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);

  if (self->channel >= 0 && msg->channel != self->channel)
    return FALSE;

  switch (self->direction)
    {
    case CANOPY_DIRECTION_FILTER_RX:
      if (msg->flags & CANOPY_MESSAGE_TX)
        return FALSE;
      break;
    case CANOPY_DIRECTION_FILTER_TX:
      if (!(msg->flags & CANOPY_MESSAGE_TX))
        return FALSE;
      break;
    case CANOPY_DIRECTION_FILTER_BOTH:
    default:
      break;
    }

  is_error = (msg->flags & CANOPY_MESSAGE_ERROR) != 0;
  if (is_error)
    return self->error_frames != CANOPY_ERROR_FRAMES_HIDE;
  if (self->error_frames == CANOPY_ERROR_FRAMES_ONLY)
    return FALSE;

  if (self->include->len > 0 && !range_matches (self->include, msg))
    return FALSE;
  if (self->exclude->len > 0 && range_matches (self->exclude, msg))
    return FALSE;

  if (self->data_len > 0)
    {
      if ((msg->flags & CANOPY_MESSAGE_REMOTE) || msg->dlc < self->data_len)
        return FALSE;
      for (guint i = 0; i < self->data_len; i++)
        if ((msg->data[i] & self->data_mask[i]) != self->data_value[i])
          return FALSE;
    }

  return TRUE;
}

/**
 * canopy_display_filter_is_empty:
 *
 * Returns: whether the filter shows every frame (a view can then skip it)
 */
gboolean
canopy_display_filter_is_empty (CanopyDisplayFilter *self)
{
  g_return_val_if_fail (CANOPY_IS_DISPLAY_FILTER (self), TRUE);

  return self->include->len == 0 && self->exclude->len == 0 && self->data_len == 0 &&
         self->channel < 0 && self->direction == CANOPY_DIRECTION_FILTER_BOTH &&
         self->error_frames == CANOPY_ERROR_FRAMES_SHOW;
}

/**
 * canopy_display_filter_get_by_id_only:
 *
 * A row per identifier (per channel, per width) keeps its verdict as long
 * as only identifiers and channels count; with payload, direction or error
 * criteria its verdict can change with each new frame.
 *
 * Returns: whether the verdict depends on the identifier and channel alone
 */
gboolean
canopy_display_filter_get_by_id_only (CanopyDisplayFilter *self)
{
  g_return_val_if_fail (CANOPY_IS_DISPLAY_FILTER (self), TRUE);

  return self->data_len == 0 && self->direction == CANOPY_DIRECTION_FILTER_BOTH &&
         self->error_frames == CANOPY_ERROR_FRAMES_SHOW;
}

const char *
canopy_display_filter_get_ids (CanopyDisplayFilter *self)
{
  g_return_val_if_fail (CANOPY_IS_DISPLAY_FILTER (self), NULL);

  return self->ids_text;
}

const char *
canopy_display_filter_get_data (CanopyDisplayFilter *self)
{
  g_return_val_if_fail (CANOPY_IS_DISPLAY_FILTER (self), NULL);

  return self->data_text;
}

CanopyDirectionFilter
canopy_display_filter_get_direction (CanopyDisplayFilter *self)
{
  g_return_val_if_fail (CANOPY_IS_DISPLAY_FILTER (self), CANOPY_DIRECTION_FILTER_BOTH);

  return self->direction;
}

CanopyErrorFrames
canopy_display_filter_get_error_frames (CanopyDisplayFilter *self)
{
  g_return_val_if_fail (CANOPY_IS_DISPLAY_FILTER (self), CANOPY_ERROR_FRAMES_SHOW);

  return self->error_frames;
}

const char *
canopy_display_filter_get_channel (CanopyDisplayFilter *self)
{
  g_return_val_if_fail (CANOPY_IS_DISPLAY_FILTER (self), NULL);

  return self->channel_text;
}

/* canopy-frame-pattern.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "canopy-frame-pattern.h"

/* The syntax follows what the trace shows. One token is an identifier:
 * up to three hex digits a standard one ("123"), more digits or a trailing
 * "x" an extended one ("18FEF100", "00000123x"). Several tokens are data
 * bytes ("11 ?? 33", "1? FF"); "data:" in front makes a single byte data,
 * "id:" makes a token an identifier. */

static gboolean
parse_id (CanopyFramePattern  *pattern,
          const char          *token,
          GError             **error)
{
  g_autofree char *digits = g_strdup (token);
  gsize len;
  guint64 value;

  if (g_str_has_prefix (digits, "0x") || g_str_has_prefix (digits, "0X"))
    memmove (digits, digits + 2, strlen (digits + 2) + 1);
  len = strlen (digits);
  pattern->extended = FALSE;
  if (len > 0 && (digits[len - 1] == 'x' || digits[len - 1] == 'X'))
    {
      digits[--len] = '\0';
      pattern->extended = TRUE;
    }

  if (len == 0 || len > 8 ||
      !g_ascii_string_to_unsigned (digits, 16, 0, 0x1FFFFFFF, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("“%s” is not an identifier: use up to 3 hex digits for a standard ID, up to 8 for an extended one"),
                   token);
      return FALSE;
    }

  pattern->by_id = TRUE;
  pattern->id = (guint32) value;
  pattern->extended |= len > 3 || value > 0x7FF;
  return TRUE;
}

static int
nibble (char c)
{
  return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

static gboolean
parse_byte (const char *token,
            guint8     *value,
            guint8     *mask)
{
  *value = 0;
  *mask = 0;

  if (strlen (token) != 2)
    return FALSE;

  for (guint i = 0; i < 2; i++)
    {
      guint shift = i == 0 ? 4 : 0;

      if (token[i] == '?')
        continue;
      if (nibble (token[i]) < 0)
        return FALSE;
      *value |= nibble (token[i]) << shift;
      *mask |= 0xF << shift;
    }

  return TRUE;
}

gboolean
canopy_frame_pattern_parse (CanopyFramePattern  *pattern,
                            const char          *text,
                            GError             **error)
{
  g_autofree char *copy = NULL;
  g_auto(GStrv) tokens = NULL;
  char *body;
  gboolean want_id = FALSE;
  gboolean want_data = FALSE;
  guint n = 0;

  g_return_val_if_fail (pattern != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  memset (pattern, 0, sizeof *pattern);
  body = copy = g_strstrip (g_strdup (text));

  if (g_ascii_strncasecmp (body, "id:", 3) == 0)
    want_id = TRUE, body += 3;
  else if (g_ascii_strncasecmp (body, "data:", 5) == 0)
    want_data = TRUE, body += 5;

  tokens = g_strsplit_set (g_strstrip (body), " \t,", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    if (*tokens[i] != '\0')
      tokens[n++] = tokens[i];
    else
      g_free (tokens[i]);
  tokens[n] = NULL;

  if (n == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("Type an ID (123, 18FEF100) or data bytes (11 ?? 33)"));
      return FALSE;
    }

  if (want_id || (n == 1 && !want_data && strchr (tokens[0], '?') == NULL))
    {
      if (n > 1)
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               _("Only one ID can be searched for at a time"));
          return FALSE;
        }
      return parse_id (pattern, tokens[0], error);
    }

  if (n > CANOPY_MESSAGE_MAX_DATA)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("A frame holds at most %u data bytes"), CANOPY_MESSAGE_MAX_DATA);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    if (!parse_byte (tokens[i], &pattern->value[i], &pattern->mask[i]))
      {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _("“%s” is not a data byte: use two hex digits, “?” for any digit"),
                     tokens[i]);
        return FALSE;
      }

  pattern->n_bytes = n;
  return TRUE;
}

/* Data bytes match at any offset of the payload. */
gboolean
canopy_frame_pattern_match (const CanopyFramePattern *pattern,
                            const CanopyMessage      *msg)
{
  guint length;

  g_return_val_if_fail (pattern != NULL, FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);

  if (pattern->by_id)
    return msg->arbitration_id == pattern->id &&
           !!(msg->flags & CANOPY_MESSAGE_EXTENDED) == pattern->extended &&
           !(msg->flags & CANOPY_MESSAGE_ERROR);

  if (msg->flags & (CANOPY_MESSAGE_REMOTE | CANOPY_MESSAGE_ERROR))
    return FALSE;

  length = MIN (msg->dlc, CANOPY_MESSAGE_MAX_DATA);
  for (guint offset = 0; offset + pattern->n_bytes <= length; offset++)
    {
      guint i;

      for (i = 0; i < pattern->n_bytes; i++)
        if ((msg->data[offset + i] & pattern->mask[i]) != pattern->value[i])
          break;
      if (i == pattern->n_bytes)
        return TRUE;
    }

  return FALSE;
}

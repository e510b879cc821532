/* canopy-transmit-format.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "canopy-transmit-format.h"

/* Payloads as CAN engineers write them in the Transmit pane and its
 * editor. */

/**
 * canopy_transmit_format_data:
 *
 * Returns: (transfer full): the payload as "11 22 33"
 */
char *
canopy_transmit_format_data (const guint8 *data,
                             gsize         len)
{
  GString *text = g_string_sized_new (len * 3);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (text, i == 0 ? "%02X" : " %02X", data[i]);

  return g_string_free (text, FALSE);
}

/**
 * canopy_transmit_parse_data:
 * @data: (out caller-allocates) (array fixed-size=64): the bytes
 * @len: (out): how many
 *
 * Reads hex bytes as people write them: "11 22 33", "11,22,33", "11:22",
 * or "112233" without separators.
 */
gboolean
canopy_transmit_parse_data (const char  *text,
                            guint8      *data,
                            gsize       *len,
                            GError     **error)
{
  g_auto(GStrv) tokens = g_strsplit_set (text != NULL ? text : "", " \t,:;-", -1);
  gsize n = 0;

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = tokens[i];
      gsize token_len = strlen (token);

      if (token_len == 0)
        continue;
      if (g_ascii_strncasecmp (token, "0x", 2) == 0 && token_len > 2)
        {
          token += 2;
          token_len -= 2;
        }

      /* "1" is 01; "1122" is two bytes; "112" is a mistake. */
      if (token_len > 2 && token_len % 2 != 0)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a whole number of bytes in hex."), tokens[i]);
          return FALSE;
        }

      for (gsize at = 0; at < token_len; at += 2)
        {
          int high = token_len == 1 ? 0 : g_ascii_xdigit_value (token[at]);
          int low = g_ascii_xdigit_value (token[token_len == 1 ? at : at + 1]);

          if (high < 0 || low < 0)
            {
              g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           _("“%s” is not a byte in hex."), tokens[i]);
              return FALSE;
            }
          if (n == CANOPY_MESSAGE_MAX_DATA)
            {
              g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           _("A frame carries at most %d bytes."), CANOPY_MESSAGE_MAX_DATA);
              return FALSE;
            }
          data[n++] = (guint8) (high << 4 | low);
        }
    }

  *len = n;
  return TRUE;
}

/* canopy-options.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "canopy-error.h"
#include "canopy-options-private.h"

static const char *
lookup (GHashTable *options,
        const char *key)
{
  return options != NULL ? g_hash_table_lookup (options, key) : NULL;
}

gboolean
_canopy_options_get_boolean (GHashTable  *options,
                             const char  *key,
                             gboolean     default_value,
                             gboolean    *value,
                             GError     **error)
{
  const char *text = lookup (options, key);

  if (text == NULL)
    {
      *value = default_value;
      return TRUE;
    }

  /* python-can's config values are Python literals or ConfigParser booleans */
  if (!g_ascii_strcasecmp (text, "true") || !g_ascii_strcasecmp (text, "yes") ||
      !g_ascii_strcasecmp (text, "on") || !g_strcmp0 (text, "1"))
    *value = TRUE;
  else if (!g_ascii_strcasecmp (text, "false") || !g_ascii_strcasecmp (text, "no") ||
           !g_ascii_strcasecmp (text, "off") || !g_strcmp0 (text, "0"))
    *value = FALSE;
  else
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Option %s: “%s” is not a boolean (true/false)", key, text);
      return FALSE;
    }
  return TRUE;
}

gboolean
_canopy_options_get_uint (GHashTable  *options,
                          const char  *key,
                          guint64      default_value,
                          guint64      max_value,
                          guint64     *value,
                          GError     **error)
{
  const char *text = lookup (options, key);
  char *end = NULL;
  guint64 parsed;

  if (text == NULL)
    {
      *value = default_value;
      return TRUE;
    }

  /* Base 0 takes 500000 as well as 0x7A120, as Python's int(x, 0). */
  errno = 0;
  parsed = g_ascii_strtoull (text, &end, 0);
  if (*text == '-' || end == text || *end != '\0' || errno != 0 || parsed > max_value)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Option %s: “%s” is not a whole number from 0 to %" G_GUINT64_FORMAT,
                   key, text, max_value);
      return FALSE;
    }

  *value = parsed;
  return TRUE;
}

gboolean
_canopy_options_get_queue_size (GHashTable  *options,
                                guint        default_value,
                                const char  *driver,
                                guint       *value,
                                GError     **error)
{
  guint64 queue_size;

  if (!_canopy_options_get_uint (options, "queue_size", default_value,
                                 CANOPY_OPTIONS_MAX_QUEUE_SIZE, &queue_size, error))
    return FALSE;

  if (queue_size == 0)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Option queue_size: a %s bus needs room for at least one frame", driver);
      return FALSE;
    }

  *value = (guint) queue_size;
  return TRUE;
}

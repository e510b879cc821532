/* canopy-vendor-channel.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"

#include "canopy-vendor-channel-private.h"

/* Sets @number from @channel, a decimal number no larger than @max; an
 * absent or empty @channel means @fallback. Anything else is
 * %CANOPY_ERROR_INVALID_ARGUMENT, “@channel is not @what” (@what says what
 * the driver expects, with examples: "a Kvaser channel number (0, 1, …)"). */
gboolean
_canopy_vendor_parse_channel_number (const char  *channel,
                                     guint64      fallback,
                                     guint64      max,
                                     const char  *what,
                                     guint64     *number,
                                     GError     **error)
{
  guint64 value;
  char *end = NULL;

  if (channel == NULL || *channel == '\0')
    {
      *number = fallback;
      return TRUE;
    }

  value = g_ascii_strtoull (channel, &end, 10);
  if (end == channel || *end != '\0' || value > max)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "“%s” is not %s", channel, what);
      return FALSE;
    }

  *number = value;
  return TRUE;
}

/* canopy-vendor-channel-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The channel argument of the vendor drivers that address a channel by a
 * decimal number (Kvaser channel, IXXAT CAN line, neoVI network id). */
gboolean _canopy_vendor_parse_channel_number (const char  *channel,
                                              guint64      fallback,
                                              guint64      max,
                                              const char  *what,
                                              guint64     *number,
                                              GError     **error);

G_END_DECLS

/* canopy-transmit-format.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>

G_BEGIN_DECLS

char     *canopy_transmit_format_data (const guint8  *data,
                                       gsize          len);
gboolean  canopy_transmit_parse_data  (const char    *text,
                                       guint8        *data,
                                       gsize         *len,
                                       GError       **error);

G_END_DECLS

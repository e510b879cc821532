/* canopy-serial-bus-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-serial-bus.h"

G_BEGIN_DECLS

CanopyBus *_canopy_serial_bus_new_from_options (const char  *channel,
                                                GHashTable  *options,
                                                GError     **error);

G_END_DECLS

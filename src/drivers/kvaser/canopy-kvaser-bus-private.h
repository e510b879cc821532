/* canopy-kvaser-bus-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-kvaser-bus.h"

G_BEGIN_DECLS

void _canopy_kvaser_bus_register (void);

G_END_DECLS

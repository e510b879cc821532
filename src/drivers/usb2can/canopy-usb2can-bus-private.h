/* canopy-usb2can-bus-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-usb2can-bus.h"

G_BEGIN_DECLS

void _canopy_usb2can_bus_register (void);

G_END_DECLS

/* canopy-interface-info-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-interface-info.h"

G_BEGIN_DECLS

/* The registry of interfaces, by python-can's names. Each driver registers
 * itself from its _canopy_<driver>_register () function; the library's top
 * (src/canopy-builtins.c, above the layers) calls every one of them once,
 * before the first lookup. @aliases is %NULL-terminated or %NULL; the
 * strings must be static. @bus_type G_TYPE_INVALID records a name
 * python-can knows that this build cannot open. */
void _canopy_interface_register (const char         *name,
                                 const char * const *aliases,
                                 GType               bus_type,
                                 const char         *description,
                                 const char         *requirement);

/* Implemented above the layers (src/canopy-builtins.c): registers every
 * built-in driver and log format, once. The engine calls it before it looks
 * anything up; it never names a driver or format itself. */
void _canopy_builtins_ensure_registered (void);

G_END_DECLS

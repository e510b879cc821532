/* canopy-config.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib.h>

#include "canopy-version-macros.h"

G_BEGIN_DECLS

CANOPY_AVAILABLE_IN_ALL
GHashTable  *canopy_config_load            (GHashTable  *options,
                                            GError     **error);
CANOPY_AVAILABLE_IN_ALL
void         canopy_config_set_default     (const char  *key,
                                            const char  *value);
CANOPY_AVAILABLE_IN_ALL
void         canopy_config_clear_defaults  (void);
CANOPY_AVAILABLE_IN_ALL
char       **canopy_config_get_file_paths  (void);

G_END_DECLS

/* canopy-config-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-config.h"

G_BEGIN_DECLS

/* Tests replace /etc/can.conf with a file of their own. */
void _canopy_config_set_system_file (const char *path);

G_END_DECLS

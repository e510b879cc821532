/* canopy-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"

G_DEFINE_QUARK (canopy-error-quark, canopy_error)

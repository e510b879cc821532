/* canopy-redirect-reader.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-bus.h"
#include "canopy-listener.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_REDIRECT_READER (canopy_redirect_reader_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyRedirectReader, canopy_redirect_reader, CANOPY, REDIRECT_READER, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyRedirectReader *canopy_redirect_reader_new            (CanopyBus            *bus);
CANOPY_AVAILABLE_IN_ALL
CanopyBus            *canopy_redirect_reader_get_bus        (CanopyRedirectReader *self);
CANOPY_AVAILABLE_IN_ALL
guint64               canopy_redirect_reader_get_failed     (CanopyRedirectReader *self);
CANOPY_AVAILABLE_IN_ALL
GError               *canopy_redirect_reader_dup_last_error (CanopyRedirectReader *self);

G_END_DECLS

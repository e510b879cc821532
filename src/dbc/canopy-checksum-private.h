/* canopy-checksum-private.h — checksums computed piece by piece
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-checksum.h"

G_BEGIN_DECLS

guint _canopy_checksum_begin  (CanopyChecksumKind  kind);
guint _canopy_checksum_update (CanopyChecksumKind  kind,
                               guint               state,
                               const guint8       *data,
                               gsize               len);
guint _canopy_checksum_end    (CanopyChecksumKind  kind,
                               guint               state);

G_END_DECLS

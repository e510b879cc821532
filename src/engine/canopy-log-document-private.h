/* canopy-log-document-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-log-document.h"

G_BEGIN_DECLS

/* Bytes held by the random-access index (for bench/bench-document). */
gsize _canopy_log_document_get_index_bytes (CanopyLogDocument *self);

G_END_DECLS

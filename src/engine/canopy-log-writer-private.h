/* canopy-log-writer-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-log-writer.h"

G_BEGIN_DECLS

/* struct _CanopyLogWriterClass is in canopy-log-writer.h so that subclasses
 * can be declared final types in public headers. */

G_END_DECLS

/* bench-blf-limits.h — hook for the BLF container limits in bench-formats
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Prints the single-core limits of BLF containers: a bare zlib (and
 * libdeflate) inflate / deflate loop over the log containers of @blf_path,
 * the file bench-formats just wrote with @n_frames frames (NULL when the
 * BLF format could not be written). Implemented in bench-blf-limits.c. */
void bench_blf_limits (const char *blf_path,
                       guint64     n_frames);

G_END_DECLS

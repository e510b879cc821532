/* bench-blf-loops.h — bare single-core (de)compression loops over the log
 * containers of a BLF file: the limits the BLF reader and writer are
 * measured against. Implemented in bench-blf-limits.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *codec;          /* "zlib" or "libdeflate" */
  double      inflate_fps;    /* frames/s, one core */
  double      deflate_fps;    /* frames/s, one core, level 6 */
  double      deflate_bytes_per_frame;
} BenchBlfLoop;

gboolean bench_blf_loops_have_libdeflate (void);
/* Fills up to 2 results (zlib, then libdeflate when built with it);
 * returns how many. */
guint    bench_blf_loops_run             (const char   *blf_path,
                                          guint64       n_frames,
                                          BenchBlfLoop  results[2]);
/* Runs them and prints one line per codec. */
void     bench_blf_loops_print           (const char   *blf_path,
                                          guint64       n_frames);

G_END_DECLS

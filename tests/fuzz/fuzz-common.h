/* fuzz-common.h — what every libFuzzer target of tests/fuzz/ shares
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>

G_BEGIN_DECLS

/* libFuzzer's entry point; fuzz-replay.c calls it for the regression
 * corpus in normal builds. */
int   LLVMFuzzerTestOneInput (const guint8 *data,
                              size_t        size);

/* Writes @data to this process's input file (one per extension, in a
 * private temporary directory) and returns its path. */
const char *fuzz_write_input  (const guint8 *data,
                               gsize         size,
                               const char   *extension);
/* A private, empty directory for this process (also HOME for the
 * configuration target). */
const char *fuzz_private_dir  (void);
/* Reads every frame of @reader (NULL is fine: the file was refused) and
 * checks what a reader promises: lengths in range, a skip report in step
 * with the count, the end stays the end. */
void        fuzz_drain_reader (CanopyLogReader *reader);

G_END_DECLS

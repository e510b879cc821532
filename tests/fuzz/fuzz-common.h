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

/* Cuts a byte stream into the pieces a serial line or a socket would
 * deliver: lengths 1..64 drawn from a generator the input seeds, so a
 * line is split at every possible point across the corpus. */
typedef struct
{
  guint32 state;
} FuzzSplitter;

void        fuzz_splitter_init (FuzzSplitter *splitter,
                                guint8        seed);
gsize       fuzz_splitter_next (FuzzSplitter *splitter,
                                gsize         remaining);

/* Asserts that two frames carry the same identifier, flags, length and
 * payload (the timestamp aside). */
void        fuzz_assert_same_frame (const CanopyMessage *a,
                                    const CanopyMessage *b);

G_END_DECLS

/* fuzz-blf.c — libFuzzer target: the BLF reader on arbitrary bytes, with
 * local and UTC start times
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *path = fuzz_write_input (data, size, ".blf");
  g_autoptr(CanopyBlfReader) reader = canopy_blf_reader_new (path, NULL);

  fuzz_drain_reader (CANOPY_LOG_READER (reader));
  return 0;
}

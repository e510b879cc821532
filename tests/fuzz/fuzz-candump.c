/* fuzz-candump.c — libFuzzer target: the candump reader on arbitrary bytes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *path = fuzz_write_input (data, size, ".log");
  g_autoptr(CanopyCandumpReader) reader = canopy_candump_reader_new (path, NULL);

  fuzz_drain_reader (CANOPY_LOG_READER (reader));
  return 0;
}

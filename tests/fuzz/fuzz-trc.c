/* fuzz-trc.c — libFuzzer target: the trc reader on arbitrary bytes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *path = fuzz_write_input (data, size, ".trc");
  g_autoptr(CanopyTrcReader) reader = canopy_trc_reader_new (path, NULL);

  fuzz_drain_reader (CANOPY_LOG_READER (reader));
  return 0;
}

/* fuzz-sqlite.c — libFuzzer target: the SQLite reader on arbitrary
 * database files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *path = fuzz_write_input (data, size, ".db");
  g_autoptr(CanopySqliteReader) reader = canopy_sqlite_reader_new (path, NULL);

  fuzz_drain_reader (CANOPY_LOG_READER (reader));
  return 0;
}

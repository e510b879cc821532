// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The public headers compile as C++ and keep working for C++ consumers.

#include <canopy.h>

int
main ()
{
  CanopyMessage msg;
  const guint8 data[] = { 1, 2, 3 };
  g_autoptr(GError) error = nullptr;

  canopy_message_init (&msg, 0x123, FALSE, data, sizeof data);
  if (!canopy_message_validate (&msg, &error))
    return 1;
  return canopy_message_get_dlc (&msg) == 3 ? 0 : 1;
}

/* canopy-test-bus.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Opening a bus the way the tests of every area do: through the driver
 * registry, as an application does.
 */

#pragma once

#include <canopy.h>

G_BEGIN_DECLS

/* Opens a bus of @interface_name on @channel with one driver option
 * @key=@value (none when @key is NULL); fails the test when that does not
 * work. */
static inline CanopyBus *
canopy_test_open_bus (const char *interface_name,
                      const char *channel,
                      const char *key,
                      const char *value)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  CanopyBus *bus;

  if (key != NULL)
    g_hash_table_insert (options, (gpointer) key, (gpointer) value);
  bus = canopy_bus_new (interface_name, channel, options, &error);
  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_BUS (bus));
  return bus;
}

G_END_DECLS

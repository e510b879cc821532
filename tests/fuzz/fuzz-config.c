/* fuzz-config.c — libFuzzer target: python-can configuration files
 * (ConfigParser dialect) as canopy_config_load() reads them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

/* after <canopy.h>, which private headers need */
#include "canopy-config-private.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *path = fuzz_write_input (data, size, ".conf");
  g_autoptr(GHashTable) config = NULL;
  g_autoptr(GError) error = NULL;

  static gboolean environment_set;

  /* Only this file: no ~/.canrc, no environment. Once: setenv() leaks. */
  if (!environment_set)
    {
      g_setenv ("HOME", fuzz_private_dir (), TRUE);
      g_unsetenv ("CAN_INTERFACE");
      g_unsetenv ("CAN_CHANNEL");
      g_unsetenv ("CAN_BITRATE");
      environment_set = TRUE;
    }
  _canopy_config_set_system_file (path);

  config = canopy_config_load (NULL, &error);
  g_assert ((config == NULL) == (error != NULL));
  if (config != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, config);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_assert (key != NULL && value != NULL);
    }

  return 0;
}

/* test-app-win32.c — the application's Windows-only behaviour
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "canopy-app-win32.h"

/* The settings file is %APPDATA%\Canopy\settings.ini: a setting written
 * through the application's backend lands there, readable as a key file. */
static void
test_settings_in_appdata (void)
{
  const char *appdata = g_getenv ("APPDATA");
  g_autofree char *path = canopy_app_win32_get_settings_path ();
  g_autofree char *expected = NULL;
  g_autofree char *saved = NULL;
  gsize saved_length = 0;
  gboolean had_file;
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (appdata);
  expected = g_build_filename (appdata, "Canopy", "settings.ini", NULL);
  g_assert_cmpstr (path, ==, expected);

  /* This is the user's real file on Windows: put it back afterwards. */
  had_file = g_file_get_contents (path, &saved, &saved_length, NULL);

  source = g_settings_schema_source_new_from_directory (CANOPY_BUILD_SCHEMA_DIR, NULL, FALSE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, "org.canopy.Canopy", FALSE);
  g_assert_nonnull (schema);
  backend = canopy_app_win32_settings_backend ();
  settings = g_settings_new_full (schema, backend, NULL);

  g_assert_true (g_settings_is_writable (settings, "window-width"));
  g_assert_true (g_settings_set_int (settings, "window-width", 1234));
  g_settings_sync ();

  g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_key_file_get_integer (key_file, "Canopy", "window-width", &error), ==, 1234);
  g_assert_no_error (error);

  g_clear_object (&settings);
  if (had_file)
    g_assert_true (g_file_set_contents (path, saved, saved_length, NULL));
  else
    g_assert_cmpint (g_remove (path), ==, 0);
}

/* Translations are looked up beside the program, wherever it was unzipped. */
static void
test_locale_dir_beside_program (void)
{
  g_autofree char *dir = canopy_app_win32_get_locale_dir ();
  g_autofree char *program_dir = g_win32_get_package_installation_directory_of_module (NULL);

  g_assert_true (g_path_is_absolute (dir));
  g_assert_true (g_str_has_prefix (dir, program_dir));
  g_assert_true (g_str_has_suffix (dir, "share\\locale"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  canopy_app_win32_init ();

  g_test_add_func ("/app/win32/settings-in-appdata", test_settings_in_appdata);
  g_test_add_func ("/app/win32/locale-dir-beside-program", test_locale_dir_beside_program);

  return g_test_run ();
}

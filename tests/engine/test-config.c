/* test-config.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <canopy.h>

#include "canopy-config-private.h"

typedef struct
{
  char *home;
  char *system_file;
#ifdef G_OS_WIN32
  /* Windows reads can.ini in the working folder, then %APPDATA%\can.ini. */
  char *old_cwd;
  char *work;
  char *appdata;
#endif
} Fixture;

static void
write_file (const char *path,
            const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->home = g_dir_make_tmp ("canopy-config-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->system_file = g_build_filename (fixture->home, "etc-can.conf", NULL);

  g_setenv ("HOME", fixture->home, TRUE);
  g_unsetenv ("CAN_INTERFACE");
  g_unsetenv ("CAN_CHANNEL");
  g_unsetenv ("CAN_BITRATE");
  _canopy_config_set_system_file (fixture->system_file);
  canopy_config_clear_defaults ();

#ifdef G_OS_WIN32
  fixture->old_cwd = g_get_current_dir ();
  fixture->work = g_build_filename (fixture->home, "work", NULL);
  fixture->appdata = g_build_filename (fixture->home, "AppData", NULL);
  g_assert_cmpint (g_mkdir (fixture->work, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (fixture->appdata, 0700), ==, 0);
  g_assert_cmpint (g_chdir (fixture->work), ==, 0);
  g_setenv ("APPDATA", fixture->appdata, TRUE);
#endif
}

static void
remove_if_exists (const char *dir,
                  const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_remove (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  remove_if_exists (fixture->home, ".can");
  remove_if_exists (fixture->home, ".canrc");
  remove_if_exists (fixture->home, "etc-can.conf");
#ifdef G_OS_WIN32
  g_assert_cmpint (g_chdir (fixture->old_cwd), ==, 0);
  remove_if_exists (fixture->work, "can.ini");
  remove_if_exists (fixture->appdata, "can.ini");
  g_rmdir (fixture->work);
  g_rmdir (fixture->appdata);
  g_free (fixture->old_cwd);
  g_free (fixture->work);
  g_free (fixture->appdata);
#endif
  g_rmdir (fixture->home);
  g_free (fixture->home);
  g_free (fixture->system_file);
  canopy_config_clear_defaults ();
}

/* The user's configuration file read last: ~/.canrc, on Windows
 * %APPDATA%\can.ini. */
static char *
user_file (Fixture *fixture)
{
#ifdef G_OS_WIN32
  return g_build_filename (fixture->appdata, "can.ini", NULL);
#else
  return g_build_filename (fixture->home, ".canrc", NULL);
#endif
}

static GHashTable *
load (GHashTable *options)
{
  g_autoptr(GError) error = NULL;
  GHashTable *config = canopy_config_load (options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

static void
test_config_empty (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GHashTable) config = load (NULL);

  g_assert_cmpuint (g_hash_table_size (config), ==, 0);
}

/* Each source only fills what the ones before it left open. */
static void
test_config_precedence (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GHashTable) explicit_options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) config = NULL;
#ifdef G_OS_WIN32
  /* Two files on Windows, as python-can: can.ini in the working folder,
   * then %APPDATA%\can.ini. */
  g_autofree char *cwd_ini = g_build_filename (fixture->work, "can.ini", NULL);
  g_autofree char *appdata_ini = user_file (fixture);
  g_auto(GStrv) paths = canopy_config_get_file_paths ();

  g_assert_cmpuint (g_strv_length (paths), ==, 2);
  g_assert_cmpstr (paths[0], ==, cwd_ini);
  g_assert_cmpstr (paths[1], ==, appdata_ini);

  write_file (cwd_ini,
              "[default]\ninterface = kvaser\nchannel = sys0\nbitrate = 125000\nfrom_system = yes\n"
              "from_can = 1\n");
  write_file (appdata_ini, "[default]\nchannel = canrc-file\n");
#else
  g_autofree char *can = g_build_filename (fixture->home, ".can", NULL);
  g_autofree char *canrc = g_build_filename (fixture->home, ".canrc", NULL);

  write_file (fixture->system_file,
              "[default]\ninterface = kvaser\nchannel = sys0\nbitrate = 125000\nfrom_system = yes\n");
  write_file (can, "[default]\nchannel = can-file\nfrom_can = 1\n");
  write_file (canrc, "[default]\nchannel = canrc-file\n");
#endif

  config = load (NULL);
  /* later files add to or replace earlier ones */
  g_assert_cmpstr (g_hash_table_lookup (config, "interface"), ==, "kvaser");
  g_assert_cmpstr (g_hash_table_lookup (config, "channel"), ==, "canrc-file");
  g_assert_cmpstr (g_hash_table_lookup (config, "bitrate"), ==, "125000");
  g_assert_cmpstr (g_hash_table_lookup (config, "from_system"), ==, "yes");
  g_assert_cmpstr (g_hash_table_lookup (config, "from_can"), ==, "1");
  g_clear_pointer (&config, g_hash_table_unref);

  g_setenv ("CAN_INTERFACE", "pcan", TRUE);
  g_setenv ("CAN_BITRATE", "250000", TRUE);
  config = load (NULL);
  g_assert_cmpstr (g_hash_table_lookup (config, "interface"), ==, "pcan");
  g_assert_cmpstr (g_hash_table_lookup (config, "channel"), ==, "canrc-file");
  g_assert_cmpstr (g_hash_table_lookup (config, "bitrate"), ==, "250000");
  g_clear_pointer (&config, g_hash_table_unref);

  canopy_config_set_default ("interface", "socketcan");
  canopy_config_set_default ("channel", "vcan0");
  config = load (NULL);
  g_assert_cmpstr (g_hash_table_lookup (config, "interface"), ==, "socketcan");
  g_assert_cmpstr (g_hash_table_lookup (config, "channel"), ==, "vcan0");
  g_assert_cmpstr (g_hash_table_lookup (config, "bitrate"), ==, "250000");
  g_clear_pointer (&config, g_hash_table_unref);

  g_hash_table_insert (explicit_options, "interface", "virtual");
  config = load (explicit_options);
  g_assert_cmpstr (g_hash_table_lookup (config, "interface"), ==, "virtual");
  g_assert_cmpstr (g_hash_table_lookup (config, "channel"), ==, "vcan0");
}

/* A python-can user's file works unchanged, ConfigParser dialect included. */
static void
test_config_configparser_dialect (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *canrc = user_file (fixture);
  g_autoptr(GHashTable) config = NULL;

  write_file (canrc,
              "; written for python-can\n"
              "[default]\n"
              "interface: socketcan_native\n"
              "channel = vcan1\n"
              "# a comment\n"
              "[other]\n"
              "interface = kvaser\n");
  config = load (NULL);
  g_assert_cmpstr (g_hash_table_lookup (config, "interface"), ==, "socketcan_native");
  g_assert_cmpstr (g_hash_table_lookup (config, "channel"), ==, "vcan1");
}

static void
test_config_unreadable (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *canrc = user_file (fixture);
  g_autofree char *canrc_name = g_path_get_basename (canrc);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) config = NULL;
  g_autoptr(CanopyBus) bus = NULL;

  write_file (canrc, "[default\ninterface = virtual\n");
  config = canopy_config_load (NULL, &error);
  g_assert_null (config);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, canrc_name));
  g_clear_error (&error);

  bus = canopy_bus_new ("virtual", "x", NULL, &error);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_CONFIG);
}

static void
test_config_bus_from_config (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *canrc = user_file (fixture);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;
  g_autofree char *info = NULL;

  /* Nothing configured: the demo bus */
  bus = canopy_bus_new (NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (CANOPY_IS_VIRTUAL_BUS (bus));
  g_assert_cmpstr (canopy_virtual_bus_get_channel (CANOPY_VIRTUAL_BUS (bus)), ==, "demo");
  canopy_bus_shutdown (bus);
  g_clear_object (&bus);

  write_file (canrc, "[default]\ninterface = virtual\nchannel = from-rc\n");
  bus = canopy_bus_new (NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_object_get (bus, "channel-info", &info, NULL);
  g_assert_cmpstr (info, ==, "Virtual bus channel from-rc");
  g_clear_object (&bus);

  g_setenv ("CAN_CHANNEL", "from-env", TRUE);
  bus = canopy_bus_new (NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (canopy_virtual_bus_get_channel (CANOPY_VIRTUAL_BUS (bus)), ==, "from-env");
}

static void
test_config_unknown_interface (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;

  bus = canopy_bus_new ("nosuchcan", "x", NULL, &error);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNKNOWN_INTERFACE);
  /* The message lists the interfaces that do exist. */
  g_assert_nonnull (strstr (error->message, "nosuchcan"));
  g_assert_nonnull (strstr (error->message, "virtual"));
  g_assert_nonnull (strstr (error->message, "socketcan"));
  g_assert_nonnull (strstr (error->message, "remote"));
  g_clear_error (&error);

  bus = canopy_bus_new ("virtual", "x", NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&bus);

  g_setenv ("CAN_INTERFACE", "bogus", TRUE);
  bus = canopy_bus_new (NULL, NULL, NULL, &error);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_UNKNOWN_INTERFACE);
}

static void
test_config_bad_option (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GHashTable) options = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) bus = NULL;

  g_hash_table_insert (options, "receive_own_messages", "perhaps");
  bus = canopy_bus_new ("virtual", "x", options, &error);
  g_assert_null (bus);
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "receive_own_messages"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/config/empty", test_config_empty);
  ADD ("/config/precedence", test_config_precedence);
  ADD ("/config/configparser-dialect", test_config_configparser_dialect);
  ADD ("/config/unreadable", test_config_unreadable);
  ADD ("/config/bus-from-config", test_config_bus_from_config);
  ADD ("/config/unknown-interface", test_config_unknown_interface);
  ADD ("/config/bad-option", test_config_bad_option);

#undef ADD

  return g_test_run ();
}

/* canopy-app-win32.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the application does differently on Windows, kept out of the
 * portable files: where its translations and settings live, and that its
 * cyclic sending keeps a precise timer while the window is minimised.
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>

#include <windows.h>
#include <shlobj.h>

#include "canopy-app-win32.h"

/* Windows 11 ignores a process's timer resolution request (the engine's
 * timeBeginPeriod (1), which its condition-variable waits and, before
 * Windows 10 1803, its timers rely on) while none of its windows is
 * visible, e.g. when Canopy is minimised during a long cyclic send. Opting
 * out keeps the 1 ms resolution; the request is still made only once a
 * cyclic task or the player runs. Older Windows (and wine) refuse the
 * information class, and need nothing. */
static void
keep_timer_resolution_when_hidden (void)
{
  PROCESS_POWER_THROTTLING_STATE state = {
    .Version = PROCESS_POWER_THROTTLING_CURRENT_VERSION,
    .ControlMask = PROCESS_POWER_THROTTLING_IGNORE_TIMER_RESOLUTION,
    .StateMask = 0,
  };

  SetProcessInformation (GetCurrentProcess (), ProcessPowerThrottling, &state, sizeof state);
}

/**
 * canopy_app_win32_init:
 *
 * Called first thing in main() on Windows.
 */
void
canopy_app_win32_init (void)
{
  keep_timer_resolution_when_hidden ();
}

/**
 * canopy_app_win32_get_locale_dir:
 *
 * The bundle is relocatable, so the translations are found next to the
 * program (share\locale beside canopy.exe, or beside its bin folder), not at
 * the build's installation prefix.
 *
 * Returns: (transfer full): the folder for bindtextdomain(), in UTF-8
 */
char *
canopy_app_win32_get_locale_dir (void)
{
  g_autofree char *root = g_win32_get_package_installation_directory_of_module (NULL);

  return g_build_filename (root, "share", "locale", NULL);
}

/**
 * canopy_app_win32_get_settings_path:
 *
 * Settings roam with the user's profile, in %APPDATA%\Canopy\settings.ini,
 * next to python-can's %APPDATA%\can.ini, instead of GLib's default for
 * Windows, the registry. Falls back to GLib's user configuration folder.
 *
 * Returns: (transfer full): the path of the settings file, in UTF-8
 */
char *
canopy_app_win32_get_settings_path (void)
{
  g_autofree char *appdata = NULL;
  PWSTR wide = NULL;

  if (SUCCEEDED (SHGetKnownFolderPath (&FOLDERID_RoamingAppData, 0, NULL, &wide)))
    appdata = g_utf16_to_utf8 (wide, -1, NULL, NULL, NULL);
  CoTaskMemFree (wide);

  return g_build_filename (appdata != NULL ? appdata : g_get_user_config_dir (),
                           "Canopy", "settings.ini", NULL);
}

/**
 * canopy_app_win32_settings_backend:
 *
 * Returns: (transfer full): a key file backend on
 *   canopy_app_win32_get_settings_path() for the application's schema
 */
GSettingsBackend *
canopy_app_win32_settings_backend (void)
{
  g_autofree char *path = canopy_app_win32_get_settings_path ();
  g_autofree char *dir = g_path_get_dirname (path);

  /* The backend saves with g_file_replace_contents(), which needs the folder. */
  g_mkdir_with_parents (dir, 0700);

  /* Keys directly under the schema's path go into the [Canopy] group. */
  return g_keyfile_settings_backend_new (path, "/org/canopy/Canopy/", "Canopy");
}

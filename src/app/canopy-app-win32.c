/* canopy-app-win32.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the application does differently on Windows, kept out of the
 * portable files: where its translations and settings live, that it starts
 * without a session bus, PNG icons where SVG cannot be read, and that its
 * cyclic sending keeps a precise timer while the window is minimised.
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gsettingsbackend.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include <windows.h>
#include <shlobj.h>

#include "canopy-app-win32.h"
#include "canopy-win32-icons.h"

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

/* Windows has no session bus. GApplication asks for one at registration,
 * and GLib then tries to autolaunch its own (gdbus.exe, which would live on
 * after Canopy, so the bundle does not ship it) and warns "win32 session
 * dbus binary not found" at every start when it is missing. Canopy uses the
 * bus for nothing there but single-instance forwarding, which a second
 * canopy.exe does without: an address that names no transport makes the
 * connection fail at once, quietly, and GApplication carries on without a
 * bus. A session bus the user set up on purpose is still used. */
static void
start_without_session_bus (void)
{
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "disabled:", FALSE);
}

/* GTK binds its catalogue (gtk40.mo) itself where it is built with a real
 * libintl (MSYS2); the cross build's GTK has a no-op one inside its DLL.
 * Bind it in the libintl that GLib's g_dgettext() uses, to the bundle's
 * folder, where make-bundle.sh puts it. */
static void
bind_gtk_translations (void)
{
  g_autofree char *locale_dir = canopy_app_win32_get_locale_dir ();

  bindtextdomain ("gtk40", locale_dir);
  bind_textdomain_codeset ("gtk40", "UTF-8");
}

/* GTK draws "image missing" for an SVG icon where gdk-pixbuf has no SVG
 * loader (the cross build's: only librsvg brings one). The build renders
 * PNGs of the application's icons into a resource of their own (see
 * data/meson.build), registered only then, before GTK first scans the icon
 * theme: where SVG loads (MSYS2), the SVG symbolic icons, which follow the
 * theme's colours, are kept. */
static void
use_png_icons_without_svg_loader (void)
{
  g_autoptr(GSList) formats = gdk_pixbuf_get_formats ();

  for (GSList *l = formats; l != NULL; l = l->next)
    if (g_strcmp0 (gdk_pixbuf_format_get_name (l->data), "svg") == 0)
      return;

  canopy_win32_icons_register_resource ();
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
  start_without_session_bus ();
  bind_gtk_translations ();
  use_png_icons_without_svg_loader ();
}

/**
 * canopy_app_win32_get_locale_dir:
 *
 * The bundle is relocatable, so the translations are found next to the
 * program (share\locale beside canopy.exe, or beside its bin folder), not at
 * the build's installation prefix.
 *
 * libintl opens the catalogues with the C library's narrow open(), which
 * takes the ANSI code page: UTF-8 for Canopy's programs (their manifest
 * says so), but not for every program that links the application, and not
 * before Windows 10 1903. As GLib does for its own catalogues, the path is
 * given in that code page, or as its 8.3 short form where it cannot be.
 *
 * Returns: (transfer full): the folder for bindtextdomain()
 */
char *
canopy_app_win32_get_locale_dir (void)
{
  g_autofree char *root = g_win32_get_package_installation_directory_of_module (NULL);
  g_autofree char *dir = g_build_filename (root, "share", "locale", NULL);
  char *local = g_win32_locale_filename_from_utf8 (dir);

  return local != NULL ? local : g_steal_pointer (&dir);
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

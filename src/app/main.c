/* main.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "canopy-application.h"
#include "canopy-app-win32.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CanopyApplication) app = NULL;
#ifdef G_OS_WIN32
  g_autofree char *locale_dir = canopy_app_win32_get_locale_dir ();

  canopy_app_win32_init ();
#else
  const char *locale_dir = LOCALEDIR;
#endif

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = canopy_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}

/* canopy-app-win32.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#ifdef G_OS_WIN32
void              canopy_app_win32_init             (void);
char             *canopy_app_win32_get_locale_dir   (void);
char             *canopy_app_win32_get_settings_path (void);
GSettingsBackend *canopy_app_win32_settings_backend (void);
#endif

G_END_DECLS

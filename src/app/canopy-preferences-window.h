/* canopy-preferences-window.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANOPY_TYPE_PREFERENCES_WINDOW (canopy_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (CanopyPreferencesWindow, canopy_preferences_window, CANOPY, PREFERENCES_WINDOW, GtkWindow)

CanopyPreferencesWindow *canopy_preferences_window_new (GSettings *settings);

G_END_DECLS

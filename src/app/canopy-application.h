/* canopy-application.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANOPY_TYPE_APPLICATION (canopy_application_get_type ())

G_DECLARE_FINAL_TYPE (CanopyApplication, canopy_application, CANOPY, APPLICATION, GtkApplication)

CanopyApplication *canopy_application_new          (void);
GSettings         *canopy_application_get_settings (CanopyApplication *self);

G_END_DECLS

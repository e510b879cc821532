/* canopy-interface-info.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_INTERFACE_INFO (canopy_interface_info_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyInterfaceInfo, canopy_interface_info, CANOPY, INTERFACE_INFO, GObject)

CANOPY_AVAILABLE_IN_ALL
const char          *canopy_interface_info_get_name        (CanopyInterfaceInfo *self);
CANOPY_AVAILABLE_IN_ALL
const char * const  *canopy_interface_info_get_aliases     (CanopyInterfaceInfo *self);
CANOPY_AVAILABLE_IN_ALL
const char          *canopy_interface_info_get_description (CanopyInterfaceInfo *self);
CANOPY_AVAILABLE_IN_ALL
const char          *canopy_interface_info_get_requirement (CanopyInterfaceInfo *self);
CANOPY_AVAILABLE_IN_ALL
GType                canopy_interface_info_get_bus_type    (CanopyInterfaceInfo *self);
CANOPY_AVAILABLE_IN_ALL
gboolean             canopy_interface_info_get_available   (CanopyInterfaceInfo *self);

CANOPY_AVAILABLE_IN_ALL
GListModel          *canopy_interface_info_list            (void);
CANOPY_AVAILABLE_IN_ALL
CanopyInterfaceInfo *canopy_interface_info_lookup          (const char          *name);

G_END_DECLS

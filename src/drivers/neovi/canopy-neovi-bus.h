/* canopy-neovi-bus.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-bus.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_NEOVI_BUS (canopy_neovi_bus_get_type ())

/* Written out rather than G_DECLARE_FINAL_TYPE: that needs the class
 * struct of CanopyBus, which is private to the library. */
#define CANOPY_NEOVI_BUS(obj)    (G_TYPE_CHECK_INSTANCE_CAST ((obj), CANOPY_TYPE_NEOVI_BUS, CanopyNeoviBus))
#define CANOPY_IS_NEOVI_BUS(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), CANOPY_TYPE_NEOVI_BUS))

typedef struct _CanopyNeoviBus      CanopyNeoviBus;
typedef struct _CanopyNeoviBusClass CanopyNeoviBusClass;

CANOPY_AVAILABLE_IN_ALL
GType canopy_neovi_bus_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyNeoviBus, g_object_unref)

G_END_DECLS

/* canopy-ixxat-bus.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-bus.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_IXXAT_BUS (canopy_ixxat_bus_get_type ())

/* Written out rather than G_DECLARE_FINAL_TYPE: that needs the class
 * struct of CanopyBus, which is private to the library. */
#define CANOPY_IXXAT_BUS(obj)    (G_TYPE_CHECK_INSTANCE_CAST ((obj), CANOPY_TYPE_IXXAT_BUS, CanopyIxxatBus))
#define CANOPY_IS_IXXAT_BUS(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), CANOPY_TYPE_IXXAT_BUS))

typedef struct _CanopyIxxatBus      CanopyIxxatBus;
typedef struct _CanopyIxxatBusClass CanopyIxxatBusClass;

CANOPY_AVAILABLE_IN_ALL
GType canopy_ixxat_bus_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyIxxatBus, g_object_unref)

G_END_DECLS

/* canopy-socketcand-bus.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-bus.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_SOCKETCAND_BUS (canopy_socketcand_bus_get_type ())

/**
 * CANOPY_SOCKETCAND_BUS_DEFAULT_PORT:
 *
 * The TCP port of the socketcand daemon.
 */
#define CANOPY_SOCKETCAND_BUS_DEFAULT_PORT 29536

/* Written out rather than G_DECLARE_FINAL_TYPE: that needs the class
 * struct of CanopyBus, which is private to the library. */
#define CANOPY_SOCKETCAND_BUS(obj)    (G_TYPE_CHECK_INSTANCE_CAST ((obj), CANOPY_TYPE_SOCKETCAND_BUS, CanopySocketcandBus))
#define CANOPY_IS_SOCKETCAND_BUS(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), CANOPY_TYPE_SOCKETCAND_BUS))

typedef struct _CanopySocketcandBus      CanopySocketcandBus;
typedef struct _CanopySocketcandBusClass CanopySocketcandBusClass;

CANOPY_AVAILABLE_IN_ALL
GType canopy_socketcand_bus_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopySocketcandBus, g_object_unref)

CANOPY_AVAILABLE_IN_ALL
guint64 canopy_socketcand_bus_get_skipped (CanopySocketcandBus *self);

G_END_DECLS

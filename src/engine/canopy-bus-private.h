/* canopy-bus-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-bus.h"

G_BEGIN_DECLS

/* State every driver embeds, so that shut-down, channel info and software
 * filtering behave the same whichever driver is behind a bus. */
typedef struct
{
  GMutex        mutex;
  CanopyFilter *filters;
  guint         n_filters;
  int           shut_down;
  char         *channel_info;
} CanopyBusCore;

typedef CanopyBus *(*CanopyBusNewFunc) (const char  *channel,
                                        GHashTable  *options,
                                        GError     **error);

typedef struct
{
  const char       *name;
  CanopyBusNewFunc  new_bus;
} CanopyDriverEntry;

enum {
  CANOPY_BUS_PROP_CHANNEL_INFO = 1,
};

void                     _canopy_bus_core_init          (CanopyBusCore       *core,
                                                         const char          *channel_info);
void                     _canopy_bus_core_clear         (CanopyBusCore       *core);
gboolean                 _canopy_bus_core_check_open    (CanopyBusCore       *core,
                                                         GError             **error);
gboolean                 _canopy_bus_core_begin_shutdown (CanopyBusCore      *core);
gboolean                 _canopy_bus_core_is_shut_down  (CanopyBusCore       *core);
void                     _canopy_bus_core_set_filters   (CanopyBusCore       *core,
                                                         const CanopyFilter  *filters,
                                                         guint                n_filters);
gboolean                 _canopy_bus_core_accepts       (CanopyBusCore       *core,
                                                         const CanopyMessage *msg);
void                     _canopy_bus_class_override_properties (GObjectClass *object_class);
void                     _canopy_bus_get_property       (GObject             *object,
                                                         guint                prop_id,
                                                         GValue              *value,
                                                         GParamSpec          *pspec);
const CanopyDriverEntry *_canopy_driver_lookup          (const char          *name);
const CanopyDriverEntry *_canopy_driver_table           (guint               *n_entries);

G_END_DECLS

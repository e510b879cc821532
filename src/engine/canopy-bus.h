/* canopy-bus.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <gio/gio.h>

#include "canopy-bus-statistics.h"
#include "canopy-filter.h"
#include "canopy-listener.h"
#include "canopy-message.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_BUS (canopy_bus_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (CanopyBus, canopy_bus, CANOPY, BUS, GObject)

CANOPY_AVAILABLE_IN_ALL
CanopyBus           *canopy_bus_new                 (const char          *interface,
                                                     const char          *channel,
                                                     GHashTable          *options,
                                                     GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean             canopy_bus_send                (CanopyBus           *self,
                                                     const CanopyMessage *msg,
                                                     double               timeout,
                                                     GError             **error);
CANOPY_AVAILABLE_IN_ALL
CanopyMessage       *canopy_bus_recv                (CanopyBus           *self,
                                                     double               timeout,
                                                     GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean             canopy_bus_recv_into           (CanopyBus           *self,
                                                     CanopyMessage       *msg,
                                                     double               timeout,
                                                     GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean             canopy_bus_set_filters         (CanopyBus           *self,
                                                     const CanopyFilter **filters,
                                                     guint                n_filters,
                                                     GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean             canopy_bus_set_filter_array    (CanopyBus           *self,
                                                     const CanopyFilter  *filters,
                                                     guint                n_filters,
                                                     GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean             canopy_bus_flush_tx_buffer     (CanopyBus           *self,
                                                     GError             **error);
CANOPY_AVAILABLE_IN_ALL
void                 canopy_bus_shutdown            (CanopyBus           *self);
CANOPY_AVAILABLE_IN_ALL
gboolean             canopy_bus_is_shut_down        (CanopyBus           *self);
CANOPY_AVAILABLE_IN_ALL
char                *canopy_bus_dup_channel_info    (CanopyBus           *self);
CANOPY_AVAILABLE_IN_ALL
guint                canopy_bus_get_bitrate         (CanopyBus           *self);
CANOPY_AVAILABLE_IN_ALL
void                 canopy_bus_set_bitrate         (CanopyBus           *self,
                                                     guint                bitrate);
CANOPY_AVAILABLE_IN_ALL
guint                canopy_bus_get_data_bitrate    (CanopyBus           *self);
CANOPY_AVAILABLE_IN_ALL
void                 canopy_bus_set_data_bitrate    (CanopyBus           *self,
                                                     guint                data_bitrate);
CANOPY_AVAILABLE_IN_ALL
CanopyBusStatistics *canopy_bus_get_statistics      (CanopyBus           *self);
CANOPY_AVAILABLE_IN_ALL
const char * const  *canopy_bus_list_interfaces     (void);
CANOPY_AVAILABLE_IN_ALL
void                 canopy_bus_add_tx_listener     (CanopyBus           *self,
                                                     CanopyListener      *listener);
CANOPY_AVAILABLE_IN_ALL
void                 canopy_bus_remove_tx_listener  (CanopyBus           *self,
                                                     CanopyListener      *listener);

G_END_DECLS

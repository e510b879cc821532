/* canopy-bus.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib-object.h>

#include "canopy-filter.h"
#include "canopy-message.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_BUS (canopy_bus_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (CanopyBus, canopy_bus, CANOPY, BUS, GObject)

/**
 * CanopyBusInterface:
 * @send: transmits one frame; @timeout as in canopy_bus_send()
 * @recv: fills @msg with the next frame; returns %FALSE without an error on
 *   timeout
 * @set_filters: replaces the acceptance filters (none: receive everything)
 * @flush_tx_buffer: discards frames queued for sending
 * @shutdown: releases the device; called once
 * @get_channel_info: a text describing the channel
 * @send_periodic: optional: start a driver-native cyclic task (SocketCAN
 *   CAN_BCM); %NULL uses the generic scheduler. @count > 0 sends @count frames
 *   at @initial_period, then continues at @period. Returns a started
 *   #CanopyCyclicTask (as a #GObject) or %NULL with @error set.
 *
 * The driver side of a bus. Drivers embed a #CanopyBusCore-like state from
 * `canopy-bus-private.h` so that shut-down and filtering behave alike.
 */
struct _CanopyBusInterface
{
  GTypeInterface parent_iface;

  gboolean    (*send)             (CanopyBus           *self,
                                   const CanopyMessage *msg,
                                   double               timeout,
                                   GError             **error);
  gboolean    (*recv)             (CanopyBus           *self,
                                   CanopyMessage       *msg,
                                   double               timeout,
                                   GError             **error);
  gboolean    (*set_filters)      (CanopyBus           *self,
                                   const CanopyFilter  *filters,
                                   guint                n_filters,
                                   GError             **error);
  gboolean    (*flush_tx_buffer)  (CanopyBus           *self,
                                   GError             **error);
  void        (*shutdown)         (CanopyBus           *self);
  const char *(*get_channel_info) (CanopyBus           *self);
  GObject    *(*send_periodic)    (CanopyBus           *self,
                                   const CanopyMessage *msg,
                                   guint                count,
                                   double               initial_period,
                                   double               period,
                                   double               duration,
                                   GError             **error);

  /*< private >*/
  gpointer padding[7];
};

CANOPY_AVAILABLE_IN_ALL
CanopyBus     *canopy_bus_new                 (const char          *interface,
                                               const char          *channel,
                                               GHashTable          *options,
                                               GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean       canopy_bus_send                (CanopyBus           *self,
                                               const CanopyMessage *msg,
                                               double               timeout,
                                               GError             **error);
CANOPY_AVAILABLE_IN_ALL
CanopyMessage *canopy_bus_recv                (CanopyBus           *self,
                                               double               timeout,
                                               GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean       canopy_bus_recv_into           (CanopyBus           *self,
                                               CanopyMessage       *msg,
                                               double               timeout,
                                               GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean       canopy_bus_set_filters         (CanopyBus           *self,
                                               const CanopyFilter **filters,
                                               guint                n_filters,
                                               GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean       canopy_bus_set_filter_array    (CanopyBus           *self,
                                               const CanopyFilter  *filters,
                                               guint                n_filters,
                                               GError             **error);
CANOPY_AVAILABLE_IN_ALL
gboolean       canopy_bus_flush_tx_buffer     (CanopyBus           *self,
                                               GError             **error);
CANOPY_AVAILABLE_IN_ALL
void           canopy_bus_shutdown            (CanopyBus           *self);
CANOPY_AVAILABLE_IN_ALL
char          *canopy_bus_dup_channel_info    (CanopyBus           *self);
CANOPY_AVAILABLE_IN_ALL
const char * const *canopy_bus_list_interfaces (void);

G_END_DECLS

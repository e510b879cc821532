/* canopy-virtual-bus-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "canopy-virtual-bus.h"

G_BEGIN_DECLS

typedef struct _CanopyVirtualChannel CanopyVirtualChannel;

void       _canopy_virtual_bus_register              (void);
/* Delivers @msg to every bus on @channel but @sender (NULL: all of them). */
void       _canopy_virtual_channel_deliver           (CanopyVirtualChannel *channel,
                                                      CanopyVirtualBus     *sender,
                                                      CanopyMessage        *msg);

/* The demo channel's simulated ECUs: started with the first bus on it. */
typedef struct _CanopyDemoTraffic CanopyDemoTraffic;

CanopyDemoTraffic *_canopy_demo_traffic_start (CanopyVirtualChannel *channel);
void               _canopy_demo_traffic_stop  (CanopyDemoTraffic    *traffic);

G_END_DECLS

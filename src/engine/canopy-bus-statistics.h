/* canopy-bus-statistics.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib-object.h>

#include "canopy-version-macros.h"

G_BEGIN_DECLS

/**
 * CanopyBusState:
 * @CANOPY_BUS_STATE_UNKNOWN: the driver does not know (a virtual or remote
 *   bus, an interface without a controller such as `vcan`)
 * @CANOPY_BUS_STATE_ERROR_ACTIVE: the controller takes part normally
 * @CANOPY_BUS_STATE_ERROR_WARNING: an error counter passed 96
 * @CANOPY_BUS_STATE_ERROR_PASSIVE: an error counter passed 127: the
 *   controller may only send passive error flags
 * @CANOPY_BUS_STATE_BUS_OFF: the transmit error counter passed 255: the
 *   controller left the bus
 * @CANOPY_BUS_STATE_STOPPED: the controller is stopped (interface down)
 *
 * The CAN controller's fault confinement state, as far as the driver knows it.
 */
typedef enum
{
  CANOPY_BUS_STATE_UNKNOWN,
  CANOPY_BUS_STATE_ERROR_ACTIVE,
  CANOPY_BUS_STATE_ERROR_WARNING,
  CANOPY_BUS_STATE_ERROR_PASSIVE,
  CANOPY_BUS_STATE_BUS_OFF,
  CANOPY_BUS_STATE_STOPPED,
} CanopyBusState;

#define CANOPY_TYPE_BUS_STATISTICS (canopy_bus_statistics_get_type ())

typedef struct _CanopyBusStatistics CanopyBusStatistics;

CANOPY_AVAILABLE_IN_ALL
GType                canopy_bus_statistics_get_type         (void) G_GNUC_CONST;
CANOPY_AVAILABLE_IN_ALL
CanopyBusStatistics *canopy_bus_statistics_copy             (const CanopyBusStatistics *self);
CANOPY_AVAILABLE_IN_ALL
void                 canopy_bus_statistics_free             (CanopyBusStatistics       *self);
CANOPY_AVAILABLE_IN_ALL
guint64              canopy_bus_statistics_get_rx_frames    (const CanopyBusStatistics *self);
CANOPY_AVAILABLE_IN_ALL
guint64              canopy_bus_statistics_get_tx_frames    (const CanopyBusStatistics *self);
CANOPY_AVAILABLE_IN_ALL
guint64              canopy_bus_statistics_get_error_frames (const CanopyBusStatistics *self);
CANOPY_AVAILABLE_IN_ALL
guint64              canopy_bus_statistics_get_dropped      (const CanopyBusStatistics *self);
CANOPY_AVAILABLE_IN_ALL
double               canopy_bus_statistics_get_frame_rate   (const CanopyBusStatistics *self);
CANOPY_AVAILABLE_IN_ALL
double               canopy_bus_statistics_get_bus_load     (const CanopyBusStatistics *self);
CANOPY_AVAILABLE_IN_ALL
CanopyBusState       canopy_bus_statistics_get_state        (const CanopyBusStatistics *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyBusStatistics, canopy_bus_statistics_free)

G_END_DECLS

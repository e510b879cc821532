/* canopy-socketcan-bus.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib-object.h>

#include "canopy-bus.h"
#include "canopy-message.h"
#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_SOCKETCAN_BUS        (canopy_socketcan_bus_get_type ())
#define CANOPY_TYPE_SOCKETCAN_STATISTICS (canopy_socketcan_statistics_get_type ())

/**
 * CanopySocketcanErrorClass:
 * @CANOPY_SOCKETCAN_ERROR_TX_TIMEOUT: the controller timed out sending
 * @CANOPY_SOCKETCAN_ERROR_LOST_ARBITRATION: arbitration was lost; data[0]
 *   holds the bit
 * @CANOPY_SOCKETCAN_ERROR_CONTROLLER: a controller problem; data[1] says which
 * @CANOPY_SOCKETCAN_ERROR_PROTOCOL: a protocol violation; data[2] and data[3]
 *   say which and where
 * @CANOPY_SOCKETCAN_ERROR_TRANSCEIVER: a transceiver status; data[4]
 * @CANOPY_SOCKETCAN_ERROR_NO_ACK: no node acknowledged the frame
 * @CANOPY_SOCKETCAN_ERROR_BUS_OFF: the controller went bus-off
 * @CANOPY_SOCKETCAN_ERROR_BUS_ERROR: a bus error (may flood)
 * @CANOPY_SOCKETCAN_ERROR_RESTARTED: the controller restarted after bus-off
 * @CANOPY_SOCKETCAN_ERROR_COUNTER: data[6] and data[7] hold the TX and RX
 *   error counters
 *
 * The classes of a SocketCAN error frame: the bits of its identifier
 * (`CAN_ERR_*` in `<linux/can/error.h>`). A #CanopySocketcanBus delivers error
 * frames as messages with %CANOPY_MESSAGE_ERROR whose arbitration id holds
 * these bits; canopy_socketcan_error_class() reads them back.
 */
typedef enum /*< flags >*/
{
  CANOPY_SOCKETCAN_ERROR_TX_TIMEOUT       = 1 << 0,
  CANOPY_SOCKETCAN_ERROR_LOST_ARBITRATION = 1 << 1,
  CANOPY_SOCKETCAN_ERROR_CONTROLLER       = 1 << 2,
  CANOPY_SOCKETCAN_ERROR_PROTOCOL         = 1 << 3,
  CANOPY_SOCKETCAN_ERROR_TRANSCEIVER      = 1 << 4,
  CANOPY_SOCKETCAN_ERROR_NO_ACK           = 1 << 5,
  CANOPY_SOCKETCAN_ERROR_BUS_OFF          = 1 << 6,
  CANOPY_SOCKETCAN_ERROR_BUS_ERROR        = 1 << 7,
  CANOPY_SOCKETCAN_ERROR_RESTARTED        = 1 << 8,
  CANOPY_SOCKETCAN_ERROR_COUNTER          = 1 << 9,
} CanopySocketcanErrorClass;

/**
 * CANOPY_SOCKETCAN_ERROR_ALL:
 *
 * Every error class: the default error mask of a #CanopySocketcanBus.
 */
#define CANOPY_SOCKETCAN_ERROR_ALL 0x1FFFFFFF

/**
 * CanopySocketcanState:
 * @CANOPY_SOCKETCAN_STATE_ERROR_ACTIVE: normal operation (TX/RX error
 *   counters below 96)
 * @CANOPY_SOCKETCAN_STATE_ERROR_WARNING: an error counter reached 96
 * @CANOPY_SOCKETCAN_STATE_ERROR_PASSIVE: an error counter reached 128; the
 *   node no longer sends active error flags
 * @CANOPY_SOCKETCAN_STATE_BUS_OFF: the TX error counter passed 255: the node
 *   is off the bus until restarted
 * @CANOPY_SOCKETCAN_STATE_STOPPED: the controller is stopped (interface down)
 * @CANOPY_SOCKETCAN_STATE_SLEEPING: the controller sleeps
 * @CANOPY_SOCKETCAN_STATE_UNKNOWN: the interface reports no state: `vcan`,
 *   or libsocketcan is missing from this build
 *
 * The state of a CAN controller, as its kernel driver reports it
 * (`enum can_state`).
 */
typedef enum
{
  CANOPY_SOCKETCAN_STATE_ERROR_ACTIVE,
  CANOPY_SOCKETCAN_STATE_ERROR_WARNING,
  CANOPY_SOCKETCAN_STATE_ERROR_PASSIVE,
  CANOPY_SOCKETCAN_STATE_BUS_OFF,
  CANOPY_SOCKETCAN_STATE_STOPPED,
  CANOPY_SOCKETCAN_STATE_SLEEPING,
  CANOPY_SOCKETCAN_STATE_UNKNOWN,
} CanopySocketcanState;

typedef struct _CanopySocketcanStatistics CanopySocketcanStatistics;

/**
 * CanopySocketcanStatistics:
 * @rx_frames: frames received by the interface
 * @tx_frames: frames sent by the interface
 * @rx_bytes: payload bytes received
 * @tx_bytes: payload bytes sent
 * @rx_errors: receive errors
 * @tx_errors: transmit errors
 * @rx_dropped: received frames the interface dropped
 * @tx_dropped: frames the interface dropped instead of sending
 * @has_controller_statistics: whether the fields below are valid: only a
 *   real CAN controller has them, never `vcan`
 * @tx_error_counter: the controller's transmit error counter (TEC)
 * @rx_error_counter: the controller's receive error counter (REC)
 * @bus_errors: bus errors seen
 * @error_warning: changes to the error-warning state
 * @error_passive: changes to the error-passive state
 * @bus_off: changes to the bus-off state
 * @arbitration_lost: arbitrations lost
 * @restarts: controller restarts
 *
 * The statistics of a SocketCAN interface: what `ip -details -statistics
 * link show` prints.
 */
struct _CanopySocketcanStatistics
{
  guint64  rx_frames;
  guint64  tx_frames;
  guint64  rx_bytes;
  guint64  tx_bytes;
  guint64  rx_errors;
  guint64  tx_errors;
  guint64  rx_dropped;
  guint64  tx_dropped;
  gboolean has_controller_statistics;
  guint    tx_error_counter;
  guint    rx_error_counter;
  guint    bus_errors;
  guint    error_warning;
  guint    error_passive;
  guint    bus_off;
  guint    arbitration_lost;
  guint    restarts;
};

CANOPY_AVAILABLE_IN_ALL
GType                       canopy_socketcan_statistics_get_type (void) G_GNUC_CONST;
CANOPY_AVAILABLE_IN_ALL
CanopySocketcanStatistics  *canopy_socketcan_statistics_copy     (const CanopySocketcanStatistics *stats);
CANOPY_AVAILABLE_IN_ALL
void                        canopy_socketcan_statistics_free     (CanopySocketcanStatistics       *stats);

/* Written out rather than G_DECLARE_FINAL_TYPE: that needs the class
 * struct of CanopyBus, which is private to the library. */
#define CANOPY_SOCKETCAN_BUS(obj)    (G_TYPE_CHECK_INSTANCE_CAST ((obj), CANOPY_TYPE_SOCKETCAN_BUS, CanopySocketcanBus))
#define CANOPY_IS_SOCKETCAN_BUS(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), CANOPY_TYPE_SOCKETCAN_BUS))

typedef struct _CanopySocketcanBus      CanopySocketcanBus;
typedef struct _CanopySocketcanBusClass CanopySocketcanBusClass;

CANOPY_AVAILABLE_IN_ALL
GType canopy_socketcan_bus_get_type (void) G_GNUC_CONST;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopySocketcanBus, g_object_unref)

CANOPY_AVAILABLE_IN_ALL
CanopySocketcanBus        *canopy_socketcan_bus_new                  (const char                *interface_name,
                                                                      gboolean                   receive_own_messages,
                                                                      GError                   **error);
CANOPY_AVAILABLE_IN_ALL
const char                *canopy_socketcan_bus_get_interface_name   (CanopySocketcanBus        *self);
CANOPY_AVAILABLE_IN_ALL
gboolean                   canopy_socketcan_bus_get_receive_own_messages (CanopySocketcanBus    *self);
CANOPY_AVAILABLE_IN_ALL
gboolean                   canopy_socketcan_bus_get_fd_capable       (CanopySocketcanBus        *self);
CANOPY_AVAILABLE_IN_ALL
guint32                    canopy_socketcan_bus_get_error_mask       (CanopySocketcanBus        *self);
CANOPY_AVAILABLE_IN_ALL
gboolean                   canopy_socketcan_bus_set_error_mask       (CanopySocketcanBus        *self,
                                                                      guint32                    error_mask,
                                                                      GError                   **error);
CANOPY_AVAILABLE_IN_ALL
guint64                    canopy_socketcan_bus_get_dropped          (CanopySocketcanBus        *self);
CANOPY_AVAILABLE_IN_ALL
gboolean                   canopy_socketcan_bus_get_bitrate          (CanopySocketcanBus        *self,
                                                                      guint32                   *bitrate,
                                                                      GError                   **error);
CANOPY_AVAILABLE_IN_ALL
gboolean                   canopy_socketcan_bus_get_state            (CanopySocketcanBus        *self,
                                                                      CanopySocketcanState      *state,
                                                                      GError                   **error);
CANOPY_AVAILABLE_IN_ALL
gboolean                   canopy_socketcan_bus_restart              (CanopySocketcanBus        *self,
                                                                      GError                   **error);
CANOPY_AVAILABLE_IN_ALL
gboolean                   canopy_socketcan_bus_get_statistics       (CanopySocketcanBus        *self,
                                                                      CanopySocketcanStatistics *stats,
                                                                      GError                   **error);

CANOPY_AVAILABLE_IN_ALL
char                     **canopy_socketcan_list_interfaces          (GError                   **error);
CANOPY_AVAILABLE_IN_ALL
gboolean                   canopy_socketcan_set_bitrate              (const char                *interface_name,
                                                                      guint32                    bitrate,
                                                                      GError                   **error);
CANOPY_AVAILABLE_IN_ALL
CanopySocketcanErrorClass  canopy_socketcan_error_class              (const CanopyMessage       *msg);
CANOPY_AVAILABLE_IN_ALL
char                      *canopy_socketcan_describe_error           (const CanopyMessage       *msg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopySocketcanStatistics, canopy_socketcan_statistics_free)

G_END_DECLS

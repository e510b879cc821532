/* canopy-socketcan-bus-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <linux/can.h>

#include "canopy-socketcan-bus.h"

G_BEGIN_DECLS

/* Registers `socketcan`, `socketcan_native` and `socketcan_ctypes`. */
void       _canopy_socketcan_bus_register             (void);
int        _canopy_socketcan_bus_get_ifindex          (CanopySocketcanBus   *self);
/* A task to stop when the bus shuts down; the bus keeps only a weak reference. */
void       _canopy_socketcan_bus_track_task           (CanopySocketcanBus   *self,
                                                       GObject              *task);

/* Conversions between a CanopyMessage and the kernel's frame, shared by the
 * raw socket and the broadcast manager. Returns the MTU to write. */
gsize      _canopy_socketcan_message_to_frame         (const CanopyMessage  *msg,
                                                       struct canfd_frame   *frame);
gboolean   _canopy_socketcan_frame_to_message         (const struct canfd_frame *frame,
                                                       gssize                nbytes,
                                                       CanopyMessage        *msg);

/* Sets @error from errno after an operation on @interface_name failed. */
void       _canopy_socketcan_set_error_from_errno     (GError              **error,
                                                       int                   saved_errno,
                                                       const char           *interface_name,
                                                       const char           *what);
/* Finds @interface_name and checks that it is an up CAN interface. */
gboolean   _canopy_socketcan_check_interface          (int                   sock,
                                                       const char           *interface_name,
                                                       int                  *ifindex,
                                                       int                  *mtu,
                                                       GError              **error);

G_END_DECLS

/* canopy-socketcan-bus-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <linux/can.h>

#include "canopy-bus-private.h"
#include "canopy-socketcan-bus.h"

G_BEGIN_DECLS

/* Shared by canopy-socketcan-bus.c (object, control) and
 * canopy-socketcan-io.c (socket I/O). */
struct _CanopySocketcanBus
{
  CanopyBus      parent_instance;

  char          *interface_name;
  int            ifindex;
  int            sock;
  int            wake_fd;

  /* Threads inside send or recv: shut-down waits for them before it closes
   * the socket, so that no thread ever uses a closed (or reused) descriptor. */
  GMutex         users_mutex;
  GCond          users_cond;
  guint          n_users;

  GMutex         tasks_mutex;
  GPtrArray     *tasks;      /* of GWeakRef*, under tasks_mutex */

  guint32        error_mask;
  int            dropped;    /* the kernel's count, from SO_RXQ_OVFL */

  guint          receive_own_messages : 1;
  guint          fd_capable : 1;
};

/* Threads inside send or recv: shut-down waits for them. */
gboolean   _canopy_socketcan_bus_enter                (CanopySocketcanBus   *self,
                                                       GError              **error);
void       _canopy_socketcan_bus_leave                (CanopySocketcanBus   *self);
/* The CanopyBus vfuncs of the socket's I/O. */
gboolean   _canopy_socketcan_bus_send                 (CanopyBus            *bus,
                                                       const CanopyMessage  *msg,
                                                       double                timeout,
                                                       GError              **error);
gboolean   _canopy_socketcan_bus_recv                 (CanopyBus            *bus,
                                                       CanopyMessage        *msg,
                                                       double                timeout,
                                                       GError              **error);
gboolean   _canopy_socketcan_bus_set_filters          (CanopyBus            *bus,
                                                       const CanopyFilter   *filters,
                                                       guint                 n_filters,
                                                       gboolean             *software,
                                                       GError              **error);

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

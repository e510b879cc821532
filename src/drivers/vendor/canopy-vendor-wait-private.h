/* canopy-vendor-wait-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Waiting on a vendor library's receive notification — a file descriptor
 * on POSIX (PCANBasic's PCAN_RECEIVE_EVENT), an event HANDLE on Windows —
 * together with a wake-up that shutdown() triggers from another thread. */
typedef struct
{
  gintptr native;      /* the fd, or the HANDLE */
  gintptr wake[2];     /* a pipe, or one event HANDLE in wake[0] */
  int     woken;
} CanopyVendorWaiter;

typedef enum
{
  CANOPY_VENDOR_WAIT_READY,
  CANOPY_VENDOR_WAIT_TIMEOUT,
  CANOPY_VENDOR_WAIT_WOKEN,
} CanopyVendorWaitResult;

gboolean               _canopy_vendor_waiter_init  (CanopyVendorWaiter *waiter,
                                                    GError            **error);
/* On Windows, an auto-reset event the library can be given to signal. */
gintptr                _canopy_vendor_waiter_new_event (void);
CanopyVendorWaitResult _canopy_vendor_waiter_wait  (CanopyVendorWaiter *waiter,
                                                    int                 timeout_ms);
void                   _canopy_vendor_waiter_wake  (CanopyVendorWaiter *waiter);
void                   _canopy_vendor_waiter_clear (CanopyVendorWaiter *waiter);

/* The clock vendor drivers stamp frames with: time since boot. Its offset
 * to Unix time, taken once at open, turns their stamps into Unix time. */
gint64                 _canopy_vendor_boottime_us  (void);

G_END_DECLS

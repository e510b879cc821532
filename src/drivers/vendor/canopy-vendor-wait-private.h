/* canopy-vendor-wait-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "canopy-bus.h"

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

/* A vendor's 32-bit tick counter in Unix time: anchored to the clock once
 * (at open where the library can read its timer, else at the first frame),
 * following its wrap-arounds. */
typedef struct
{
  gboolean anchored;
  gint64   offset_ns;
  guint32  last;
  gint64   wraps;
  double   tick_ns;
} CanopyVendorClock;

void   _canopy_vendor_clock_init    (CanopyVendorClock *clock,
                                     double             tick_ns);
void   _canopy_vendor_clock_anchor  (CanopyVendorClock *clock,
                                     guint32            ticks_now);
gint64 _canopy_vendor_clock_unix_ns (CanopyVendorClock *clock,
                                     guint32            ticks);

/* The receive loop of the drivers whose library has a blocking read with a
 * timeout (canReadWait, CanalBlockingReceive, ncWaitForState,
 * canChannelReadMessage, icsneoWaitForRxMessagesWithTimeOut): one reader
 * at a time, waiting in slices of at most CANOPY_VENDOR_WAIT_SLICE_MS so
 * that shutdown() never waits long for it. */
#define CANOPY_VENDOR_WAIT_SLICE_MS 100

typedef enum
{
  CANOPY_VENDOR_READ_FRAME,    /* @msg is set */
  CANOPY_VENDOR_READ_NONE,     /* nothing within @wait_ms */
  CANOPY_VENDOR_READ_FAILED,   /* @error is set */
} CanopyVendorRead;

typedef CanopyVendorRead (*CanopyVendorReadFunc) (gpointer        driver,
                                                  guint           wait_ms,
                                                  CanopyMessage  *msg,
                                                  GError        **error);

typedef struct
{
  GMutex mutex;
  int    stopping;
} CanopyVendorReader;

void     _canopy_vendor_reader_init     (CanopyVendorReader    *reader);
void     _canopy_vendor_reader_clear    (CanopyVendorReader    *reader);
gboolean _canopy_vendor_reader_recv     (CanopyVendorReader    *reader,
                                         CanopyBus             *bus,
                                         CanopyVendorReadFunc   read,
                                         CanopyMessage         *msg,
                                         double                 timeout,
                                         GError               **error);
/* Stops readers, then runs @close (the library's close calls) while no
 * reader is inside the library. */
void     _canopy_vendor_reader_shutdown (CanopyVendorReader    *reader,
                                         void                 (*close) (gpointer driver),
                                         gpointer               driver);

G_END_DECLS

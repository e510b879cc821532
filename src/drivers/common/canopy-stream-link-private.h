/* canopy-stream-link-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "canopy-bus.h"
#include "canopy-message.h"
#include "canopy-message-queue-private.h"

G_BEGIN_DECLS

/* What the serial, slcan and socketcand drivers share: a byte stream (a
 * serial device, a TCP socket) read by one thread that hands every chunk to
 * the driver's decoder, a bounded queue of received frames, and the first
 * failure of the stream, which every later call reports. */

typedef struct
{
  /* > 0 bytes read; 0 timed out or interrupted; -1 failed (@error set). */
  gssize   (*read)      (gpointer       transport,
                         guint8        *buf,
                         gsize          len,
                         int            timeout_ms,
                         GError       **error);
  gboolean (*write_all) (gpointer       transport,
                         const guint8  *buf,
                         gsize          len,
                         int            timeout_ms,
                         GError       **error);
  void     (*interrupt) (gpointer       transport);
  void     (*close)     (gpointer       transport);
} CanopyStreamTransport;

/* Called on the reader thread with each chunk read. */
typedef void (*CanopyStreamFeedFunc) (gpointer      owner,
                                      const guint8 *data,
                                      gsize         len);
/* Called on the reader thread when @idle_ms passed without data. */
typedef void (*CanopyStreamIdleFunc) (gpointer      owner);

typedef struct
{
  const CanopyStreamTransport *vtable;
  gpointer                     transport;
  const char                  *name;
  GThread                     *reader;
  CanopyMessageQueue           queue;
  GMutex                       write_mutex;
  GMutex                       failure_mutex;
  GError                      *failure;
  int                          stopping;
  int                          skipped;
  guint64                      bytes_received;

  CanopyStreamFeedFunc         feed;
  CanopyStreamIdleFunc         idle;
  int                          idle_ms;
  gpointer                     owner;
} CanopyStreamLink;

void     _canopy_stream_link_init        (CanopyStreamLink             *link,
                                          const char                   *name,
                                          const CanopyStreamTransport  *vtable,
                                          gpointer                      transport,
                                          guint                         queue_size);
void     _canopy_stream_link_start       (CanopyStreamLink             *link,
                                          CanopyStreamFeedFunc          feed,
                                          CanopyStreamIdleFunc          idle,
                                          int                           idle_ms,
                                          gpointer                      owner);
gboolean _canopy_stream_link_write       (CanopyStreamLink             *link,
                                          const void                   *buf,
                                          gsize                         len,
                                          double                        timeout,
                                          GError                      **error);
gboolean _canopy_stream_link_recv        (CanopyStreamLink             *link,
                                          CanopyMessage                *msg,
                                          double                        timeout,
                                          GError                      **error);
gboolean _canopy_stream_link_recv_for_bus (CanopyStreamLink            *link,
                                          CanopyBus                   *bus,
                                          CanopyMessage               *msg,
                                          double                       timeout,
                                          GError                     **error);
void     _canopy_stream_link_deliver     (CanopyStreamLink             *link,
                                          const CanopyMessage          *msg);
void     _canopy_stream_link_add_skipped (CanopyStreamLink             *link,
                                          guint64                       n);
guint64  _canopy_stream_link_get_skipped (CanopyStreamLink             *link);
guint64  _canopy_stream_link_get_dropped (CanopyStreamLink             *link);
gboolean _canopy_stream_link_check       (CanopyStreamLink             *link,
                                          GError                      **error);
void     _canopy_stream_link_fail        (CanopyStreamLink             *link,
                                          GError                       *error);
void     _canopy_stream_link_stop        (CanopyStreamLink             *link);
void     _canopy_stream_link_close       (CanopyStreamLink             *link);
void     _canopy_stream_link_clear       (CanopyStreamLink             *link);

/* The serial, slcan and socketcand buses begin with this prefix, so that
 * one implementation of recv, filters, shutdown and statistics serves all
 * three (set by _canopy_stream_bus_class_init()). Their feed functions
 * queue only frames _canopy_bus_accepts() passes. */
typedef struct
{
  CanopyBus        parent_instance;
  CanopyStreamLink link;
} CanopyStreamBus;

#define CANOPY_STREAM_BUS_LINK(bus) (&((CanopyStreamBus *) (bus))->link)

typedef struct _CanopyBusClass CanopyBusClass;

void     _canopy_stream_bus_class_init   (CanopyBusClass               *bus_class);
void     _canopy_stream_bus_shutdown     (CanopyBus                    *bus);

G_END_DECLS

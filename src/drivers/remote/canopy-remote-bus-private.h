/* canopy-remote-bus-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "canopy-bus-private.h"
#include "canopy-message-queue-private.h"
#include "canopy-remote-bus.h"
#include "canopy-remote-protocol-private.h"

G_BEGIN_DECLS

/* Shared by canopy-remote-bus.c (object, connecting, handshake) and
 * canopy-remote-bus-io.c (threads and frame paths). */

/* A frame pushed into the receive queue with this flag wakes a blocked
 * recv() to report a server error; it never reaches the caller. */
#define ERROR_MARKER 0x80000000u

#define TX_CAPACITY        (64 * 1024)
#define RX_CHUNK           (64 * 1024)
#define RX_POLL_US         50
/* A frame sent this long after the one before is sent at once, by the
 * caller (see tx_append()). */
#define INLINE_SEND_GAP_US 20
/* How long the reader thread stays out of the way of a recv() that reads
 * the socket itself, after it returned (see _canopy_remote_bus_recv()),
 * and how often it looks again while one does. */
#define LEAD_HANDOVER_US   2000
#define LEAD_PARK_US       (50 * 1000)
#define MAX_PENDING_ERRORS 64
#define HANDSHAKE_TIMEOUT  5
#define CLOSE_TIMEOUT_US   (G_USEC_PER_SEC)

struct _CanopyRemoteBus
{
  CanopyBus            parent_instance;

  char                *channel;
  guint                queue_size;
  char                *address;
  GSocketConnection   *connection;
  GSocket             *socket;
  GCancellable        *cancellable;
  GThread             *reader;
  GThread             *writer;

  CanopyMessageQueue   rx;
  /* Whoever decodes the stream (the reader thread, or a recv() that reads
   * the socket itself: the leader) holds read_mutex for it. */
  GMutex               read_mutex;
  GCond                reader_cond;
  guint8              *rx_buf;
  gboolean             leading;
  gint64               led_until_us;
  gboolean             input_failed;
  CanopyRemoteDecoder  decoder;
  guint8              *leftover;
  gsize                leftover_len;

  GMutex               tx_mutex;
  GCond                tx_data_cond;
  GCond                tx_room_cond;
  GCond                done_cond;
  guint8              *tx_buf;
  guint8              *tx_spare;
  gsize                tx_len;
  guint                room_waiters;
  gboolean             writer_waiting;
  gint64               last_append_us;
  gboolean             tx_stop;
  gboolean             tx_failed;
  gboolean             writer_done;
  gboolean             reader_done;

  GMutex               state_mutex;
  GError              *failure;
  GQueue               remote_errors;
  int                  n_remote_errors;
  int                  broken;
  guint64              transmit_successes;
};

gpointer _canopy_remote_bus_reader_thread   (gpointer              data);
gpointer _canopy_remote_bus_writer_thread   (gpointer              data);
gboolean _canopy_remote_bus_send            (CanopyBus            *bus,
                                             const CanopyMessage  *msg,
                                             double                timeout,
                                             GError              **error);
gboolean _canopy_remote_bus_recv            (CanopyBus            *bus,
                                             CanopyMessage        *msg,
                                             double                timeout,
                                             GError              **error);
gboolean _canopy_remote_bus_set_filters     (CanopyBus            *bus,
                                             const CanopyFilter   *filters,
                                             guint                 n_filters,
                                             gboolean             *software,
                                             GError              **error);
gboolean _canopy_remote_bus_flush_tx_buffer (CanopyBus            *bus,
                                             GError              **error);
void     _canopy_remote_bus_shutdown        (CanopyBus            *bus);


void _canopy_remote_bus_register (void);

G_END_DECLS

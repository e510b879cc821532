/* canopy-bus-statistics-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdatomic.h>

#include "canopy-bus-statistics.h"
#include "canopy-message.h"
#include "canopy-message-private.h"

G_BEGIN_DECLS

/* What the base class counts per direction on every frame: relaxed atomic
 * additions, no lock, no allocation. Padded to a cache line of its own. */
typedef struct
{
  atomic_uint_fast64_t frames;
  atomic_uint_fast64_t error_frames;
  atomic_uint_fast64_t arbitration_bits;
  atomic_uint_fast64_t data_bits;
  char                 padding[64 - 4 * sizeof (atomic_uint_fast64_t)];
} CanopyBusCounters;

#define CANOPY_BUS_RATE_SAMPLES 16

typedef struct
{
  gint64  time_ns;
  guint64 frames;
  guint64 arbitration_bits;
  guint64 data_bits;
} CanopyBusRateSample;

/* Samples of the counters, at least 100 ms apart, so that a snapshot can
 * tell the rate over the last second whenever it is taken. */
typedef struct
{
  GMutex              mutex;
  CanopyBusRateSample samples[CANOPY_BUS_RATE_SAMPLES];
  guint               first;
  guint               n_samples;
} CanopyBusRateWindow;

struct _CanopyBusStatistics
{
  guint64        rx_frames;
  guint64        tx_frames;
  guint64        error_frames;
  guint64        dropped;
  double         frame_rate;
  double         bus_load;
  CanopyBusState state;
};

/* The length of @msg on the wire in bits with worst-case bit stuffing, as
 * can-utils' canframelen counts it (CFL_WORSTCASE): the stuffed part of a
 * frame (start of frame up to the CRC) gains one bit after every four,
 * the rest (delimiters, ACK, end of frame, interframe space) does not.
 * @arbitration_bits run at the nominal bit rate, @data_bits at the data bit
 * rate (0 unless CAN FD with bit-rate switch). */
static inline void
_canopy_message_wire_bits (const CanopyMessage *msg,
                           guint               *arbitration_bits,
                           guint               *data_bits)
{
  gboolean extended = (msg->flags & CANOPY_MESSAGE_EXTENDED) != 0;
  guint n = _canopy_message_payload_length (msg);
  guint dynamic, dynamic_total, fixed, fixed_total, header;

  *data_bits = 0;

  /* An error flag (6 to 12 bits) and its 8-bit delimiter. */
  if G_UNLIKELY (msg->flags & CANOPY_MESSAGE_ERROR)
    {
      *arbitration_bits = 20;
      return;
    }

  if G_LIKELY (!(msg->flags & CANOPY_MESSAGE_FD))
    {
      /* SOF, identifier, RTR, IDE, r0 (and SRR, r1), DLC, data, CRC 15. */
      guint stuffed = (extended ? 54 : 34) + 8 * MIN (n, 8);

      *arbitration_bits = stuffed + (stuffed - 1) / 4 + 13;
      return;
    }

  /* CAN FD: dynamic stuffing from SOF to the end of the data; the stuff
   * count (4) and CRC (17 or 21) carry a fixed stuff bit every 4 bits. */
  header = extended ? 41 : 22;
  dynamic = header + 8 * n;
  dynamic_total = dynamic + (dynamic - 1) / 4;
  fixed = 4 + (n > 16 ? 21 : 17);
  fixed_total = fixed + (fixed + 3) / 4;

  if (!(msg->flags & CANOPY_MESSAGE_BRS))
    {
      *arbitration_bits = dynamic_total + fixed_total + 13;
      return;
    }

  /* With bit-rate switch the data phase lasts from ESI to the CRC
   * delimiter; SOF to BRS, ACK, EOF and IFS run at the nominal rate. */
  header = extended ? 36 : 17;
  *arbitration_bits = header + (header - 1) / 4 + 12;
  *data_bits = dynamic_total - (header + (header - 1) / 4) + fixed_total + 1;
}

static inline void
_canopy_bus_counters_add_bits (CanopyBusCounters   *counters,
                               const CanopyMessage *msg)
{
  guint arbitration_bits, data_bits;

  _canopy_message_wire_bits (msg, &arbitration_bits, &data_bits);
  atomic_fetch_add_explicit (&counters->arbitration_bits, arbitration_bits, memory_order_relaxed);
  if (data_bits != 0)
    atomic_fetch_add_explicit (&counters->data_bits, data_bits, memory_order_relaxed);
}

static inline void
_canopy_bus_counters_add (CanopyBusCounters   *counters,
                          const CanopyMessage *msg)
{
  atomic_fetch_add_explicit (&counters->frames, 1, memory_order_relaxed);
  if G_UNLIKELY (msg->flags & CANOPY_MESSAGE_ERROR)
    atomic_fetch_add_explicit (&counters->error_frames, 1, memory_order_relaxed);
  _canopy_bus_counters_add_bits (counters, msg);
}

void                 _canopy_bus_rate_window_init   (CanopyBusRateWindow     *window,
                                                     gint64                   now_ns);
void                 _canopy_bus_rate_window_reset  (CanopyBusRateWindow     *window,
                                                     gint64                   now_ns);
void                 _canopy_bus_rate_window_clear  (CanopyBusRateWindow     *window);
CanopyBusStatistics *_canopy_bus_statistics_snapshot (CanopyBusCounters      *rx,
                                                      CanopyBusCounters      *tx,
                                                      CanopyBusRateWindow    *window,
                                                      guint                   bitrate,
                                                      guint                   data_bitrate,
                                                      gint64                  now_ns);

G_END_DECLS

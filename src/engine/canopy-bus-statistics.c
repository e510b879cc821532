/* canopy-bus-statistics.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-bus-statistics.h"

#include "canopy-bus-private.h"
#include "canopy-bus-statistics-private.h"


#define NSEC_PER_SEC G_GINT64_CONSTANT (1000000000)
/**
 * CanopyBusStatistics:
 *
 * A snapshot of what a bus counted since it opened, taken by
 * [method@Canopy.Bus.get_statistics]: frames received and sent, error
 * frames, frames dropped, the frame rate and bus load over the last second,
 * and the controller state.
 */

G_DEFINE_BOXED_TYPE (CanopyBusStatistics, canopy_bus_statistics,
                     canopy_bus_statistics_copy, canopy_bus_statistics_free)

#define MIN_SAMPLE_INTERVAL_NS (100 * G_GINT64_CONSTANT (1000000))
#define RATE_WINDOW_NS         (G_GINT64_CONSTANT (1000000000))

static void
window_push (CanopyBusRateWindow       *window,
             const CanopyBusRateSample *sample)
{
  guint last;

  if (window->n_samples == CANOPY_BUS_RATE_SAMPLES)
    {
      window->first = (window->first + 1) % CANOPY_BUS_RATE_SAMPLES;
      window->n_samples--;
    }
  last = (window->first + window->n_samples) % CANOPY_BUS_RATE_SAMPLES;
  window->samples[last] = *sample;
  window->n_samples++;
}

void
_canopy_bus_rate_window_init (CanopyBusRateWindow *window,
                              gint64               now_ns)
{
  g_mutex_init (&window->mutex);
  _canopy_bus_rate_window_reset (window, now_ns);
}

/* Starts over from zero counters at @now_ns: the bus opened. */
void
_canopy_bus_rate_window_reset (CanopyBusRateWindow *window,
                               gint64               now_ns)
{
  CanopyBusRateSample start = { .time_ns = now_ns };

  g_mutex_lock (&window->mutex);
  window->first = 0;
  window->n_samples = 0;
  window_push (window, &start);
  g_mutex_unlock (&window->mutex);
}

void
_canopy_bus_rate_window_clear (CanopyBusRateWindow *window)
{
  g_mutex_clear (&window->mutex);
}

static double
busy_seconds (guint64 arbitration_bits,
              guint64 data_bits,
              guint   bitrate,
              guint   data_bitrate)
{
  return (double) arbitration_bits / bitrate +
         (double) data_bits / (data_bitrate != 0 ? data_bitrate : bitrate);
}

CanopyBusStatistics *
_canopy_bus_statistics_snapshot (CanopyBusCounters   *rx,
                                 CanopyBusCounters   *tx,
                                 CanopyBusRateWindow *window,
                                 guint                bitrate,
                                 guint                data_bitrate,
                                 gint64               now_ns)
{
  CanopyBusStatistics *stats = g_new0 (CanopyBusStatistics, 1);
  CanopyBusRateSample now = { .time_ns = now_ns };
  const CanopyBusRateSample *base = NULL;
  double elapsed;

  stats->rx_frames = atomic_load_explicit (&rx->frames, memory_order_relaxed);
  stats->tx_frames = atomic_load_explicit (&tx->frames, memory_order_relaxed);
  /* Error frames a program sends (to test a peer) are counted as sent. */
  stats->error_frames = atomic_load_explicit (&rx->error_frames, memory_order_relaxed);
  stats->state = CANOPY_BUS_STATE_UNKNOWN;

  now.frames = stats->rx_frames + stats->tx_frames;
  now.arbitration_bits = atomic_load_explicit (&rx->arbitration_bits, memory_order_relaxed) +
                         atomic_load_explicit (&tx->arbitration_bits, memory_order_relaxed);
  now.data_bits = atomic_load_explicit (&rx->data_bits, memory_order_relaxed) +
                  atomic_load_explicit (&tx->data_bits, memory_order_relaxed);

  g_mutex_lock (&window->mutex);

  /* The newest sample at least a second old; while the bus is younger than
   * a second (or sampled rarely), the oldest one there is. */
  for (guint i = 0; i < window->n_samples; i++)
    {
      const CanopyBusRateSample *s = &window->samples[(window->first + i) % CANOPY_BUS_RATE_SAMPLES];

      if (base == NULL || now_ns - s->time_ns >= RATE_WINDOW_NS)
        base = s;
    }

  elapsed = (now_ns - base->time_ns) / (double) NSEC_PER_SEC;
  if (elapsed > 0)
    {
      stats->frame_rate = (now.frames - base->frames) / elapsed;
      if (bitrate != 0)
        stats->bus_load = 100.0 * busy_seconds (now.arbitration_bits - base->arbitration_bits,
                                                now.data_bits - base->data_bits,
                                                bitrate, data_bitrate) / elapsed;
    }

  {
    const CanopyBusRateSample *last =
      &window->samples[(window->first + window->n_samples - 1) % CANOPY_BUS_RATE_SAMPLES];

    if (now_ns - last->time_ns >= MIN_SAMPLE_INTERVAL_NS)
      window_push (window, &now);
  }

  g_mutex_unlock (&window->mutex);

  /* A burst shorter than its own frames (a queue filled faster than the
   * wire could) is still a full bus, not more. */
  stats->bus_load = MIN (stats->bus_load, 100.0);

  return stats;
}

void
_canopy_bus_statistics_add_dropped (CanopyBusStatistics *stats,
                                    guint64              dropped)
{
  stats->dropped += dropped;
}

void
_canopy_bus_statistics_set_state (CanopyBusStatistics *stats,
                                  CanopyBusState       state)
{
  stats->state = state;
}

/**
 * canopy_bus_statistics_copy:
 * @self: statistics
 *
 * Returns: (transfer full): a copy of @self
 */
CanopyBusStatistics *
canopy_bus_statistics_copy (const CanopyBusStatistics *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_memdup2 (self, sizeof *self);
}

/**
 * canopy_bus_statistics_free:
 * @self: (nullable): statistics
 *
 * Frees @self.
 */
void
canopy_bus_statistics_free (CanopyBusStatistics *self)
{
  g_free (self);
}

/**
 * canopy_bus_statistics_get_rx_frames:
 * @self: statistics
 *
 * Returns: frames received that passed the filters, error frames included
 */
guint64
canopy_bus_statistics_get_rx_frames (const CanopyBusStatistics *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->rx_frames;
}

/**
 * canopy_bus_statistics_get_tx_frames:
 * @self: statistics
 *
 * Returns: frames sent
 */
guint64
canopy_bus_statistics_get_tx_frames (const CanopyBusStatistics *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->tx_frames;
}

/**
 * canopy_bus_statistics_get_error_frames:
 * @self: statistics
 *
 * Returns: error frames received
 */
guint64
canopy_bus_statistics_get_error_frames (const CanopyBusStatistics *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->error_frames;
}

/**
 * canopy_bus_statistics_get_dropped:
 * @self: statistics
 *
 * Frames lost before anyone read them: dropped by a full receive queue,
 * and on SocketCAN by the kernel (`SO_RXQ_OVFL`).
 *
 * Returns: frames dropped
 */
guint64
canopy_bus_statistics_get_dropped (const CanopyBusStatistics *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->dropped;
}

/**
 * canopy_bus_statistics_get_frame_rate:
 * @self: statistics
 *
 * Returns: frames received and sent per second, over the last second (or
 *   since the bus opened, when that was less than a second ago)
 */
double
canopy_bus_statistics_get_frame_rate (const CanopyBusStatistics *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->frame_rate;
}

/**
 * canopy_bus_statistics_get_bus_load:
 * @self: statistics
 *
 * The share of the last second the frames this bus saw took on the wire,
 * from each frame's length with worst-case bit stuffing (as can-utils'
 * `canframelen`) at [property@Canopy.Bus:bitrate] and, for CAN FD frames
 * with bit-rate switch, [property@Canopy.Bus:data-bitrate].
 *
 * Returns: the bus load in percent, 0 when the bit rate is unknown
 */
double
canopy_bus_statistics_get_bus_load (const CanopyBusStatistics *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->bus_load;
}

/**
 * canopy_bus_statistics_get_state:
 * @self: statistics
 *
 * Returns: the controller state, %CANOPY_BUS_STATE_UNKNOWN where the driver
 *   does not know it
 */
CanopyBusState
canopy_bus_statistics_get_state (const CanopyBusStatistics *self)
{
  g_return_val_if_fail (self != NULL, CANOPY_BUS_STATE_UNKNOWN);
  return self->state;
}

/* canopy-log-summary.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "canopy-error.h"
#include "canopy-log-reader.h"
#include "canopy-log-summary.h"

/**
 * CanopyLogSummary:
 *
 * What a log holds, in one pass (Wireshark's `capinfos` for CAN): frames,
 * first and last time, duration, frames per channel, distinct identifiers,
 * error, remote, CAN FD and transmitted frames.
 *
 * Memory stays flat however large the log: distinct standard identifiers
 * are a 2048-bit set, distinct extended identifiers are counted exactly up
 * to %DISTINCT_EXACT_MAX and estimated beyond that with a HyperLogLog
 * sketch (about 1.6 % standard error), see
 * canopy_log_summary_get_distinct_ids_exact().
 *
 * Feed it with canopy_log_summary_add() (one thread at a time), or let
 * canopy_log_summary_new_for_file() or a #CanopyLogDocument do it.
 */

/* The exact set of extended ids: open addressing, at most half full. */
#define DISTINCT_EXACT_MAX  65536
#define EXACT_CAPACITY      (2 * DISTINCT_EXACT_MAX)
/* HyperLogLog with 2^12 registers. */
#define HLL_BITS            12
#define HLL_REGISTERS       (1 << HLL_BITS)

struct _CanopyLogSummary
{
  gatomicrefcount ref_count;

  guint64  frames;
  gint64   first_ns;
  gint64   last_ns;
  gint64   min_ns;
  gint64   max_ns;
  guint64  out_of_order;
  guint64  errors;
  guint64  remotes;
  guint64  fd;
  guint64  brs;
  guint64  tx;
  guint64  extended;
  guint64  bytes;
  guint64  per_channel[CANOPY_LOG_SUMMARY_MAX_CHANNELS];
  guint64  no_channel;
  guint64  other_channel;

  guint8   std_ids[2048 / 8];
  /* Extended ids plus one (0 is empty); NULL until the first one. */
  guint32 *exact;
  guint    n_exact;
  /* NULL while the exact set holds every id. */
  guint8  *hll;
};

G_DEFINE_BOXED_TYPE (CanopyLogSummary, canopy_log_summary,
                     canopy_log_summary_ref, canopy_log_summary_unref)

static inline guint64
mix64 (guint64 x)
{
  /* splitmix64's finaliser: every input bit moves every output bit. */
  x ^= x >> 30;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  x ^= x >> 31;
  return x;
}

static void
hll_add (guint8  *hll,
         guint64  hash)
{
  guint index = hash >> (64 - HLL_BITS);
  guint64 rest = hash << HLL_BITS;
  guint8 rank = rest == 0 ? 64 - HLL_BITS + 1 : (guint8) (__builtin_clzll (rest) + 1);

  if (rank > hll[index])
    hll[index] = rank;
}

static guint64
hll_estimate (const guint8 *hll)
{
  const double m = HLL_REGISTERS;
  double alpha = 0.7213 / (1.0 + 1.079 / m);
  double sum = 0;
  guint zeros = 0;
  double estimate;

  for (guint i = 0; i < HLL_REGISTERS; i++)
    {
      sum += ldexp (1.0, -(int) hll[i]);
      zeros += hll[i] == 0;
    }

  estimate = alpha * m * m / sum;
  /* Small ranges: linear counting is better. */
  if (estimate <= 2.5 * m && zeros > 0)
    estimate = m * log (m / zeros);

  return (guint64) (estimate + 0.5);
}

static void
add_extended_id (CanopyLogSummary *self,
                 guint32           id)
{
  guint64 hash = mix64 (id);
  guint32 key = id + 1;
  guint i;

  if (self->hll != NULL)
    {
      hll_add (self->hll, hash);
      return;
    }

  if (self->exact == NULL)
    self->exact = g_new0 (guint32, EXACT_CAPACITY);

  for (i = hash & (EXACT_CAPACITY - 1); self->exact[i] != 0; i = (i + 1) & (EXACT_CAPACITY - 1))
    if (self->exact[i] == key)
      return;

  if (self->n_exact < DISTINCT_EXACT_MAX)
    {
      self->exact[i] = key;
      self->n_exact++;
      return;
    }

  /* One id too many to count exactly: estimate from here on, with every
   * id seen so far in the sketch. */
  self->hll = g_new0 (guint8, HLL_REGISTERS);
  for (i = 0; i < EXACT_CAPACITY; i++)
    if (self->exact[i] != 0)
      hll_add (self->hll, mix64 (self->exact[i] - 1));
  hll_add (self->hll, hash);
  g_clear_pointer (&self->exact, g_free);
}

/**
 * canopy_log_summary_new:
 *
 * Returns: (transfer full): an empty summary, to feed with
 *   canopy_log_summary_add()
 */
CanopyLogSummary *
canopy_log_summary_new (void)
{
  CanopyLogSummary *self = g_new0 (CanopyLogSummary, 1);

  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

/**
 * canopy_log_summary_new_for_file:
 * @file: a log file in any readable format
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads @file once and summarises it. This blocks: call it from a worker
 * thread, or use a #CanopyLogDocument, which makes a summary while it
 * loads.
 *
 * Returns: (transfer full): the summary, or %NULL with @error set when the
 *   file cannot be read, is damaged, or @cancellable was cancelled
 */
CanopyLogSummary *
canopy_log_summary_new_for_file (GFile         *file,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autoptr(CanopyLogReader) reader = NULL;
  g_autoptr(CanopyLogSummary) self = NULL;
  CanopyMessage msg;
  GError *local_error = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(reader = canopy_log_reader_new_for_gfile (file, cancellable, error)))
    return NULL;

  self = canopy_log_summary_new ();
  while (canopy_log_reader_next (reader, &msg, &local_error))
    canopy_log_summary_add (self, &msg);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * canopy_log_summary_ref:
 * @self: a summary
 *
 * Returns: (transfer full): @self
 */
CanopyLogSummary *
canopy_log_summary_ref (CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * canopy_log_summary_unref:
 * @self: (transfer full): a summary
 */
void
canopy_log_summary_unref (CanopyLogSummary *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->exact);
      g_free (self->hll);
      g_free (self);
    }
}

/**
 * canopy_log_summary_copy:
 * @self: a summary
 *
 * Returns: (transfer full): an independent copy of @self, to go on feeding
 *   apart from it
 */
CanopyLogSummary *
canopy_log_summary_copy (const CanopyLogSummary *self)
{
  CanopyLogSummary *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  g_atomic_ref_count_init (&copy->ref_count);
  if (self->exact != NULL)
    copy->exact = g_memdup2 (self->exact, EXACT_CAPACITY * sizeof (guint32));
  if (self->hll != NULL)
    copy->hll = g_memdup2 (self->hll, HLL_REGISTERS);

  return copy;
}

/**
 * canopy_log_summary_add:
 * @self: a summary
 * @msg: the next frame of the log
 *
 * Counts one frame. Allocates nothing but, once, the set of extended ids.
 */
void
canopy_log_summary_add (CanopyLogSummary    *self,
                        const CanopyMessage *msg)
{
  if (self->frames == 0)
    self->first_ns = self->min_ns = self->max_ns = msg->timestamp_ns;
  else if (msg->timestamp_ns < self->last_ns)
    self->out_of_order++;

  self->frames++;
  self->last_ns = msg->timestamp_ns;
  self->min_ns = MIN (self->min_ns, msg->timestamp_ns);
  self->max_ns = MAX (self->max_ns, msg->timestamp_ns);

  if (msg->channel < 0)
    self->no_channel++;
  else if (msg->channel < CANOPY_LOG_SUMMARY_MAX_CHANNELS)
    self->per_channel[msg->channel]++;
  else
    self->other_channel++;

  if (msg->flags & CANOPY_MESSAGE_TX)
    self->tx++;

  if (msg->flags & CANOPY_MESSAGE_ERROR)
    {
      self->errors++;
      return;
    }

  if (msg->flags & CANOPY_MESSAGE_REMOTE)
    self->remotes++;
  else
    self->bytes += msg->dlc;
  if (msg->flags & CANOPY_MESSAGE_FD)
    self->fd++;
  if (msg->flags & CANOPY_MESSAGE_BRS)
    self->brs++;

  if (msg->flags & CANOPY_MESSAGE_EXTENDED)
    {
      self->extended++;
      add_extended_id (self, msg->arbitration_id & 0x1FFFFFFF);
    }
  else
    {
      guint id = msg->arbitration_id & 0x7FF;

      self->std_ids[id / 8] |= 1 << (id % 8);
    }
}

/**
 * canopy_log_summary_get_n_frames:
 * @self: a summary
 *
 * Returns: the number of frames, error frames included
 */
guint64
canopy_log_summary_get_n_frames (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->frames;
}

/**
 * canopy_log_summary_get_first_time_ns:
 * @self: a summary
 *
 * Returns: the timestamp of the first frame in the file, or 0
 */
gint64
canopy_log_summary_get_first_time_ns (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->first_ns;
}

/**
 * canopy_log_summary_get_last_time_ns:
 * @self: a summary
 *
 * Returns: the timestamp of the last frame in the file, or 0
 */
gint64
canopy_log_summary_get_last_time_ns (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->last_ns;
}

/**
 * canopy_log_summary_get_min_time_ns:
 * @self: a summary
 *
 * Returns: the earliest timestamp, or 0
 */
gint64
canopy_log_summary_get_min_time_ns (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->min_ns;
}

/**
 * canopy_log_summary_get_max_time_ns:
 * @self: a summary
 *
 * Returns: the latest timestamp, or 0
 */
gint64
canopy_log_summary_get_max_time_ns (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->max_ns;
}

/**
 * canopy_log_summary_get_duration_ns:
 * @self: a summary
 *
 * Returns: the latest minus the earliest timestamp
 */
gint64
canopy_log_summary_get_duration_ns (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->max_ns - self->min_ns;
}

/**
 * canopy_log_summary_get_n_out_of_order:
 * @self: a summary
 *
 * Returns: how many frames are earlier than the frame before them
 */
guint64
canopy_log_summary_get_n_out_of_order (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->out_of_order;
}

/**
 * canopy_log_summary_get_channel_frames:
 * @self: a summary
 * @channel: a channel below %CANOPY_LOG_SUMMARY_MAX_CHANNELS, or
 *   %CANOPY_CHANNEL_NONE
 *
 * Returns: the frames of @channel (of no channel for %CANOPY_CHANNEL_NONE)
 */
guint64
canopy_log_summary_get_channel_frames (const CanopyLogSummary *self,
                                       gint                    channel)
{
  g_return_val_if_fail (self != NULL, 0);

  if (channel < 0)
    return self->no_channel;
  if (channel >= CANOPY_LOG_SUMMARY_MAX_CHANNELS)
    return 0;
  return self->per_channel[channel];
}

/**
 * canopy_log_summary_get_other_channel_frames:
 * @self: a summary
 *
 * Returns: the frames of channels from %CANOPY_LOG_SUMMARY_MAX_CHANNELS up
 */
guint64
canopy_log_summary_get_other_channel_frames (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->other_channel;
}

/**
 * canopy_log_summary_get_n_channels:
 * @self: a summary
 *
 * Returns: how many channels have frames (channels from
 *   %CANOPY_LOG_SUMMARY_MAX_CHANNELS up count as one, no channel as one)
 */
guint
canopy_log_summary_get_n_channels (const CanopyLogSummary *self)
{
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < CANOPY_LOG_SUMMARY_MAX_CHANNELS; i++)
    n += self->per_channel[i] > 0;
  return n + (self->other_channel > 0) + (self->no_channel > 0);
}

/**
 * canopy_log_summary_get_n_distinct_standard_ids:
 * @self: a summary
 *
 * Returns: how many distinct 11-bit identifiers data and remote frames
 *   have (exact)
 */
guint64
canopy_log_summary_get_n_distinct_standard_ids (const CanopyLogSummary *self)
{
  guint64 n = 0;

  g_return_val_if_fail (self != NULL, 0);

  for (guint i = 0; i < sizeof self->std_ids; i++)
    for (guint8 b = self->std_ids[i]; b != 0; b &= b - 1)
      n++;
  return n;
}

/**
 * canopy_log_summary_get_n_distinct_extended_ids:
 * @self: a summary
 *
 * Returns: how many distinct 29-bit identifiers data and remote frames
 *   have: exact up to 65536, estimated beyond (see
 *   canopy_log_summary_get_distinct_ids_exact())
 */
guint64
canopy_log_summary_get_n_distinct_extended_ids (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->hll != NULL)
    return MAX (hll_estimate (self->hll), (guint64) DISTINCT_EXACT_MAX + 1);
  return self->n_exact;
}

/**
 * canopy_log_summary_get_n_distinct_ids:
 * @self: a summary
 *
 * Returns: distinct standard plus distinct extended identifiers
 */
guint64
canopy_log_summary_get_n_distinct_ids (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return canopy_log_summary_get_n_distinct_standard_ids (self) +
         canopy_log_summary_get_n_distinct_extended_ids (self);
}

/**
 * canopy_log_summary_get_distinct_ids_exact:
 * @self: a summary
 *
 * Returns: %TRUE when the distinct identifiers are counted exactly,
 *   %FALSE when there were too many extended ones and the count is an
 *   estimate
 */
gboolean
canopy_log_summary_get_distinct_ids_exact (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->hll == NULL;
}

/**
 * canopy_log_summary_get_n_error_frames:
 * @self: a summary
 *
 * Returns: the error frames
 */
guint64
canopy_log_summary_get_n_error_frames (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->errors;
}

/**
 * canopy_log_summary_get_n_remote_frames:
 * @self: a summary
 *
 * Returns: the remote frames
 */
guint64
canopy_log_summary_get_n_remote_frames (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->remotes;
}

/**
 * canopy_log_summary_get_n_fd_frames:
 * @self: a summary
 *
 * Returns: the CAN FD frames
 */
guint64
canopy_log_summary_get_n_fd_frames (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->fd;
}

/**
 * canopy_log_summary_get_n_brs_frames:
 * @self: a summary
 *
 * Returns: the CAN FD frames with the bit-rate switch
 */
guint64
canopy_log_summary_get_n_brs_frames (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->brs;
}

/**
 * canopy_log_summary_get_n_tx_frames:
 * @self: a summary
 *
 * Returns: the frames this node sent
 */
guint64
canopy_log_summary_get_n_tx_frames (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->tx;
}

/**
 * canopy_log_summary_get_n_extended_frames:
 * @self: a summary
 *
 * Returns: the data and remote frames with a 29-bit identifier
 */
guint64
canopy_log_summary_get_n_extended_frames (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->extended;
}

/**
 * canopy_log_summary_get_payload_bytes:
 * @self: a summary
 *
 * Returns: the payload bytes of the data frames
 */
guint64
canopy_log_summary_get_payload_bytes (const CanopyLogSummary *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->bytes;
}

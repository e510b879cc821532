/* canopy-blf-pipeline.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-error.h"
#include "canopy-blf-reader-private.h"

/* The inflate pipeline: log containers are independent zlib blocks, so
 * the scanner queues each one as it reads it and worker threads inflate
 * them ahead (libdeflate, zlib as fallback: canopy-blf-codec.c), while the
 * parser takes them in file order from a bounded ring. A container no
 * worker has started yet is inflated by the parser's thread itself rather
 * than waited for. */

static void
slot_inflate (BlfSlot *slot)
{
  BlfCodec *codec = _canopy_blf_codec_get_for_thread (6);

  slot->ok = _canopy_blf_codec_decompress (codec, slot->cbuf, slot->clen,
                                           slot->ubuf, slot->ulen, &slot->produced);
}

static void
worker_func (gpointer data,
             gpointer user_data)
{
  BlfSlot *slot = data;
  CanopyBlfReader *self = user_data;

  /* The consumer may have taken the job itself (or cancelled it). */
  if (!g_atomic_int_compare_and_exchange (&slot->state, SLOT_QUEUED, SLOT_RUNNING))
    return;

  slot_inflate (slot);

  g_mutex_lock (&self->mutex);
  g_atomic_int_set (&slot->state, SLOT_DONE);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
}

void
_canopy_blf_pipeline_start (CanopyBlfReader *self)
{
  guint n_workers = CLAMP (g_get_num_processors (), 1, 8);

  /* Enough containers in flight to keep every worker busy while the
   * parser works through the oldest. */
  self->n_slots = 2 * n_workers + 2;
  self->max_ahead = self->n_slots;
  self->slots = g_new0 (BlfSlot, self->n_slots);
  for (guint i = 0; i < self->n_slots; i++)
    self->slots[i].reader = self;
  if (n_workers > 1)
    self->pool = g_thread_pool_new (worker_func, self, n_workers, FALSE, NULL);
}

void
_canopy_blf_pipeline_fill (CanopyBlfReader *self)
{
  while (!self->top_done && self->n_used < self->max_ahead)
    {
      BlfSlot *slot = &self->slots[(self->head + self->n_used) % self->n_slots];

      self->n_used++;
      _canopy_blf_scanner_read_object (self, slot);

      if (slot->kind == SLOT_DATA && slot->compressed)
        {
          g_atomic_int_set (&slot->state, SLOT_QUEUED);
          if (self->pool != NULL)
            g_thread_pool_push (self->pool, slot, NULL);
        }
      else
        g_atomic_int_set (&slot->state, SLOT_DONE);
    }
}

void
_canopy_blf_pipeline_wait (CanopyBlfReader *self,
                           BlfSlot         *slot)
{
  /* Not started yet: do it here rather than wait for a worker. */
  if (g_atomic_int_compare_and_exchange (&slot->state, SLOT_QUEUED, SLOT_RUNNING))
    {
      slot_inflate (slot);
      g_atomic_int_set (&slot->state, SLOT_DONE);
      return;
    }

  if (g_atomic_int_get (&slot->state) == SLOT_DONE)
    return;

  g_mutex_lock (&self->mutex);
  while (g_atomic_int_get (&slot->state) != SLOT_DONE)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
}

void
_canopy_blf_slot_release (BlfSlot *slot)
{
  g_clear_pointer (&slot->warning, g_free);
  g_clear_error (&slot->error);
  g_clear_error (&slot->damage);
  slot->discontinuity = FALSE;
  g_atomic_int_set (&slot->state, SLOT_FREE);
}

void
_canopy_blf_pipeline_stop (CanopyBlfReader *self)
{
  /* Cancel what no worker started, then wait for the rest. */
  if (self->pool != NULL)
    {
      for (guint i = 0; i < self->n_slots; i++)
        g_atomic_int_compare_and_exchange (&self->slots[i].state, SLOT_QUEUED, SLOT_FREE);
      g_thread_pool_free (g_steal_pointer (&self->pool), TRUE, TRUE);
    }
}


void
_canopy_blf_pipeline_reset_for_random_access (CanopyBlfReader *self)
{
  /* A reader that jumps reads only the container it needs and inflates it
   * itself: read-ahead would inflate containers nobody asks for, and one
   * slot is all the memory it needs. */
  _canopy_blf_pipeline_stop (self);

  for (guint i = 0; i < self->n_slots; i++)
    {
      _canopy_blf_slot_release (&self->slots[i]);
      if (i > 0)
        {
          g_clear_pointer (&self->slots[i].cbuf, g_free);
          g_clear_pointer (&self->slots[i].ubuf, g_free);
          self->slots[i].ccap = self->slots[i].ucap = 0;
        }
    }

  self->n_slots = 1;
  self->max_ahead = 1;
  self->head = self->n_used = 0;
  self->top_done = FALSE;
}

/* canopy-frame-chunks.c — the capture store's frames, 24 bytes each
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-frame-chunks-private.h"

/* Dropped chunks kept for reuse: a few for a growing store; in a ring as
 * many as a publication can pin, so that it allocates nothing once warm. */
#define MIN_SPARE_CHUNKS 4
#define ARENA_MIN_SIZE 4096

/* One frame, 24 bytes. A payload of up to 8 bytes is stored in place; a
 * longer (CAN FD) one in the chunk's arena, at arena_offset. */
typedef struct
{
  gint64  timestamp_ns;
  guint32 arbitration_id;
  guint8  flags;
  guint8  dlc;
  gint16  channel;
  union {
    guint8  bytes[8];
    guint32 arena_offset;
  } data;
} FrameRecord;

G_STATIC_ASSERT (sizeof (FrameRecord) == 24);
/* Every flag a message can carry fits the record's byte. */
G_STATIC_ASSERT (CANOPY_MESSAGE_TX < 0x100);

/* Chunk number c holds frames c * CANOPY_FRAME_CHUNK_FRAMES … (c + 1) *
 * CANOPY_FRAME_CHUNK_FRAMES - 1, so a frame is found by division. 4096
 * frames: 96 KiB of records, so that the chunk header and the chunk array
 * cost a hundredth of a byte per frame, and a ring drops 0.1 % of a
 * 100 MiB capture at a time. */
struct _CanopyFrameChunk
{
  guint8      *arena;
  guint32      arena_len;
  guint32      arena_size;
  FrameRecord  records[CANOPY_FRAME_CHUNK_FRAMES];
};

#define CHUNK_FRAMES CANOPY_FRAME_CHUNK_FRAMES

static void
chunk_free (CanopyFrameChunk *chunk)
{
  /* The NULLs of g_ptr_array_set_size() when reserving room. */
  if (chunk == NULL)
    return;
  g_free (chunk->arena);
  g_free (chunk);
}

static gsize
chunk_size (const CanopyFrameChunk *chunk)
{
  return sizeof *chunk + chunk->arena_size;
}

/* A publication pins every live chunk (as many as fit the limit, and the
 * one being filled); the ring then drops them all before the next one, and
 * needs as many spares to go on without allocating. */
static guint
spare_chunks_wanted (CanopyFrameChunks *self)
{
  if (self->memory_limit == 0)
    return MIN_SPARE_CHUNKS;

  return (guint) MIN (MAX (MIN_SPARE_CHUNKS, self->memory_limit / sizeof (CanopyFrameChunk) + 2),
                      G_MAXUINT / 2);
}

static void
recycle_chunk (CanopyFrameChunks *self,
               CanopyFrameChunk  *chunk)
{
  if (self->spare->len < spare_chunks_wanted (self))
    {
      chunk->arena_len = 0;
      g_ptr_array_add (self->spare, chunk);
    }
  else
    chunk_free (chunk);
}

static gboolean
chunk_is_pinned (CanopyFrameChunks *self,
                 guint64            number)
{
  return number * CHUNK_FRAMES < self->pin_end && (number + 1) * CHUNK_FRAMES > self->pin_first;
}

/* Moves the live chunks that hold no live frame any more out of the chunks
 * array: to the pinned array if a list model still shows one of their
 * frames, so a view never reads a freed frame, else to the spares at once,
 * so a stalled or paused main context costs at most the pinned range
 * besides the live frames. */
static void
retire_dropped_chunks (CanopyFrameChunks *self)
{
  while (self->chunks->len > 0 && (self->base_chunk + 1) * CHUNK_FRAMES <= self->live_first)
    {
      CanopyFrameChunk *chunk = g_ptr_array_steal_index (self->chunks, 0);
      guint64 number = self->base_chunk++;

      if (!chunk_is_pinned (self, number))
        {
          recycle_chunk (self, chunk);
          continue;
        }

      /* Chunks drop in order and the pinned range is contiguous, so the
       * pinned ones are too. */
      if (self->pinned->len == 0)
        self->pinned_base = number;
      g_assert (number == self->pinned_base + self->pinned->len);
      g_ptr_array_add (self->pinned, chunk);
    }
}

/* The live chunks: what the memory limit bounds. */
static guint64
memory_used (CanopyFrameChunks *self)
{
  guint64 used = 0;

  for (guint i = 0; i < self->chunks->len; i++)
    used += chunk_size (g_ptr_array_index (self->chunks, i));

  return used;
}

/* Drops the oldest chunks until the live ones, grown by @extra bytes, fit
 * the memory limit. The chunk being filled is never dropped. Returns
 * whether frames were dropped. */
static gboolean
enforce_memory_limit (CanopyFrameChunks *self,
                      gsize              extra)
{
  guint64 filling_chunk = self->next_frame / CHUNK_FRAMES;
  gboolean dropped = FALSE;

  if (self->memory_limit == 0)
    return FALSE;

  while (self->live_first / CHUNK_FRAMES < filling_chunk &&
         memory_used (self) + extra > self->memory_limit)
    {
      guint64 end = (self->live_first / CHUNK_FRAMES + 1) * CHUNK_FRAMES;

      self->n_dropped += end - self->live_first;
      self->live_first = end;
      dropped = TRUE;
      retire_dropped_chunks (self);
    }

  return dropped;
}

static CanopyFrameChunk *
start_chunk (CanopyFrameChunks *self,
             guint64            number,
             gboolean          *dropped)
{
  CanopyFrameChunk *chunk;

  g_assert (self->chunks->len == 0 || number == self->base_chunk + self->chunks->len);

  *dropped = enforce_memory_limit (self, sizeof (CanopyFrameChunk));

  if (self->spare->len > 0)
    chunk = g_ptr_array_steal_index_fast (self->spare, self->spare->len - 1);
  else
    {
      /* Records are written before they are read: no need to zero 96 KiB. */
      chunk = g_malloc (sizeof *chunk);
      chunk->arena = NULL;
      chunk->arena_len = 0;
      chunk->arena_size = 0;
    }

  if (self->chunks->len == 0)
    self->base_chunk = number;
  g_ptr_array_add (self->chunks, chunk);

  return chunk;
}

static guint32
arena_store (CanopyFrameChunk *chunk,
             const guint8     *data,
             guint             len)
{
  guint32 offset = chunk->arena_len;

  if (chunk->arena_len + len > chunk->arena_size)
    {
      guint32 size = MAX (chunk->arena_size, ARENA_MIN_SIZE);

      while (size < chunk->arena_len + len)
        size *= 2;
      chunk->arena = g_realloc (chunk->arena, size);
      chunk->arena_size = size;
    }

  memcpy (chunk->arena + offset, data, len);
  chunk->arena_len += len;

  return offset;
}

void
_canopy_frame_chunks_init (CanopyFrameChunks *self)
{
  memset (self, 0, sizeof *self);
  self->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify) chunk_free);
  self->pinned = g_ptr_array_new_with_free_func ((GDestroyNotify) chunk_free);
  self->spare = g_ptr_array_new_with_free_func ((GDestroyNotify) chunk_free);
}

void
_canopy_frame_chunks_destroy (CanopyFrameChunks *self)
{
  g_clear_pointer (&self->chunks, g_ptr_array_unref);
  g_clear_pointer (&self->pinned, g_ptr_array_unref);
  g_clear_pointer (&self->spare, g_ptr_array_unref);
}

/* Returns whether the memory limit dropped frames to make room. Allocates
 * only when a chunk fills and no spare one is left. */
gboolean
_canopy_frame_chunks_append (CanopyFrameChunks   *self,
                             const CanopyMessage *msg)
{
  guint64 number = self->next_frame / CHUNK_FRAMES;
  gboolean dropped = FALSE;
  CanopyFrameChunk *chunk;
  FrameRecord *record;

  if (self->chunks->len == 0 || number >= self->base_chunk + self->chunks->len)
    chunk = start_chunk (self, number, &dropped);
  else
    chunk = g_ptr_array_index (self->chunks, self->chunks->len - 1);

  record = &chunk->records[self->next_frame % CHUNK_FRAMES];
  record->timestamp_ns = msg->timestamp_ns;
  record->arbitration_id = msg->arbitration_id;
  record->flags = (guint8) msg->flags;
  record->dlc = msg->dlc;
  record->channel = msg->channel;
  if (msg->dlc <= 8)
    memcpy (record->data.bytes, msg->data, 8);
  else
    record->data.arena_offset = arena_store (chunk, msg->data, MIN (msg->dlc, CANOPY_MESSAGE_MAX_DATA));

  self->next_frame++;

  return dropped;
}

/* Whether @frame is in memory: live, or dropped but pinned. */
gboolean
_canopy_frame_chunks_read (CanopyFrameChunks *self,
                           guint64            frame,
                           CanopyMessage     *msg)
{
  guint64 number = frame / CHUNK_FRAMES;
  const CanopyFrameChunk *chunk;
  const FrameRecord *record;

  if (frame >= self->next_frame)
    return FALSE;
  if (number >= self->base_chunk && number - self->base_chunk < self->chunks->len)
    chunk = g_ptr_array_index (self->chunks, number - self->base_chunk);
  else if (number >= self->pinned_base && number - self->pinned_base < self->pinned->len)
    chunk = g_ptr_array_index (self->pinned, number - self->pinned_base);
  else
    return FALSE;
  record = &chunk->records[frame % CHUNK_FRAMES];

  memset (msg, 0, sizeof *msg);
  msg->timestamp_ns = record->timestamp_ns;
  msg->arbitration_id = record->arbitration_id;
  msg->flags = record->flags;
  msg->dlc = record->dlc;
  msg->channel = record->channel;
  if (record->dlc <= 8)
    memcpy (msg->data, record->data.bytes, 8);
  else
    memcpy (msg->data, chunk->arena + record->data.arena_offset,
            MIN (record->dlc, CANOPY_MESSAGE_MAX_DATA));

  return TRUE;
}

/* Returns whether frames were dropped to fit the new limit at once. */
gboolean
_canopy_frame_chunks_set_memory_limit (CanopyFrameChunks *self,
                                       guint64            bytes)
{
  GPtrArray *arrays[] = { self->chunks, self->pinned, self->spare };

  self->memory_limit = bytes;

  /* A ring's arrays hold at most about as many chunks as the spares: room
   * for them now, not while appending. */
  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    {
      guint len = arrays[i]->len;

      g_ptr_array_set_size (arrays[i], MAX (len, spare_chunks_wanted (self) + 2));
      g_ptr_array_set_size (arrays[i], len);
    }

  return enforce_memory_limit (self, 0);
}

/* Drops every frame (not counted as dropped by the limit); frame numbers
 * go on. */
void
_canopy_frame_chunks_drop_all (CanopyFrameChunks *self)
{
  self->live_first = self->next_frame;
  retire_dropped_chunks (self);
}

/* Keeps frames @first … @end - 1 in memory although dropped, and frees what
 * the previous pin kept and this one does not. */
void
_canopy_frame_chunks_pin (CanopyFrameChunks *self,
                          guint64            first,
                          guint64            end)
{
  self->pin_first = first;
  self->pin_end = end;

  while (self->pinned->len > 0 && !chunk_is_pinned (self, self->pinned_base))
    {
      recycle_chunk (self, g_ptr_array_steal_index (self->pinned, 0));
      self->pinned_base++;
    }
  while (self->pinned->len > 0 && !chunk_is_pinned (self, self->pinned_base + self->pinned->len - 1))
    recycle_chunk (self, g_ptr_array_steal_index (self->pinned, self->pinned->len - 1));
}

/* Every chunk with frames, the pinned ones included; spares are not. */
guint64
_canopy_frame_chunks_get_memory_held (CanopyFrameChunks *self)
{
  guint64 held = 0;

  for (guint i = 0; i < self->pinned->len; i++)
    held += chunk_size (g_ptr_array_index (self->pinned, i));

  return memory_used (self) + held;
}

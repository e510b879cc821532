/* canopy-frame-chunks-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "canopy-message.h"

G_BEGIN_DECLS

/* The storage of the capture store: frames numbered from 0 as appended,
 * in chunks of CANOPY_FRAME_CHUNK_FRAMES 24-byte records (CAN FD payloads
 * longer than 8 bytes in a side arena per chunk), with an optional memory
 * limit that drops the oldest chunks.
 *
 * Frames from live_first to next_frame - 1 are live, in the chunks array.
 * A chunk the ring drops moves to the pinned array if it holds a frame of
 * the pinned range (what a list model still shows) and stays readable;
 * any other is recycled at once. Both arrays stay short and contiguous: a
 * ring allocates nothing once warm. Not thread-safe: the owner locks. */
#define CANOPY_FRAME_CHUNK_FRAMES 4096

typedef struct _CanopyFrameChunk CanopyFrameChunk;

typedef struct
{
  GPtrArray *chunks;        /* CanopyFrameChunk *, live, numbers base_chunk … */
  guint64    base_chunk;
  GPtrArray *pinned;        /* CanopyFrameChunk *, dropped but pinned, numbers pinned_base … */
  guint64    pinned_base;
  guint64    next_frame;    /* frames ever appended */
  guint64    live_first;    /* the first frame not dropped */
  guint64    n_dropped;     /* by the memory limit */
  guint64    memory_limit;  /* 0: none */
  guint64    pin_first;     /* the pinned range: pin_first … pin_end - 1 */
  guint64    pin_end;
  GPtrArray *spare;         /* CanopyFrameChunk *, for reuse */
} CanopyFrameChunks;

void     _canopy_frame_chunks_init             (CanopyFrameChunks   *self);
void     _canopy_frame_chunks_destroy          (CanopyFrameChunks   *self);
gboolean _canopy_frame_chunks_append           (CanopyFrameChunks   *self,
                                                const CanopyMessage *msg);
gboolean _canopy_frame_chunks_read             (CanopyFrameChunks   *self,
                                                guint64              frame,
                                                CanopyMessage       *msg);
gboolean _canopy_frame_chunks_set_memory_limit (CanopyFrameChunks   *self,
                                                guint64              bytes);
void     _canopy_frame_chunks_drop_all         (CanopyFrameChunks   *self);
void     _canopy_frame_chunks_pin              (CanopyFrameChunks   *self,
                                                guint64              first,
                                                guint64              end);
guint64  _canopy_frame_chunks_get_memory_held  (CanopyFrameChunks   *self);

G_END_DECLS

/* canopy-log-document-access.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"
#include "canopy-log-document-private.h"

/* Random access in a log document: the nearest checkpoint at or before a
 * frame, and a few open readers (cursors) kept as a least-recently-used
 * cache, so that reading on from where a cursor stands costs what
 * streaming costs and a jump costs one restore (for BLF: one container
 * inflated). */

static void
cursor_close (DocumentCursor *cursor)
{
  g_clear_object (&cursor->reader);
  cursor->next_position = 0;
}

void
_canopy_log_document_close_cursors (CanopyLogDocument *self)
{
  g_mutex_lock (&self->cursor_mutex);
  for (guint i = 0; i < N_CURSORS; i++)
    cursor_close (&self->cursors[i]);
  g_mutex_unlock (&self->cursor_mutex);
}

/* The last checkpoint at or before @position. Called with mutex held and
 * a non-empty index. */
static const DocumentIndexEntry *
find_entry_locked (CanopyLogDocument *self,
                   guint              position)
{
  const DocumentIndexEntry *entries = (const DocumentIndexEntry *) (gpointer) self->index->data;
  guint lo = 0;
  guint hi = self->index->len;

  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (entries[mid].first_frame <= position)
        lo = mid;
      else
        hi = mid;
    }

  return &entries[lo];
}

/* A cursor whose next frame is @position (cursor_mutex held). */
static DocumentCursor *
seek_cursor (CanopyLogDocument  *self,
             guint               position,
             GError            **error)
{
  DocumentIndexEntry entry;
  DocumentCursor *best = NULL;
  DocumentCursor *lru = &self->cursors[0];
  CanopyMessage scratch;

  g_mutex_lock (&self->mutex);
  if (position >= self->n_indexed || self->index->len == 0)
    {
      guint n = self->n_indexed;

      g_mutex_unlock (&self->mutex);
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Frame %u is past the %u frames of the document", position, n);
      return NULL;
    }
  entry = *find_entry_locked (self, position);
  g_mutex_unlock (&self->mutex);

  /* Reading on from a cursor is cheaper than going back to the
   * checkpoint when it is past the checkpoint already. */
  for (guint i = 0; i < N_CURSORS; i++)
    {
      DocumentCursor *c = &self->cursors[i];

      if (c->reader != NULL && c->next_position <= position &&
          c->next_position >= entry.first_frame &&
          (best == NULL || c->next_position > best->next_position))
        best = c;
      if (c->last_used < lru->last_used)
        lru = c;
    }

  if (best == NULL)
    {
      best = lru;
      if (best->reader == NULL &&
          !(best->reader = canopy_log_reader_new_for_gfile (self->file, NULL, error)))
        return NULL;
      if (!_canopy_log_reader_restore_checkpoint (best->reader, &entry.checkpoint, error))
        {
          cursor_close (best);
          return NULL;
        }
      best->next_position = entry.first_frame;
    }

  best->last_used = ++self->use_clock;

  while (best->next_position < position)
    {
      GError *local_error = NULL;

      if (!canopy_log_reader_next (best->reader, &scratch, &local_error))
        {
          if (local_error == NULL)
            local_error = g_error_new (CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                                       "The file ends before frame %u: it changed after it was loaded",
                                       position);
          g_propagate_error (error, local_error);
          cursor_close (best);
          return NULL;
        }
      best->next_position++;
    }

  return best;
}

static gboolean
read_next (DocumentCursor  *cursor,
           guint            position,
           CanopyMessage   *msg,
           GError         **error)
{
  GError *local_error = NULL;

  if (!canopy_log_reader_next (cursor->reader, msg, &local_error))
    {
      if (local_error == NULL)
        local_error = g_error_new (CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                                   "The file ends before frame %u: it changed after it was loaded",
                                   position);
      g_propagate_error (error, local_error);
      cursor_close (cursor);
      return FALSE;
    }

  cursor->next_position++;
  return TRUE;
}

/**
 * canopy_log_document_get_message:
 * @self: a log document
 * @position: the frame number, from 0
 * @msg: (out caller-allocates): the frame
 * @error: return location for a #GError
 *
 * Reads one frame without making an object: the fast path for code that
 * walks many frames. Frames can be read as soon as the loader has seen
 * them, before they are in the model. Safe from any thread.
 *
 * Returns: (skip): %TRUE when @msg was filled; %FALSE when @position is
 *   past the frames read so far or the file cannot be read any more
 */
gboolean
canopy_log_document_get_message (CanopyLogDocument  *self,
                                 guint               position,
                                 CanopyMessage      *msg,
                                 GError            **error)
{
  DocumentCursor *cursor;
  gboolean ret = FALSE;

  g_return_val_if_fail (CANOPY_IS_LOG_DOCUMENT (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->cursor_mutex);
  if ((cursor = seek_cursor (self, position, error)))
    ret = read_next (cursor, position, msg, error);
  g_mutex_unlock (&self->cursor_mutex);

  return ret;
}

/**
 * canopy_log_document_find_time:
 * @self: a log document
 * @timestamp_ns: a time in nanoseconds, as the frames' timestamps
 *
 * Finds the first frame at or after @timestamp_ns by a binary search over
 * the checkpoints and a short scan after the nearest one. Logs are taken
 * to be in time order; in a log that is not, the frame found is one at or
 * after @timestamp_ns, not necessarily the first.
 *
 * Returns: the position of that frame; the last frame when every frame is
 *   earlier; 0 when the document is empty
 */
guint
canopy_log_document_find_time (CanopyLogDocument *self,
                               gint64             timestamp_ns)
{
  const DocumentIndexEntry *entries;
  DocumentIndexEntry entry;
  guint n_indexed;
  guint lo, hi;
  guint position;
  DocumentCursor *cursor;

  g_return_val_if_fail (CANOPY_IS_LOG_DOCUMENT (self), 0);

  g_mutex_lock (&self->cursor_mutex);
  g_mutex_lock (&self->mutex);
  n_indexed = self->n_indexed;
  if (n_indexed == 0 || self->index->len == 0)
    {
      g_mutex_unlock (&self->mutex);
      g_mutex_unlock (&self->cursor_mutex);
      return 0;
    }

  /* The last checkpoint that starts before @timestamp_ns. */
  entries = (const DocumentIndexEntry *) (gpointer) self->index->data;
  lo = 0;
  hi = self->index->len;
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (entries[mid].first_time_ns < timestamp_ns)
        lo = mid;
      else
        hi = mid;
    }
  entry = entries[lo];
  g_mutex_unlock (&self->mutex);

  position = entry.first_frame;
  if (entry.first_time_ns < timestamp_ns &&
      (cursor = seek_cursor (self, position, NULL)))
    {
      CanopyMessage msg;

      while (position < n_indexed && read_next (cursor, position, &msg, NULL) &&
             msg.timestamp_ns < timestamp_ns)
        position++;
    }
  g_mutex_unlock (&self->cursor_mutex);

  return MIN (position, n_indexed - 1);
}

/* canopy-blf-parser.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-error.h"
#include "canopy-blf-reader-private.h"

/* The object parser: walks the inflated object stream container by
 * container, reassembles objects that span two containers (a join buffer
 * holds the carried start and the beginning of the next), decodes frames
 * (canopy-blf-objects.c), skips other objects, and resynchronises on the
 * next object header after damage. It also notes resume points: where a
 * container's first whole object starts, for the reader's checkpoints. */

static void
format_offset (CanopyBlfReader *self,
               char            *buf,
               gsize            buf_len)
{
  guint64 stream_offset;

  if (self->cur == NULL)
    {
      g_snprintf (buf, buf_len, "offset %" G_GUINT64_FORMAT, self->foffset);
      return;
    }

  stream_offset = self->cur->stream_offset + self->pos;
  if (self->in_join)
    stream_offset = self->cur->stream_offset + self->join_base + self->pos - self->join_carry;

  g_snprintf (buf, buf_len,
              "offset %" G_GUINT64_FORMAT " (inflated byte %" G_GUINT64_FORMAT
              " of the object stream)",
              self->cur->file_offset, stream_offset);
}

static void
note_bad (CanopyBlfReader *self,
          const char      *why)
{
  char where[128];

  self->skipped++;
  if (self->pending_bad != NULL)
    return;
  format_offset (self, where, sizeof where);
  self->pending_bad = g_strdup_printf ("%s: %s", where, why);
}

static void
resynced (CanopyBlfReader *self)
{
  if (self->pending_bad != NULL)
    {
      _canopy_log_reader_report_damage (CANOPY_LOG_READER (self),
                                        g_error_new (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                                                     "%s; skipped to the next object",
                                                     self->pending_bad));
      g_clear_pointer (&self->pending_bad, g_free);
    }
  self->quiet_scan = FALSE;
}

void
_canopy_blf_count_object (CanopyBlfReader *self,
                          guint32          type)
{
  gpointer n;

  if (G_LIKELY (type < G_N_ELEMENTS (self->object_counts)))
    {
      self->object_counts[type]++;
      return;
    }

  if (self->other_object_counts == NULL)
    self->other_object_counts = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  /* Damaged files can name any type: a bounded table, the rest together
   * under the largest type number. */
  if (g_hash_table_size (self->other_object_counts) >= 64 &&
      !g_hash_table_contains (self->other_object_counts, GUINT_TO_POINTER (type)))
    type = G_MAXUINT32;
  n = g_hash_table_lookup (self->other_object_counts, GUINT_TO_POINTER (type));
  if (n == NULL)
    g_hash_table_insert (self->other_object_counts, GUINT_TO_POINTER (type), g_new0 (guint64, 1));
  n = g_hash_table_lookup (self->other_object_counts, GUINT_TO_POINTER (type));
  (*(guint64 *) n)++;
}

static gboolean
is_frame_type (guint32 type)
{
  switch (type)
    {
    case BLF_OBJ_CAN_MESSAGE:
    case BLF_OBJ_CAN_MESSAGE2:
    case BLF_OBJ_CAN_ERROR:
    case BLF_OBJ_CAN_ERROR_EXT:
    case BLF_OBJ_CAN_FD_MESSAGE:
    case BLF_OBJ_CAN_FD_MESSAGE_64:
    case BLF_OBJ_CAN_FD_ERROR_64:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The window's position is where a new object starts, in the container
 * itself (not the join buffer): a reader that seeks to the container and
 * starts there parses on exactly as this one does. */
static void
note_resume_point (CanopyBlfReader *self)
{
  if (self->skip_remaining == 0 && !self->quiet_scan && self->pending_bad == NULL)
    {
      self->resume_offset = self->cur->file_offset;
      self->resume_inner = self->pos;
      self->resume_frames = 0;
    }
}

/* Parses the window from pos. Returns TRUE with a frame in @msg, or, when
 * @event is not NULL, an application text or global marker in *@event;
 * FALSE when the window is exhausted (pos is then at the start of what
 * must be carried over). */
static gboolean
parse_window (CanopyBlfReader  *self,
              CanopyMessage    *msg,
              CanopyLogEvent  **event)
{
  for (;;)
    {
      const guint8 *p;
      gsize remaining;
      guint32 size, type;
      guint16 hsize;
      const char *why = NULL;

      if (self->in_join && self->pos >= self->join_carry)
        {
          /* Past the carried bytes: continue in the container itself. */
          self->pos = self->pos - self->join_carry + self->join_base;
          self->buf = self->cur->ubuf;
          self->len = self->cur->produced;
          self->in_join = FALSE;
          note_resume_point (self);
        }

      remaining = self->len - self->pos;

      if (G_UNLIKELY (self->skip_remaining > 0))
        {
          gsize n = (gsize) MIN ((guint64) remaining, self->skip_remaining);

          /* An empty container has no buffer: nothing to append from. */
          if (self->event_object != NULL && n > 0)
            g_byte_array_append (self->event_object, self->buf + self->pos, n);
          self->pos += n;
          self->skip_remaining -= n;
          if (self->skip_remaining == 0 && self->event_object != NULL)
            {
              g_autoptr(GByteArray) obj = g_steal_pointer (&self->event_object);

              if (event == NULL)
                continue;
              *event = _canopy_blf_decode_event (obj->data, obj->len, self->start_ns, &why);
              if (*event == NULL)
                {
                  note_bad (self, why);
                  continue;
                }
              if (G_UNLIKELY (self->pending_bad != NULL || self->quiet_scan))
                resynced (self);
              return TRUE;
            }
          /* Window used up: the next container goes on; but the join
           * buffer only holds the start of the current one. */
          if (self->skip_remaining > 0 && !self->in_join)
            return FALSE;
          continue;
        }

      if (remaining < BLF_BASE_HEADER_SIZE)
        return FALSE;

      p = self->buf + self->pos;

      if (G_UNLIKELY (blf_read_u32 (p) != BLF_OBJ_SIGNATURE))
        {
          gsize i;
          gboolean nonzero = FALSE;

          /* Padding (zeros) or damage: find the next object header. */
          for (i = 0; i + 4 <= remaining; i++)
            {
              if (p[i] == 'L' && blf_read_u32 (p + i) == BLF_OBJ_SIGNATURE)
                break;
              nonzero |= p[i] != 0;
            }
          if (nonzero && !self->quiet_scan)
            note_bad (self, "bytes that are not an object");
          if (i + 4 > remaining)
            {
              /* Keep the last three bytes: "LOBJ" may straddle. In the
               * join buffer, go on scanning in the container itself. */
              self->pos += remaining - 3;
              if (self->in_join && self->pos >= self->join_carry)
                continue;
              return FALSE;
            }
          self->pos += i;
          resynced (self);
          continue;
        }

      hsize = blf_read_u16 (p + 4);
      size = blf_read_u32 (p + 8);
      type = blf_read_u32 (p + 12);

      if (G_UNLIKELY (size < BLF_BASE_HEADER_SIZE || hsize < BLF_BASE_HEADER_SIZE ||
                      hsize > size || type == 0 || type > 0xFFFF ||
                      type == BLF_OBJ_LOG_CONTAINER ||
                      (is_frame_type (type) && size > BLF_MAX_ASSEMBLED_OBJECT)))
        {
          note_bad (self, type == BLF_OBJ_LOG_CONTAINER
                          ? "log container nested in a log container"
                          : "broken object header");
          self->pos += 1;
          continue;
        }

      if (size > remaining)
        {
          if (size > BLF_MAX_ASSEMBLED_OBJECT && event != NULL && blf_is_event_type (type) &&
              size <= BLF_MAX_EVENT_OBJECT)
            {
              /* A long text: assembled in a buffer of its own as the
               * windows go by. */
              self->event_object = g_byte_array_sized_new (size);
              self->skip_remaining = size;
              _canopy_blf_count_object (self, type);
              continue;
            }
          if (size > BLF_MAX_ASSEMBLED_OBJECT)
            {
              /* A large object we do not read: stream over it. */
              self->skip_remaining = size;
              self->skipped++;
              _canopy_blf_count_object (self, type);
              continue;
            }
          return FALSE;
        }

      switch (_canopy_blf_decode_object (p, size, self->start_ns, msg, &why))
        {
        case BLF_DECODE_FRAME:
          self->pos += size;
          if (G_UNLIKELY (self->pending_bad != NULL || self->quiet_scan))
            resynced (self);
          return TRUE;

        case BLF_DECODE_SKIP:
          _canopy_blf_count_object (self, type);
          if (event != NULL && (type == BLF_OBJ_APP_TEXT || type == BLF_OBJ_GLOBAL_MARKER))
            {
              *event = _canopy_blf_decode_event (p, size, self->start_ns, &why);
              if (*event == NULL)
                note_bad (self, why);
            }
          self->pos += size;
          if (G_UNLIKELY (self->pending_bad != NULL || self->quiet_scan) && why == NULL)
            resynced (self);
          if (event != NULL && *event != NULL)
            return TRUE;
          break;

        case BLF_DECODE_BAD:
        default:
          note_bad (self, why);
          self->pos += size;
          break;
        }
    }
}

static gboolean
all_zero (const guint8 *p,
          gsize         n)
{
  for (gsize i = 0; i < n; i++)
    if (p[i] != 0)
      return FALSE;
  return TRUE;
}

/* Moves the window to the next container. Returns FALSE at the end, with
 * @error set when the end is damage. */
static gboolean
next_slot (CanopyBlfReader  *self,
           GError          **error)
{
  BlfSlot *slot;
  gsize start = 0;

  /* Whatever is left of the window must be carried over. */
  if (self->cur != NULL)
    {
      gsize rest = self->len - self->pos;

      if (rest > 0)
        {
          g_assert (rest <= BLF_MAX_ASSEMBLED_OBJECT + BLF_BASE_HEADER_SIZE);
          memmove (self->carry, self->buf + self->pos, rest);
        }
      self->carry_len = rest;

      if (self->cur->damage != NULL)
        {
          g_clear_error (&self->pending_damage);
          self->pending_damage = g_steal_pointer (&self->cur->damage);
        }
      else if (!self->cur->ok && self->cur->kind == SLOT_DATA)
        {
          g_clear_error (&self->pending_damage);
          self->pending_damage =
            g_error_new (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                         "offset %" G_GUINT64_FORMAT ": damaged log container "
                         "(%" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes inflate)",
                         self->cur->file_offset, self->cur->produced, self->cur->ulen);
        }

      _canopy_blf_slot_release (self->cur);
      self->head = (self->head + 1) % self->n_slots;
      self->n_used--;
      self->cur = NULL;
    }

  _canopy_blf_pipeline_fill (self);
  g_assert (self->n_used > 0);

  slot = &self->slots[self->head];
  _canopy_blf_pipeline_wait (self, slot);
  self->cur = slot;

  /* After a restored checkpoint: the window starts inside the container,
   * after the tail of an object that began in the one before. */
  start = MIN (self->restore_inner, slot->produced);
  self->restore_inner = 0;

  if (slot->warning != NULL)
    {
      self->skipped++;
      _canopy_log_reader_report_damage (CANOPY_LOG_READER (self),
                                        g_error_new_literal (CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                                                             slot->warning));
    }

  if (slot->kind == SLOT_END)
    {
      _canopy_log_reader_set_progress (CANOPY_LOG_READER (self), self->foffset, self->file_size);

      if (self->pending_damage != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&self->pending_damage));
          return FALSE;
        }
      if (slot->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&slot->error));
          return FALSE;
        }
      if (self->pending_bad != NULL)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CORRUPT,
                       "%s, and no further object follows", self->pending_bad);
          return FALSE;
        }
      if (self->skip_remaining > 0 ||
          (self->carry_len > 0 && !all_zero (self->carry, self->carry_len)))
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TRUNCATED,
                       "offset %" G_GUINT64_FORMAT ": the object stream ends inside an object "
                       "(inflated byte %" G_GUINT64_FORMAT ")",
                       self->foffset, self->stream_total - self->carry_len);
          return FALSE;
        }
      return FALSE;
    }

  _canopy_log_reader_set_progress (CANOPY_LOG_READER (self), slot->end_offset, self->file_size);

  if (self->pending_damage != NULL)
    {
      /* More data follows the damaged container: go on, and tell. */
      _canopy_log_reader_report_damage (CANOPY_LOG_READER (self),
                                        g_error_new (self->pending_damage->domain,
                                                     self->pending_damage->code,
                                                     "%s; continuing with the next log container",
                                                     self->pending_damage->message));
      g_clear_error (&self->pending_damage);
      self->skipped++;
      slot->discontinuity = TRUE;
    }

  if (slot->discontinuity)
    {
      self->carry_len = 0;
      self->skip_remaining = 0;
      g_clear_pointer (&self->event_object, g_byte_array_unref);
      self->quiet_scan = TRUE;
    }

  if (self->carry_len > 0)
    {
      gsize k = MIN (slot->produced - start, (gsize) BLF_MAX_ASSEMBLED_OBJECT + BLF_BASE_HEADER_SIZE);

      memcpy (self->join, self->carry, self->carry_len);
      /* An empty container has no buffer: no pointer arithmetic on it. */
      if (k > 0)
        memcpy (self->join + self->carry_len, slot->ubuf + start, k);
      self->join_carry = self->carry_len;
      self->join_base = start;
      self->buf = self->join;
      self->len = self->carry_len + k;
      self->pos = 0;
      self->in_join = TRUE;
      self->carry_len = 0;
    }
  else
    {
      self->buf = slot->ubuf;
      self->len = slot->produced;
      self->pos = start;
      self->in_join = FALSE;

      note_resume_point (self);
    }

  return TRUE;
}

gboolean
_canopy_blf_parser_next (CanopyBlfReader  *self,
                         CanopyMessage    *msg,
                         CanopyLogEvent  **event,
                         GError          **error)
{
  if (self->finished)
    return FALSE;

  for (;;)
    {
      if (self->cur != NULL && parse_window (self, msg, event))
        {
          /* Checkpoints count frames only: next() steps over events. */
          if (event == NULL || *event == NULL)
            self->resume_frames++;
          return TRUE;
        }

      if (!next_slot (self, error))
        {
          self->finished = TRUE;
          return FALSE;
        }
    }
}

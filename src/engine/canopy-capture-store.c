/* canopy-capture-store.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-capture-store.h"
#include "canopy-error.h"
#include "canopy-frame-chunks-private.h"
#include "canopy-frame-item.h"
#include "canopy-listener.h"
#include "canopy-notify-private.h"

/**
 * CanopyCaptureStore:
 *
 * The live trace: every frame a bus delivers, kept compactly and shown as a
 * [iface@Gio.ListModel] of [class@Canopy.FrameItem].
 *
 * Frames are appended from any thread — typically a [class@Canopy.Notifier]'s
 * worker, the store being a [iface@Canopy.Listener] — into fixed chunks of
 * 24-byte records; CAN FD payloads longer than 8 bytes go to a side arena of
 * their chunk. No object exists per frame: items are made when a view asks
 * for them, and [method@Canopy.CaptureStore.get_message] reads a frame
 * without making any.
 *
 * The list model changes only on the main context the store was created on,
 * in batches, at most 60 times a second: a saturated bus costs the user
 * interface a bounded number of ::items-changed emissions.
 *
 * With a [property@Canopy.CaptureStore:memory-limit] the store becomes a ring:
 * before it grows past the limit it drops its oldest chunk, and counts the
 * frames it dropped in [property@Canopy.CaptureStore:n-dropped].
 */

#define WRITE_BATCH 256
#define PUBLISH_INTERVAL_USEC (G_USEC_PER_SEC / 60)

struct _CanopyCaptureStore
{
  GObject            parent_instance;

  GMainContext      *context;
  CanopyNotifyQueue *notify;

  /* Everything below is guarded by the mutex: appends come from any thread,
   * reads from the main context or a writing thread. */
  GMutex             mutex;
  CanopyFrameChunks  frames;
  gboolean           publish_pending;

  /* The published model: frames published_first … + n_published - 1.
   * Changed only on the main context. They are pinned in memory, even when
   * the ring or clear() dropped them, until a publication has removed them
   * from the model. */
  guint64            published_first;
  guint              n_published;
  gboolean           publishing;
  gboolean           paused;
};

enum {
  PROP_0,
  PROP_MEMORY_LIMIT,
  PROP_N_DROPPED,
  PROP_N_CAPTURED,
  PROP_N_ITEMS,
  PROP_PAUSED,
  N_PROPS
};

static void list_model_iface_init (GListModelInterface *iface);
static void listener_iface_init (CanopyListenerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyCaptureStore, canopy_capture_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init)
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_LISTENER, listener_iface_init))

static GParamSpec *properties[N_PROPS];

/* Runs on the store's main context, from the notify queue, at most 60 times
 * a second: removes what the ring or clear() dropped from the front of the
 * model, then appends what arrived, in two ::items-changed emissions so a
 * view keeps its rows and scroll position. */
static void
canopy_capture_store_publish (GObject *object)
{
  CanopyCaptureStore *self = CANOPY_CAPTURE_STORE (object);
  gboolean reschedule = FALSE;
  guint old_n_items;
  guint removed;
  guint added;

  /* Called again from a handler (clear() in items-changed): next time. */
  if (self->publishing)
    {
      _canopy_notify_queue_schedule (self->notify);
      return;
    }

  g_mutex_lock (&self->mutex);
  self->publish_pending = FALSE;
  if (self->paused)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }

  old_n_items = self->n_published;
  if (self->n_published == 0)
    removed = 0;
  else
    removed = (guint) MIN (self->frames.live_first - self->published_first, self->n_published);
  self->published_first = self->frames.live_first;
  self->n_published -= removed;
  g_mutex_unlock (&self->mutex);

  self->publishing = TRUE;

  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);

  g_mutex_lock (&self->mutex);
  /* With nothing published, nothing pins frames: start from what is held. */
  if (self->n_published == 0)
    self->published_first = self->frames.live_first;
  if (self->published_first + self->n_published < self->frames.live_first)
    {
      /* The ring dropped past the end of the model meanwhile: those frames
       * are gone, so the model cannot grow contiguously. Next time. */
      added = 0;
      reschedule = TRUE;
    }
  else
    {
      added = (guint) MIN (self->frames.next_frame - (self->published_first + self->n_published),
                           (guint64) (G_MAXUINT - self->n_published));
      self->n_published += added;
    }
  _canopy_frame_chunks_pin (&self->frames, self->published_first,
                            self->published_first + self->n_published);
  g_mutex_unlock (&self->mutex);

  if (added > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), self->n_published - added, 0, added);

  self->publishing = FALSE;

  if (reschedule)
    _canopy_notify_queue_schedule (self->notify);
  if (self->n_published != old_n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
schedule_notifications (CanopyCaptureStore *self,
                        gboolean            first_since_publication,
                        gboolean            dropped)
{
  if (first_since_publication)
    _canopy_notify_queue_add (self->notify, properties[PROP_N_CAPTURED]);
  if (dropped)
    _canopy_notify_queue_add (self->notify, properties[PROP_N_DROPPED]);
}

static GType
canopy_capture_store_get_item_type (GListModel *model)
{
  return CANOPY_TYPE_FRAME_ITEM;
}

static guint
canopy_capture_store_get_n_items (GListModel *model)
{
  return CANOPY_CAPTURE_STORE (model)->n_published;
}

static gpointer
canopy_capture_store_get_item (GListModel *model,
                               guint       position)
{
  CanopyCaptureStore *self = CANOPY_CAPTURE_STORE (model);
  CanopyMessage msg;
  guint64 frame;
  gboolean found;

  g_mutex_lock (&self->mutex);
  frame = self->published_first + position;
  found = position < self->n_published && _canopy_frame_chunks_read (&self->frames, frame, &msg);
  g_mutex_unlock (&self->mutex);

  return found ? canopy_frame_item_new (&msg, frame) : NULL;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = canopy_capture_store_get_item_type;
  iface->get_n_items = canopy_capture_store_get_n_items;
  iface->get_item = canopy_capture_store_get_item;
}

static void
canopy_capture_store_on_message_received (CanopyListener      *listener,
                                          const CanopyMessage *msg)
{
  canopy_capture_store_append (CANOPY_CAPTURE_STORE (listener), msg);
}

static void
listener_iface_init (CanopyListenerInterface *iface)
{
  iface->on_message_received = canopy_capture_store_on_message_received;
}

static void
canopy_capture_store_dispose (GObject *object)
{
  CanopyCaptureStore *self = CANOPY_CAPTURE_STORE (object);

  g_clear_pointer (&self->notify, _canopy_notify_queue_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (canopy_capture_store_parent_class)->dispose (object);
}

static void
canopy_capture_store_finalize (GObject *object)
{
  CanopyCaptureStore *self = CANOPY_CAPTURE_STORE (object);

  _canopy_frame_chunks_destroy (&self->frames);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (canopy_capture_store_parent_class)->finalize (object);
}

static void
canopy_capture_store_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CanopyCaptureStore *self = CANOPY_CAPTURE_STORE (object);

  switch (prop_id)
    {
    case PROP_MEMORY_LIMIT:
      g_value_set_uint64 (value, canopy_capture_store_get_memory_limit (self));
      break;

    case PROP_N_DROPPED:
      g_value_set_uint64 (value, canopy_capture_store_get_n_dropped (self));
      break;

    case PROP_N_CAPTURED:
      g_value_set_uint64 (value, canopy_capture_store_get_n_captured (self));
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_published);
      break;

    case PROP_PAUSED:
      g_value_set_boolean (value, canopy_capture_store_get_paused (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_capture_store_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CanopyCaptureStore *self = CANOPY_CAPTURE_STORE (object);

  switch (prop_id)
    {
    case PROP_MEMORY_LIMIT:
      canopy_capture_store_set_memory_limit (self, g_value_get_uint64 (value));
      break;

    case PROP_PAUSED:
      canopy_capture_store_set_paused (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_capture_store_class_init (CanopyCaptureStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = canopy_capture_store_dispose;
  object_class->finalize = canopy_capture_store_finalize;
  object_class->get_property = canopy_capture_store_get_property;
  object_class->set_property = canopy_capture_store_set_property;

  /**
   * CanopyCaptureStore:memory-limit:
   *
   * The most memory the frames may take, in bytes; 0 for no limit. With a
   * limit the store drops its oldest chunk of frames (4096) before it
   * would grow past it; it always keeps the chunk being filled.
   *
   * Besides, chunks the list model still shows are kept until its next
   * publication, and dropped chunks are kept for reuse, up to the limit's
   * worth: a ring holds at most about twice its limit, and once warm it
   * allocates nothing.
   */
  properties[PROP_MEMORY_LIMIT] =
    g_param_spec_uint64 ("memory-limit", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCaptureStore:n-dropped:
   *
   * How many frames the memory limit dropped. Notified on the main context.
   */
  properties[PROP_N_DROPPED] =
    g_param_spec_uint64 ("n-dropped", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCaptureStore:n-captured:
   *
   * How many frames were ever appended, including dropped and cleared
   * ones (and while paused). Notified on the main context, at most 60
   * times a second.
   */
  properties[PROP_N_CAPTURED] =
    g_param_spec_uint64 ("n-captured", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCaptureStore:n-items:
   *
   * The number of items of the list model, notified after ::items-changed.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyCaptureStore:paused:
   *
   * Whether the list model is frozen. Frames are still captured (and
   * counted, and dropped by the memory limit) while paused; the model
   * catches up when unpaused.
   */
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_capture_store_init (CanopyCaptureStore *self)
{
  g_mutex_init (&self->mutex);
  _canopy_frame_chunks_init (&self->frames);
  self->context = g_main_context_ref_thread_default ();
  self->notify = _canopy_notify_queue_new (G_OBJECT (self), self->context,
                                           PUBLISH_INTERVAL_USEC,
                                           canopy_capture_store_publish);
}

/**
 * canopy_capture_store_new:
 *
 * Creates an empty store. Its list model changes on the thread-default
 * main context of the caller.
 *
 * Returns: (transfer full): a new #CanopyCaptureStore
 */
CanopyCaptureStore *
canopy_capture_store_new (void)
{
  return g_object_new (CANOPY_TYPE_CAPTURE_STORE, NULL);
}

/**
 * canopy_capture_store_append:
 * @self: a #CanopyCaptureStore
 * @msg: the frame (copied)
 *
 * Appends a frame. Safe from any thread; allocates only when a chunk of
 * 4096 frames fills and no spare one is left (never, in a ring).
 */
void
canopy_capture_store_append (CanopyCaptureStore  *self,
                             const CanopyMessage *msg)
{
  g_return_if_fail (CANOPY_IS_CAPTURE_STORE (self));
  g_return_if_fail (msg != NULL);

  canopy_capture_store_append_many (self, msg, 1);
}

/**
 * canopy_capture_store_append_many:
 * @self: a #CanopyCaptureStore
 * @msgs: (array length=n_msgs): the frames (copied)
 * @n_msgs: the number of frames
 *
 * Appends frames under one lock. Safe from any thread.
 */
void
canopy_capture_store_append_many (CanopyCaptureStore  *self,
                                  const CanopyMessage *msgs,
                                  guint                n_msgs)
{
  gboolean first_since_publication;
  gboolean dropped = FALSE;

  g_return_if_fail (CANOPY_IS_CAPTURE_STORE (self));
  g_return_if_fail (msgs != NULL || n_msgs == 0);

  if (n_msgs == 0)
    return;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < n_msgs; i++)
    dropped |= _canopy_frame_chunks_append (&self->frames, &msgs[i]);
  first_since_publication = !self->publish_pending;
  self->publish_pending = TRUE;
  g_mutex_unlock (&self->mutex);

  schedule_notifications (self, first_since_publication, dropped);
}

/**
 * canopy_capture_store_get_message:
 * @self: a #CanopyCaptureStore
 * @position: a position in the list model
 * @msg: (out caller-allocates): where to copy the frame
 *
 * Reads the frame at @position of the list model without making an item.
 *
 * Returns: %TRUE if @position is in the model
 */
gboolean
canopy_capture_store_get_message (CanopyCaptureStore *self,
                                  guint               position,
                                  CanopyMessage      *msg)
{
  gboolean found;

  g_return_val_if_fail (CANOPY_IS_CAPTURE_STORE (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);

  g_mutex_lock (&self->mutex);
  found = position < self->n_published &&
          _canopy_frame_chunks_read (&self->frames, self->published_first + position, msg);
  g_mutex_unlock (&self->mutex);

  return found;
}

/**
 * canopy_capture_store_get_first_frame:
 * @self: a #CanopyCaptureStore
 *
 * The frame number of the model's first item: the
 * [property@Canopy.FrameItem:position] of item 0, which grows when the
 * ring drops frames or the store is cleared.
 *
 * Returns: the frame number of item 0
 */
guint64
canopy_capture_store_get_first_frame (CanopyCaptureStore *self)
{
  guint64 first;

  g_return_val_if_fail (CANOPY_IS_CAPTURE_STORE (self), 0);

  g_mutex_lock (&self->mutex);
  first = self->published_first;
  g_mutex_unlock (&self->mutex);

  return first;
}

/**
 * canopy_capture_store_clear:
 * @self: a #CanopyCaptureStore
 *
 * Drops every frame. Called on the store's main context, the model empties
 * at once; from another thread, at the next publication. Frame numbers and
 * [property@Canopy.CaptureStore:n-captured] keep counting.
 */
void
canopy_capture_store_clear (CanopyCaptureStore *self)
{
  g_return_if_fail (CANOPY_IS_CAPTURE_STORE (self));

  g_mutex_lock (&self->mutex);
  _canopy_frame_chunks_drop_all (&self->frames);
  self->publish_pending = TRUE;
  g_mutex_unlock (&self->mutex);

  if (g_main_context_is_owner (self->context))
    canopy_capture_store_publish (G_OBJECT (self));
  else
    _canopy_notify_queue_schedule (self->notify);
}

/**
 * canopy_capture_store_set_memory_limit:
 * @self: a #CanopyCaptureStore
 * @bytes: the limit in bytes, or 0 for none
 *
 * Sets [property@Canopy.CaptureStore:memory-limit]; a store already above
 * the new limit drops its oldest chunks at once.
 */
void
canopy_capture_store_set_memory_limit (CanopyCaptureStore *self,
                                       guint64             bytes)
{
  gboolean changed;
  gboolean dropped = FALSE;

  g_return_if_fail (CANOPY_IS_CAPTURE_STORE (self));

  g_mutex_lock (&self->mutex);
  changed = self->frames.memory_limit != bytes;
  if (changed)
    dropped = _canopy_frame_chunks_set_memory_limit (&self->frames, bytes);
  g_mutex_unlock (&self->mutex);

  if (dropped)
    {
      _canopy_notify_queue_add (self->notify, properties[PROP_N_DROPPED]);
      _canopy_notify_queue_schedule (self->notify);
    }
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY_LIMIT]);
}

/**
 * canopy_capture_store_get_memory_limit:
 * @self: a #CanopyCaptureStore
 *
 * Returns: the memory limit in bytes, 0 for none
 */
guint64
canopy_capture_store_get_memory_limit (CanopyCaptureStore *self)
{
  guint64 limit;

  g_return_val_if_fail (CANOPY_IS_CAPTURE_STORE (self), 0);

  g_mutex_lock (&self->mutex);
  limit = self->frames.memory_limit;
  g_mutex_unlock (&self->mutex);

  return limit;
}

/**
 * canopy_capture_store_get_memory_used:
 * @self: a #CanopyCaptureStore
 *
 * The memory the store's frames take, in bytes: the chunks of records with
 * their CAN FD arenas. Under a memory limit this may exceed the limit by
 * the frames the list model still shows until its next publication (at
 * most one limit's worth, while the model is paused). Chunks kept empty
 * for reuse are not counted.
 *
 * Returns: bytes in use
 */
guint64
canopy_capture_store_get_memory_used (CanopyCaptureStore *self)
{
  guint64 used;

  g_return_val_if_fail (CANOPY_IS_CAPTURE_STORE (self), 0);

  g_mutex_lock (&self->mutex);
  used = _canopy_frame_chunks_get_memory_held (&self->frames);
  g_mutex_unlock (&self->mutex);

  return used;
}

/**
 * canopy_capture_store_get_n_dropped:
 * @self: a #CanopyCaptureStore
 *
 * Returns: how many frames the memory limit dropped
 */
guint64
canopy_capture_store_get_n_dropped (CanopyCaptureStore *self)
{
  guint64 n;

  g_return_val_if_fail (CANOPY_IS_CAPTURE_STORE (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->frames.n_dropped;
  g_mutex_unlock (&self->mutex);

  return n;
}

/**
 * canopy_capture_store_get_n_captured:
 * @self: a #CanopyCaptureStore
 *
 * Returns: how many frames were ever appended
 */
guint64
canopy_capture_store_get_n_captured (CanopyCaptureStore *self)
{
  guint64 n;

  g_return_val_if_fail (CANOPY_IS_CAPTURE_STORE (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->frames.next_frame;
  g_mutex_unlock (&self->mutex);

  return n;
}

/**
 * canopy_capture_store_set_paused:
 * @self: a #CanopyCaptureStore
 * @paused: whether to freeze the list model
 *
 * Freezes the list model (no ::items-changed, the same items) while frames
 * go on being captured; unpausing publishes what arrived. Call it on the
 * store's main context.
 */
void
canopy_capture_store_set_paused (CanopyCaptureStore *self,
                                 gboolean            paused)
{
  g_return_if_fail (CANOPY_IS_CAPTURE_STORE (self));

  /* Only the main context reads it (publications run there). */
  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;

  if (!paused)
    _canopy_notify_queue_schedule (self->notify);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

/**
 * canopy_capture_store_get_paused:
 * @self: a #CanopyCaptureStore
 *
 * Returns: whether the list model is frozen
 */
gboolean
canopy_capture_store_get_paused (CanopyCaptureStore *self)
{
  g_return_val_if_fail (CANOPY_IS_CAPTURE_STORE (self), FALSE);

  return self->paused;
}

/**
 * canopy_capture_store_write:
 * @self: a #CanopyCaptureStore
 * @writer: where to write
 * @position: the first position of the list model to write
 * @n_items: how many items; clamped to the end of the model, so %G_MAXUINT
 *   writes everything from @position on
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes frames of the list model, as it is when called, through @writer,
 * which stays open. The store is locked only while copying batches of
 * frames, so capturing goes on; called from a thread other than the
 * store's main context, frames the ring drops meanwhile are an error.
 *
 * Returns: %TRUE if every frame was written
 */
gboolean
canopy_capture_store_write (CanopyCaptureStore  *self,
                            CanopyLogWriter     *writer,
                            guint                position,
                            guint                n_items,
                            GCancellable        *cancellable,
                            GError             **error)
{
  g_autofree CanopyMessage *batch = NULL;
  guint64 first;
  guint64 done = 0;

  g_return_val_if_fail (CANOPY_IS_CAPTURE_STORE (self), FALSE);
  g_return_val_if_fail (CANOPY_IS_LOG_WRITER (writer), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->mutex);
  first = self->published_first + position;
  if (position > self->n_published)
    {
      guint n_published = self->n_published;

      g_mutex_unlock (&self->mutex);
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Position %u is past the end of the capture (%u frames)",
                   position, n_published);
      return FALSE;
    }
  n_items = MIN (n_items, self->n_published - position);
  g_mutex_unlock (&self->mutex);

  batch = g_new (CanopyMessage, MIN (n_items, WRITE_BATCH));

  while (done < n_items)
    {
      guint n = (guint) MIN (n_items - done, WRITE_BATCH);
      gboolean present = TRUE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      g_mutex_lock (&self->mutex);
      for (guint i = 0; i < n && present; i++)
        present = _canopy_frame_chunks_read (&self->frames, first + done + i, &batch[i]);
      g_mutex_unlock (&self->mutex);

      if (!present)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_FAILED,
                       "Frame %" G_GUINT64_FORMAT " was dropped by the memory limit "
                       "before it could be written",
                       first + done);
          return FALSE;
        }

      for (guint i = 0; i < n; i++)
        if (!canopy_log_writer_write (writer, &batch[i], error))
          return FALSE;

      done += n;
    }

  return TRUE;
}

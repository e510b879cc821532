/* canopy-id-table.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-id-table.h"
#include "canopy-listener.h"
#include "canopy-id-row-private.h"
#include "canopy-notify-private.h"

/**
 * CanopyIdTable:
 *
 * The per-identifier view of traffic, as can-utils' `cansniffer` shows it:
 * a [iface@Gio.ListModel] of [class@Canopy.IdRow], one per (channel,
 * identifier, extended), in the order they were first seen.
 *
 * Feed it frames from any thread — as a [iface@Canopy.Listener] of a
 * [class@Canopy.Notifier] next to a [class@Canopy.CaptureStore], or with
 * [method@Canopy.IdTable.feed] from a log file or a store. Each frame costs
 * one hashed lookup and allocates nothing once its identifier is known.
 *
 * The model changes on the main context the table was created on, at most
 * 60 times a second: new identifiers are appended with ::items-changed;
 * rows already shown change in place and notify their properties.
 */

#define PUBLISH_INTERVAL_USEC (G_USEC_PER_SEC / 60)
#define INITIAL_SLOTS 256
/* About 300 bytes an identifier (its entry and its row): 20 MiB. A CAN bus
 * has a few hundred; a log of random extended ids may have millions. */
#define DEFAULT_MAX_IDS 65536

typedef struct
{
  guint64       key;
  gboolean      dirty;
  CanopyIdState state;
} IdEntry;

typedef struct
{
  guint         index;
  CanopyIdState state;
} RowUpdate;

struct _CanopyIdTable
{
  GObject            parent_instance;

  GMainContext      *context;
  CanopyNotifyQueue *notify;

  /* Guarded by the mutex, written by the feeding threads. */
  GMutex             mutex;
  GArray            *entries;      /* IdEntry, in first-seen order */
  guint             *slots;        /* open addressing: entry index + 1, 0 = free */
  guint              n_slots;      /* a power of two, at least twice the entries */
  GArray            *dirty;        /* guint: entries changed since the last publication */
  guint64            n_frames;
  guint64            n_untracked;  /* frames of ids beyond max_ids */
  guint              max_ids;
  gboolean           cleared;
  gboolean           publish_pending;

  /* The main context's. */
  GPtrArray         *rows;         /* CanopyIdRow, the model */
  GArray            *updates;      /* RowUpdate, reused by each publication */
  gboolean           publishing;
  gboolean           paused;
};

enum {
  PROP_0,
  PROP_N_ITEMS,
  PROP_N_FRAMES,
  PROP_N_UNTRACKED,
  PROP_MAX_IDS,
  PROP_PAUSED,
  N_PROPS
};

static void list_model_iface_init (GListModelInterface *iface);
static void listener_iface_init (CanopyListenerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyIdTable, canopy_id_table, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init)
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_LISTENER, listener_iface_init))

static GParamSpec *properties[N_PROPS];

static guint64
entry_key (const CanopyMessage *msg)
{
  return ((guint64) (guint16) msg->channel << 32) |
         ((msg->flags & CANOPY_MESSAGE_EXTENDED) ? G_GUINT64_CONSTANT (1) << 31 : 0) |
         (msg->arbitration_id & 0x7FFFFFFF);
}

static guint
slot_of (guint64 key,
         guint   n_slots)
{
  /* Fibonacci hashing: spreads the small, clustered ids of a bus. */
  return (guint) ((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32) & (n_slots - 1);
}

static void
grow_slots_locked (CanopyIdTable *self)
{
  guint n_slots = MAX (self->n_slots * 2, INITIAL_SLOTS);

  g_free (self->slots);
  self->slots = g_new0 (guint, n_slots);
  self->n_slots = n_slots;

  for (guint i = 0; i < self->entries->len; i++)
    {
      guint slot = slot_of (g_array_index (self->entries, IdEntry, i).key, n_slots);

      while (self->slots[slot] != 0)
        slot = (slot + 1) & (n_slots - 1);
      self->slots[slot] = i + 1;
    }
}

static void
feed_locked (CanopyIdTable       *self,
             const CanopyMessage *msg)
{
  guint64 key = entry_key (msg);
  guint slot = slot_of (key, self->n_slots);
  IdEntry *entry;
  guint index;

  while (self->slots[slot] != 0)
    {
      index = self->slots[slot] - 1;
      entry = &g_array_index (self->entries, IdEntry, index);
      if (entry->key == key)
        {
          _canopy_id_state_update (&entry->state, msg);
          goto changed;
        }
      slot = (slot + 1) & (self->n_slots - 1);
    }

  if (self->entries->len >= self->max_ids)
    {
      self->n_untracked++;
      return;
    }

  /* A new identifier: the only allocation, amortised. */
  index = self->entries->len;
  g_array_set_size (self->entries, index + 1);
  entry = &g_array_index (self->entries, IdEntry, index);
  entry->key = key;
  entry->dirty = FALSE;
  _canopy_id_state_init (&entry->state, msg);
  self->slots[slot] = index + 1;
  if (self->entries->len * 2 > self->n_slots)
    grow_slots_locked (self);

changed:
  if (!entry->dirty)
    {
      entry->dirty = TRUE;
      g_array_append_val (self->dirty, index);
    }
}

/* On the main context, from the notify queue, at most 60 times a second. */
static void
canopy_id_table_publish (GObject *object)
{
  CanopyIdTable *self = CANOPY_ID_TABLE (object);
  guint n_removed = 0;
  guint n_old;
  guint n_rows;
  gboolean cleared;

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

  cleared = self->cleared;
  self->cleared = FALSE;
  if (cleared)
    {
      n_removed = self->rows->len;
      g_ptr_array_set_size (self->rows, 0);
    }
  n_old = self->rows->len;

  /* Copy under the lock, notify after it: the feeding thread never waits
   * for a handler. The array keeps its size: no allocation once warm. */
  g_array_set_size (self->updates, 0);
  for (guint i = 0; i < self->dirty->len; i++)
    {
      guint index = g_array_index (self->dirty, guint, i);
      IdEntry *entry = &g_array_index (self->entries, IdEntry, index);

      entry->dirty = FALSE;
      if (index < n_old)
        {
          RowUpdate update = { index, entry->state };

          g_array_append_val (self->updates, update);
        }
    }
  g_array_set_size (self->dirty, 0);

  for (guint i = n_old; i < self->entries->len; i++)
    g_ptr_array_add (self->rows, _canopy_id_row_new (&g_array_index (self->entries, IdEntry, i).state));
  n_rows = self->rows->len;
  g_mutex_unlock (&self->mutex);

  self->publishing = TRUE;

  if (n_removed > 0 || n_rows > n_old)
    g_list_model_items_changed (G_LIST_MODEL (self), n_old, n_removed, n_rows - n_old);

  for (guint i = 0; i < self->updates->len; i++)
    {
      const RowUpdate *update = &g_array_index (self->updates, RowUpdate, i);

      _canopy_id_row_update (g_ptr_array_index (self->rows, update->index), &update->state);
    }

  self->publishing = FALSE;

  if (n_removed > 0 || n_rows > n_old)
    g_object_notify_by_pspec (object, properties[PROP_N_ITEMS]);
}

static GType
canopy_id_table_get_item_type (GListModel *model)
{
  return CANOPY_TYPE_ID_ROW;
}

static guint
canopy_id_table_get_n_items (GListModel *model)
{
  return CANOPY_ID_TABLE (model)->rows->len;
}

static gpointer
canopy_id_table_get_item (GListModel *model,
                          guint       position)
{
  CanopyIdTable *self = CANOPY_ID_TABLE (model);

  if (position >= self->rows->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->rows, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = canopy_id_table_get_item_type;
  iface->get_n_items = canopy_id_table_get_n_items;
  iface->get_item = canopy_id_table_get_item;
}

static void
canopy_id_table_on_message_received (CanopyListener      *listener,
                                     const CanopyMessage *msg)
{
  canopy_id_table_feed (CANOPY_ID_TABLE (listener), msg, 1);
}

static void
listener_iface_init (CanopyListenerInterface *iface)
{
  iface->on_message_received = canopy_id_table_on_message_received;
}

static void
canopy_id_table_dispose (GObject *object)
{
  CanopyIdTable *self = CANOPY_ID_TABLE (object);

  g_clear_pointer (&self->notify, _canopy_notify_queue_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);

  G_OBJECT_CLASS (canopy_id_table_parent_class)->dispose (object);
}

static void
canopy_id_table_finalize (GObject *object)
{
  CanopyIdTable *self = CANOPY_ID_TABLE (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->updates, g_array_unref);
  g_clear_pointer (&self->entries, g_array_unref);
  g_clear_pointer (&self->dirty, g_array_unref);
  g_clear_pointer (&self->slots, g_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (canopy_id_table_parent_class)->finalize (object);
}

static void
canopy_id_table_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CanopyIdTable *self = CANOPY_ID_TABLE (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rows->len);
      break;

    case PROP_N_FRAMES:
      g_value_set_uint64 (value, canopy_id_table_get_n_frames (self));
      break;

    case PROP_N_UNTRACKED:
      g_value_set_uint64 (value, canopy_id_table_get_n_untracked (self));
      break;

    case PROP_MAX_IDS:
      g_value_set_uint (value, canopy_id_table_get_max_ids (self));
      break;

    case PROP_PAUSED:
      g_value_set_boolean (value, canopy_id_table_get_paused (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_id_table_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CanopyIdTable *self = CANOPY_ID_TABLE (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      canopy_id_table_set_paused (self, g_value_get_boolean (value));
      break;

    case PROP_MAX_IDS:
      canopy_id_table_set_max_ids (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_id_table_class_init (CanopyIdTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = canopy_id_table_dispose;
  object_class->finalize = canopy_id_table_finalize;
  object_class->get_property = canopy_id_table_get_property;
  object_class->set_property = canopy_id_table_set_property;

  /**
   * CanopyIdTable:n-items:
   *
   * The number of rows of the model, notified after ::items-changed.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyIdTable:n-frames:
   *
   * How many frames were fed since the table was made or cleared.
   * Notified on the main context, at most 60 times a second.
   */
  properties[PROP_N_FRAMES] =
    g_param_spec_uint64 ("n-frames", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyIdTable:n-untracked:
   *
   * How many frames had an identifier beyond
   * [property@Canopy.IdTable:max-ids]: counted here, in no row. Notified
   * on the main context, at most 60 times a second.
   */
  properties[PROP_N_UNTRACKED] =
    g_param_spec_uint64 ("n-untracked", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyIdTable:max-ids:
   *
   * The most identifiers the table keeps rows for, so that a log or a bus
   * with millions of distinct ids cannot exhaust memory; frames of further
   * ids are counted in [property@Canopy.IdTable:n-untracked]. Lowering it
   * does not remove rows.
   */
  properties[PROP_MAX_IDS] =
    g_param_spec_uint ("max-ids", NULL, NULL,
                       1, G_MAXUINT / 2, DEFAULT_MAX_IDS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyIdTable:paused:
   *
   * Whether the model is frozen: frames are still counted, rows neither
   * appear nor change until it is unpaused.
   */
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_id_table_init (CanopyIdTable *self)
{
  g_mutex_init (&self->mutex);
  self->entries = g_array_new (FALSE, FALSE, sizeof (IdEntry));
  self->dirty = g_array_new (FALSE, FALSE, sizeof (guint));
  self->updates = g_array_new (FALSE, FALSE, sizeof (RowUpdate));
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_ids = DEFAULT_MAX_IDS;
  grow_slots_locked (self);
  self->context = g_main_context_ref_thread_default ();
  self->notify = _canopy_notify_queue_new (G_OBJECT (self), self->context,
                                           PUBLISH_INTERVAL_USEC,
                                           canopy_id_table_publish);
}

/**
 * canopy_id_table_new:
 *
 * Creates an empty table. Its model changes on the thread-default main
 * context of the caller.
 *
 * Returns: (transfer full): a new #CanopyIdTable
 */
CanopyIdTable *
canopy_id_table_new (void)
{
  return g_object_new (CANOPY_TYPE_ID_TABLE, NULL);
}

/**
 * canopy_id_table_feed:
 * @self: a #CanopyIdTable
 * @msgs: (array length=n_msgs): frames, in time order
 * @n_msgs: the number of frames
 *
 * Counts frames into their rows. Safe from any thread; the model shows
 * them at its next publication.
 */
void
canopy_id_table_feed (CanopyIdTable       *self,
                      const CanopyMessage *msgs,
                      guint                n_msgs)
{
  gboolean first_since_publication;
  guint64 n_untracked;

  g_return_if_fail (CANOPY_IS_ID_TABLE (self));
  g_return_if_fail (msgs != NULL || n_msgs == 0);

  if (n_msgs == 0)
    return;

  g_mutex_lock (&self->mutex);

  for (guint i = 0; i < n_msgs; i++)
    feed_locked (self, &msgs[i]);
  self->n_frames += n_msgs;
  first_since_publication = !self->publish_pending;
  self->publish_pending = TRUE;
  n_untracked = self->n_untracked;
  g_mutex_unlock (&self->mutex);

  if (first_since_publication)
    {
      _canopy_notify_queue_add (self->notify, properties[PROP_N_FRAMES]);
      if (n_untracked > 0)
        _canopy_notify_queue_add (self->notify, properties[PROP_N_UNTRACKED]);
    }
}

/**
 * canopy_id_table_clear:
 * @self: a #CanopyIdTable
 *
 * Forgets every identifier. Called on the table's main context, the model
 * empties at once; from another thread, at the next publication.
 */
void
canopy_id_table_clear (CanopyIdTable *self)
{
  g_return_if_fail (CANOPY_IS_ID_TABLE (self));

  g_mutex_lock (&self->mutex);
  g_array_set_size (self->entries, 0);
  g_array_set_size (self->dirty, 0);
  memset (self->slots, 0, self->n_slots * sizeof (guint));
  self->n_frames = 0;
  self->n_untracked = 0;
  self->cleared = TRUE;
  self->publish_pending = TRUE;
  g_mutex_unlock (&self->mutex);

  if (g_main_context_is_owner (self->context))
    canopy_id_table_publish (G_OBJECT (self));
  else
    _canopy_notify_queue_schedule (self->notify);
  _canopy_notify_queue_add (self->notify, properties[PROP_N_FRAMES]);
  _canopy_notify_queue_add (self->notify, properties[PROP_N_UNTRACKED]);
}

/**
 * canopy_id_table_set_paused:
 * @self: a #CanopyIdTable
 * @paused: whether to freeze the model
 *
 * Freezes the model (no new rows, no row changes) while frames go on being
 * counted; unpausing publishes the current state. Call it on the table's
 * main context.
 */
void
canopy_id_table_set_paused (CanopyIdTable *self,
                            gboolean       paused)
{
  g_return_if_fail (CANOPY_IS_ID_TABLE (self));

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
 * canopy_id_table_get_paused:
 * @self: a #CanopyIdTable
 *
 * Returns: whether the model is frozen
 */
gboolean
canopy_id_table_get_paused (CanopyIdTable *self)
{
  g_return_val_if_fail (CANOPY_IS_ID_TABLE (self), FALSE);

  return self->paused;
}

/**
 * canopy_id_table_get_n_frames:
 * @self: a #CanopyIdTable
 *
 * Returns: how many frames were fed since the table was made or cleared
 */
guint64
canopy_id_table_get_n_frames (CanopyIdTable *self)
{
  guint64 n;

  g_return_val_if_fail (CANOPY_IS_ID_TABLE (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->n_frames;
  g_mutex_unlock (&self->mutex);

  return n;
}

/**
 * canopy_id_table_get_n_untracked:
 * @self: a #CanopyIdTable
 *
 * Returns: how many frames had an identifier beyond
 *   [property@Canopy.IdTable:max-ids] since the table was made or cleared
 */
guint64
canopy_id_table_get_n_untracked (CanopyIdTable *self)
{
  guint64 n;

  g_return_val_if_fail (CANOPY_IS_ID_TABLE (self), 0);

  g_mutex_lock (&self->mutex);
  n = self->n_untracked;
  g_mutex_unlock (&self->mutex);

  return n;
}

/**
 * canopy_id_table_set_max_ids:
 * @self: a #CanopyIdTable
 * @max_ids: the most identifiers to keep rows for, at least 1
 *
 * Sets [property@Canopy.IdTable:max-ids].
 */
void
canopy_id_table_set_max_ids (CanopyIdTable *self,
                             guint          max_ids)
{
  gboolean changed;

  g_return_if_fail (CANOPY_IS_ID_TABLE (self));
  g_return_if_fail (max_ids >= 1 && max_ids <= G_MAXUINT / 2);

  g_mutex_lock (&self->mutex);
  changed = self->max_ids != max_ids;
  self->max_ids = max_ids;
  g_mutex_unlock (&self->mutex);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_IDS]);
}

/**
 * canopy_id_table_get_max_ids:
 * @self: a #CanopyIdTable
 *
 * Returns: the most identifiers the table keeps rows for
 */
guint
canopy_id_table_get_max_ids (CanopyIdTable *self)
{
  guint max_ids;

  g_return_val_if_fail (CANOPY_IS_ID_TABLE (self), 0);

  g_mutex_lock (&self->mutex);
  max_ids = self->max_ids;
  g_mutex_unlock (&self->mutex);

  return max_ids;
}

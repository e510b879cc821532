/* canopy-log-document.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "canopy-error.h"
#include "canopy-frame-item.h"
#include "canopy-log-document.h"
#include "canopy-log-document-private.h"
#include "canopy-log-reader-private.h"
#include "canopy-notify-private.h"

/**
 * CanopyLogDocument:
 *
 * A log file opened for random access: a [iface@Gio.ListModel] of
 * [class@Canopy.FrameItem] for a view, and
 * canopy_log_document_get_message() for code that wants frames without
 * objects.
 *
 * canopy_log_document_load_async() reads the file once on a worker thread,
 * the way Sysprof loads a capture: it keeps a checkpoint of the reader
 * every few thousand frames (for BLF one per log container: its file
 * offset, where its first whole object starts and the frame number and time
 * of that object, as Wireshark indexes BLF; for text formats the byte
 * offset of a line and the state the format carries; for SQLite a rowid)
 * and makes a [struct@Canopy.LogSummary] on the way. No frame is kept: the
 * index costs well under a byte per frame. Rows appear while the load goes
 * on, in batches of ::items-changed on the main context, at most
 * about 30 times a second; `progress`, `n-items`, `loaded` and `error`
 * notify there too.
 *
 * Random access goes back to the nearest checkpoint at or before the frame
 * and reads forward from there, with a few open readers kept as a small
 * least-recently-used cache (each holds the container or text buffer it
 * read last), so sequential access costs what streaming costs. A gzipped
 * text log cannot seek: going back inflates from the nearest access point
 * the reader keeps (one per 4 MiB of text), a few milliseconds.
 *
 * A damaged or truncated file keeps every frame before the damage; the
 * damage, with its byte offset, is the [property@Canopy.LogDocument:error]
 * property, and loading still finishes.
 */

/* Frames between two checkpoints. For BLF the loader waits for the next
 * log container, where going back costs one inflate. */
#define INDEX_INTERVAL       1024
/* The loader publishes its progress every this many frames, and once
 * early so that the first rows show at once. */
#define PUBLISH_INTERVAL     8192
#define FIRST_PUBLISH        128
/* Frames the loader takes from the reader at a time. A checkpoint is taken
 * between two batches. */
#define BATCH                64
#define NOTIFY_INTERVAL_USEC (G_USEC_PER_SEC / 30)

enum {
  PROP_0,
  PROP_FILE,
  PROP_LOADED,
  PROP_PROGRESS,
  PROP_N_ITEMS,
  PROP_ERROR,
  N_PROPS
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyLogDocument, canopy_log_document, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GParamSpec *properties[N_PROPS];

/* GListModel */

static GType
canopy_log_document_get_item_type (GListModel *model)
{
  return CANOPY_TYPE_FRAME_ITEM;
}

static guint
canopy_log_document_list_get_n_items (GListModel *model)
{
  return CANOPY_LOG_DOCUMENT (model)->n_items;
}

static gpointer
canopy_log_document_get_item (GListModel *model,
                              guint       position)
{
  CanopyLogDocument *self = CANOPY_LOG_DOCUMENT (model);
  CanopyMessage msg;

  if (position >= self->n_items)
    return NULL;

  /* The file changed or went away under us: an empty row would lie. */
  if (!canopy_log_document_get_message (self, position, &msg, NULL))
    return NULL;

  return canopy_frame_item_new (&msg, position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = canopy_log_document_get_item_type;
  iface->get_n_items = canopy_log_document_list_get_n_items;
  iface->get_item = canopy_log_document_get_item;
}
/* Loading */

typedef struct
{
  guint generation;
} LoadData;

/* Runs on the main context: grows the model by what the loader read. */
static void
publish_items (GObject *object)
{
  CanopyLogDocument *self = CANOPY_LOG_DOCUMENT (object);
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->n_indexed;
  g_mutex_unlock (&self->mutex);

  if (n > self->n_items)
    {
      guint old = self->n_items;

      self->n_items = n;
      g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n - old);
    }
}

/* Loader thread: make what was read so far visible. */
static void
publish_progress (CanopyLogDocument *self,
                  guint              generation,
                  CanopyLogReader   *reader,
                  guint              n_frames)
{
  g_mutex_lock (&self->mutex);
  if (self->generation == generation)
    {
      self->n_indexed = n_frames;
      self->progress = canopy_log_reader_get_fraction (reader);
    }
  g_mutex_unlock (&self->mutex);

  _canopy_notify_queue_add (self->notify, properties[PROP_N_ITEMS]);
  _canopy_notify_queue_add (self->notify, properties[PROP_PROGRESS]);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CanopyLogDocument *self = source_object;
  LoadData *data = task_data;
  g_autoptr(CanopyLogReader) reader = NULL;
  g_autoptr(CanopyLogSummary) summary = canopy_log_summary_new ();
  g_autoptr(GError) error = NULL;
  CanopyLogReaderCheckpoint checkpoint;
  DocumentIndexEntry last = { { 0 }, 0, 0 };
  gboolean have_entry = FALSE;
  gboolean pending = FALSE;
  CanopyMessage batch[BATCH];
  guint n = 0;

  if (!(reader = canopy_log_reader_new_for_gfile (self->file, cancellable, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (;;)
    {
      guint got;

      /* A checkpoint before the frame it names. For BLF the reader's
       * checkpoint only moves at a new log container: wait for that. */
      if (!have_entry || n - last.first_frame >= INDEX_INTERVAL)
        {
          if (!_canopy_log_reader_save_checkpoint (reader, &checkpoint))
            {
              if (!have_entry)
                {
                  g_task_return_new_error (task, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                                           "The %s reader cannot go back to an earlier frame",
                                           canopy_log_reader_get_format (reader));
                  return;
                }
            }
          else if (!have_entry || checkpoint.offset != last.checkpoint.offset ||
                   checkpoint.line == 0)
            pending = TRUE;
        }

      if (G_UNLIKELY (n > G_MAXUINT - BATCH))
        {
          /* Positions are guint, as in GListModel. */
          g_set_error (&error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                       "The log has more than %u frames: the rest is not shown", n);
          break;
        }

      got = _canopy_log_reader_next_batch (reader, batch, BATCH, &error);
      if (got == 0)
        break;

      if (pending)
        {
          last.checkpoint = checkpoint;
          last.first_frame = n;
          last.first_time_ns = batch[0].timestamp_ns;
          have_entry = TRUE;
          pending = FALSE;

          g_mutex_lock (&self->mutex);
          if (self->generation == data->generation)
            g_array_append_val (self->index, last);
          g_mutex_unlock (&self->mutex);
        }

      for (guint i = 0; i < got; i++)
        canopy_log_summary_add (summary, &batch[i]);

      if (G_UNLIKELY ((n + got) / PUBLISH_INTERVAL != n / PUBLISH_INTERVAL ||
                      (n < FIRST_PUBLISH && n + got >= FIRST_PUBLISH)))
        publish_progress (self, data->generation, reader, n + got);
      n += got;

      if (got < BATCH)
        break;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  publish_progress (self, data->generation, reader, n);

  g_mutex_lock (&self->mutex);
  if (self->generation == data->generation)
    {
      /* Damage: the frames before it stay, the load is done. */
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
      g_clear_pointer (&self->summary, canopy_log_summary_unref);
      self->summary = g_steal_pointer (&summary);
      self->n_skipped = canopy_log_reader_get_n_skipped (reader);
      g_strfreev (self->skip_reasons);
      self->skip_reasons = g_strdupv ((char **) canopy_log_reader_get_skip_reasons (reader));
      self->progress = 1.0;
    }
  g_mutex_unlock (&self->mutex);

  g_task_return_boolean (task, TRUE);
}

static void
load_thread_done (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CanopyLogDocument *self = CANOPY_LOG_DOCUMENT (source_object);
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  self->loading = FALSE;

  /* The caller's callback sees every row. */
  publish_items (G_OBJECT (self));

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  self->loaded = TRUE;
  _canopy_notify_queue_add_urgent (self->notify, properties[PROP_N_ITEMS]);
  _canopy_notify_queue_add_urgent (self->notify, properties[PROP_PROGRESS]);
  _canopy_notify_queue_add_urgent (self->notify, properties[PROP_ERROR]);
  _canopy_notify_queue_add_urgent (self->notify, properties[PROP_LOADED]);

  g_task_return_boolean (task, TRUE);
}

/* Forget a previous (or cancelled) load. Main context. */
static guint
reset (CanopyLogDocument *self)
{
  guint generation;
  gboolean had_error;

  _canopy_log_document_close_cursors (self);

  g_mutex_lock (&self->mutex);
  generation = ++self->generation;
  g_array_set_size (self->index, 0);
  self->n_indexed = 0;
  self->progress = 0.0;
  had_error = self->error != NULL;
  g_clear_error (&self->error);
  g_clear_pointer (&self->summary, canopy_log_summary_unref);
  g_clear_pointer (&self->skip_reasons, g_strfreev);
  self->n_skipped = 0;
  g_mutex_unlock (&self->mutex);

  if (self->n_items > 0)
    {
      guint old = self->n_items;

      self->n_items = 0;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old, 0);
      _canopy_notify_queue_add (self->notify, properties[PROP_N_ITEMS]);
    }
  if (self->loaded)
    {
      self->loaded = FALSE;
      _canopy_notify_queue_add (self->notify, properties[PROP_LOADED]);
    }
  if (had_error)
    _canopy_notify_queue_add (self->notify, properties[PROP_ERROR]);
  _canopy_notify_queue_add (self->notify, properties[PROP_PROGRESS]);

  return generation;
}

/* GObject */

static void
canopy_log_document_dispose (GObject *object)
{
  CanopyLogDocument *self = CANOPY_LOG_DOCUMENT (object);

  /* A running load holds a reference: no loader thread is left here. */
  g_clear_pointer (&self->notify, _canopy_notify_queue_free);
  _canopy_log_document_close_cursors (self);

  G_OBJECT_CLASS (canopy_log_document_parent_class)->dispose (object);
}

static void
canopy_log_document_finalize (GObject *object)
{
  CanopyLogDocument *self = CANOPY_LOG_DOCUMENT (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->index, g_array_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->summary, canopy_log_summary_unref);
  g_clear_pointer (&self->skip_reasons, g_strfreev);
  g_mutex_clear (&self->mutex);
  g_mutex_clear (&self->cursor_mutex);

  G_OBJECT_CLASS (canopy_log_document_parent_class)->finalize (object);
}

static void
canopy_log_document_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CanopyLogDocument *self = CANOPY_LOG_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, canopy_log_document_get_file (self));
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, canopy_log_document_get_loaded (self));
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, canopy_log_document_get_progress (self));
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, canopy_log_document_get_n_items (self));
      break;

    case PROP_ERROR:
      g_value_set_boxed (value, canopy_log_document_get_error (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_log_document_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CanopyLogDocument *self = CANOPY_LOG_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_log_document_class_init (CanopyLogDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = canopy_log_document_dispose;
  object_class->finalize = canopy_log_document_finalize;
  object_class->get_property = canopy_log_document_get_property;
  object_class->set_property = canopy_log_document_set_property;

  /**
   * CanopyLogDocument:file:
   *
   * The log file.
   */
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogDocument:loaded:
   *
   * Whether the whole file was indexed (up to its damage, if any).
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogDocument:progress:
   *
   * The part of the file indexed so far, from 0 to 1.
   */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL,
                         0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogDocument:n-items:
   *
   * The frames in the model so far.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogDocument:error:
   *
   * The damage that ended the file early (its message names the byte or
   * line offset), or %NULL. The frames before it are in the model.
   */
  properties[PROP_ERROR] =
    g_param_spec_boxed ("error", NULL, NULL,
                        G_TYPE_ERROR,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_log_document_init (CanopyLogDocument *self)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  g_mutex_init (&self->mutex);
  g_mutex_init (&self->cursor_mutex);
  self->index = g_array_new (FALSE, FALSE, sizeof (DocumentIndexEntry));
  self->notify = _canopy_notify_queue_new (G_OBJECT (self), context,
                                           NOTIFY_INTERVAL_USEC, publish_items);
}

/**
 * canopy_log_document_new:
 * @file: a log file in any format Canopy reads
 *
 * Creates a document for @file; nothing is read before
 * canopy_log_document_load_async(). Signals and notifications are emitted
 * on the thread-default main context of the caller.
 *
 * Returns: (transfer full): a new document
 */
CanopyLogDocument *
canopy_log_document_new (GFile *file)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return g_object_new (CANOPY_TYPE_LOG_DOCUMENT, "file", file, NULL);
}

/**
 * canopy_log_document_load_async:
 * @self: a log document
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the file is indexed
 * @user_data: data for @callback
 *
 * Reads the file once on a worker thread. Rows appear in the model while
 * this goes on. Loading again (after a cancelled or finished load) starts
 * over: the model empties first. The load holds a reference on @self
 * until it ends: cancel @cancellable to stop it early.
 */
void
canopy_log_document_load_async (CanopyLogDocument   *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;
  LoadData *data;

  g_return_if_fail (CANOPY_IS_LOG_DOCUMENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, canopy_log_document_load_async);

  if (self->loading)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The document is being loaded already");
      return;
    }

  data = g_new0 (LoadData, 1);
  data->generation = reset (self);
  self->loading = TRUE;

  inner = g_task_new (self, cancellable, load_thread_done, g_steal_pointer (&task));
  g_task_set_source_tag (inner, load_thread);
  g_task_set_task_data (inner, data, g_free);
  g_task_run_in_thread (inner, load_thread);
}

/**
 * canopy_log_document_load_finish:
 * @self: a log document
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * A damaged file loads: the damage is [property@Canopy.LogDocument:error].
 *
 * Returns: %TRUE when the file was indexed; %FALSE when it could not be
 *   opened or the load was cancelled
 */
gboolean
canopy_log_document_load_finish (CanopyLogDocument  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (CANOPY_IS_LOG_DOCUMENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
/**
 * canopy_log_document_get_summary:
 * @self: a log document
 *
 * The summary made while loading (of the frames before the damage, for a
 * damaged file).
 *
 * Returns: (transfer none) (nullable): the summary, or %NULL before the
 *   document is loaded
 */
CanopyLogSummary *
canopy_log_document_get_summary (CanopyLogDocument *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_DOCUMENT (self), NULL);

  return self->loaded ? self->summary : NULL;
}

/**
 * canopy_log_document_get_file:
 * @self: a log document
 *
 * Returns: (transfer none): the log file
 */
GFile *
canopy_log_document_get_file (CanopyLogDocument *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_DOCUMENT (self), NULL);

  return self->file;
}

/**
 * canopy_log_document_get_loaded:
 * @self: a log document
 *
 * Returns: whether the whole file is indexed
 */
gboolean
canopy_log_document_get_loaded (CanopyLogDocument *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_DOCUMENT (self), FALSE);

  return self->loaded;
}

/**
 * canopy_log_document_get_progress:
 * @self: a log document
 *
 * Returns: the part of the file indexed, from 0 to 1
 */
double
canopy_log_document_get_progress (CanopyLogDocument *self)
{
  double progress;

  g_return_val_if_fail (CANOPY_IS_LOG_DOCUMENT (self), 0.0);

  g_mutex_lock (&self->mutex);
  progress = self->progress;
  g_mutex_unlock (&self->mutex);

  return progress;
}

/**
 * canopy_log_document_get_n_items:
 * @self: a log document
 *
 * Returns: the frames in the model so far
 */
guint
canopy_log_document_get_n_items (CanopyLogDocument *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_DOCUMENT (self), 0);

  return self->n_items;
}

/**
 * canopy_log_document_get_error:
 * @self: a log document
 *
 * Returns: (transfer none) (nullable): the damage that ended the file
 *   early, or %NULL; valid until the next load
 */
const GError *
canopy_log_document_get_error (CanopyLogDocument *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_DOCUMENT (self), NULL);

  return self->loaded ? self->error : NULL;
}

/**
 * canopy_log_document_get_n_skipped:
 * @self: a log document
 *
 * How many lines or objects the load skipped and went on after (see
 * canopy_log_reader_get_n_skipped()): the frames they held are not in
 * the document.
 *
 * Returns: the number of skipped lines or objects, 0 before the load ends
 */
guint64
canopy_log_document_get_n_skipped (CanopyLogDocument *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_DOCUMENT (self), 0);

  return self->loaded ? self->n_skipped : 0;
}

/**
 * canopy_log_document_get_skip_reasons:
 * @self: a log document
 *
 * The reasons for the first skipped lines or objects, each naming its
 * place (see canopy_log_reader_get_skip_reasons()).
 *
 * Returns: (array zero-terminated=1) (transfer none) (nullable): the
 *   reasons, oldest first, or %NULL before the load ends; valid until the
 *   next load
 */
const char * const *
canopy_log_document_get_skip_reasons (CanopyLogDocument *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_DOCUMENT (self), NULL);

  return self->loaded ? (const char * const *) self->skip_reasons : NULL;
}

gsize
_canopy_log_document_get_index_bytes (CanopyLogDocument *self)
{
  gsize bytes;

  g_mutex_lock (&self->mutex);
  bytes = self->index->len * sizeof (DocumentIndexEntry);
  g_mutex_unlock (&self->mutex);

  return bytes;
}

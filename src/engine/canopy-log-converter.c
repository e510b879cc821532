/* canopy-log-converter.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-error.h"
#include "canopy-log-converter.h"
#include "canopy-log-reader.h"
#include "canopy-log-writer.h"
#include "canopy-notify-private.h"

/**
 * CanopyLogConverter:
 *
 * Converts logs from one format to another (`canopy-convert`, and the
 * application's "Save as" and "Convert"): one or more source files, merged
 * in time order, written to a destination whose format follows its
 * extension, keeping only the frames that match the filters and fall in a
 * time window (canopy_log_converter_set_start_time(),
 * canopy_log_converter_set_end_time()).
 *
 * The work runs on a worker thread with canopy_log_converter_convert_async()
 * (or on the calling thread with canopy_log_converter_convert()) and can be
 * cancelled; `progress`, `frames-read` and `frames-written` notify on the
 * main context of the thread that made the converter.
 *
 * Events between the frames (BLF application texts and global markers)
 * are carried in file order to destinations that keep them (BLF): a BLF
 * to BLF conversion loses none.
 *
 * Whatever ends the conversion — the end of the sources, damage in one of
 * them, cancellation — the destination is closed properly, so the frames
 * written so far form a valid log.
 */

#define PROGRESS_INTERVAL    4096
#define NOTIFY_INTERVAL_USEC (G_USEC_PER_SEC / 20)

struct _CanopyLogConverter
{
  GObject            parent_instance;

  GFile             *destination;
  GPtrArray         *sources;
  GArray            *filters;
  gint64             start_ns;
  gint64             end_ns;
  gboolean           start_relative;
  gboolean           end_relative;
  CanopyNotifyQueue *notify;

  /* Written by the converting thread, read anywhere. */
  GMutex             mutex;
  double             progress;
  guint64            frames_read;
  guint64            frames_written;
  const char        *source_format;       /* interned */
  const char        *destination_format;  /* interned */
  gboolean           running;
  /* Lines or objects the sources skipped, and their first reasons. */
  guint64            n_skipped;
  GPtrArray         *skip_reasons;
  /* Texts and markers written (BLF to BLF). */
  guint64            events_written;
};

enum {
  PROP_0,
  PROP_DESTINATION,
  PROP_PROGRESS,
  PROP_FRAMES_READ,
  PROP_FRAMES_WRITTEN,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyLogConverter, canopy_log_converter, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* One source being merged: its reader and the frame, or the event (a
 * text, a marker), it offers next. */
typedef struct
{
  CanopyLogReader *reader;
  CanopyMessage    head;
  CanopyLogEvent  *head_event;
  gboolean         has_head;
} Source;

static inline gint64
head_time (const Source *source)
{
  if (G_UNLIKELY (source->head_event != NULL))
    return canopy_log_event_get_timestamp_ns (source->head_event);
  return source->head.timestamp_ns;
}

static inline gboolean
advance (Source  *source,
         GError **error)
{
  g_clear_pointer (&source->head_event, canopy_log_event_unref);
  source->has_head = canopy_log_reader_next_with_events (source->reader, &source->head,
                                                         &source->head_event, error);
  return source->has_head;
}

static void
publish (CanopyLogConverter *self,
         Source             *sources,
         guint               n_sources,
         guint64             n_read,
         guint64             n_written)
{
  guint64 done = 0;
  guint64 total = 0;

  for (guint i = 0; i < n_sources; i++)
    {
      done += canopy_log_reader_get_bytes_read (sources[i].reader);
      total += canopy_log_reader_get_bytes_total (sources[i].reader);
    }

  g_mutex_lock (&self->mutex);
  self->frames_read = n_read;
  self->frames_written = n_written;
  if (total > 0)
    self->progress = CLAMP ((double) done / (double) total, 0.0, 1.0);
  g_mutex_unlock (&self->mutex);

  _canopy_notify_queue_add (self->notify, properties[PROP_PROGRESS]);
  _canopy_notify_queue_add (self->notify, properties[PROP_FRAMES_READ]);
  _canopy_notify_queue_add (self->notify, properties[PROP_FRAMES_WRITTEN]);
}

/* The source whose next frame is earliest (the first on ties), or -1. */
static int
earliest (const Source *sources,
          guint         n_sources)
{
  int best = -1;

  for (guint i = 0; i < n_sources; i++)
    if (sources[i].has_head &&
        (best < 0 || head_time (&sources[i]) < head_time (&sources[best])))
      best = i;

  return best;
}

/* A limit relative to the first frame, saturating at the ends of what a
 * time can be: a window never wraps around. */
static gint64
resolve_limit (gint64   limit_ns,
               gboolean relative,
               gint64   first_ns)
{
  if (!relative)
    return limit_ns;
  if (limit_ns > 0 && first_ns > G_MAXINT64 - limit_ns)
    return G_MAXINT64;
  if (limit_ns < 0 && first_ns < G_MININT64 - limit_ns)
    return G_MININT64;
  return first_ns + limit_ns;
}

static gboolean
in_window (CanopyLogConverter *self,
           gint64              timestamp_ns,
           gint64              first_ns)
{
  if (self->start_ns != G_MININT64 &&
      timestamp_ns < resolve_limit (self->start_ns, self->start_relative, first_ns))
    return FALSE;
  if (self->end_ns != G_MAXINT64 &&
      timestamp_ns > resolve_limit (self->end_ns, self->end_relative, first_ns))
    return FALSE;
  return TRUE;
}

/* What a source skipped as unreadable, kept for the caller to report. */
static void
collect_skipped (CanopyLogConverter *self,
                 CanopyLogReader    *reader)
{
  const char * const *reasons = canopy_log_reader_get_skip_reasons (reader);
  guint64 n = canopy_log_reader_get_n_skipped (reader);

  if (n == 0)
    return;

  g_mutex_lock (&self->mutex);
  self->n_skipped += n;
  for (guint i = 0; reasons[i] != NULL && self->skip_reasons->len < CANOPY_LOG_READER_MAX_SKIP_REASONS; i++)
    g_ptr_array_add (self->skip_reasons,
                     g_strdup_printf ("%s: %s", canopy_log_reader_get_path (reader), reasons[i]));
  g_mutex_unlock (&self->mutex);
}

static gboolean
convert (CanopyLogConverter  *self,
         GCancellable        *cancellable,
         GError             **error)
{
  g_autoptr(CanopyLogWriter) writer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) close_error = NULL;
  g_autofree Source *sources = NULL;
  const CanopyFilter *filters = (const CanopyFilter *) (gpointer) self->filters->data;
  guint n_sources = self->sources->len;
  guint64 n_read = 0;
  guint64 n_written = 0;
  guint64 n_events = 0;
  gint64 first_ns = 0;
  int k;

  if (n_sources == 0)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "Nothing to convert: the converter has no source file");
      return FALSE;
    }

  for (guint i = 0; i < n_sources; i++)
    if (g_file_equal (g_ptr_array_index (self->sources, i), self->destination))
      {
        g_autofree char *name = g_file_get_parse_name (self->destination);

        g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                     "%s: the output would overwrite the input", name);
        return FALSE;
      }

  g_mutex_lock (&self->mutex);
  self->n_skipped = 0;
  self->events_written = 0;
  g_ptr_array_set_size (self->skip_reasons, 0);
  g_mutex_unlock (&self->mutex);

  sources = g_new0 (Source, n_sources);
  for (guint i = 0; i < n_sources; i++)
    if (!(sources[i].reader = canopy_log_reader_new_for_gfile (g_ptr_array_index (self->sources, i),
                                                               cancellable, &local_error)))
      goto out;

  if (!(writer = canopy_log_writer_new_for_gfile (self->destination, cancellable, &local_error)))
    goto out;

  g_mutex_lock (&self->mutex);
  self->source_format = g_intern_string (canopy_log_reader_get_format (sources[0].reader));
  self->destination_format = g_intern_string (canopy_log_writer_get_format (writer));
  g_mutex_unlock (&self->mutex);

  for (guint i = 0; i < n_sources && local_error == NULL; i++)
    advance (&sources[i], &local_error);

  while (local_error == NULL && (k = earliest (sources, n_sources)) >= 0)
    {
      CanopyMessage msg = sources[k].head;
      GError *damage = NULL;

      /* Texts and markers go where the sources have them; before the
       * first frame, an event's own time stands for the first frame's. */
      if (G_UNLIKELY (sources[k].head_event != NULL))
        {
          g_autoptr(CanopyLogEvent) event = g_steal_pointer (&sources[k].head_event);
          gint64 ts = canopy_log_event_get_timestamp_ns (event);

          advance (&sources[k], &damage);
          if (in_window (self, ts, n_read > 0 ? first_ns : ts))
            {
              if (!canopy_log_writer_write_event (writer, event, &local_error))
                {
                  g_clear_error (&damage);
                  break;
                }
              n_events++;
            }
          if (damage != NULL)
            local_error = damage;
          continue;
        }

      advance (&sources[k], &damage);

      if (n_read++ == 0)
        first_ns = msg.timestamp_ns;

      if (G_UNLIKELY ((n_read % PROGRESS_INTERVAL) == 0))
        publish (self, sources, n_sources, n_read, n_written);

      if (in_window (self, msg.timestamp_ns, first_ns) &&
          (self->filters->len == 0 || canopy_filters_match (filters, self->filters->len, &msg)))
        {
          if (!canopy_log_writer_write (writer, &msg, &local_error))
            {
              g_clear_error (&damage);
              break;
            }
          n_written++;
        }

      /* Damage (or cancellation) in a source ends the conversion after
       * the last intact frame. */
      if (damage != NULL)
        local_error = damage;
    }

out:
  /* Whatever happened, finish the output so the frames so far are usable. */
  if (writer != NULL)
    canopy_log_writer_close (writer, &close_error);

  g_mutex_lock (&self->mutex);
  self->events_written = n_events;
  g_mutex_unlock (&self->mutex);

  /* The counts as they ended (sources that opened only). */
  {
    guint n_open = 0;

    while (n_open < n_sources && sources[n_open].reader != NULL)
      n_open++;
    publish (self, sources, n_open, n_read, n_written);
  }
  if (local_error == NULL && close_error == NULL)
    {
      g_mutex_lock (&self->mutex);
      self->progress = 1.0;
      g_mutex_unlock (&self->mutex);
    }

  for (guint i = 0; i < n_sources; i++)
    {
      if (sources[i].reader != NULL)
        collect_skipped (self, sources[i].reader);
      g_clear_object (&sources[i].reader);
      g_clear_pointer (&sources[i].head_event, canopy_log_event_unref);
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (close_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&close_error));
      return FALSE;
    }

  return TRUE;
}

static void
convert_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  CanopyLogConverter *self = source_object;
  GError *error = NULL;

  if (convert (self, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
canopy_log_converter_dispose (GObject *object)
{
  CanopyLogConverter *self = CANOPY_LOG_CONVERTER (object);

  g_clear_pointer (&self->notify, _canopy_notify_queue_free);

  G_OBJECT_CLASS (canopy_log_converter_parent_class)->dispose (object);
}

static void
canopy_log_converter_finalize (GObject *object)
{
  CanopyLogConverter *self = CANOPY_LOG_CONVERTER (object);

  g_clear_object (&self->destination);
  g_clear_pointer (&self->sources, g_ptr_array_unref);
  g_clear_pointer (&self->filters, g_array_unref);
  g_clear_pointer (&self->skip_reasons, g_ptr_array_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (canopy_log_converter_parent_class)->finalize (object);
}

static void
canopy_log_converter_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  CanopyLogConverter *self = CANOPY_LOG_CONVERTER (object);

  switch (prop_id)
    {
    case PROP_DESTINATION:
      g_value_set_object (value, canopy_log_converter_get_destination (self));
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, canopy_log_converter_get_progress (self));
      break;

    case PROP_FRAMES_READ:
      g_value_set_uint64 (value, canopy_log_converter_get_frames_read (self));
      break;

    case PROP_FRAMES_WRITTEN:
      g_value_set_uint64 (value, canopy_log_converter_get_frames_written (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_log_converter_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  CanopyLogConverter *self = CANOPY_LOG_CONVERTER (object);

  switch (prop_id)
    {
    case PROP_DESTINATION:
      self->destination = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_log_converter_class_init (CanopyLogConverterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = canopy_log_converter_dispose;
  object_class->finalize = canopy_log_converter_finalize;
  object_class->get_property = canopy_log_converter_get_property;
  object_class->set_property = canopy_log_converter_set_property;

  /**
   * CanopyLogConverter:destination:
   *
   * The file written; its extension chooses the format.
   */
  properties[PROP_DESTINATION] =
    g_param_spec_object ("destination", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogConverter:progress:
   *
   * The part of the sources read, from 0 to 1.
   */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL,
                         0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogConverter:frames-read:
   *
   * Frames read from the sources so far.
   */
  properties[PROP_FRAMES_READ] =
    g_param_spec_uint64 ("frames-read", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CanopyLogConverter:frames-written:
   *
   * Frames written to the destination so far.
   */
  properties[PROP_FRAMES_WRITTEN] =
    g_param_spec_uint64 ("frames-written", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_log_converter_init (CanopyLogConverter *self)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  g_mutex_init (&self->mutex);
  self->sources = g_ptr_array_new_with_free_func (g_object_unref);
  self->filters = g_array_new (FALSE, FALSE, sizeof (CanopyFilter));
  self->skip_reasons = g_ptr_array_new_with_free_func (g_free);
  self->start_ns = G_MININT64;
  self->end_ns = G_MAXINT64;
  self->notify = _canopy_notify_queue_new (G_OBJECT (self), context, NOTIFY_INTERVAL_USEC, NULL);
}

/**
 * canopy_log_converter_new:
 * @destination: the file to write; its extension chooses the format, as
 *   for canopy_log_writer_new_for_file()
 *
 * Returns: (transfer full): a converter, to be given sources with
 *   canopy_log_converter_add_source()
 */
CanopyLogConverter *
canopy_log_converter_new (GFile *destination)
{
  g_return_val_if_fail (G_IS_FILE (destination), NULL);

  return g_object_new (CANOPY_TYPE_LOG_CONVERTER, "destination", destination, NULL);
}

/**
 * canopy_log_converter_add_source:
 * @self: a log converter
 * @source: a log file in any readable format
 *
 * Adds a file to read. Frames of several sources are merged by their
 * timestamps (frames of the same time keep the order of the sources).
 */
void
canopy_log_converter_add_source (CanopyLogConverter *self,
                                 GFile              *source)
{
  g_return_if_fail (CANOPY_IS_LOG_CONVERTER (self));
  g_return_if_fail (G_IS_FILE (source));
  g_return_if_fail (!self->running);

  g_ptr_array_add (self->sources, g_object_ref (source));
}

/**
 * canopy_log_converter_set_filters:
 * @self: a log converter
 * @filters: (array length=n_filters) (nullable): acceptance filters
 * @n_filters: the number of @filters
 *
 * Keeps only the frames that match one of @filters; none keeps every
 * frame.
 */
void
canopy_log_converter_set_filters (CanopyLogConverter *self,
                                  const CanopyFilter *filters,
                                  guint               n_filters)
{
  g_return_if_fail (CANOPY_IS_LOG_CONVERTER (self));
  g_return_if_fail (filters != NULL || n_filters == 0);
  g_return_if_fail (!self->running);

  g_array_set_size (self->filters, 0);
  g_array_append_vals (self->filters, filters, n_filters);
}

/**
 * canopy_log_converter_set_start_time:
 * @self: a log converter
 * @start_ns: drop frames before this time, or %G_MININT64 for no limit
 * @relative: whether @start_ns counts from the first frame read rather
 *   than being a timestamp
 *
 * The start of the time window of frames kept (included).
 */
void
canopy_log_converter_set_start_time (CanopyLogConverter *self,
                                     gint64              start_ns,
                                     gboolean            relative)
{
  g_return_if_fail (CANOPY_IS_LOG_CONVERTER (self));
  g_return_if_fail (!self->running);

  self->start_ns = start_ns;
  self->start_relative = !!relative;
}

/**
 * canopy_log_converter_set_end_time:
 * @self: a log converter
 * @end_ns: drop frames after this time, or %G_MAXINT64 for no limit
 * @relative: whether @end_ns counts from the first frame read rather
 *   than being a timestamp
 *
 * The end of the time window of frames kept (included).
 */
void
canopy_log_converter_set_end_time (CanopyLogConverter *self,
                                   gint64              end_ns,
                                   gboolean            relative)
{
  g_return_if_fail (CANOPY_IS_LOG_CONVERTER (self));
  g_return_if_fail (!self->running);

  self->end_ns = end_ns;
  self->end_relative = !!relative;
}

/**
 * canopy_log_converter_convert:
 * @self: a log converter
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Converts on the calling thread: for tools and scripts. The application
 * uses canopy_log_converter_convert_async().
 *
 * Returns: %TRUE when every source was read to its end and the
 *   destination was written; %FALSE with @error on damage in a source (the
 *   frames before it are written), a write error, or cancellation
 */
gboolean
canopy_log_converter_convert (CanopyLogConverter  *self,
                              GCancellable        *cancellable,
                              GError             **error)
{
  gboolean ret;

  g_return_val_if_fail (CANOPY_IS_LOG_CONVERTER (self), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->running)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           "The converter is running already");
      return FALSE;
    }

  self->running = TRUE;
  ret = convert (self, cancellable, error);
  self->running = FALSE;

  return ret;
}

static void
convert_done (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CanopyLogConverter *self = CANOPY_LOG_CONVERTER (source_object);
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  self->running = FALSE;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * canopy_log_converter_convert_async:
 * @self: a log converter
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the conversion ended
 * @user_data: data for @callback
 *
 * Converts on a worker thread.
 */
void
canopy_log_converter_convert_async (CanopyLogConverter  *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (CANOPY_IS_LOG_CONVERTER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, canopy_log_converter_convert_async);

  if (self->running)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The converter is running already");
      return;
    }

  self->running = TRUE;
  inner = g_task_new (self, cancellable, convert_done, g_steal_pointer (&task));
  g_task_set_source_tag (inner, convert_thread);
  g_task_run_in_thread (inner, convert_thread);
}

/**
 * canopy_log_converter_convert_finish:
 * @self: a log converter
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: as canopy_log_converter_convert()
 */
gboolean
canopy_log_converter_convert_finish (CanopyLogConverter  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (CANOPY_IS_LOG_CONVERTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * canopy_log_converter_get_destination:
 * @self: a log converter
 *
 * Returns: (transfer none): the file written
 */
GFile *
canopy_log_converter_get_destination (CanopyLogConverter *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_CONVERTER (self), NULL);

  return self->destination;
}

/**
 * canopy_log_converter_get_progress:
 * @self: a log converter
 *
 * Returns: the part of the sources read, from 0 to 1
 */
double
canopy_log_converter_get_progress (CanopyLogConverter *self)
{
  double ret;

  g_return_val_if_fail (CANOPY_IS_LOG_CONVERTER (self), 0.0);

  g_mutex_lock (&self->mutex);
  ret = self->progress;
  g_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * canopy_log_converter_get_frames_read:
 * @self: a log converter
 *
 * Returns: the frames read from the sources so far
 */
guint64
canopy_log_converter_get_frames_read (CanopyLogConverter *self)
{
  guint64 ret;

  g_return_val_if_fail (CANOPY_IS_LOG_CONVERTER (self), 0);

  g_mutex_lock (&self->mutex);
  ret = self->frames_read;
  g_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * canopy_log_converter_get_frames_written:
 * @self: a log converter
 *
 * Returns: the frames written so far
 */
guint64
canopy_log_converter_get_frames_written (CanopyLogConverter *self)
{
  guint64 ret;

  g_return_val_if_fail (CANOPY_IS_LOG_CONVERTER (self), 0);

  g_mutex_lock (&self->mutex);
  ret = self->frames_written;
  g_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * canopy_log_converter_get_n_skipped:
 * @self: a log converter
 *
 * The lines or objects the sources skipped as unreadable (see
 * [method@Canopy.LogReader.get_n_skipped]); known once a conversion ended.
 *
 * Returns: the number of skipped lines or objects
 */
guint64
canopy_log_converter_get_n_skipped (CanopyLogConverter *self)
{
  guint64 ret;

  g_return_val_if_fail (CANOPY_IS_LOG_CONVERTER (self), 0);

  g_mutex_lock (&self->mutex);
  ret = self->n_skipped;
  g_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * canopy_log_converter_dup_skip_reasons:
 * @self: a log converter
 *
 * The reasons for the first skipped lines or objects, each as
 * "FILE: line 12: invalid identifier".
 *
 * Returns: (transfer full) (array zero-terminated=1): the reasons, oldest
 *   first; empty when nothing was skipped
 */
char **
canopy_log_converter_dup_skip_reasons (CanopyLogConverter *self)
{
  GStrvBuilder *builder;
  char **ret;

  g_return_val_if_fail (CANOPY_IS_LOG_CONVERTER (self), NULL);

  builder = g_strv_builder_new ();
  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->skip_reasons->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->skip_reasons, i));
  g_mutex_unlock (&self->mutex);
  ret = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return ret;
}

/**
 * canopy_log_converter_get_source_format:
 * @self: a log converter
 *
 * Returns: (nullable): the short name of the (first) source's format, once
 *   the conversion has opened it
 */
const char *
canopy_log_converter_get_source_format (CanopyLogConverter *self)
{
  const char *ret;

  g_return_val_if_fail (CANOPY_IS_LOG_CONVERTER (self), NULL);

  g_mutex_lock (&self->mutex);
  ret = self->source_format;
  g_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * canopy_log_converter_get_destination_format:
 * @self: a log converter
 *
 * Returns: (nullable): the short name of the destination's format, once
 *   the conversion has opened it
 */
const char *
canopy_log_converter_get_destination_format (CanopyLogConverter *self)
{
  const char *ret;

  g_return_val_if_fail (CANOPY_IS_LOG_CONVERTER (self), NULL);

  g_mutex_lock (&self->mutex);
  ret = self->destination_format;
  g_mutex_unlock (&self->mutex);

  return ret;
}

/**
 * canopy_log_converter_get_events_written:
 * @self: a log converter
 *
 * The events (application texts, markers) of the sources in the time
 * window, handed to the destination: a BLF destination writes them as
 * they were, other formats have no such events and leave them out (see
 * canopy_log_writer_write_event()). Known once a conversion ended.
 *
 * Returns: the number of events written
 */
guint64
canopy_log_converter_get_events_written (CanopyLogConverter *self)
{
  guint64 ret;

  g_return_val_if_fail (CANOPY_IS_LOG_CONVERTER (self), 0);

  g_mutex_lock (&self->mutex);
  ret = self->events_written;
  g_mutex_unlock (&self->mutex);

  return ret;
}

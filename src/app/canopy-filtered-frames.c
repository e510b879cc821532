/* canopy-filtered-frames.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-filtered-frames.h"

/* The frames a display filter lets through, as a GListModel over a capture
 * store or a log document, without an object per frame: an array of the
 * matching source positions (4 bytes a shown frame), and items made by the
 * source only when a view asks for them.
 *
 * Frames appended to the source are tested as they arrive; a new filter (or
 * a source that changed other than at its ends) starts the index over, in
 * chunks of bounded time on a low-priority idle, so a million frames never
 * hold up the user interface and rows appear as they are found. Frames the
 * source drops from its front (a ring's oldest chunk, a clear) leave the
 * index from its front too. */

/* Appends of up to this many frames are tested at once; more wait for the idle. */
#define SYNC_SCAN_LIMIT 4096
/* How long one idle chunk may run before it lets the main loop breathe. */
#define CHUNK_USEC 8000
#define CLOCK_CHECK_EVERY 1024

struct _CanopyFilteredFrames
{
  GObject              parent_instance;

  GListModel          *source;
  CanopyDisplayFilter *filter;
  gulong               items_changed_handler;

  /* Matching positions, stored as (source position + base) modulo 2^32 so
   * that frames dropped from the source's front only advance base; the
   * live entries are positions[first …]. */
  GArray              *positions;
  guint                first;
  guint                base;

  guint                n_source;  /* the source's length as we know it */
  guint                scanned;   /* source positions below this are decided */
  guint                scan_source;
};

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_FILTER,
  PROP_PENDING,
  N_PROPS
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CanopyFilteredFrames, canopy_filtered_frames, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GParamSpec *properties[N_PROPS];

static inline guint
n_shown (CanopyFilteredFrames *self)
{
  return self->positions->len - self->first;
}

static inline guint
source_position_at (CanopyFilteredFrames *self,
                    guint                 index)
{
  return g_array_index (self->positions, guint, self->first + index) - self->base;
}

/* Reads a frame without making an item where the source allows it. */
static gboolean
read_message (GListModel    *source,
              guint          position,
              CanopyMessage *msg)
{
  g_autoptr(CanopyFrameItem) item = NULL;

  if (CANOPY_IS_CAPTURE_STORE (source))
    return canopy_capture_store_get_message (CANOPY_CAPTURE_STORE (source), position, msg);
  if (CANOPY_IS_LOG_DOCUMENT (source))
    return canopy_log_document_get_message (CANOPY_LOG_DOCUMENT (source), position, msg, NULL);

  item = g_list_model_get_item (source, position);
  if (item == NULL)
    return FALSE;
  *msg = *canopy_frame_item_get_message (item);
  return TRUE;
}

/* Tests source frames from scanned on, until the end, @max_frames or the
 * deadline (0: none), and shows the matches as one append. */
static void
scan (CanopyFilteredFrames *self,
      guint                 max_frames,
      gint64                deadline)
{
  guint before = n_shown (self);
  guint stop = self->n_source - self->scanned > max_frames ? self->scanned + max_frames : self->n_source;
  guint count = 0;

  while (self->scanned < stop)
    {
      CanopyMessage msg;

      if (read_message (self->source, self->scanned, &msg) &&
          (self->filter == NULL || canopy_display_filter_matches (self->filter, &msg)))
        {
          guint stored = self->scanned + self->base;

          g_array_append_val (self->positions, stored);
        }
      self->scanned++;

      if (deadline != 0 && ++count % CLOCK_CHECK_EVERY == 0 && g_get_monotonic_time () >= deadline)
        break;
    }

  if (n_shown (self) > before)
    g_list_model_items_changed (G_LIST_MODEL (self), before, 0, n_shown (self) - before);
}

static gboolean
scan_idle (gpointer user_data)
{
  CanopyFilteredFrames *self = user_data;

  scan (self, G_MAXUINT, g_get_monotonic_time () + CHUNK_USEC);

  if (self->scanned < self->n_source)
    return G_SOURCE_CONTINUE;

  self->scan_source = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
  return G_SOURCE_REMOVE;
}

static void
schedule_scan (CanopyFilteredFrames *self)
{
  if (self->scan_source != 0)
    return;

  /* Below redrawing and input: the view stays responsive while it fills. */
  self->scan_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, scan_idle, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->scan_source),
                            "[canopy] display filter scan");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

/* Starts over: nothing shown, the whole source to test. */
static void
restart (CanopyFilteredFrames *self)
{
  guint removed = n_shown (self);

  g_array_set_size (self->positions, 0);
  self->first = 0;
  self->base = 0;
  self->scanned = 0;
  self->n_source = self->source != NULL ? g_list_model_get_n_items (self->source) : 0;

  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
  if (self->n_source > 0)
    schedule_scan (self);
}

/* The first shown entry whose source position is at least @source_position. */
static guint
lower_bound (CanopyFilteredFrames *self,
             guint                 source_position)
{
  guint lo = 0;
  guint hi = n_shown (self);

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (source_position_at (self, mid) < source_position)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
drop_front (CanopyFilteredFrames *self,
            guint                 removed)
{
  guint dropped = lower_bound (self, removed);

  self->first += dropped;
  self->base += removed;
  self->n_source -= removed;
  self->scanned = self->scanned > removed ? self->scanned - removed : 0;

  /* Compact once the dead front outweighs the live entries. */
  if (self->first > 4096 && self->first > n_shown (self))
    {
      g_array_remove_range (self->positions, 0, self->first);
      self->first = 0;
    }

  if (dropped > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, dropped, 0);
}

static void
on_source_items_changed (GListModel           *source,
                         guint                 position,
                         guint                 removed,
                         guint                 added,
                         CanopyFilteredFrames *self)
{
  if (removed == 0 && position == self->n_source)
    {
      self->n_source += added;
      if (self->scan_source == 0 && self->scanned + added == self->n_source && added <= SYNC_SCAN_LIMIT)
        scan (self, added, 0);
      else
        schedule_scan (self);
    }
  else if (added == 0 && position == 0 && removed <= self->n_source)
    drop_front (self, removed);
  else
    restart (self);
}

static GType
canopy_filtered_frames_get_item_type (GListModel *model)
{
  return CANOPY_TYPE_FRAME_ITEM;
}

static guint
canopy_filtered_frames_get_n_items (GListModel *model)
{
  return n_shown (CANOPY_FILTERED_FRAMES (model));
}

static gpointer
canopy_filtered_frames_get_item (GListModel *model,
                                 guint       position)
{
  CanopyFilteredFrames *self = CANOPY_FILTERED_FRAMES (model);

  if (position >= n_shown (self))
    return NULL;
  return g_list_model_get_item (self->source, source_position_at (self, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = canopy_filtered_frames_get_item_type;
  iface->get_n_items = canopy_filtered_frames_get_n_items;
  iface->get_item = canopy_filtered_frames_get_item;
}

static void
set_source (CanopyFilteredFrames *self,
            GListModel           *source)
{
  g_assert (self->source == NULL);

  if (source == NULL)
    return;

  self->source = g_object_ref (source);
  self->items_changed_handler = g_signal_connect (source, "items-changed",
                                                  G_CALLBACK (on_source_items_changed), self);
  restart (self);
}

static void
canopy_filtered_frames_dispose (GObject *object)
{
  CanopyFilteredFrames *self = CANOPY_FILTERED_FRAMES (object);

  g_clear_handle_id (&self->scan_source, g_source_remove);
  if (self->source != NULL)
    g_clear_signal_handler (&self->items_changed_handler, self->source);
  g_clear_object (&self->source);
  g_clear_object (&self->filter);

  G_OBJECT_CLASS (canopy_filtered_frames_parent_class)->dispose (object);
}

static void
canopy_filtered_frames_finalize (GObject *object)
{
  CanopyFilteredFrames *self = CANOPY_FILTERED_FRAMES (object);

  g_clear_pointer (&self->positions, g_array_unref);

  G_OBJECT_CLASS (canopy_filtered_frames_parent_class)->finalize (object);
}

static void
canopy_filtered_frames_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  CanopyFilteredFrames *self = CANOPY_FILTERED_FRAMES (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_object (value, self->source);
      break;

    case PROP_FILTER:
      g_value_set_object (value, self->filter);
      break;

    case PROP_PENDING:
      g_value_set_boolean (value, canopy_filtered_frames_get_pending (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_filtered_frames_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  CanopyFilteredFrames *self = CANOPY_FILTERED_FRAMES (object);

  switch (prop_id)
    {
    case PROP_SOURCE:
      set_source (self, g_value_get_object (value));
      break;

    case PROP_FILTER:
      canopy_filtered_frames_set_filter (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_filtered_frames_class_init (CanopyFilteredFramesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = canopy_filtered_frames_dispose;
  object_class->finalize = canopy_filtered_frames_finalize;
  object_class->get_property = canopy_filtered_frames_get_property;
  object_class->set_property = canopy_filtered_frames_set_property;

  properties[PROP_SOURCE] =
    g_param_spec_object ("source", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILTER] =
    g_param_spec_object ("filter", NULL, NULL, CANOPY_TYPE_DISPLAY_FILTER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CanopyFilteredFrames:pending:
   *
   * Whether frames of the source are still to be tested (after a new
   * filter, or a large append): the model is still growing.
   */
  properties[PROP_PENDING] =
    g_param_spec_boolean ("pending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_filtered_frames_init (CanopyFilteredFrames *self)
{
  self->positions = g_array_new (FALSE, FALSE, sizeof (guint));
}

/**
 * canopy_filtered_frames_new:
 * @source: a model of #CanopyFrameItem: a capture store, a log document or
 *   any other
 * @filter: (nullable): the display filter; %NULL shows every frame
 *
 * Returns: (transfer full): a model of the frames of @source that @filter
 *   lets through, in the source's order
 */
CanopyFilteredFrames *
canopy_filtered_frames_new (GListModel          *source,
                            CanopyDisplayFilter *filter)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (source), NULL);
  g_return_val_if_fail (filter == NULL || CANOPY_IS_DISPLAY_FILTER (filter), NULL);

  return g_object_new (CANOPY_TYPE_FILTERED_FRAMES,
                       "source", source,
                       "filter", filter,
                       NULL);
}

GListModel *
canopy_filtered_frames_get_source (CanopyFilteredFrames *self)
{
  g_return_val_if_fail (CANOPY_IS_FILTERED_FRAMES (self), NULL);

  return self->source;
}

CanopyDisplayFilter *
canopy_filtered_frames_get_filter (CanopyFilteredFrames *self)
{
  g_return_val_if_fail (CANOPY_IS_FILTERED_FRAMES (self), NULL);

  return self->filter;
}

/**
 * canopy_filtered_frames_set_filter:
 * @filter: (nullable): the new filter; %NULL shows every frame
 *
 * Empties the model and fills it again with what @filter lets through,
 * in chunks on an idle (see [property@FilteredFrames:pending]).
 */
void
canopy_filtered_frames_set_filter (CanopyFilteredFrames *self,
                                   CanopyDisplayFilter  *filter)
{
  g_return_if_fail (CANOPY_IS_FILTERED_FRAMES (self));
  g_return_if_fail (filter == NULL || CANOPY_IS_DISPLAY_FILTER (filter));

  if (!g_set_object (&self->filter, filter))
    return;

  if (self->source != NULL)
    restart (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER]);
}

gboolean
canopy_filtered_frames_get_pending (CanopyFilteredFrames *self)
{
  g_return_val_if_fail (CANOPY_IS_FILTERED_FRAMES (self), FALSE);

  return self->scan_source != 0;
}

/**
 * canopy_filtered_frames_get_source_position:
 *
 * Returns: the position in the source of the frame at @position, or
 *   %G_MAXUINT past the end
 */
guint
canopy_filtered_frames_get_source_position (CanopyFilteredFrames *self,
                                            guint                 position)
{
  g_return_val_if_fail (CANOPY_IS_FILTERED_FRAMES (self), G_MAXUINT);

  return position < n_shown (self) ? source_position_at (self, position) : G_MAXUINT;
}

/**
 * canopy_filtered_frames_find_position:
 *
 * Where a frame of the source is shown, or the next shown one after it
 * (a go-to or a search over the source lands on a shown row).
 *
 * Returns: the position of the first shown frame at or after
 *   @source_position; the number of items when there is none
 */
guint
canopy_filtered_frames_find_position (CanopyFilteredFrames *self,
                                      guint                 source_position)
{
  g_return_val_if_fail (CANOPY_IS_FILTERED_FRAMES (self), 0);

  return lower_bound (self, source_position);
}

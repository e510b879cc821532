/* canopy-trace-view.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <canopy.h>

#include "canopy-filtered-frames.h"
#include "canopy-trace-format.h"
#include "canopy-trace-view.h"

/* The trace: a GtkColumnView over the capture store (one row per frame, in
 * order of arrival) or over the id table (one row per id, updated in place).
 * GTK makes row widgets only for the visible rows and the models make items
 * only when asked, so the view costs the same at 10 or 100,000 frames/s. */

/* How far back the delta-time column looks for the previous frame of the
 * same id in chronological mode before it leaves the cell empty. */
#define DELTA_SEARCH_LIMIT 4096

typedef enum
{
  COLUMN_TIME,
  COLUMN_CHANNEL,
  COLUMN_ID,
  COLUMN_DIRECTION,
  COLUMN_FLAGS,
  COLUMN_DLC,
  COLUMN_DATA,
  COLUMN_ASCII,
  COLUMN_COUNT,
  COLUMN_PERIOD,
  N_COLUMNS
} TraceColumn;

struct _CanopyTraceView
{
  GtkWidget             parent_instance;

  GtkScrolledWindow    *scroller;
  GtkColumnView        *column_view;
  GtkColumnViewColumn  *columns[N_COLUMNS];
  GtkWidget            *list_view;

  GListModel           *frames;
  GListModel           *id_rows;
  GtkMultiSelection    *selection;

  /* The display filter wraps the models above; the views show the
   * wrappers while it is set and not empty. */
  CanopyDisplayFilter  *display_filter;
  CanopyFilteredFrames *filtered_frames;
  GtkFilterListModel   *filtered_rows;
  gulong                refilter_handler;

  CanopyTimeFormat      time_format;
  gint64                origin_ns;
  guint                 per_id : 1;
  guint                 following : 1;
  guint                 user_dragging : 1;
};

enum {
  PROP_0,
  PROP_PER_ID,
  PROP_FOLLOWING,
  PROP_TIME_FORMAT,
  PROP_DISPLAY_FILTER,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyTraceView, canopy_trace_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];
static GQuark row_handler_quark;

static const char *column_css[N_COLUMNS] = {
  [COLUMN_TIME] = "numeric",
  [COLUMN_ID] = "monospace",
  [COLUMN_DATA] = "monospace",
  [COLUMN_ASCII] = "monospace",
  [COLUMN_COUNT] = "numeric",
  [COLUMN_PERIOD] = "numeric",
};

/* Reads one frame of a model without making an item where the model allows it. */
static gboolean
get_message_at (GListModel    *model,
                guint          position,
                CanopyMessage *msg)
{
  g_autoptr(CanopyFrameItem) item = NULL;

  if (CANOPY_IS_CAPTURE_STORE (model))
    return canopy_capture_store_get_message (CANOPY_CAPTURE_STORE (model), position, msg);
  if (CANOPY_IS_LOG_DOCUMENT (model))
    return canopy_log_document_get_message (CANOPY_LOG_DOCUMENT (model), position, msg, NULL);

  item = g_list_model_get_item (model, position);
  if (item == NULL)
    return FALSE;
  *msg = *canopy_frame_item_get_message (item);
  return TRUE;
}

static gint64
origin_ns (CanopyTraceView *self)
{
  CanopyMessage first;

  if (self->origin_ns < 0 && self->frames != NULL &&
      g_list_model_get_n_items (self->frames) > 0 &&
      get_message_at (self->frames, 0, &first))
    self->origin_ns = first.timestamp_ns;

  return MAX (self->origin_ns, 0);
}

static gint64
previous_timestamp_of_id (CanopyTraceView     *self,
                          guint                position,
                          const CanopyMessage *msg)
{
  guint stop = position > DELTA_SEARCH_LIMIT ? position - DELTA_SEARCH_LIMIT : 0;
  CanopyMessage earlier;

  for (guint i = position; i > stop; i--)
    {
      if (!get_message_at (self->frames, i - 1, &earlier))
        break;
      if (earlier.arbitration_id == msg->arbitration_id &&
          earlier.channel == msg->channel &&
          (earlier.flags & CANOPY_MESSAGE_EXTENDED) == (msg->flags & CANOPY_MESSAGE_EXTENDED))
        return earlier.timestamp_ns;
    }

  return -1;
}

/* A row's position in the frames under the display filter. */
static guint
frame_position (CanopyTraceView *self,
                guint            row)
{
  if (self->filtered_frames == NULL)
    return row;
  return canopy_filtered_frames_get_source_position (self->filtered_frames, row);
}

static void
update_cell (CanopyTraceView *self,
             TraceColumn      column,
             GtkListItem     *list_item)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  gpointer item = gtk_list_item_get_item (list_item);
  const CanopyMessage *msg;
  CanopyIdRow *row = NULL;
  char text[CANOPY_TRACE_CELL_SIZE];

  if (item == NULL)
    return;

  if (CANOPY_IS_ID_ROW (item))
    {
      row = item;
      msg = canopy_id_row_get_message (row);
    }
  else
    msg = canopy_frame_item_get_message (item);

  switch (column)
    {
    case COLUMN_TIME:
      {
        gint64 reference = -1;

        if (self->time_format == CANOPY_TIME_RELATIVE)
          reference = origin_ns (self);
        else if (self->time_format == CANOPY_TIME_DELTA && row != NULL)
          reference = canopy_id_row_get_count (row) > 1
                      ? msg->timestamp_ns - canopy_id_row_get_period_last_ns (row) : -1;
        else if (self->time_format == CANOPY_TIME_DELTA)
          reference = previous_timestamp_of_id (self, frame_position (self, gtk_list_item_get_position (list_item)), msg);
        canopy_trace_format_time (text, sizeof text, self->time_format, msg->timestamp_ns, reference);
      }
      break;

    case COLUMN_CHANNEL:
      if (msg->channel == CANOPY_CHANNEL_NONE)
        text[0] = '\0';
      else
        g_snprintf (text, sizeof text, "%d", msg->channel);
      break;

    case COLUMN_ID:
      canopy_trace_format_id (text, sizeof text, msg);
      break;

    case COLUMN_DIRECTION:
      g_strlcpy (text, canopy_trace_format_direction (msg), sizeof text);
      break;

    case COLUMN_FLAGS:
      canopy_trace_format_flags (text, sizeof text, msg);
      break;

    case COLUMN_DLC:
      g_snprintf (text, sizeof text, "%u", msg->dlc);
      break;

    case COLUMN_DATA:
      canopy_trace_format_data (text, sizeof text, msg,
                                row != NULL ? canopy_id_row_get_changed_mask (row) : 0);
      gtk_label_set_markup (label, text);
      return;

    case COLUMN_ASCII:
      canopy_trace_format_ascii (text, sizeof text, msg);
      break;

    case COLUMN_COUNT:
      if (row != NULL)
        g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, canopy_id_row_get_count (row));
      else
        text[0] = '\0';
      break;

    case COLUMN_PERIOD:
      canopy_trace_format_period (text, sizeof text,
                                  row != NULL ? canopy_id_row_get_period_mean_ns (row) : 0);
      break;

    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }

  gtk_label_set_text (label, text);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            CanopyTraceView          *self)
{
  TraceColumn column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column == COLUMN_COUNT || column == COLUMN_DLC ? 1.0 : 0.0);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (column_css[column] != NULL)
    gtk_widget_add_css_class (label, column_css[column]);
  gtk_list_item_set_child (list_item, label);
}

static void
on_row_changed (CanopyIdRow *row,
                GParamSpec  *pspec,
                GtkListItem *list_item)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  CanopyTraceView *self;

  if (label == NULL)
    return;
  self = CANOPY_TRACE_VIEW (gtk_widget_get_ancestor (label, CANOPY_TYPE_TRACE_VIEW));
  if (self != NULL)
    update_cell (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (list_item), "column")), list_item);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           CanopyTraceView          *self)
{
  TraceColumn column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  gpointer item = gtk_list_item_get_item (list_item);

  /* Id rows change in place: the cell follows its row while it is bound. */
  if (CANOPY_IS_ID_ROW (item))
    {
      gulong handler = g_signal_connect (item, "notify::count", G_CALLBACK (on_row_changed), list_item);

      g_object_set_data (G_OBJECT (list_item), "column", GUINT_TO_POINTER (column));
      g_object_set_qdata (G_OBJECT (list_item), row_handler_quark, GSIZE_TO_POINTER (handler));
    }

  update_cell (self, column, list_item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             CanopyTraceView          *self)
{
  gulong handler = GPOINTER_TO_SIZE (g_object_steal_qdata (G_OBJECT (list_item), row_handler_quark));
  gpointer item = gtk_list_item_get_item (list_item);

  if (handler != 0 && item != NULL)
    g_signal_handler_disconnect (item, handler);
}

static GtkListItemFactory *
cell_factory_new (CanopyTraceView *self,
                  TraceColumn      column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), self);

  return factory;
}

/* Rebinding every visible row (a new time format): a fresh factory. */
static void
rebind_column (CanopyTraceView *self,
               TraceColumn      column)
{
  g_autoptr(GtkListItemFactory) factory = cell_factory_new (self, column);

  gtk_column_view_column_set_factory (self->columns[column], factory);
}

/* New rows: the column view's own list scrolls the last one into view in
 * its next allocation; when that allocation changes the list's height (its
 * row heights are estimates), on_adjustment_changed() moves to the very end. */
static void
scroll_to_end (CanopyTraceView *self)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  guint n_items = g_list_model_get_n_items (model);

  if (n_items == 0 || self->list_view == NULL)
    return;

  gtk_widget_activate_action (self->list_view, "list.scroll-to-item", "u", n_items - 1);
}

static void
on_items_changed (GListModel      *model,
                  guint            position,
                  guint            removed,
                  guint            added,
                  CanopyTraceView *self)
{
  if (self->following && !self->per_id && added > 0)
    scroll_to_end (self);
}

/* Following stops only on what the user does: a wheel or touchpad scroll
 * up, dragging the scroll bar away from the end, or keys that move up. The
 * list moves the view itself while it lays out new rows (its row heights are
 * estimates), so a value change alone says nothing about intent. Reaching
 * the end again, by any means, resumes following. */
static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           CanopyTraceView          *self)
{
  if (dy < 0 && !self->per_id)
    canopy_trace_view_set_following (self, FALSE);
  return GDK_EVENT_PROPAGATE;
}

/* A legacy controller sees the scroll bar's presses and releases even when
 * the bar's own drag gesture claims them. */
static gboolean
on_scrollbar_event (GtkEventControllerLegacy *controller,
                    GdkEvent                 *event,
                    CanopyTraceView          *self)
{
  switch (gdk_event_get_event_type (event))
    {
    case GDK_BUTTON_PRESS:
    case GDK_TOUCH_BEGIN:
      self->user_dragging = TRUE;
      break;

    case GDK_BUTTON_RELEASE:
    case GDK_TOUCH_END:
    case GDK_TOUCH_CANCEL:
      self->user_dragging = FALSE;
      break;

    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                CanopyTraceView       *self)
{
  switch (keyval)
    {
    case GDK_KEY_Up: case GDK_KEY_KP_Up:
    case GDK_KEY_Page_Up: case GDK_KEY_KP_Page_Up:
    case GDK_KEY_Home: case GDK_KEY_KP_Home:
      if (!self->per_id)
        canopy_trace_view_set_following (self, FALSE);
      break;

    case GDK_KEY_End: case GDK_KEY_KP_End:
      if (!self->per_id)
        canopy_trace_view_set_following (self, TRUE);
      break;

    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

static void
on_adjustment_value_changed (GtkAdjustment   *adjustment,
                             CanopyTraceView *self)
{
  if (self->per_id)
    return;

  if (canopy_trace_view_is_at_end (self))
    canopy_trace_view_set_following (self, TRUE);
  else if (self->user_dragging)
    canopy_trace_view_set_following (self, FALSE);
}

/* The list re-estimated its height: keep the newest row in view. */
static void
on_adjustment_changed (GtkAdjustment   *adjustment,
                       CanopyTraceView *self)
{
  if (self->following && !self->per_id && !canopy_trace_view_is_at_end (self))
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) -
                                          gtk_adjustment_get_page_size (adjustment));
}

static void
update_model (CanopyTraceView *self)
{
  GListModel *model;

  if (self->per_id)
    model = self->filtered_rows != NULL ? G_LIST_MODEL (self->filtered_rows) : self->id_rows;
  else
    model = self->filtered_frames != NULL ? G_LIST_MODEL (self->filtered_frames) : self->frames;

  gtk_multi_selection_set_model (self->selection, model);
  gtk_column_view_column_set_visible (self->columns[COLUMN_COUNT], self->per_id);
  gtk_column_view_column_set_visible (self->columns[COLUMN_PERIOD], self->per_id);
  if (self->following && !self->per_id)
    scroll_to_end (self);
}

static gboolean
id_row_is_shown (gpointer item,
                 gpointer user_data)
{
  return canopy_display_filter_matches (CANOPY_DISPLAY_FILTER (user_data),
                                        canopy_id_row_get_message (CANOPY_ID_ROW (item)));
}

/* An id row's verdict follows its newest frame when the filter looks at
 * payload, direction or error frames: ask again after each batch. */
static void
on_id_rows_fed (CanopyTraceView *self)
{
  GtkFilter *filter = gtk_filter_list_model_get_filter (self->filtered_rows);

  gtk_filter_changed (filter, GTK_FILTER_CHANGE_DIFFERENT);
}

static void
clear_filtered_models (CanopyTraceView *self)
{
  if (self->id_rows != NULL)
    g_clear_signal_handler (&self->refilter_handler, self->id_rows);
  g_clear_object (&self->filtered_frames);
  g_clear_object (&self->filtered_rows);
}

/* The display filter over the current models; an empty one costs nothing. */
static void
build_filtered_models (CanopyTraceView *self)
{
  g_autoptr(GtkCustomFilter) row_filter = NULL;

  clear_filtered_models (self);
  if (self->display_filter == NULL || canopy_display_filter_is_empty (self->display_filter))
    return;

  if (self->frames != NULL)
    self->filtered_frames = canopy_filtered_frames_new (self->frames, self->display_filter);

  if (self->id_rows != NULL)
    {
      row_filter = gtk_custom_filter_new (id_row_is_shown, g_object_ref (self->display_filter), g_object_unref);
      self->filtered_rows = gtk_filter_list_model_new (g_object_ref (self->id_rows),
                                                       GTK_FILTER (g_steal_pointer (&row_filter)));
      if (!canopy_display_filter_get_by_id_only (self->display_filter) && CANOPY_IS_ID_TABLE (self->id_rows))
        self->refilter_handler = g_signal_connect_swapped (self->id_rows, "notify::n-frames",
                                                           G_CALLBACK (on_id_rows_fed), self);
    }
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CanopyTraceView *self = CANOPY_TRACE_VIEW (widget);
  g_autofree char *text = canopy_trace_view_dup_selected_text (self);

  if (text != NULL && *text != '\0')
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

static void
canopy_trace_view_dispose (GObject *object)
{
  CanopyTraceView *self = CANOPY_TRACE_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_TRACE_VIEW);
  g_clear_object (&self->selection);
  clear_filtered_models (self);
  g_clear_object (&self->display_filter);
  g_clear_object (&self->frames);
  g_clear_object (&self->id_rows);

  G_OBJECT_CLASS (canopy_trace_view_parent_class)->dispose (object);
}

static void
canopy_trace_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CanopyTraceView *self = CANOPY_TRACE_VIEW (object);
  static const char *nicks[] = { "absolute", "relative", "delta" };

  switch (prop_id)
    {
    case PROP_PER_ID:
      g_value_set_boolean (value, self->per_id);
      break;

    case PROP_FOLLOWING:
      g_value_set_boolean (value, self->following);
      break;

    case PROP_TIME_FORMAT:
      g_value_set_string (value, nicks[self->time_format]);
      break;

    case PROP_DISPLAY_FILTER:
      g_value_set_object (value, self->display_filter);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_trace_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CanopyTraceView *self = CANOPY_TRACE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PER_ID:
      canopy_trace_view_set_per_id (self, g_value_get_boolean (value));
      break;

    case PROP_FOLLOWING:
      canopy_trace_view_set_following (self, g_value_get_boolean (value));
      break;

    case PROP_TIME_FORMAT:
      {
        CanopyTimeFormat format = canopy_time_format_from_string (g_value_get_string (value));

        if (format != self->time_format)
          {
            self->time_format = format;
            rebind_column (self, COLUMN_TIME);
            g_object_notify_by_pspec (object, pspec);
          }
      }
      break;

    case PROP_DISPLAY_FILTER:
      canopy_trace_view_set_display_filter (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_trace_view_class_init (CanopyTraceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_trace_view_dispose;
  object_class->get_property = canopy_trace_view_get_property;
  object_class->set_property = canopy_trace_view_set_property;

  properties[PROP_PER_ID] =
    g_param_spec_boolean ("per-id", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FOLLOWING] =
    g_param_spec_boolean ("following", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME_FORMAT] =
    g_param_spec_string ("time-format", NULL, NULL, "relative",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CanopyTraceView:display-filter: (nullable)
   *
   * What the view shows of its frames and id rows; the models keep every
   * frame, so clearing the filter shows them all again.
   */
  properties[PROP_DISPLAY_FILTER] =
    g_param_spec_object ("display-filter", NULL, NULL, CANOPY_TYPE_DISPLAY_FILTER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-trace-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyTraceView, scroller);
  gtk_widget_class_bind_template_child (widget_class, CanopyTraceView, column_view);
  gtk_widget_class_bind_template_child_full (widget_class, "time_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTraceView, columns[COLUMN_TIME]));
  gtk_widget_class_bind_template_child_full (widget_class, "channel_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTraceView, columns[COLUMN_CHANNEL]));
  gtk_widget_class_bind_template_child_full (widget_class, "id_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTraceView, columns[COLUMN_ID]));
  gtk_widget_class_bind_template_child_full (widget_class, "direction_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTraceView, columns[COLUMN_DIRECTION]));
  gtk_widget_class_bind_template_child_full (widget_class, "flags_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTraceView, columns[COLUMN_FLAGS]));
  gtk_widget_class_bind_template_child_full (widget_class, "dlc_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTraceView, columns[COLUMN_DLC]));
  gtk_widget_class_bind_template_child_full (widget_class, "data_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTraceView, columns[COLUMN_DATA]));
  gtk_widget_class_bind_template_child_full (widget_class, "ascii_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTraceView, columns[COLUMN_ASCII]));
  gtk_widget_class_bind_template_child_full (widget_class, "count_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTraceView, columns[COLUMN_COUNT]));
  gtk_widget_class_bind_template_child_full (widget_class, "period_column", FALSE,
                                             G_STRUCT_OFFSET (CanopyTraceView, columns[COLUMN_PERIOD]));

  gtk_widget_class_install_action (widget_class, "trace.copy", NULL, copy_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "trace.copy", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "traceview");

  row_handler_quark = g_quark_from_static_string ("canopy-trace-row-handler");
}

static void
canopy_trace_view_init (CanopyTraceView *self)
{
  GtkEventController *controller;
  GtkAdjustment *adjustment;

  self->following = TRUE;
  self->time_format = CANOPY_TIME_RELATIVE;
  self->origin_ns = -1;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_COLUMNS; i++)
    rebind_column (self, i);

  self->selection = gtk_multi_selection_new (NULL);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  update_model (self);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (self->selection, "items-changed", G_CALLBACK (on_items_changed), self, 0);

  /* GtkColumnView keeps its rows in an inner GtkListView, whose
   * list.scroll-to-item action is the only way to scroll to a row in 4.8. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      self->list_view = child;
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (on_adjustment_value_changed), self, 0);
  g_signal_connect_object (adjustment, "changed", G_CALLBACK (on_adjustment_changed), self, 0);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "scroll", G_CALLBACK (on_scroll), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->scroller), controller);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (on_key_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), controller);

  controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "event", G_CALLBACK (on_scrollbar_event), self, 0);
  gtk_widget_add_controller (gtk_scrolled_window_get_vscrollbar (self->scroller), controller);
}

/**
 * canopy_trace_view_set_models:
 * @frames: (nullable): a model of #CanopyFrameItem in chronological order
 * @id_rows: (nullable): a model of #CanopyIdRow, or %NULL where there is
 *   none (a log opened read-only)
 */
void
canopy_trace_view_set_models (CanopyTraceView *self,
                              GListModel      *frames,
                              GListModel      *id_rows)
{
  g_return_if_fail (CANOPY_IS_TRACE_VIEW (self));

  clear_filtered_models (self);
  g_set_object (&self->frames, frames);
  g_set_object (&self->id_rows, id_rows);
  build_filtered_models (self);
  self->origin_ns = -1;
  if (id_rows == NULL && self->per_id)
    canopy_trace_view_set_per_id (self, FALSE);
  update_model (self);
}

GListModel *
canopy_trace_view_get_frames (CanopyTraceView *self)
{
  g_return_val_if_fail (CANOPY_IS_TRACE_VIEW (self), NULL);

  return self->frames;
}

/**
 * canopy_trace_view_get_display_filter:
 *
 * Returns: (nullable) (transfer none): the display filter
 */
CanopyDisplayFilter *
canopy_trace_view_get_display_filter (CanopyTraceView *self)
{
  g_return_val_if_fail (CANOPY_IS_TRACE_VIEW (self), NULL);

  return self->display_filter;
}

/**
 * canopy_trace_view_set_display_filter:
 * @filter: (nullable): what to show; %NULL shows every frame
 *
 * Shows only the frames (and id rows) @filter lets through, from now on
 * and for every frame already captured.
 */
void
canopy_trace_view_set_display_filter (CanopyTraceView     *self,
                                      CanopyDisplayFilter *filter)
{
  g_return_if_fail (CANOPY_IS_TRACE_VIEW (self));
  g_return_if_fail (filter == NULL || CANOPY_IS_DISPLAY_FILTER (filter));

  if (!g_set_object (&self->display_filter, filter))
    return;

  build_filtered_models (self);
  update_model (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_FILTER]);
}

/**
 * canopy_trace_view_get_shown_frames:
 *
 * The frames the view shows in chronological mode: those under the
 * display filter, or all of them.
 *
 * Returns: (nullable) (transfer none): a model of #CanopyFrameItem
 */
GListModel *
canopy_trace_view_get_shown_frames (CanopyTraceView *self)
{
  g_return_val_if_fail (CANOPY_IS_TRACE_VIEW (self), NULL);

  return self->filtered_frames != NULL ? G_LIST_MODEL (self->filtered_frames) : self->frames;
}

/**
 * canopy_trace_view_row_for_frame:
 * @position: a position in the frames of canopy_trace_view_get_frames()
 *
 * Where a frame is shown in chronological mode: its row, or under a
 * display filter that hides it, the next shown row.
 *
 * Returns: a row of canopy_trace_view_get_shown_frames(); its number of
 *   items when no frame at or after @position is shown
 */
guint
canopy_trace_view_row_for_frame (CanopyTraceView *self,
                                 guint            position)
{
  g_return_val_if_fail (CANOPY_IS_TRACE_VIEW (self), 0);

  if (self->filtered_frames == NULL)
    return position;
  return canopy_filtered_frames_find_position (self->filtered_frames, position);
}

gboolean
canopy_trace_view_get_per_id (CanopyTraceView *self)
{
  g_return_val_if_fail (CANOPY_IS_TRACE_VIEW (self), FALSE);

  return self->per_id;
}

void
canopy_trace_view_set_per_id (CanopyTraceView *self,
                              gboolean         per_id)
{
  g_return_if_fail (CANOPY_IS_TRACE_VIEW (self));

  per_id = !!per_id;
  if (self->per_id == per_id)
    return;

  self->per_id = per_id;
  update_model (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PER_ID]);
}

gboolean
canopy_trace_view_get_following (CanopyTraceView *self)
{
  g_return_val_if_fail (CANOPY_IS_TRACE_VIEW (self), FALSE);

  return self->following;
}

void
canopy_trace_view_set_following (CanopyTraceView *self,
                                 gboolean         following)
{
  g_return_if_fail (CANOPY_IS_TRACE_VIEW (self));

  following = !!following;
  if (self->following == following)
    return;

  self->following = following;
  if (following && !self->per_id)
    scroll_to_end (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLLOWING]);
}

/**
 * canopy_trace_view_is_at_end:
 *
 * Returns: whether the newest row is in view (while following, it is after
 *   each batch has been laid out)
 */
gboolean
canopy_trace_view_is_at_end (CanopyTraceView *self)
{
  GtkAdjustment *adjustment;

  g_return_val_if_fail (CANOPY_IS_TRACE_VIEW (self), FALSE);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  return gtk_adjustment_get_value (adjustment) >=
         gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) - 2.0;
}

/**
 * canopy_trace_view_bind_settings:
 *
 * Binds the optional columns and the time format to @settings, so the
 * user's choice is remembered.
 */
void
canopy_trace_view_bind_settings (CanopyTraceView *self,
                                 GSettings       *settings)
{
  static const struct { const char *key; TraceColumn column; } bindings[] = {
    { "show-channel-column", COLUMN_CHANNEL },
    { "show-direction-column", COLUMN_DIRECTION },
    { "show-flags-column", COLUMN_FLAGS },
    { "show-dlc-column", COLUMN_DLC },
    { "show-ascii-column", COLUMN_ASCII },
  };

  g_return_if_fail (CANOPY_IS_TRACE_VIEW (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    g_settings_bind (settings, bindings[i].key, self->columns[bindings[i].column], "visible",
                     G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "time-format", self, "time-format", G_SETTINGS_BIND_GET);
}

/**
 * canopy_trace_view_dup_selected_text:
 *
 * The selected rows, one line each in python-can's layout, for the clipboard.
 *
 * Returns: (transfer full): the text, empty when nothing is selected
 */
char *
canopy_trace_view_dup_selected_text (CanopyTraceView *self)
{
  g_autoptr(GtkBitset) selected = NULL;
  GtkBitsetIter iter;
  GString *text = g_string_new (NULL);
  guint position;

  g_return_val_if_fail (CANOPY_IS_TRACE_VIEW (self), NULL);

  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position);
       more;
       more = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (self->selection), position);
      const CanopyMessage *msg;
      char line[CANOPY_MESSAGE_STRING_SIZE];

      if (item == NULL)
        continue;
      msg = CANOPY_IS_ID_ROW (item) ? canopy_id_row_get_message (CANOPY_ID_ROW (item))
                                    : canopy_frame_item_get_message (CANOPY_FRAME_ITEM (item));
      canopy_message_format (msg, line, sizeof line);
      g_string_append (text, line);
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

/* Going to a row and reading the selection (the log tabs' "Go to Time" and
 * "Find", "Save Trace As…"). Positions are those of the frames model given
 * to canopy_trace_view_set_models(). */

/**
 * canopy_trace_view_select_position:
 * @position: a position in the frames model
 *
 * Selects that row alone and scrolls it into view. Following the newest
 * row stops, so the row stays where it is shown.
 */
void
canopy_trace_view_select_position (CanopyTraceView *self,
                                   guint            position)
{
  g_return_if_fail (CANOPY_IS_TRACE_VIEW (self));

  if (self->per_id)
    canopy_trace_view_set_per_id (self, FALSE);
  /* Under a display filter a frame's row is not its position. */
  position = canopy_trace_view_row_for_frame (self, position);
  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    return;

  canopy_trace_view_set_following (self, FALSE);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  if (self->list_view != NULL)
    gtk_widget_activate_action (self->list_view, "list.scroll-to-item", "u", position);
}

/**
 * canopy_trace_view_get_first_selected:
 *
 * Returns: the first selected position of the frames model, or
 *   %G_MAXUINT when no frame row is selected (or the view shows one row
 *   per ID)
 */
guint
canopy_trace_view_get_first_selected (CanopyTraceView *self)
{
  g_autoptr(GtkBitset) selected = NULL;

  g_return_val_if_fail (CANOPY_IS_TRACE_VIEW (self), G_MAXUINT);

  if (self->per_id)
    return G_MAXUINT;
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (gtk_bitset_is_empty (selected))
    return G_MAXUINT;
  if (self->filtered_frames != NULL)
    return canopy_filtered_frames_get_source_position (self->filtered_frames, gtk_bitset_get_minimum (selected));
  return gtk_bitset_get_minimum (selected);
}

/**
 * canopy_trace_view_dup_selected_positions:
 *
 * The selected rows as positions of the frames model, in a copy that a
 * worker thread may read while the user selects on.
 *
 * Returns: (transfer full) (nullable): the positions, or %NULL when the
 *   view shows one row per ID
 */
GtkBitset *
canopy_trace_view_dup_selected_positions (CanopyTraceView *self)
{
  g_autoptr(GtkBitset) selected = NULL;

  g_return_val_if_fail (CANOPY_IS_TRACE_VIEW (self), NULL);

  if (self->per_id)
    return NULL;
  selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  if (self->filtered_frames != NULL)
    {
      GtkBitset *positions = gtk_bitset_new_empty ();
      GtkBitsetIter iter;
      guint row;

      for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &row);
           more;
           more = gtk_bitset_iter_next (&iter, &row))
        gtk_bitset_add (positions, canopy_filtered_frames_get_source_position (self->filtered_frames, row));
      return positions;
    }
  return gtk_bitset_copy (selected);
}

/**
 * canopy_trace_view_focus_rows:
 *
 * Gives the keyboard focus to the rows (even before there are any), so
 * that End follows the newest row and the arrows move through them.
 *
 * Returns: whether the rows took the focus
 */
gboolean
canopy_trace_view_focus_rows (CanopyTraceView *self)
{
  g_return_val_if_fail (CANOPY_IS_TRACE_VIEW (self), FALSE);

  return gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

/**
 * canopy_trace_view_catch_up:
 *
 * Shows the newest row again if the view follows it: a view on a page
 * behind others does not scroll while its rows come in.
 */
void
canopy_trace_view_catch_up (CanopyTraceView *self)
{
  g_return_if_fail (CANOPY_IS_TRACE_VIEW (self));

  if (self->following && !self->per_id)
    scroll_to_end (self);
}

/* canopy-log-tab.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "canopy-close-later.h"
#include "canopy-frame-pattern.h"
#include "canopy-log-tab.h"
#include "canopy-trace-format.h"

/* One opened log: its document in a trace view of its own, loaded on a
 * worker thread by the document (the first rows show at once, a progress
 * bar and Cancel while the rest is indexed), a summary line once it is
 * read, the damage of a broken file in words, and "Go to time" and "Find"
 * over the frames. Both searches read the document on a worker thread:
 * a million-frame log does not freeze the window. */

/* How often the find thread looks at its cancellable. */
#define FIND_CHECK_INTERVAL 4096
/* Timestamps from here on are wall-clock times (as the trace assumes). */
#define WALL_CLOCK_THRESHOLD_NS G_GINT64_CONSTANT (1000000000000000000)

struct _CanopyLogTab
{
  GtkWidget          parent_instance;

  /* template */
  GtkLabel          *summary_label;
  GtkProgressBar    *progress_bar;
  GtkButton         *cancel_button;
  GtkWidget         *damage_box;
  GtkLabel          *damage_label;
  GtkEntry          *time_entry;
  GtkEntry          *find_entry;
  GtkLabel          *find_label;
  CanopyTraceView   *trace_view;

  GtkWidget         *tab_label;
  GtkLabel          *title_label;

  CanopyLogDocument *document;
  GCancellable      *loading;
  GCancellable      *seeking;
};

enum {
  PROP_0,
  PROP_DOCUMENT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyLogTab, canopy_log_tab, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* "1,000 frames, 12 IDs, 2 channels, 9.990 s from 2024-05-01 10:00:00" */
static char *
describe_summary (CanopyLogSummary *summary)
{
  guint64 n_frames = canopy_log_summary_get_n_frames (summary);
  guint64 n_ids = canopy_log_summary_get_n_distinct_ids (summary);
  guint64 n_errors = canopy_log_summary_get_n_error_frames (summary);
  guint n_channels = canopy_log_summary_get_n_channels (summary);
  gint64 first_ns = canopy_log_summary_get_first_time_ns (summary);
  g_autofree char *frames = canopy_format_count (n_frames);
  g_autofree char *ids = canopy_format_count (n_ids);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s frame", "%s frames", n_frames), frames);
  if (n_frames == 0)
    return g_string_free (text, FALSE);

  g_string_append (text, ", ");
  if (canopy_log_summary_get_distinct_ids_exact (summary))
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s ID", "%s IDs", n_ids), ids);
  else
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "about %s ID", "about %s IDs", n_ids), ids);
  g_string_append (text, ", ");
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u channel", "%u channels", n_channels), n_channels);
  if (n_errors > 0)
    {
      g_autofree char *errors = canopy_format_count (n_errors);

      g_string_append (text, ", ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s error frame", "%s error frames", n_errors),
                              errors);
    }
  g_string_append (text, ", ");
  g_string_append_printf (text, _("%.3f s"), canopy_log_summary_get_duration_ns (summary) / 1e9);

  if (first_ns >= WALL_CLOCK_THRESHOLD_NS)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (first_ns / G_GINT64_CONSTANT (1000000000));
      g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
      g_autofree char *start = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : NULL;

      if (start != NULL)
        g_string_append_printf (text, _(" from %s"), start);
    }

  return g_string_free (text, FALSE);
}

static void
set_loading (CanopyLogTab *self,
             gboolean      loading)
{
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), loading);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "log-tab.cancel", loading);
}

static void
show_damage (CanopyLogTab *self,
             const char   *text)
{
  gtk_label_set_text (self->damage_label, text);
  gtk_widget_set_visible (self->damage_box, text != NULL);
}

static void
on_progress (CanopyLogTab *self)
{
  double fraction = canopy_log_document_get_progress (self->document);
  g_autofree char *text = g_strdup_printf (_("Reading %.0f %%"), floor (fraction * 100.0));

  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
on_n_items (CanopyLogTab *self)
{
  g_autofree char *frames = NULL;
  g_autofree char *text = NULL;

  if (self->loading == NULL)
    return;
  frames = canopy_format_count (canopy_log_document_get_n_items (self->document));
  text = g_strdup_printf (_("Reading… %s frames so far"), frames);
  gtk_label_set_text (self->summary_label, text);
}

static void
load_ready (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CanopyLogTab) self = user_data;
  g_autoptr(GError) error = NULL;
  const GError *damage;
  g_autofree char *frames = NULL;

  canopy_log_document_load_finish (CANOPY_LOG_DOCUMENT (source), result, &error);

  /* Closed while loading: the widgets are gone. */
  if (self->summary_label == NULL)
    return;

  g_clear_object (&self->loading);
  set_loading (self, FALSE);
  frames = canopy_format_count (canopy_log_document_get_n_items (self->document));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Stopped reading after %s frames: the rest of the file is not shown"),
                                               frames);

      gtk_label_set_text (self->summary_label, text);
      return;
    }

  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The log could not be opened: %s"), error->message);

      gtk_label_set_text (self->summary_label, "");
      show_damage (self, text);
      return;
    }

  {
    g_autofree char *summary = describe_summary (canopy_log_document_get_summary (self->document));

    gtk_label_set_text (self->summary_label, summary);
  }

  /* A damaged file: every frame before the damage is in the trace; and
   * what the reader stepped over on the way is said too. */
  damage = canopy_log_document_get_error (self->document);
  if (damage != NULL || canopy_log_document_get_n_skipped (self->document) > 0)
    {
      GString *text = g_string_new (NULL);

      if (damage != NULL)
        g_string_printf (text, _("The file is damaged: %s. The %s frames before the damage are shown."),
                         damage->message, frames);
      canopy_format_skipped (text, canopy_log_document_get_n_skipped (self->document),
                             canopy_log_document_get_skip_reasons (self->document));
      show_damage (self, text->str);
      g_string_free (text, TRUE);
    }
}

/* Go to time and Find: one search at a time, on a worker thread. */

typedef struct
{
  CanopyLogDocument  *document;
  CanopyFramePattern  pattern;
  double              seconds;
  guint               start;
  guint               n_items;
  guint               found;
  gboolean            wrapped;
  gint64              found_ns;
  gint64              first_ns;
} Search;

static void
search_free (Search *search)
{
  g_clear_object (&search->document);
  g_free (search);
}

static GCancellable *
restart_search (CanopyLogTab *self)
{
  g_cancellable_cancel (self->seeking);
  g_clear_object (&self->seeking);
  self->seeking = g_cancellable_new ();
  return self->seeking;
}

static void
time_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Search *search = task_data;
  GError *error = NULL;
  CanopyMessage msg;
  gint64 offset_ns;

  if (!canopy_log_document_get_message (search->document, 0, &msg, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  search->first_ns = msg.timestamp_ns;

  offset_ns = (gint64) llround (search->seconds * 1e9);
  search->found = canopy_log_document_find_time (search->document, search->first_ns + offset_ns);
  if (!canopy_log_document_get_message (search->document, search->found, &msg, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  search->found_ns = msg.timestamp_ns;
  g_task_return_boolean (task, TRUE);
}

static void
find_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Search *search = task_data;
  guint n = search->n_items;

  /* From the row after the selection to the end, then from the top. */
  for (guint k = 0; k < n; k++)
    {
      guint position = (search->start + k) % n;
      GError *error = NULL;
      CanopyMessage msg;

      if (k % FIND_CHECK_INTERVAL == 0 && g_task_return_error_if_cancelled (task))
        return;

      if (!canopy_log_document_get_message (search->document, position, &msg, &error))
        {
          g_task_return_error (task, error);
          return;
        }

      if (canopy_frame_pattern_match (&search->pattern, &msg))
        {
          search->found = position;
          search->found_ns = msg.timestamp_ns;
          search->wrapped = position < search->start;
          g_task_return_boolean (task, TRUE);
          return;
        }
    }

  search->found = G_MAXUINT;
  g_task_return_boolean (task, TRUE);
}

static void
set_find_text (CanopyLogTab *self,
               const char   *text)
{
  gtk_label_set_text (self->find_label, text);
}

static void
search_ready (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  CanopyLogTab *self = CANOPY_LOG_TAB (source);
  Search *search = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *row = NULL;
  g_autofree char *text = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  /* A newer search replaced this one, or the tab is closed. */
  if (self->find_label == NULL || g_task_get_cancellable (G_TASK (result)) != self->seeking)
    return;
  g_clear_object (&self->seeking);

  if (!ok)
    {
      set_find_text (self, error->message);
      return;
    }

  if (search->found == G_MAXUINT)
    {
      text = g_strdup_printf (_("No frame matches “%s”"), gtk_editable_get_text (GTK_EDITABLE (self->find_entry)));
      set_find_text (self, text);
      return;
    }

  canopy_trace_view_select_position (self->trace_view, search->found);
  row = canopy_format_count ((guint64) search->found + 1);
  if (search->wrapped)
    text = g_strdup_printf (_("Row %s (from the top)"), row);
  else
    text = g_strdup_printf (_("Row %s"), row);
  set_find_text (self, text);
}

static void
go_to_time_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CanopyLogTab *self = CANOPY_LOG_TAB (widget);
  g_autofree char *input = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->time_entry))));
  g_autoptr(GTask) task = NULL;
  Search *search;
  char *end = NULL;
  double seconds;

  if (g_str_has_suffix (input, "s"))
    input[strlen (input) - 1] = '\0';
  g_strdelimit (input, ",", '.');
  seconds = g_ascii_strtod (input, &end);
  if (*input == '\0' || end == NULL || *g_strstrip (end) != '\0' || !isfinite (seconds) || seconds < 0)
    {
      set_find_text (self, _("Type the seconds from the first frame, e.g. 12.5"));
      return;
    }
  if (canopy_log_document_get_n_items (self->document) == 0)
    {
      set_find_text (self, _("The log has no frames yet"));
      return;
    }

  search = g_new0 (Search, 1);
  search->document = g_object_ref (self->document);
  search->seconds = seconds;
  task = g_task_new (self, restart_search (self), search_ready, NULL);
  g_task_set_source_tag (task, go_to_time_action);
  g_task_set_task_data (task, search, (GDestroyNotify) search_free);
  set_find_text (self, _("Searching…"));
  g_task_run_in_thread (task, time_thread);
}

static void
find_next_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CanopyLogTab *self = CANOPY_LOG_TAB (widget);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  CanopyFramePattern pattern;
  Search *search;
  guint selected;

  if (!canopy_frame_pattern_parse (&pattern, gtk_editable_get_text (GTK_EDITABLE (self->find_entry)), &error))
    {
      set_find_text (self, error->message);
      return;
    }

  search = g_new0 (Search, 1);
  search->document = g_object_ref (self->document);
  search->pattern = pattern;
  search->n_items = canopy_log_document_get_n_items (self->document);
  selected = canopy_trace_view_get_first_selected (self->trace_view);
  search->start = selected != G_MAXUINT && selected + 1 < search->n_items ? selected + 1 : 0;

  task = g_task_new (self, restart_search (self), search_ready, NULL);
  g_task_set_source_tag (task, find_next_action);
  g_task_set_task_data (task, search, (GDestroyNotify) search_free);
  set_find_text (self, _("Searching…"));
  g_task_run_in_thread (task, find_thread);
}

static void
on_time_activate (CanopyLogTab *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "log-tab.go-to-time", NULL);
}

static void
on_find_activate (CanopyLogTab *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "log-tab.find-next", NULL);
}

static void
focus_find_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (CANOPY_LOG_TAB (widget)->find_entry));
}

static void
focus_time_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  gtk_widget_grab_focus (GTK_WIDGET (CANOPY_LOG_TAB (widget)->time_entry));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_cancellable_cancel (CANOPY_LOG_TAB (widget)->loading);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  canopy_log_tab_close (CANOPY_LOG_TAB (widget));
}

static void
on_close_clicked (CanopyLogTab *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "log-tab.close", NULL);
}

/* The notebook shows this beside the page: the file's name and a close
 * button. It lives outside the page, so it is made here, not in the
 * page's template. */
static void
make_tab_label (CanopyLogTab *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *button = gtk_button_new_from_icon_name ("window-close-symbolic");

  self->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (self->title_label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (self->title_label, 28);
  gtk_label_set_single_line_mode (self->title_label, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->title_label));

  gtk_button_set_has_frame (GTK_BUTTON (button), FALSE);
  gtk_widget_set_focus_on_click (button, FALSE);
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_set_tooltip_text (button, _("Close the log"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Close Tab"), -1);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_close_clicked), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), button);

  self->tab_label = g_object_ref_sink (box);
}

/* Focus goes to the trace, so the keys (End: follow the end while the
 * file is read) act on it at once. */
static gboolean
canopy_log_tab_grab_focus (GtkWidget *widget)
{
  CanopyLogTab *self = CANOPY_LOG_TAB (widget);

  return canopy_trace_view_focus_rows (self->trace_view);
}

static void
canopy_log_tab_constructed (GObject *object)
{
  CanopyLogTab *self = CANOPY_LOG_TAB (object);
  GFile *file;
  g_autofree char *name = NULL;
  g_autofree char *where = NULL;

  G_OBJECT_CLASS (canopy_log_tab_parent_class)->constructed (object);

  g_assert (CANOPY_IS_LOG_DOCUMENT (self->document));
  file = canopy_log_document_get_file (self->document);
  name = g_file_get_basename (file);
  where = g_file_get_parse_name (file);
  gtk_label_set_text (self->title_label, name);
  /* An ellipsizing label asks for no width: a short name shows whole. */
  gtk_label_set_width_chars (self->title_label, MIN ((int) g_utf8_strlen (name, -1), 28));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), where);

  canopy_trace_view_set_models (self->trace_view, G_LIST_MODEL (self->document), NULL);
  g_signal_connect_object (self->document, "notify::progress", G_CALLBACK (on_progress), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->document, "notify::n-items", G_CALLBACK (on_n_items), self, G_CONNECT_SWAPPED);

  self->loading = g_cancellable_new ();
  set_loading (self, TRUE);
  on_progress (self);
  on_n_items (self);
  canopy_log_document_load_async (self->document, self->loading, load_ready, g_object_ref (self));
}

static void
canopy_log_tab_dispose (GObject *object)
{
  CanopyLogTab *self = CANOPY_LOG_TAB (object);

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_cancellable_cancel (self->seeking);
  g_clear_object (&self->seeking);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_LOG_TAB);
  /* The template's box is not bound: dispose_template() leaves it. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->tab_label);
  self->title_label = NULL;
  g_clear_object (&self->document);

  G_OBJECT_CLASS (canopy_log_tab_parent_class)->dispose (object);
}

static void
canopy_log_tab_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CanopyLogTab *self = CANOPY_LOG_TAB (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_log_tab_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CanopyLogTab *self = CANOPY_LOG_TAB (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      self->document = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_log_tab_class_init (CanopyLogTabClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = canopy_log_tab_constructed;
  object_class->dispose = canopy_log_tab_dispose;
  object_class->get_property = canopy_log_tab_get_property;
  object_class->set_property = canopy_log_tab_set_property;
  widget_class->grab_focus = canopy_log_tab_grab_focus;

  /**
   * CanopyLogTab:document:
   *
   * The log shown, loaded when the tab is made.
   */
  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, CANOPY_TYPE_LOG_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CANOPY_TYPE_TRACE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-log-tab.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyLogTab, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyLogTab, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CanopyLogTab, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CanopyLogTab, damage_box);
  gtk_widget_class_bind_template_child (widget_class, CanopyLogTab, damage_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyLogTab, time_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyLogTab, find_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyLogTab, find_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyLogTab, trace_view);
  gtk_widget_class_bind_template_callback (widget_class, on_time_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_find_activate);

  gtk_widget_class_install_action (widget_class, "log-tab.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "log-tab.go-to-time", NULL, go_to_time_action);
  gtk_widget_class_install_action (widget_class, "log-tab.find-next", NULL, find_next_action);
  gtk_widget_class_install_action (widget_class, "log-tab.focus-find", NULL, focus_find_action);
  gtk_widget_class_install_action (widget_class, "log-tab.focus-time", NULL, focus_time_action);
  gtk_widget_class_install_action (widget_class, "log-tab.close", NULL, close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "log-tab.focus-find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "log-tab.focus-time", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F3, 0, "log-tab.find-next", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "logtab");
}

static void
canopy_log_tab_init (CanopyLogTab *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  make_tab_label (self);
}

/**
 * canopy_log_tab_new:
 * @file: a log in any format Canopy reads
 *
 * Makes a tab for @file and starts reading it.
 */
CanopyLogTab *
canopy_log_tab_new (GFile *file)
{
  g_autoptr(CanopyLogDocument) document = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  document = canopy_log_document_new (file);
  return g_object_new (CANOPY_TYPE_LOG_TAB, "document", document, NULL);
}

/**
 * canopy_log_tab_get_document:
 *
 * Returns: (transfer none): the log shown
 */
CanopyLogDocument *
canopy_log_tab_get_document (CanopyLogTab *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_TAB (self), NULL);

  return self->document;
}

/**
 * canopy_log_tab_get_trace_view:
 *
 * Returns: (transfer none): the tab's trace
 */
CanopyTraceView *
canopy_log_tab_get_trace_view (CanopyLogTab *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_TAB (self), NULL);

  return self->trace_view;
}

/**
 * canopy_log_tab_get_tab_label:
 *
 * Returns: (transfer none): the widget for the notebook's tab: the file's
 *   name and a "Close Tab" button
 */
GtkWidget *
canopy_log_tab_get_tab_label (CanopyLogTab *self)
{
  g_return_val_if_fail (CANOPY_IS_LOG_TAB (self), NULL);

  return self->tab_label;
}

/**
 * canopy_log_tab_close:
 *
 * Stops reading and removes the tab from its notebook (it is hidden at
 * once, removed a moment later).
 */
void
canopy_log_tab_close (CanopyLogTab *self)
{
  g_return_if_fail (CANOPY_IS_LOG_TAB (self));

  g_cancellable_cancel (self->loading);
  g_cancellable_cancel (self->seeking);
  canopy_close_later_page (GTK_WIDGET (self));
}

/* canopy-filter-pane.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "canopy-acceptance-row.h"
#include "canopy-application.h"
#include "canopy-filter-pane.h"
#include "canopy-filter-set.h"
#include "canopy-filter-set-dialog.h"

/* The Filters tool pane: acceptance filters for the bus (what it delivers)
 * and a display filter for the views (what they show; every frame is kept).
 *
 * Acceptance filters reach the bus only through Apply, off the main thread
 * (a remote bus sends them over the network). Once applied they stay wanted
 * for the session: a new connection gets them too. Display filters apply as
 * the user types, after a short pause, to every view bound to
 * :display-filter. The set persists in GSettings (`filter-set`, the text of
 * a `.canfilter` file), so a restart shows it again; the acceptance part is
 * then only shown, until Apply, so that no bus filters behind the user's
 * back. */

#define DISPLAY_DELAY_MS 300

struct _CanopyFilterPane
{
  GtkWidget            parent_instance;

  /* template */
  GtkWidget           *content;
  GtkEntry            *add_entry;
  GtkListBox          *rows_list;
  GtkLabel            *acceptance_status;
  GtkEntry            *ids_entry;
  GtkEntry            *data_entry;
  GtkEntry            *channel_entry;
  GtkDropDown         *direction_dropdown;
  GtkDropDown         *error_frames_dropdown;
  GtkLabel            *display_status;

  GSettings           *settings;
  CanopyConnection    *connection;
  CanopyDisplayFilter *display_filter;
  GArray              *applied;       /* CanopyFilter; NULL until Apply */
  GCancellable        *applying;
  char                *set_path;
  guint                display_timeout;
  gboolean             filling;       /* widgets follow a loaded set: no reactions */
};

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_DISPLAY_FILTER,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyFilterPane, canopy_filter_pane, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void
set_status (GtkLabel   *label,
            const char *text,
            gboolean    is_error)
{
  gtk_label_set_text (label, text);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
}

/* The status line when nothing went wrong: what the bus does now. */
static void
show_acceptance_state (CanopyFilterPane *self)
{
  g_autofree char *text = NULL;

  if (self->applied == NULL)
    text = g_strdup (self->connection != NULL ? _("Not applied: the bus delivers every frame")
                                              : _("Not connected"));
  else if (self->connection == NULL)
    text = g_strdup (_("Not connected: the applied filters go on the next bus"));
  else if (self->applying != NULL)
    text = g_strdup (_("Applying…"));
  else if (self->applied->len == 0)
    text = g_strdup (_("No filters on the bus: it delivers every frame"));
  else
    text = g_strdup_printf (ngettext ("%u filter on the bus", "%u filters on the bus", self->applied->len),
                            self->applied->len);

  set_status (self->acceptance_status, text, FALSE);
}

/* Every valid row's filter; the first invalid row fails the whole. */
static GArray *
collect_rows (CanopyFilterPane  *self,
              GError           **error)
{
  g_autoptr(GArray) filters = g_array_new (FALSE, TRUE, sizeof (CanopyFilter));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->rows_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      CanopyFilter filter;

      if (!CANOPY_IS_ACCEPTANCE_ROW (child))
        continue;
      if (!canopy_acceptance_row_get_filter (CANOPY_ACCEPTANCE_ROW (child), &filter, error))
        return NULL;
      g_array_append_val (filters, filter);
    }

  return g_steal_pointer (&filters);
}

/* What the pane holds now: the rows that are valid, the display filter. */
static CanopyFilterSet *
current_set (CanopyFilterPane *self)
{
  g_autoptr(GArray) filters = g_array_new (FALSE, TRUE, sizeof (CanopyFilter));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->rows_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      CanopyFilter filter;

      if (CANOPY_IS_ACCEPTANCE_ROW (child) &&
          canopy_acceptance_row_get_filter (CANOPY_ACCEPTANCE_ROW (child), &filter, NULL))
        g_array_append_val (filters, filter);
    }

  return canopy_filter_set_new ((const CanopyFilter *) (gpointer) filters->data, filters->len,
                                self->display_filter);
}

static void
save_settings (CanopyFilterPane *self)
{
  g_autoptr(CanopyFilterSet) set = NULL;
  g_autofree char *data = NULL;

  if (self->settings == NULL || self->filling)
    return;

  set = current_set (self);
  data = canopy_filter_set_to_data (set);
  g_settings_set_string (self->settings, "filter-set", data);
}

static void
on_row_changed (CanopyFilterPane *self)
{
  if (self->filling)
    return;
  if (self->applied != NULL)
    set_status (self->acceptance_status, _("Edited: Apply sets these filters on the bus"), FALSE);
}

static void
add_row (CanopyFilterPane   *self,
         const CanopyFilter *filter)
{
  GtkWidget *row = canopy_acceptance_row_new (filter);

  g_signal_connect_object (row, "changed", G_CALLBACK (on_row_changed), self, G_CONNECT_SWAPPED);
  gtk_list_box_append (self->rows_list, row);
}

static void
remove_all_rows (CanopyFilterPane *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->rows_list, 0)) != NULL)
    gtk_list_box_remove (self->rows_list, GTK_WIDGET (row));
}

/* --- applying to the bus --- */

typedef struct
{
  CanopyBus    *bus;
  GArray       *filters;
} ApplyData;

static void
apply_data_free (ApplyData *data)
{
  g_clear_object (&data->bus);
  g_clear_pointer (&data->filters, g_array_unref);
  g_free (data);
}

static void
apply_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ApplyData *data = task_data;
  GError *error = NULL;

  if (canopy_bus_set_filter_array (data->bus, (const CanopyFilter *) (gpointer) data->filters->data,
                                   data->filters->len, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
apply_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CanopyFilterPane *self = CANOPY_FILTER_PANE (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* A newer Apply (or another bus) took over meanwhile. */
  if (g_task_get_cancellable (G_TASK (result)) != self->applying)
    return;
  g_clear_object (&self->applying);

  if (error != NULL)
    {
      text = g_strdup_printf (_("The bus refused the filters: %s"), error->message);
      set_status (self->acceptance_status, text, TRUE);
      return;
    }

  show_acceptance_state (self);
}

static void
apply_to_bus (CanopyFilterPane *self)
{
  g_autoptr(GTask) task = NULL;
  ApplyData *data;

  g_cancellable_cancel (self->applying);
  g_clear_object (&self->applying);

  if (self->connection == NULL || self->applied == NULL)
    {
      show_acceptance_state (self);
      return;
    }

  self->applying = g_cancellable_new ();
  data = g_new0 (ApplyData, 1);
  data->bus = g_object_ref (canopy_connection_get_bus (self->connection));
  data->filters = g_array_ref (self->applied);

  task = g_task_new (self, self->applying, apply_done, NULL);
  g_task_set_source_tag (task, apply_to_bus);
  g_task_set_task_data (task, data, (GDestroyNotify) apply_data_free);
  /* A remote bus writes the filters to its server: never on this thread. */
  g_task_run_in_thread (task, apply_thread);
  show_acceptance_state (self);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CanopyFilterPane *self = CANOPY_FILTER_PANE (widget);
  g_autoptr(GError) error = NULL;
  GArray *filters = collect_rows (self, &error);

  if (filters == NULL)
    {
      set_status (self->acceptance_status, error->message, TRUE);
      return;
    }

  g_clear_pointer (&self->applied, g_array_unref);
  self->applied = filters;
  save_settings (self);
  apply_to_bus (self);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CanopyFilterPane *self = CANOPY_FILTER_PANE (widget);
  g_auto(GStrv) parts = g_strsplit_set (gtk_editable_get_text (GTK_EDITABLE (self->add_entry)), ",;\n", -1);
  g_autoptr(GArray) filters = g_array_new (FALSE, TRUE, sizeof (CanopyFilter));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      CanopyFilter filter;

      if (*g_strstrip (parts[i]) == '\0')
        continue;
      if (!canopy_acceptance_filter_parse (parts[i], &filter, &error))
        {
          set_status (self->acceptance_status, error->message, TRUE);
          gtk_widget_add_css_class (GTK_WIDGET (self->add_entry), "error");
          return;
        }
      g_array_append_val (filters, filter);
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->add_entry), "error");
  if (filters->len == 0)
    {
      set_status (self->acceptance_status,
                  _("Type a filter first, such as 123:7FF (7DF~7FF takes what does not match)"), TRUE);
      return;
    }

  for (guint i = 0; i < filters->len; i++)
    add_row (self, &g_array_index (filters, CanopyFilter, i));
  gtk_editable_set_text (GTK_EDITABLE (self->add_entry), "");
  if (self->applied != NULL)
    set_status (self->acceptance_status, _("Edited: Apply sets these filters on the bus"), FALSE);
  else
    set_status (self->acceptance_status, _("Apply sets these filters on the bus"), FALSE);
  save_settings (self);
}

static void
on_add_entry_activated (CanopyFilterPane *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "filters.add", NULL);
}

static void
remove_row_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CanopyFilterPane *self = CANOPY_FILTER_PANE (widget);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->rows_list, g_variant_get_int32 (parameter));

  if (row == NULL)
    return;

  gtk_list_box_remove (self->rows_list, GTK_WIDGET (row));
  on_row_changed (self);
  save_settings (self);
}

/* --- the display filter --- */

static void
update_display_filter (CanopyFilterPane *self)
{
  g_autoptr(CanopyDisplayFilter) filter = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->display_timeout, g_source_remove);

  filter = canopy_display_filter_new (gtk_editable_get_text (GTK_EDITABLE (self->ids_entry)),
                                      gtk_editable_get_text (GTK_EDITABLE (self->data_entry)),
                                      gtk_drop_down_get_selected (self->direction_dropdown),
                                      gtk_drop_down_get_selected (self->error_frames_dropdown),
                                      gtk_editable_get_text (GTK_EDITABLE (self->channel_entry)),
                                      &error);
  if (filter == NULL)
    {
      /* The views keep the last good filter while the user corrects this. */
      set_status (self->display_status, error->message, TRUE);
      return;
    }

  if (canopy_display_filter_is_empty (filter))
    {
      g_clear_object (&filter);
      set_status (self->display_status, _("Showing every frame"), FALSE);
    }
  else
    set_status (self->display_status, _("Showing the frames that match; the others are kept"), FALSE);

  if (g_set_object (&self->display_filter, filter))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_FILTER]);
  save_settings (self);
}

static gboolean
display_timeout_cb (gpointer user_data)
{
  CanopyFilterPane *self = user_data;

  self->display_timeout = 0;
  update_display_filter (self);
  return G_SOURCE_REMOVE;
}

/* Typing refilters after a pause, not at each key: a new filter rescans. */
static void
on_display_field_changed (CanopyFilterPane *self)
{
  if (self->filling)
    return;
  g_clear_handle_id (&self->display_timeout, g_source_remove);
  self->display_timeout = g_timeout_add (DISPLAY_DELAY_MS, display_timeout_cb, self);
}

static void
on_display_field_activated (CanopyFilterPane *self)
{
  update_display_filter (self);
}

static void
clear_display_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CanopyFilterPane *self = CANOPY_FILTER_PANE (widget);

  self->filling = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->ids_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->data_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->channel_entry), "");
  gtk_drop_down_set_selected (self->direction_dropdown, CANOPY_DIRECTION_FILTER_BOTH);
  gtk_drop_down_set_selected (self->error_frames_dropdown, CANOPY_ERROR_FRAMES_SHOW);
  self->filling = FALSE;
  update_display_filter (self);
}

/* --- filter sets --- */

/* Shows @set in the widgets. Its acceptance filters wait for Apply. */
static void
show_set (CanopyFilterPane *self,
          CanopyFilterSet  *set)
{
  CanopyDisplayFilter *display = canopy_filter_set_get_display (set);
  const CanopyFilter *filters;
  guint n_filters;

  self->filling = TRUE;
  remove_all_rows (self);
  filters = canopy_filter_set_get_acceptance (set, &n_filters);
  for (guint i = 0; i < n_filters; i++)
    add_row (self, &filters[i]);
  gtk_editable_set_text (GTK_EDITABLE (self->ids_entry), canopy_display_filter_get_ids (display));
  gtk_editable_set_text (GTK_EDITABLE (self->data_entry), canopy_display_filter_get_data (display));
  gtk_editable_set_text (GTK_EDITABLE (self->channel_entry), canopy_display_filter_get_channel (display));
  gtk_drop_down_set_selected (self->direction_dropdown, canopy_display_filter_get_direction (display));
  gtk_drop_down_set_selected (self->error_frames_dropdown, canopy_display_filter_get_error_frames (display));
  self->filling = FALSE;

  update_display_filter (self);
}

static void
on_set_loaded (CanopyFilterSetDialog *dialog,
               CanopyFilterSet       *set,
               CanopyFilterPane      *self)
{
  g_autofree char *text = NULL;
  guint n_filters;

  g_free (self->set_path);
  self->set_path = g_strdup (canopy_filter_set_dialog_get_path (dialog));
  show_set (self, set);
  save_settings (self);

  canopy_filter_set_get_acceptance (set, &n_filters);
  text = g_strdup_printf (ngettext ("Loaded %u filter: Apply sets it on the bus",
                                    "Loaded %u filters: Apply sets them on the bus", n_filters),
                          n_filters);
  set_status (self->acceptance_status, text, FALSE);
}

static void
on_set_saved (CanopyFilterSetDialog *dialog,
              CanopyFilterPane      *self)
{
  g_autofree char *text = NULL;

  g_free (self->set_path);
  self->set_path = g_strdup (canopy_filter_set_dialog_get_path (dialog));
  text = g_strdup_printf (_("Filter set saved to %s"), self->set_path);
  set_status (self->display_status, text, FALSE);
}

static GtkWindow *
parent_window (CanopyFilterPane *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
save_set_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CanopyFilterPane *self = CANOPY_FILTER_PANE (widget);
  g_autoptr(CanopyFilterSet) set = NULL;
  CanopyFilterSetDialog *dialog;

  /* What was typed a moment ago counts, pause or not. */
  if (self->display_timeout != 0)
    update_display_filter (self);
  set = current_set (self);
  dialog = canopy_filter_set_dialog_new_save (parent_window (self), set, self->set_path);

  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_set_saved), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
load_set_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CanopyFilterPane *self = CANOPY_FILTER_PANE (widget);
  CanopyFilterSetDialog *dialog = canopy_filter_set_dialog_new_load (parent_window (self), self->set_path);

  g_signal_connect_object (dialog, "loaded", G_CALLBACK (on_set_loaded), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
restore_settings (CanopyFilterPane *self)
{
  g_autofree char *data = NULL;
  g_autoptr(CanopyFilterSet) set = NULL;
  g_autoptr(GError) error = NULL;

  if (self->settings == NULL)
    return;

  data = g_settings_get_string (self->settings, "filter-set");
  if (*data == '\0')
    return;

  set = canopy_filter_set_new_from_data (data, &error);
  if (set == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The saved filters could not be read: %s"), error->message);

      set_status (self->display_status, text, TRUE);
      return;
    }
  show_set (self, set);
}

/* --- GObject --- */

static void
canopy_filter_pane_dispose (GObject *object)
{
  CanopyFilterPane *self = CANOPY_FILTER_PANE (object);

  g_clear_handle_id (&self->display_timeout, g_source_remove);
  g_cancellable_cancel (self->applying);
  g_clear_object (&self->applying);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_FILTER_PANE);
  g_clear_object (&self->connection);
  g_clear_object (&self->display_filter);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (canopy_filter_pane_parent_class)->dispose (object);
}

static void
canopy_filter_pane_finalize (GObject *object)
{
  CanopyFilterPane *self = CANOPY_FILTER_PANE (object);

  g_clear_pointer (&self->applied, g_array_unref);
  g_free (self->set_path);

  G_OBJECT_CLASS (canopy_filter_pane_parent_class)->finalize (object);
}

static void
canopy_filter_pane_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CanopyFilterPane *self = CANOPY_FILTER_PANE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_DISPLAY_FILTER:
      g_value_set_object (value, self->display_filter);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_filter_pane_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CanopyFilterPane *self = CANOPY_FILTER_PANE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      canopy_filter_pane_set_connection (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_filter_pane_class_init (CanopyFilterPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_filter_pane_dispose;
  object_class->finalize = canopy_filter_pane_finalize;
  object_class->get_property = canopy_filter_pane_get_property;
  object_class->set_property = canopy_filter_pane_set_property;

  /**
   * CanopyFilterPane:connection: (nullable)
   *
   * The bus that Apply sets the acceptance filters on.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, CANOPY_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CanopyFilterPane:display-filter: (nullable)
   *
   * The display filter as typed; %NULL while it would show every frame.
   */
  properties[PROP_DISPLAY_FILTER] =
    g_param_spec_object ("display-filter", NULL, NULL, CANOPY_TYPE_DISPLAY_FILTER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-filter-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterPane, content);
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterPane, add_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterPane, rows_list);
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterPane, acceptance_status);
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterPane, ids_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterPane, data_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterPane, channel_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterPane, direction_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterPane, error_frames_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CanopyFilterPane, display_status);

  gtk_widget_class_install_action (widget_class, "filters.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "filters.remove-row", "i", remove_row_action);
  gtk_widget_class_install_action (widget_class, "filters.apply", NULL, apply_action);
  gtk_widget_class_install_action (widget_class, "filters.clear-display", NULL, clear_display_action);
  gtk_widget_class_install_action (widget_class, "filters.save-set", NULL, save_set_action);
  gtk_widget_class_install_action (widget_class, "filters.load-set", NULL, load_set_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "filterpane");
}

static void
canopy_filter_pane_init (CanopyFilterPane *self)
{
  GApplication *application = g_application_get_default ();
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  placeholder = gtk_label_new (_("No acceptance filters: the bus delivers every frame"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 6);
  gtk_widget_set_margin_bottom (placeholder, 6);
  gtk_list_box_set_placeholder (self->rows_list, placeholder);

  g_signal_connect_swapped (self->add_entry, "activate", G_CALLBACK (on_add_entry_activated), self);

  {
    GtkEntry *entries[] = { self->ids_entry, self->data_entry, self->channel_entry };

    for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
      {
        g_signal_connect_swapped (entries[i], "changed", G_CALLBACK (on_display_field_changed), self);
        g_signal_connect_swapped (entries[i], "activate", G_CALLBACK (on_display_field_activated), self);
      }
  }
  g_signal_connect_swapped (self->direction_dropdown, "notify::selected", G_CALLBACK (on_display_field_activated), self);
  g_signal_connect_swapped (self->error_frames_dropdown, "notify::selected", G_CALLBACK (on_display_field_activated), self);

  if (CANOPY_IS_APPLICATION (application))
    self->settings = g_object_ref (canopy_application_get_settings (CANOPY_APPLICATION (application)));

  restore_settings (self);
  show_acceptance_state (self);
  if (self->display_filter == NULL)
    set_status (self->display_status, _("Showing every frame"), FALSE);
}

CanopyConnection *
canopy_filter_pane_get_connection (CanopyFilterPane *self)
{
  g_return_val_if_fail (CANOPY_IS_FILTER_PANE (self), NULL);

  return self->connection;
}

/**
 * canopy_filter_pane_set_connection:
 * @connection: (nullable): the connection whose bus Apply sets filters on
 *
 * Filters the user applied in this session go on the new bus at once.
 */
void
canopy_filter_pane_set_connection (CanopyFilterPane *self,
                                   CanopyConnection *connection)
{
  g_return_if_fail (CANOPY_IS_FILTER_PANE (self));
  g_return_if_fail (connection == NULL || CANOPY_IS_CONNECTION (connection));

  if (!g_set_object (&self->connection, connection))
    return;

  apply_to_bus (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/**
 * canopy_filter_pane_get_display_filter:
 *
 * Returns: (nullable) (transfer none): the display filter; %NULL shows
 *   every frame
 */
CanopyDisplayFilter *
canopy_filter_pane_get_display_filter (CanopyFilterPane *self)
{
  g_return_val_if_fail (CANOPY_IS_FILTER_PANE (self), NULL);

  return self->display_filter;
}

/* canopy-window.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <canopy.h>

#include "canopy-connect-dialog.h"
#include "canopy-connection.h"
#include "canopy-convert-dialog.h"
#include "canopy-filter-pane.h"
#include "canopy-log-tab.h"
#include "canopy-path-entry.h"
#include "canopy-recent-logs.h"
#include "canopy-record-dialog.h"
#include "canopy-recorder.h"
#include "canopy-replay-pane.h"
#include "canopy-save-dialog.h"
#include "canopy-share-pane.h"
#include "canopy-statistics-panel.h"
#include "canopy-trace-format.h"
#include "canopy-trace-view.h"
#include "canopy-transmit-pane.h"
#include "canopy-window.h"

/* The status figures refresh four times a second; the plot takes one sample
 * a second. Both read snapshots: nothing here waits for the bus. */
#define STATUS_INTERVAL_MS 250
#define TICKS_PER_SAMPLE   4

struct _CanopyWindow
{
  GtkApplicationWindow   parent_instance;

  /* template */
  GtkButton             *connect_button;
  GtkLabel              *subtitle_label;
  GtkRevealer           *banner;
  GtkLabel              *banner_label;
  GtkNotebook           *notebook;
  CanopyTraceView       *trace_view;
  CanopyStatisticsPanel *statistics_panel;
  GtkStack              *tool_stack;
  CanopyReplayPane      *replay_pane;
  CanopyTransmitPane    *transmit_pane;
  CanopyFilterPane      *filter_pane;
  GtkWidget             *filters_button;
  GtkLabel              *frames_label;
  GtkLabel              *rate_label;
  GtkLabel              *load_label;
  GtkLabel              *errors_label;
  GtkLabel              *dropped_label;
  GtkLabel              *state_label;
  GMenu                 *recent_section;
  GtkLabel              *record_label;
  CanopySharePane       *share_pane;

  GSettings             *settings;
  CanopyConnection      *connection;
  GCancellable          *connecting;
  CanopyLogDocument     *document;
  CanopyRecentLogs      *recent_logs;
  CanopyDisplayFilter   *display_filter;
  CanopyRecorder        *recorder;

  guint                  status_source;
  guint                  ticks;
  guint64                last_frames;
  gint64                 last_tick_us;
};

enum {
  PROP_0,
  PROP_PAUSED,
  PROP_PER_ID,
  PROP_CONNECTION,
  PROP_DOCUMENT,
  PROP_DISPLAY_FILTER,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyWindow, canopy_window, GTK_TYPE_APPLICATION_WINDOW)

/* GSettings keys that are window actions (menu items bind them directly). */
static const char *setting_actions[] = {
  "time-format", "show-statistics",
  "show-channel-column", "show-direction-column", "show-flags-column",
  "show-dlc-column", "show-ascii-column",
};

static GParamSpec *properties[N_PROPS];

/* The live page's trace, or the trace of the log in front. */
static CanopyTraceView *
front_trace_view (CanopyWindow *self)
{
  GtkWidget *page = gtk_notebook_get_nth_page (self->notebook, gtk_notebook_get_current_page (self->notebook));

  return CANOPY_IS_LOG_TAB (page) ? canopy_log_tab_get_trace_view (CANOPY_LOG_TAB (page))
                                  : self->trace_view;
}

static gboolean
is_paused (CanopyWindow *self)
{
  return self->connection != NULL && canopy_connection_get_paused (self->connection);
}

/* For the actions of the window's action map (stateful ones). */
static void
set_action_enabled (CanopyWindow *self,
                    const char   *name,
                    gboolean      enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_actions (CanopyWindow *self)
{
  gboolean connected = self->connection != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.connect", self->connecting == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.disconnect", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.paused", connected);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.per-id",
                                 connected && front_trace_view (self) == self->trace_view);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-trace",
                                 canopy_trace_view_get_frames (front_trace_view (self)) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.dismiss-banner",
                                 gtk_revealer_get_reveal_child (self->banner));
  set_action_enabled (self, "record",
                      connected || (self->recorder != NULL && canopy_recorder_get_recording (self->recorder)));
  set_action_enabled (self, "share-bus",
                      connected || (self->share_pane != NULL && canopy_share_pane_get_sharing (self->share_pane)));

  /* One button, two faces: Connect opens the dialog, Disconnect stops the bus. */
  gtk_button_set_label (self->connect_button, connected ? _("Disconnect") : _("Connect"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->connect_button),
                                  connected ? "win.disconnect" : "win.connect");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->connect_button),
                               connected ? _("Stop reading the bus (the trace stays)")
                                         : _("Connect to a CAN bus (Ctrl+K)"));
}

static void
show_banner (CanopyWindow *self,
             const char   *text)
{
  gtk_label_set_text (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner, text != NULL);
  update_actions (self);
}

static void
set_label_printf (GtkLabel   *label,
                  const char *format,
                  ...) G_GNUC_PRINTF (2, 3);

static void
set_label_printf (GtkLabel   *label,
                  const char *format,
                  ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_text (label, text);
}

static const char *
state_name (CanopyBusState state)
{
  switch (state)
    {
    case CANOPY_BUS_STATE_ERROR_ACTIVE: return _("Error active");
    case CANOPY_BUS_STATE_ERROR_WARNING: return _("Error warning");
    case CANOPY_BUS_STATE_ERROR_PASSIVE: return _("Error passive");
    case CANOPY_BUS_STATE_BUS_OFF: return _("Bus off");
    case CANOPY_BUS_STATE_STOPPED: return _("Stopped");
    case CANOPY_BUS_STATE_UNKNOWN:
    default: return _("Unknown");
    }
}

/* "Frames: 5,000", or "Frames: 5,000 (120 shown)" while a display filter
 * hides frames of the page in front. */
static void
set_frames_label (CanopyWindow *self,
                  guint64       n_frames)
{
  CanopyTraceView *view = front_trace_view (self);
  CanopyDisplayFilter *filter = canopy_trace_view_get_display_filter (view);
  g_autofree char *frames = canopy_format_count (n_frames);

  if (filter != NULL && !canopy_display_filter_is_empty (filter))
    {
      GListModel *shown_frames = canopy_trace_view_get_shown_frames (view);
      g_autofree char *shown = canopy_format_count (shown_frames != NULL ? g_list_model_get_n_items (shown_frames) : 0);

      set_label_printf (self->frames_label, _("Frames: %s (%s shown)"), frames, shown);
    }
  else
    set_label_printf (self->frames_label, _("Frames: %s"), frames);
}

static void
update_status (CanopyWindow *self)
{
  g_autoptr(CanopyBusStatistics) statistics = NULL;
  g_autofree char *errors = NULL;
  g_autofree char *lost = NULL;
  guint64 n_frames;
  double rate;
  double load;
  guint64 dropped;
  const char *state;

  if (self->connection == NULL)
    {
      GListModel *trace = canopy_trace_view_get_frames (front_trace_view (self));

      set_frames_label (self, trace != NULL ? g_list_model_get_n_items (trace) : 0);
      set_label_printf (self->rate_label, _("Frames/s: %s"), "–");
      set_label_printf (self->load_label, _("Bus load: %s"), "–");
      set_label_printf (self->errors_label, _("Error frames: %s"), "–");
      set_label_printf (self->dropped_label, _("Dropped: %s"), "–");
      set_label_printf (self->state_label, _("State: %s"),
                        self->document != NULL ? _("Log file") : _("Not connected"));
      return;
    }

  statistics = canopy_bus_get_statistics (canopy_connection_get_bus (self->connection));
  n_frames = canopy_bus_statistics_get_rx_frames (statistics) + canopy_bus_statistics_get_tx_frames (statistics);
  rate = canopy_bus_statistics_get_frame_rate (statistics);
  /* In percent; only meaningful where the bus knows its bit rate. */
  load = canopy_bus_get_bitrate (canopy_connection_get_bus (self->connection)) > 0
         ? canopy_bus_statistics_get_bus_load (statistics) : -1.0;
  dropped = canopy_bus_statistics_get_dropped (statistics) +
            canopy_capture_store_get_n_dropped (CANOPY_CAPTURE_STORE (canopy_connection_get_trace (self->connection)));
  state = state_name (canopy_bus_statistics_get_state (statistics));

  set_frames_label (self, n_frames);
  set_label_printf (self->rate_label, _("Frames/s: %'.0f"), rate);
  if (load >= 0)
    set_label_printf (self->load_label, _("Bus load: %.1f %%"), load);
  else
    set_label_printf (self->load_label, _("Bus load: %s"), "–");
  errors = canopy_format_count (canopy_bus_statistics_get_error_frames (statistics));
  set_label_printf (self->errors_label, _("Error frames: %s"), errors);
  lost = canopy_format_count (dropped);
  set_label_printf (self->dropped_label, _("Dropped: %s"), lost);
  set_label_printf (self->state_label, _("State: %s"), state);

  if (self->ticks % TICKS_PER_SAMPLE == 0)
    canopy_statistics_panel_add_sample (self->statistics_panel, rate, load);
}

static gboolean
on_status_tick (gpointer user_data)
{
  CanopyWindow *self = user_data;
  const GError *error;

  self->ticks++;
  update_status (self);

  /* A receive thread that failed (a server gone, a device unplugged). */
  if (self->connection != NULL && (error = canopy_connection_get_error (self->connection)) != NULL &&
      !gtk_revealer_get_reveal_child (self->banner))
    {
      g_autofree char *text = g_strdup_printf (_("The connection failed: %s"), error->message);

      show_banner (self, text);
    }

  return G_SOURCE_CONTINUE;
}

static void
set_connection (CanopyWindow     *self,
                CanopyConnection *connection)
{
  gboolean was_paused = is_paused (self);

  if (self->connection != NULL)
    {
      canopy_connection_close (self->connection);
      g_clear_object (&self->connection);
    }

  self->connection = connection != NULL ? g_object_ref (connection) : NULL;

  if (connection != NULL)
    {
      canopy_trace_view_set_models (self->trace_view,
                                    canopy_connection_get_trace (connection),
                                    canopy_connection_get_id_table (connection));
      canopy_statistics_panel_set_id_rows (self->statistics_panel,
                                           canopy_connection_get_id_table (connection));
      canopy_statistics_panel_clear (self->statistics_panel);
      canopy_trace_view_set_following (self->trace_view, TRUE);
      gtk_label_set_text (self->subtitle_label, canopy_connection_get_title (connection));
    }
  else
    gtk_label_set_text (self->subtitle_label, _("Not connected"));

  if (was_paused)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
  update_status (self);
  update_actions (self);
}

static void
connect_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CanopyWindow *self = g_task_get_source_object (task);
  g_autoptr(CanopyConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = canopy_connection_open_finish (result, &error);
  if (g_task_get_cancellable (task) == self->connecting)
    {
      g_clear_object (&self->connecting);
      update_actions (self);
    }

  if (connection == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  show_banner (self, NULL);
  set_connection (self, connection);
  /* One line for whoever started Canopy from a terminal. */
  g_print (_("Canopy: connected to %s\n"), canopy_connection_get_title (connection));
  g_task_return_boolean (task, TRUE);
}

/**
 * canopy_window_connect_async:
 *
 * Opens a bus off the main thread; once it is open it replaces the current
 * connection. On failure the current connection stays as it was.
 */
void
canopy_window_connect_async (CanopyWindow        *self,
                             const char          *interface,
                             const char          *channel,
                             GHashTable          *options,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CANOPY_IS_WINDOW (self));

  g_cancellable_cancel (self->connecting);
  g_clear_object (&self->connecting);
  self->connecting = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();

  task = g_task_new (self, self->connecting, callback, user_data);
  g_task_set_source_tag (task, canopy_window_connect_async);
  canopy_connection_open_async (interface, channel, options, self->connecting, connect_ready, task);
  update_actions (self);
}

gboolean
canopy_window_connect_finish (CanopyWindow  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (CANOPY_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct
{
  char *interface;
  char *channel;
} ConnectTarget;

static void
connect_target_free (ConnectTarget *target)
{
  g_free (target->interface);
  g_free (target->channel);
  g_free (target);
}

static void
connect_with_banner_ready (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  CanopyWindow *self = CANOPY_WINDOW (source);
  ConnectTarget *target = user_data;
  g_autoptr(GError) error = NULL;

  if (!canopy_window_connect_finish (self, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = canopy_connection_describe_error (target->interface, target->channel, error);

      show_banner (self, text);
    }

  connect_target_free (target);
}

/**
 * canopy_window_connect:
 *
 * Like canopy_window_connect_async(), with a failure shown in the window.
 */
void
canopy_window_connect (CanopyWindow *self,
                       const char   *interface,
                       const char   *channel,
                       GHashTable   *options)
{
  ConnectTarget *target;

  g_return_if_fail (CANOPY_IS_WINDOW (self));

  target = g_new0 (ConnectTarget, 1);
  target->interface = g_strdup (interface);
  target->channel = g_strdup (channel);
  canopy_window_connect_async (self, interface, channel, options, NULL,
                               connect_with_banner_ready, target);
}

void
canopy_window_disconnect (CanopyWindow *self)
{
  g_return_if_fail (CANOPY_IS_WINDOW (self));

  if (self->connection == NULL)
    return;

  /* The trace keeps what arrived; only the reading stops. */
  canopy_connection_close (self->connection);
  g_clear_object (&self->connection);
  gtk_label_set_text (self->subtitle_label, _("Disconnected"));
  update_status (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/* The log pages. Each opened log is a page of its own after the live one;
 * the window's `document` follows the page in front. */

static void
on_page_changed (CanopyWindow *self)
{
  GtkWidget *page = gtk_notebook_get_nth_page (self->notebook, gtk_notebook_get_current_page (self->notebook));
  CanopyLogDocument *document = CANOPY_IS_LOG_TAB (page) ? canopy_log_tab_get_document (CANOPY_LOG_TAB (page)) : NULL;

  if (g_set_object (&self->document, document))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
  canopy_trace_view_catch_up (front_trace_view (self));
  update_status (self);
  update_actions (self);
}

/**
 * canopy_window_open_file:
 *
 * Opens a log read-only in a page of its own and brings it to the front
 * (the page it already has, if it is open); rows appear while it loads.
 * The live connection goes on.
 */
void
canopy_window_open_file (CanopyWindow *self,
                         GFile        *file)
{
  CanopyLogTab *tab;
  int page;

  g_return_if_fail (CANOPY_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  canopy_recent_logs_add (self->recent_logs, file);

  for (int i = gtk_notebook_get_n_pages (self->notebook) - 1; i > 0; i--)
    {
      GtkWidget *child = gtk_notebook_get_nth_page (self->notebook, i);

      /* A closed page is hidden until it is removed. */
      if (CANOPY_IS_LOG_TAB (child) && gtk_widget_get_visible (child) &&
          g_file_equal (canopy_log_document_get_file (canopy_log_tab_get_document (CANOPY_LOG_TAB (child))), file))
        {
          gtk_notebook_set_current_page (self->notebook, i);
          gtk_widget_grab_focus (child);
          return;
        }
    }

  tab = canopy_log_tab_new (file);
  canopy_trace_view_bind_settings (canopy_log_tab_get_trace_view (tab), self->settings);
  /* The Filters pane's display filter applies to every page alike. */
  g_object_bind_property (self, "display-filter", canopy_log_tab_get_trace_view (tab), "display-filter",
                          G_BINDING_SYNC_CREATE);
  page = gtk_notebook_append_page (self->notebook, GTK_WIDGET (tab), canopy_log_tab_get_tab_label (tab));
  gtk_notebook_set_tab_reorderable (self->notebook, GTK_WIDGET (tab), TRUE);
  gtk_notebook_set_current_page (self->notebook, page);
  gtk_widget_grab_focus (GTK_WIDGET (tab));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         CanopyWindow  *self)
{
  g_autoptr(GSList) files = gdk_file_list_get_files (g_value_get_boxed (value));

  for (GSList *l = files; l != NULL; l = l->next)
    canopy_window_open_file (self, l->data);
  return files != NULL;
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  canopy_window_open_file (CANOPY_WINDOW (widget), file);
}

static void
save_trace_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CanopyWindow *self = CANOPY_WINDOW (widget);
  CanopyTraceView *view = front_trace_view (self);
  GListModel *frames = canopy_trace_view_get_frames (view);
  g_autoptr(GtkBitset) selected = NULL;
  g_autofree char *title = NULL;

  if (frames == NULL)
    return;

  selected = canopy_trace_view_dup_selected_positions (view);
  if (self->document != NULL)
    title = g_file_get_basename (canopy_log_document_get_file (self->document));
  else
    title = g_strdup (_("The live trace"));
  gtk_window_present (GTK_WINDOW (canopy_save_dialog_new (GTK_WINDOW (self), title, frames, selected)));
}

static void
convert_log_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CanopyWindow *self = CANOPY_WINDOW (widget);
  GFile *source = self->document != NULL ? canopy_log_document_get_file (self->document) : NULL;

  gtk_window_present (GTK_WINDOW (canopy_convert_dialog_new (GTK_WINDOW (self), source)));
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CanopyWindow *self = CANOPY_WINDOW (widget);
  CanopyConnectDialog *dialog = canopy_connect_dialog_new (self, self->settings);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
disconnect_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  canopy_window_disconnect (CANOPY_WINDOW (widget));
}

static void
dismiss_banner_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  show_banner (CANOPY_WINDOW (widget), NULL);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CanopyWindow *self = CANOPY_WINDOW (widget);

  gtk_widget_activate_action (GTK_WIDGET (front_trace_view (self)), "trace.copy", NULL);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     CanopyWindow    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        canopy_window_open_file (self, file);
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CanopyWindow *self = CANOPY_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) logs = canopy_path_entry_new_log_filter ();

  chooser = gtk_file_chooser_native_new (_("Open Log"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  canopy_path_entry_add_filters (GTK_FILE_CHOOSER (chooser), logs);
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* One tool pane at a time under the trace; choosing the shown one again
 * hides it, so each header toggle opens and closes its own pane. */
static void
show_pane_activate (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  CanopyWindow *self = user_data;
  g_autoptr(GVariant) state = g_action_get_state (G_ACTION (action));
  const char *name = g_variant_get_string (parameter, NULL);

  if (g_strcmp0 (g_variant_get_string (state, NULL), name) == 0 ||
      gtk_stack_get_child_by_name (self->tool_stack, name) == NULL)
    name = "";
  g_action_change_state (G_ACTION (action), g_variant_new_string (name));
}

static void
show_pane_change_state (GSimpleAction *action,
                        GVariant      *state,
                        gpointer       user_data)
{
  CanopyWindow *self = user_data;
  const char *name = g_variant_get_string (state, NULL);
  GtkWidget *pane = *name != '\0' ? gtk_stack_get_child_by_name (self->tool_stack, name) : NULL;

  if (*name != '\0' && pane == NULL)
    return;
  if (pane != NULL)
    gtk_stack_set_visible_child (self->tool_stack, pane);
  gtk_widget_set_visible (GTK_WIDGET (self->tool_stack), pane != NULL);
  g_simple_action_set_state (action, state);
}

/* Record: the recorder follows the window's connection; the toggle shows
 * its state, which the first time only changes once a file is chosen. */
static void
record_change_state (GSimpleAction *action,
                     GVariant      *state,
                     gpointer       user_data)
{
  CanopyWindow *self = user_data;

  if (g_variant_get_boolean (state))
    canopy_record_dialog_record (GTK_WINDOW (self), self->recorder, self->settings);
  else
    canopy_recorder_stop (self->recorder);
}

static void
record_settings_activate (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  CanopyWindow *self = user_data;

  gtk_window_present (GTK_WINDOW (canopy_record_dialog_new (GTK_WINDOW (self), self->recorder, self->settings)));
}

static void
on_recording_changed (CanopyWindow *self)
{
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "record")),
                             g_variant_new_boolean (canopy_recorder_get_recording (self->recorder)));
  update_actions (self);
}

static void
on_record_summary_changed (CanopyWindow *self)
{
  GtkWidget *label = GTK_WIDGET (self->record_label);

  gtk_widget_set_visible (label, *canopy_recorder_get_summary (self->recorder) != '\0');
  if (canopy_recorder_get_recording (self->recorder))
    gtk_widget_add_css_class (label, "recording");
  else
    gtk_widget_remove_css_class (label, "recording");
}

static void
on_recording_failed (CanopyWindow *self,
                     const GError *error)
{
  g_autofree char *text = g_strdup_printf (_("Recording failed: %s"), error->message);

  show_banner (self, text);
}

/* Share Bus: the pane shows where it listens and who is connected, and
 * why it could not start. */
static void
share_bus_change_state (GSimpleAction *action,
                        GVariant      *state,
                        gpointer       user_data)
{
  CanopyWindow *self = user_data;
  g_autoptr(GVariant) pane = g_action_group_get_action_state (G_ACTION_GROUP (self), "show-pane");

  if (!g_variant_get_boolean (state))
    {
      canopy_share_pane_stop (self->share_pane);
      return;
    }

  if (g_strcmp0 (g_variant_get_string (pane, NULL), "share") != 0)
    canopy_window_show_pane (self, "share");
  canopy_share_pane_start (self->share_pane);
}

static void
on_sharing_changed (CanopyWindow *self)
{
  g_simple_action_set_state (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "share-bus")),
                             g_variant_new_boolean (canopy_share_pane_get_sharing (self->share_pane)));
  update_actions (self);
}

/**
 * canopy_window_show_pane:
 * @name: (nullable): "filters", "transmit", "replay" or "share"; %NULL or
 *   "" hides the tool pane
 *
 * Shows one tool pane under the trace (or none).
 */
void
canopy_window_show_pane (CanopyWindow *self,
                         const char   *name)
{
  g_return_if_fail (CANOPY_IS_WINDOW (self));

  g_action_change_state (g_action_map_lookup_action (G_ACTION_MAP (self), "show-pane"),
                         g_variant_new_string (name != NULL ? name : ""));
}

static gboolean
canopy_window_close_request (GtkWindow *window)
{
  CanopyWindow *self = CANOPY_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (canopy_window_parent_class)->close_request (window);
}

static void
canopy_window_dispose (GObject *object)
{
  CanopyWindow *self = CANOPY_WINDOW (object);

  g_clear_handle_id (&self->status_source, g_source_remove);
  g_cancellable_cancel (self->connecting);
  g_clear_object (&self->connecting);
  /* The pages go with the template: no page change to follow then. */
  if (self->notebook != NULL)
    g_signal_handlers_disconnect_by_data (self->notebook, self);
  if (self->connection != NULL)
    canopy_connection_close (self->connection);
  g_clear_object (&self->connection);
  g_clear_object (&self->document);
  g_clear_object (&self->recent_logs);
  g_clear_object (&self->display_filter);
  if (self->recorder != NULL)
    g_signal_handlers_disconnect_by_data (self->recorder, self);
  g_clear_object (&self->recorder);

  /* A settings action can outlive the window's action group, which does not
   * disconnect from its actions when it is finalized: removing them does, so
   * a later change of the key (from another window) reaches no dead group. */
  for (guint i = 0; i < G_N_ELEMENTS (setting_actions); i++)
    g_action_map_remove_action (G_ACTION_MAP (self), setting_actions[i]);

  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (canopy_window_parent_class)->dispose (object);
}

static void
canopy_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CanopyWindow *self = CANOPY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      g_value_set_boolean (value, is_paused (self));
      break;

    case PROP_PER_ID:
      /* Asked for by the property action until the very end of dispose. */
      g_value_set_boolean (value, self->trace_view != NULL && canopy_trace_view_get_per_id (self->trace_view));
      break;

    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;

    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_DISPLAY_FILTER:
      g_value_set_object (value, self->display_filter);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CanopyWindow *self = CANOPY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      if (self->connection != NULL && is_paused (self) != g_value_get_boolean (value))
        {
          canopy_connection_set_paused (self->connection, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_PER_ID:
      /* The view notifies, and on_trace_per_id_changed() passes it on. */
      canopy_trace_view_set_per_id (self->trace_view, g_value_get_boolean (value));
      break;

    case PROP_DISPLAY_FILTER:
      if (g_set_object (&self->display_filter, g_value_get_object (value)))
        {
          /* A filtered trace says so even while the pane is closed. */
          if (self->filters_button != NULL && self->display_filter != NULL)
            gtk_widget_add_css_class (self->filters_button, "filtering");
          else if (self->filters_button != NULL)
            gtk_widget_remove_css_class (self->filters_button, "filtering");
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_trace_per_id_changed (CanopyWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PER_ID]);
}

static void
canopy_window_class_init (CanopyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = canopy_window_dispose;
  object_class->get_property = canopy_window_get_property;
  object_class->set_property = canopy_window_set_property;
  window_class->close_request = canopy_window_close_request;

  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PER_ID] =
    g_param_spec_boolean ("per-id", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CanopyWindow:connection: (nullable)
   *
   * The live connection, bound by the tool panes (transmit, filters,
   * replay, sharing) so that they follow connects and disconnects.
   */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, CANOPY_TYPE_CONNECTION,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CanopyWindow:document: (nullable)
   *
   * The log document of the page in front, if it shows a log.
   */
  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, CANOPY_TYPE_LOG_DOCUMENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CanopyWindow:display-filter: (nullable)
   *
   * What the trace views show, set from the Filters pane; every trace view
   * of the window (the live one, each log's) binds to it.
   */
  properties[PROP_DISPLAY_FILTER] =
    g_param_spec_object ("display-filter", NULL, NULL, CANOPY_TYPE_DISPLAY_FILTER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CANOPY_TYPE_TRACE_VIEW);
  g_type_ensure (CANOPY_TYPE_STATISTICS_PANEL);
  g_type_ensure (CANOPY_TYPE_REPLAY_PANE);
  g_type_ensure (CANOPY_TYPE_TRANSMIT_PANE);
  g_type_ensure (CANOPY_TYPE_FILTER_PANE);
  g_type_ensure (CANOPY_TYPE_SHARE_PANE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, connect_button);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, notebook);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, trace_view);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, tool_stack);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, replay_pane);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, transmit_pane);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, filter_pane);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, filters_button);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, statistics_panel);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, frames_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, rate_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, load_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, errors_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, dropped_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, recent_section);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, record_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyWindow, share_pane);

  gtk_widget_class_install_action (widget_class, "win.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "win.disconnect", NULL, disconnect_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.save-trace", NULL, save_trace_action);
  gtk_widget_class_install_action (widget_class, "win.convert-log", NULL, convert_log_action);
  gtk_widget_class_install_action (widget_class, "win.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-banner", NULL, dismiss_banner_action);
  gtk_widget_class_install_property_action (widget_class, "win.paused", "paused");
  gtk_widget_class_install_property_action (widget_class, "win.per-id", "per-id");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.dismiss-banner", NULL);
}

static void
canopy_window_init (CanopyWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  self->settings = g_object_ref (canopy_application_get_settings (
    CANOPY_APPLICATION (g_application_get_default ())));

  for (guint i = 0; i < G_N_ELEMENTS (setting_actions); i++)
    {
      g_autoptr(GAction) action = g_settings_create_action (self->settings, setting_actions[i]);

      g_action_map_add_action (G_ACTION_MAP (self), action);
    }

  {
    static const GActionEntry entries[] = {
      { "show-pane", show_pane_activate, "s", "''", show_pane_change_state },
      { "record", NULL, NULL, "false", record_change_state },
      { "record-settings", record_settings_activate },
      { "share-bus", NULL, NULL, "false", share_bus_change_state },
    };

    g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  }

  self->recorder = canopy_recorder_new ();
  g_object_bind_property (self, "connection", self->recorder, "connection", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->recorder, "summary", self->record_label, "label", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->recorder, "notify::summary",
                           G_CALLBACK (on_record_summary_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recorder, "notify::recording",
                           G_CALLBACK (on_recording_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->recorder, "failed",
                           G_CALLBACK (on_recording_failed), self, G_CONNECT_SWAPPED);
  g_object_bind_property (self, "connection", self->share_pane, "connection", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->share_pane, "notify::sharing",
                           G_CALLBACK (on_sharing_changed), self, G_CONNECT_SWAPPED);

  canopy_trace_view_bind_settings (self->trace_view, self->settings);
  canopy_transmit_pane_bind_settings (self->transmit_pane, self->settings);
  g_object_bind_property (self, "connection", self->transmit_pane, "connection", G_BINDING_SYNC_CREATE);
  g_settings_bind (self->settings, "show-statistics", self->statistics_panel, "visible", G_SETTINGS_BIND_GET);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_object_bind_property (self, "connection", self->replay_pane, "connection", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self, "document", self->replay_pane, "document", G_BINDING_SYNC_CREATE);

  g_signal_connect_object (self->trace_view, "notify::per-id",
                           G_CALLBACK (on_trace_per_id_changed), self, G_CONNECT_SWAPPED);

  /* Logs: recent ones in the menu, a page each, dropped files open. */
  self->recent_logs = canopy_recent_logs_new (self->recent_section);
  g_signal_connect_object (self->notebook, "notify::page", G_CALLBACK (on_page_changed), self, G_CONNECT_SWAPPED);
  {
    GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

    g_signal_connect_object (target, "drop", G_CALLBACK (on_drop), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
  }
  g_object_bind_property (self, "connection", self->filter_pane, "connection", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->filter_pane, "display-filter", self, "display-filter", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self, "display-filter", self->trace_view, "display-filter", G_BINDING_SYNC_CREATE);

  gtk_label_set_text (self->subtitle_label, _("Not connected"));
  self->status_source = g_timeout_add (STATUS_INTERVAL_MS, on_status_tick, self);
  update_status (self);
  update_actions (self);
}

/**
 * canopy_window_get_connection:
 *
 * Returns: (nullable) (transfer none): the live connection, if any
 */
CanopyConnection *
canopy_window_get_connection (CanopyWindow *self)
{
  g_return_val_if_fail (CANOPY_IS_WINDOW (self), NULL);

  return self->connection;
}

/**
 * canopy_window_is_following:
 *
 * Returns: whether the trace follows the newest frame and shows it
 */
gboolean
canopy_window_is_following (CanopyWindow *self)
{
  g_return_val_if_fail (CANOPY_IS_WINDOW (self), FALSE);

  return canopy_trace_view_get_following (self->trace_view) &&
         canopy_trace_view_is_at_end (self->trace_view);
}

CanopyWindow *
canopy_window_new (CanopyApplication *application)
{
  return g_object_new (CANOPY_TYPE_WINDOW, "application", application, NULL);
}

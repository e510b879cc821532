/* canopy-replay-pane.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "canopy-channel-map-row.h"
#include "canopy-path-entry.h"
#include "canopy-replay-pane.h"
#include "canopy-trace-format.h"

/* The Replay pane: plays a log onto the connected bus with a CanopyPlayer
 * on a thread of its own. The source is the log in front (the window's
 * document) or a path typed or chosen. The timing options are bound to
 * the player, so they also apply while it plays. Progress is polled four
 * times a second: the main loop never waits for the replay. */

#define POLL_INTERVAL_MS 250

struct _CanopyReplayPane
{
  GtkWidget          parent_instance;

  /* template */
  GtkWidget         *content;
  GtkEntry          *source_entry;
  GtkButton         *pause_button;
  GtkProgressBar    *progress_bar;
  GtkLabel          *frames_label;
  GtkLabel          *lag_label;
  GtkLabel          *left_out_label;
  GtkLabel          *status_label;
  GtkSpinButton     *speed_spin;
  GtkSpinButton     *gap_spin;
  GtkSpinButton     *skip_spin;
  GtkCheckButton    *ignore_check;
  GtkCheckButton    *loop_check;
  GtkListBox        *mapping_list;

  CanopyConnection  *connection;
  CanopyLogDocument *document;
  CanopyPlayer      *player;        /* of the current or the last replay */
  GCancellable      *cancellable;   /* set while a replay runs */
  GArray            *mapped;        /* log channels the player has a mapping for */
  guint              poll_source;
  guint              stop_requested : 1;
  guint              disconnected : 1;
};

enum {
  PROP_0,
  PROP_CONNECTION,
  PROP_DOCUMENT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyReplayPane, canopy_replay_pane, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static gboolean
is_running (CanopyReplayPane *self)
{
  return self->cancellable != NULL;
}

static void
set_label_text (GtkLabel   *label,
                const char *text)
{
  /* Unchanged text is not set again: screen readers would hear it four
   * times a second. */
  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_text (label, text);
}

static void
set_status (CanopyReplayPane *self,
            const char       *text,
            gboolean          is_error)
{
  set_label_text (self->status_label, text);
  if (is_error)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
    }
}

static const char *
get_source (CanopyReplayPane *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->source_entry));
}

static void
update_actions (CanopyReplayPane *self)
{
  gboolean running = is_running (self);
  gboolean paused;

  /* The entry reports changes while the template is torn down. */
  if (self->source_entry == NULL)
    return;

  paused = running && canopy_player_get_paused (self->player);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "replay.play",
                                 !running && self->connection != NULL && *get_source (self) != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "replay.pause", running && !paused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "replay.resume", running && paused);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "replay.stop", running);

  /* One button, two faces, as Connect and Disconnect in the header. */
  gtk_button_set_label (self->pause_button, paused ? _("Resume") : _("Pause"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->pause_button),
                                  paused ? "replay.resume" : "replay.pause");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button),
                               paused ? _("Continue the replay where it stopped")
                                      : _("Hold the replay; its timing resumes where it stopped"));
}

/* What the pane says while no replay runs and none has just ended. */
static void
update_hint (CanopyReplayPane *self)
{
  if (is_running (self) || self->source_entry == NULL)
    return;

  if (self->connection == NULL)
    set_status (self, _("Connect to a bus to replay a log onto it."), FALSE);
  else if (*get_source (self) == '\0')
    set_status (self, _("Open a log, or type or choose the file to replay."), FALSE);
  else
    {
      g_autofree char *text = g_strdup_printf (_("Ready to play onto %s."),
                                               canopy_connection_get_title (self->connection));

      set_status (self, text, FALSE);
    }
}

static void
on_source_changed (CanopyReplayPane *self)
{
  update_actions (self);
  update_hint (self);
}

static void
update_progress (CanopyReplayPane *self)
{
  g_autofree char *progress = NULL;
  g_autofree char *frames = NULL;
  g_autofree char *text = NULL;
  double position, duration;
  guint64 left_out;
  guint loops;

  if (self->player == NULL)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_progress_bar_set_text (self->progress_bar, _("Not started"));
      set_label_text (self->frames_label, _("Frames sent: 0"));
      set_label_text (self->lag_label, _("Lag: –"));
      gtk_widget_set_visible (GTK_WIDGET (self->left_out_label), FALSE);
      return;
    }

  position = canopy_player_get_position (self->player);
  duration = canopy_player_get_duration (self->player);
  loops = canopy_player_get_loops_done (self->player);

  /* The duration is known once the player has measured the file. */
  if (duration > 0)
    progress = g_strdup_printf (_("%.1f s of %.1f s"), position, duration);
  else
    progress = g_strdup_printf (_("%.1f s"), position);
  if (loops > 0)
    {
      g_autofree char *single = g_steal_pointer (&progress);

      progress = g_strdup_printf (_("%s, pass %u"), single, loops + 1);
    }
  gtk_progress_bar_set_fraction (self->progress_bar, duration > 0 ? CLAMP (position / duration, 0, 1) : 0);
  if (g_strcmp0 (gtk_progress_bar_get_text (self->progress_bar), progress) != 0)
    gtk_progress_bar_set_text (self->progress_bar, progress);

  frames = canopy_format_count (canopy_player_get_frames_sent (self->player));
  text = g_strdup_printf (_("Frames sent: %s"), frames);
  set_label_text (self->frames_label, text);
  g_clear_pointer (&text, g_free);

  text = g_strdup_printf (_("Lag: %.1f ms (max %.1f ms)"),
                          canopy_player_get_lag (self->player),
                          canopy_player_get_max_lag (self->player));
  set_label_text (self->lag_label, text);
  g_clear_pointer (&text, g_free);

  left_out = canopy_player_get_frames_left_out (self->player);
  if (left_out > 0)
    {
      g_autofree char *count = canopy_format_count (left_out);

      text = g_strdup_printf (_("Left out: %s"), count);
      set_label_text (self->left_out_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->left_out_label), left_out > 0);
}

static gboolean
on_poll (gpointer user_data)
{
  update_progress (user_data);

  return G_SOURCE_CONTINUE;
}

/* Gives the player the map of the rows. The new mappings go in before the
 * stale ones go out: an empty map in between would let every channel
 * through for a frame or two. */
static void
apply_mapping (CanopyReplayPane *self)
{
  g_autoptr(GArray) mapped = g_array_new (FALSE, FALSE, sizeof (int));

  if (self->player == NULL)
    return;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->mapping_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int log_channel;

      if (!CANOPY_IS_CHANNEL_MAP_ROW (child))
        continue;
      log_channel = canopy_channel_map_row_get_log_channel (CANOPY_CHANNEL_MAP_ROW (child));
      canopy_player_map_channel (self->player, log_channel,
                                 canopy_channel_map_row_get_bus_channel (CANOPY_CHANNEL_MAP_ROW (child)));
      g_array_append_val (mapped, log_channel);
    }

  for (guint i = 0; i < self->mapped->len; i++)
    {
      int old = g_array_index (self->mapped, int, i);
      gboolean kept = FALSE;

      for (guint j = 0; j < mapped->len && !kept; j++)
        kept = g_array_index (mapped, int, j) == old;
      if (!kept)
        canopy_player_unmap_channel (self->player, old);
    }

  g_array_unref (self->mapped);
  self->mapped = g_steal_pointer (&mapped);
}

static void
play_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CanopyReplayPane) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *frames = NULL;
  g_autofree char *text = NULL;
  gboolean ok;

  ok = canopy_player_play_file_finish (CANOPY_PLAYER (source), result, &error);
  /* Stop cancels: unlike canopy_player_stop(), that also holds for a
   * replay whose thread has not started yet. */
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      (self->stop_requested || self->disconnected))
    ok = TRUE;

  /* A replay the pane let go of when it was disposed. */
  if (CANOPY_PLAYER (source) != self->player || self->cancellable == NULL)
    return;

  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->poll_source, g_source_remove);
  update_progress (self);

  frames = canopy_format_count (canopy_player_get_frames_sent (self->player));
  if (self->disconnected)
    text = g_strdup_printf (_("Stopped after %s frames: the bus was disconnected."), frames);
  else if (!ok)
    text = g_strdup_printf (_("The replay failed: %s"), error->message);
  else if (self->stop_requested)
    text = g_strdup_printf (_("Stopped after %s frames."), frames);
  else
    text = g_strdup_printf (_("Finished: %s frames sent."), frames);
  set_status (self, text, !ok && !self->disconnected);

  update_actions (self);
}

static void
play_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CanopyReplayPane *self = CANOPY_REPLAY_PANE (widget);
  g_autoptr(GFile) file = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  const char *path;

  if (is_running (self) || self->connection == NULL)
    return;

  file = g_file_parse_name (get_source (self));
  if ((path = g_file_peek_path (file)) == NULL)
    {
      text = g_strdup_printf (_("“%s” is not a local file: only local files can be replayed."),
                              get_source (self));
      set_status (self, text, TRUE);
      return;
    }

  g_clear_object (&self->player);
  self->player = canopy_player_new (canopy_connection_get_bus (self->connection));
  g_object_bind_property (self->speed_spin, "value", self->player, "speed", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->gap_spin, "value", self->player, "gap", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->skip_spin, "value", self->player, "skip", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->ignore_check, "active", self->player, "ignore-timestamps", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->loop_check, "active", self->player, "loop", G_BINDING_SYNC_CREATE);
  g_array_set_size (self->mapped, 0);
  apply_mapping (self);

  self->stop_requested = FALSE;
  self->disconnected = FALSE;
  self->cancellable = g_cancellable_new ();
  canopy_player_play_file_async (self->player, path, self->cancellable, play_done, g_object_ref (self));
  self->poll_source = g_timeout_add (POLL_INTERVAL_MS, on_poll, self);

  name = g_file_get_basename (file);
  text = g_strdup_printf (_("Playing %s onto %s…"), name, canopy_connection_get_title (self->connection));
  set_status (self, text, FALSE);
  update_progress (self);
  update_actions (self);
}

static void
pause_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CanopyReplayPane *self = CANOPY_REPLAY_PANE (widget);
  gboolean pause = g_str_equal (action_name, "replay.pause");

  if (!is_running (self))
    return;

  canopy_player_set_paused (self->player, pause);
  if (pause)
    set_status (self, _("Paused."), FALSE);
  else
    set_status (self, _("Playing…"), FALSE);
  update_actions (self);
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CanopyReplayPane *self = CANOPY_REPLAY_PANE (widget);

  if (!is_running (self))
    return;

  /* play_done() follows once the replay thread has let go of the bus. */
  self->stop_requested = TRUE;
  g_cancellable_cancel (self->cancellable);
}

static void
on_mapping_changed (CanopyReplayPane *self)
{
  if (is_running (self))
    apply_mapping (self);
}

static void
on_mapping_remove (CanopyReplayPane    *self,
                   CanopyChannelMapRow *row)
{
  gtk_list_box_remove (self->mapping_list, GTK_WIDGET (row));
  on_mapping_changed (self);
}

static void
add_mapping_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CanopyReplayPane *self = CANOPY_REPLAY_PANE (widget);
  CanopyChannelMapRow *row;
  int next = 0;

  /* The next log channel not mapped yet, onto the bus's first channel. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->mapping_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (CANOPY_IS_CHANNEL_MAP_ROW (child))
        next = MAX (next, canopy_channel_map_row_get_log_channel (CANOPY_CHANNEL_MAP_ROW (child)) + 1);
    }

  row = canopy_channel_map_row_new (next, 0);
  g_signal_connect_object (row, "changed", G_CALLBACK (on_mapping_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "remove", G_CALLBACK (on_mapping_remove), self, G_CONNECT_SWAPPED);
  gtk_list_box_append (self->mapping_list, GTK_WIDGET (row));
  on_mapping_changed (self);
}

static void
choose_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CanopyReplayPane *self = CANOPY_REPLAY_PANE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) logs = canopy_path_entry_new_log_filter ();

  canopy_path_entry_choose (GTK_EDITABLE (self->source_entry), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                            GTK_FILE_CHOOSER_ACTION_OPEN, _("Choose a Log to Replay"), NULL, logs);
}

static void
canopy_replay_pane_dispose (GObject *object)
{
  CanopyReplayPane *self = CANOPY_REPLAY_PANE (object);

  /* The replay thread ends on its own; play_done() then finds no player. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_object (&self->player);
  g_clear_object (&self->connection);
  g_clear_object (&self->document);

  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_REPLAY_PANE);

  G_OBJECT_CLASS (canopy_replay_pane_parent_class)->dispose (object);
}

static void
canopy_replay_pane_finalize (GObject *object)
{
  CanopyReplayPane *self = CANOPY_REPLAY_PANE (object);

  g_clear_pointer (&self->mapped, g_array_unref);

  G_OBJECT_CLASS (canopy_replay_pane_parent_class)->finalize (object);
}

static void
canopy_replay_pane_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CanopyReplayPane *self = CANOPY_REPLAY_PANE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, canopy_replay_pane_get_connection (self));
      break;

    case PROP_DOCUMENT:
      g_value_set_object (value, canopy_replay_pane_get_document (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_replay_pane_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CanopyReplayPane *self = CANOPY_REPLAY_PANE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      canopy_replay_pane_set_connection (self, g_value_get_object (value));
      break;

    case PROP_DOCUMENT:
      canopy_replay_pane_set_document (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_replay_pane_class_init (CanopyReplayPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_replay_pane_dispose;
  object_class->finalize = canopy_replay_pane_finalize;
  object_class->get_property = canopy_replay_pane_get_property;
  object_class->set_property = canopy_replay_pane_set_property;

  /* The bus to play onto (the window's). */
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, CANOPY_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The log in front: it becomes the source. */
  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, CANOPY_TYPE_LOG_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CANOPY_TYPE_CHANNEL_MAP_ROW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-replay-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, content);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, source_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, pause_button);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, frames_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, lag_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, left_out_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, status_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, speed_spin);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, gap_spin);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, skip_spin);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, ignore_check);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, loop_check);
  gtk_widget_class_bind_template_child (widget_class, CanopyReplayPane, mapping_list);
  gtk_widget_class_bind_template_callback (widget_class, on_source_changed);

  gtk_widget_class_install_action (widget_class, "replay.play", NULL, play_action);
  gtk_widget_class_install_action (widget_class, "replay.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "replay.resume", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "replay.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "replay.choose", NULL, choose_action);
  gtk_widget_class_install_action (widget_class, "replay.add-mapping", NULL, add_mapping_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "replaypane");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
canopy_replay_pane_init (CanopyReplayPane *self)
{
  GtkWidget *placeholder;

  self->mapped = g_array_new (FALSE, FALSE, sizeof (int));

  gtk_widget_init_template (GTK_WIDGET (self));

  placeholder = gtk_label_new (_("Every channel as recorded"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->mapping_list, placeholder);

  update_progress (self);
  update_actions (self);
  update_hint (self);
}

CanopyConnection *
canopy_replay_pane_get_connection (CanopyReplayPane *self)
{
  g_return_val_if_fail (CANOPY_IS_REPLAY_PANE (self), NULL);

  return self->connection;
}

/* A replay on the old bus ends: the window closes it on a disconnect. */
void
canopy_replay_pane_set_connection (CanopyReplayPane *self,
                                   CanopyConnection *connection)
{
  g_return_if_fail (CANOPY_IS_REPLAY_PANE (self));
  g_return_if_fail (connection == NULL || CANOPY_IS_CONNECTION (connection));

  if (!g_set_object (&self->connection, connection))
    return;

  if (is_running (self))
    {
      self->disconnected = TRUE;
      g_cancellable_cancel (self->cancellable);
    }

  update_actions (self);
  update_hint (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

CanopyLogDocument *
canopy_replay_pane_get_document (CanopyReplayPane *self)
{
  g_return_val_if_fail (CANOPY_IS_REPLAY_PANE (self), NULL);

  return self->document;
}

/* The log in front becomes the source, unless a replay is running; a
 * path typed or chosen stays until another log comes to the front. */
void
canopy_replay_pane_set_document (CanopyReplayPane  *self,
                                 CanopyLogDocument *document)
{
  g_return_if_fail (CANOPY_IS_REPLAY_PANE (self));
  g_return_if_fail (document == NULL || CANOPY_IS_LOG_DOCUMENT (document));

  if (!g_set_object (&self->document, document))
    return;

  if (document != NULL && !is_running (self))
    {
      g_autofree char *name = g_file_get_parse_name (canopy_log_document_get_file (document));

      gtk_editable_set_text (GTK_EDITABLE (self->source_entry), name);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * canopy_replay_pane_get_player:
 *
 * Returns: (nullable) (transfer none): the player of the current or the
 *   last replay
 */
CanopyPlayer *
canopy_replay_pane_get_player (CanopyReplayPane *self)
{
  g_return_val_if_fail (CANOPY_IS_REPLAY_PANE (self), NULL);

  return self->player;
}

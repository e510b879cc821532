/* canopy-channel-map-row.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-channel-map-row.h"

/* One line of the Replay pane's channel map: the frames of a log channel
 * go out on a bus channel. The pane owns the list; a row only says when
 * it changed or asks to be removed. */

struct _CanopyChannelMapRow
{
  GtkListBoxRow  parent_instance;

  /* template */
  GtkSpinButton *log_spin;
  GtkSpinButton *bus_spin;
};

enum {
  CHANGED,
  REMOVE,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CanopyChannelMapRow, canopy_channel_map_row, GTK_TYPE_LIST_BOX_ROW)

static guint signals[N_SIGNALS];

static void
on_value_changed (CanopyChannelMapRow *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[REMOVE], 0);
}

static void
canopy_channel_map_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CANOPY_TYPE_CHANNEL_MAP_ROW);

  G_OBJECT_CLASS (canopy_channel_map_row_parent_class)->dispose (object);
}

static void
canopy_channel_map_row_class_init (CanopyChannelMapRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_channel_map_row_dispose;

  /* Either channel changed. */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* The row's Remove button was pressed. */
  signals[REMOVE] =
    g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-channel-map-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyChannelMapRow, log_spin);
  gtk_widget_class_bind_template_child (widget_class, CanopyChannelMapRow, bus_spin);
  gtk_widget_class_bind_template_callback (widget_class, on_value_changed);

  gtk_widget_class_install_action (widget_class, "mapping.remove", NULL, remove_action);
}

static void
canopy_channel_map_row_init (CanopyChannelMapRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CanopyChannelMapRow *
canopy_channel_map_row_new (int log_channel,
                            int bus_channel)
{
  CanopyChannelMapRow *self = g_object_new (CANOPY_TYPE_CHANNEL_MAP_ROW, NULL);

  gtk_spin_button_set_value (self->log_spin, log_channel);
  gtk_spin_button_set_value (self->bus_spin, bus_channel);

  return self;
}

int
canopy_channel_map_row_get_log_channel (CanopyChannelMapRow *self)
{
  g_return_val_if_fail (CANOPY_IS_CHANNEL_MAP_ROW (self), 0);

  return gtk_spin_button_get_value_as_int (self->log_spin);
}

int
canopy_channel_map_row_get_bus_channel (CanopyChannelMapRow *self)
{
  g_return_val_if_fail (CANOPY_IS_CHANNEL_MAP_ROW (self), 0);

  return gtk_spin_button_get_value_as_int (self->bus_spin);
}

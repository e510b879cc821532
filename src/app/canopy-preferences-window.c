/* canopy-preferences-window.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-preferences-window.h"

/* The trace's settings, bound straight to GSettings: every open window
 * follows a change at once. */

struct _CanopyPreferencesWindow
{
  GtkWindow    parent_instance;

  GtkDropDown *time_format_dropdown;
  GtkSwitch   *channel_switch;
  GtkSwitch   *direction_switch;
  GtkSwitch   *flags_switch;
  GtkSwitch   *dlc_switch;
  GtkSwitch   *ascii_switch;
  GtkSwitch   *statistics_switch;
};

G_DEFINE_FINAL_TYPE (CanopyPreferencesWindow, canopy_preferences_window, GTK_TYPE_WINDOW)

static const char *time_formats[] = { "absolute", "relative", "delta" };

static gboolean
time_format_to_selected (GValue   *value,
                         GVariant *variant,
                         gpointer  user_data)
{
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (time_formats); i++)
    if (g_str_equal (nick, time_formats[i]))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
selected_to_time_format (const GValue       *value,
                         const GVariantType *expected_type,
                         gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (time_formats))
    return NULL;
  return g_variant_new_string (time_formats[selected]);
}

static void
canopy_preferences_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CANOPY_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (canopy_preferences_window_parent_class)->dispose (object);
}

static void
canopy_preferences_window_class_init (CanopyPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyPreferencesWindow, time_format_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CanopyPreferencesWindow, channel_switch);
  gtk_widget_class_bind_template_child (widget_class, CanopyPreferencesWindow, direction_switch);
  gtk_widget_class_bind_template_child (widget_class, CanopyPreferencesWindow, flags_switch);
  gtk_widget_class_bind_template_child (widget_class, CanopyPreferencesWindow, dlc_switch);
  gtk_widget_class_bind_template_child (widget_class, CanopyPreferencesWindow, ascii_switch);
  gtk_widget_class_bind_template_child (widget_class, CanopyPreferencesWindow, statistics_switch);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
canopy_preferences_window_init (CanopyPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CanopyPreferencesWindow *
canopy_preferences_window_new (GSettings *settings)
{
  CanopyPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CANOPY_TYPE_PREFERENCES_WINDOW, NULL);
  g_settings_bind_with_mapping (settings, "time-format", self->time_format_dropdown, "selected",
                                G_SETTINGS_BIND_DEFAULT, time_format_to_selected,
                                selected_to_time_format, NULL, NULL);
  g_settings_bind (settings, "show-channel-column", self->channel_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "show-direction-column", self->direction_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "show-flags-column", self->flags_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "show-dlc-column", self->dlc_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "show-ascii-column", self->ascii_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "show-statistics", self->statistics_switch, "active", G_SETTINGS_BIND_DEFAULT);

  return self;
}

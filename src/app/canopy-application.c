/* canopy-application.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "canopy-application.h"
#include "canopy-app-win32.h"
#include "canopy-connection.h"
#include "canopy-preferences-window.h"
#include "canopy-window.h"

struct _CanopyApplication
{
  GtkApplication  parent_instance;
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (CanopyApplication, canopy_application, GTK_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "interface", 'i', 0, G_OPTION_ARG_STRING, NULL,
    N_("The CAN interface to connect to, as python-can names it (socketcan, virtual, remote, …)"),
    N_("INTERFACE") },
  { "channel", 'c', 0, G_OPTION_ARG_STRING, NULL,
    N_("The channel of the interface (can0, demo, host:port, …)"), N_("CHANNEL") },
  { "option", 'o', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
    N_("A driver option such as bitrate=500000 (may be repeated)"), N_("KEY=VALUE") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[FILE…]") },
  { NULL }
};

/* Without `meson install` (./build/src/app/canopy) the schema is only in the
 * build tree; look there when the system does not know it. */
static GSettings *
load_settings (void)
{
  GSettingsSchemaSource *system_source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchemaSource) build_source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  if (system_source != NULL)
    schema = g_settings_schema_source_lookup (system_source, "org.canopy.Canopy", TRUE);

  if (schema == NULL)
    {
      build_source = g_settings_schema_source_new_from_directory (CANOPY_BUILD_SCHEMA_DIR,
                                                                  system_source, FALSE, NULL);
      if (build_source != NULL)
        schema = g_settings_schema_source_lookup (build_source, "org.canopy.Canopy", TRUE);
    }

  if (schema == NULL)
    g_error ("The GSettings schema org.canopy.Canopy is not installed");

#ifdef G_OS_WIN32
  /* %APPDATA%\Canopy\settings.ini instead of the registry. */
  {
    g_autoptr(GSettingsBackend) backend = canopy_app_win32_settings_backend ();

    return g_settings_new_full (schema, backend, NULL);
  }
#else
  return g_settings_new_full (schema, NULL, NULL);
#endif
}

static CanopyWindow *
new_window (CanopyApplication *self)
{
  CanopyWindow *window = canopy_window_new (self);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* Logs open as pages of the main window used last, or of a new window. */
static CanopyWindow *
window_for_logs (CanopyApplication *self)
{
  /* Most recently focused first; dialogs are not main windows. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (CANOPY_IS_WINDOW (l->data))
      {
        gtk_window_present (l->data);
        return l->data;
      }

  return new_window (self);
}

static void
canopy_application_activate (GApplication *app)
{
  CanopyApplication *self = CANOPY_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  CanopyWindow *created;

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }

  /* Nothing named: python-can's configuration decides, the demo bus by default. */
  created = new_window (self);
  canopy_window_connect (created, NULL, NULL, NULL);
}

static void
canopy_application_open (GApplication  *app,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  CanopyApplication *self = CANOPY_APPLICATION (app);
  CanopyWindow *window;

  if (n_files == 0)
    return;

  window = window_for_logs (self);
  for (int i = 0; i < n_files; i++)
    canopy_window_open_file (window, files[i]);
}

static int
canopy_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("canopy %s\n", PACKAGE_VERSION);
      return 0;
    }

  return -1;
}

static int
canopy_application_command_line (GApplication            *app,
                                 GApplicationCommandLine *command_line)
{
  CanopyApplication *self = CANOPY_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autoptr(GHashTable) driver_options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **assignments = NULL;
  g_autofree const char **paths = NULL;
  const char *interface = NULL;
  const char *channel = NULL;

  g_variant_dict_lookup (options, "interface", "&s", &interface);
  g_variant_dict_lookup (options, "channel", "&s", &channel);
  g_variant_dict_lookup (options, "option", "^a&s", &assignments);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &paths);

  driver_options = canopy_connection_parse_options (assignments, &error);
  if (driver_options == NULL)
    {
      g_application_command_line_printerr (command_line, "canopy: %s\n", error->message);
      return 1;
    }

  if (paths != NULL && paths[0] != NULL)
    {
      CanopyWindow *window = window_for_logs (self);

      for (guint i = 0; paths[i] != NULL; i++)
        {
          g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, paths[i]);

          canopy_window_open_file (window, file);
        }
    }

  if (interface != NULL || channel != NULL || assignments != NULL)
    canopy_window_connect (new_window (self), interface, channel, driver_options);
  else if (paths == NULL)
    g_application_activate (app);

  return 0;
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Canopy developers", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (app),
                         "program-name", _("Canopy"),
                         /* The resource's copy: found installed or not, .Devel or not. */
                         "logo-icon-name", "org.canopy.Canopy",
                         "version", PACKAGE_VERSION,
                         "comments", _("Watch, log and replay CAN bus traffic"),
                         "license-type", GTK_LICENSE_LGPL_2_1,
                         "authors", developers,
                         "translator-credits", _("translator-credits"),
                         "modal", TRUE,
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  CanopyApplication *self = user_data;
  CanopyPreferencesWindow *preferences;

  preferences = canopy_preferences_window_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (preferences),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* Close windows (and with them their connections) before quitting. */
  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_window_destroy (windows->data);
      windows = next;
    }
  g_application_quit (G_APPLICATION (app));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "quit", quit_action },
};

static void
canopy_application_startup (GApplication *app)
{
  CanopyApplication *self = CANOPY_APPLICATION (app);
  g_autoptr(GtkCssProvider) css = NULL;
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *connect_accels[] = { "<Control>k", NULL };
  static const char *pause_accels[] = { "space", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *save_trace_accels[] = { "<Control>s", NULL };
  static const char *per_id_accels[] = { "<Control>i", NULL };
  static const char *statistics_accels[] = { "F9", NULL };

  G_APPLICATION_CLASS (canopy_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APPLICATION_ID);

  /* GtkApplication (unlike libadwaita's) loads no style sheet by itself. */
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, RESOURCE_PREFIX "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  self->settings = load_settings ();

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.connect", connect_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.open", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.save-trace", save_trace_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.paused", pause_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.per-id", per_id_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-statistics", statistics_accels);
}

static void
canopy_application_dispose (GObject *object)
{
  CanopyApplication *self = CANOPY_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (canopy_application_parent_class)->dispose (object);
}

static void
canopy_application_class_init (CanopyApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = canopy_application_dispose;

  app_class->activate = canopy_application_activate;
  app_class->open = canopy_application_open;
  app_class->startup = canopy_application_startup;
  app_class->command_line = canopy_application_command_line;
  app_class->handle_local_options = canopy_application_handle_local_options;
}

static void
canopy_application_init (CanopyApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
    _("Watch live CAN traffic and open CAN logs.\n\n"
      "Without options Canopy connects as python-can would: the interface and channel "
      "come from CAN_INTERFACE and CAN_CHANNEL or the [default] section of ~/.canrc, "
      "and where nothing is configured the virtual “demo” bus with simulated ECUs opens. "
      "FILE… opens logs (BLF, ASC, CSV, SQLite, candump, TRC) read-only."));
}

CanopyApplication *
canopy_application_new (void)
{
  return g_object_new (CANOPY_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_HANDLES_COMMAND_LINE,
                       /* Not derived from the id, which ends in .Devel in development builds;
                        * GtkApplication loads the shortcuts window and icons from here. */
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

/**
 * canopy_application_get_settings:
 * @self: the application
 *
 * Returns: (transfer none): the application's settings
 */
GSettings *
canopy_application_get_settings (CanopyApplication *self)
{
  g_return_val_if_fail (CANOPY_IS_APPLICATION (self), NULL);

  return self->settings;
}

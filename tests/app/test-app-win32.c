/* test-app-win32.c — the application's Windows-only behaviour
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs twice in the Windows CI: in the build tree under wine (meson test,
 * no display: the checks that need GTK's display skip), and from inside the
 * unzipped bundle under wine and Xvfb with LANGUAGE=de
 * (build-aux/windows/test-bundle.sh), where CANOPY_TEST_IN_BUNDLE=1 turns
 * every skip into a failure: there the icons, the translations and the
 * start-up are those a user gets.
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include <canopy.h>

#include "canopy-application.h"
#include "canopy-app-win32.h"
#include "canopy-window.h"

/* Last: it defines `interface`, a parameter name in Canopy's headers. */
#include <windows.h>

static gboolean have_display;
static gboolean under_wine;
static CanopyApplication *app;

static gboolean
running_under_wine (void)
{
  HMODULE ntdll = GetModuleHandleW (L"ntdll.dll");

  return ntdll != NULL && GetProcAddress (ntdll, "wine_get_version") != NULL;
}

/* Warnings are fatal in tests, and should be: a quiet start is one of the
 * things tested here. A few say what the machine lacks, not what Canopy
 * does wrong, and are let through: GDK reads the keyboard layout DLLs
 * (kbdus.dll) and their registry keys, which wine 8 has not, and the
 * monitors' device node properties and WGL, which wine under Xvfb and a
 * Windows VM without monitor data or GPU may not have (GDK then falls back
 * to cairo); pango 1.50 asserts on fonts that wine's DirectWrite lists but
 * cannot find again by their LOGFONT (the host's DejaVu Condensed,
 * Cantarell Light, …: no Windows has them, and the bundle test's wine
 * prefix does without them). */
static GLogWriterOutput
write_log (GLogLevelFlags   log_level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
        message = fields[i].value;
    }

  if (message != NULL &&
      ((g_strcmp0 (domain, "Gdk") == 0 &&
        g_regex_match_simple ("keyboard layout|device node property|gdk_gl_context_make_current",
                              message, G_REGEX_CASELESS, 0)) ||
       (g_strcmp0 (domain, "Pango") == 0 &&
        strstr (message, "pango_font_description_get_family: assertion 'desc != NULL'") != NULL)))
    return G_LOG_WRITER_HANDLED;

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* Outside the bundle a check may lack what it needs (a display, the
 * installed catalogues); inside it, nothing may be missing. */
static gboolean
require (gboolean    condition,
         const char *what)
{
  if (condition)
    return TRUE;
  if (g_getenv ("CANOPY_TEST_IN_BUNDLE") != NULL)
    {
      g_test_message ("missing in the bundle: %s", what);
      g_test_fail ();
    }
  else
    {
      g_test_skip (what);
    }
  return FALSE;
}

/* The settings file is %APPDATA%\Canopy\settings.ini: a setting written
 * through the application's backend lands there, readable as a key file. */
static void
test_settings_in_appdata (void)
{
  const char *appdata = g_getenv ("APPDATA");
  g_autofree char *path = canopy_app_win32_get_settings_path ();
  g_autofree char *expected = NULL;
  g_autofree char *saved = NULL;
  gsize saved_length = 0;
  gboolean had_file;
  g_autoptr(GSettingsSchemaSource) build_source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (appdata);
  expected = g_build_filename (appdata, "Canopy", "settings.ini", NULL);
  g_assert_cmpstr (path, ==, expected);

  /* This is the user's real file on Windows: put it back afterwards. */
  had_file = g_file_get_contents (path, &saved, &saved_length, NULL);

  /* Installed (the bundle's share\glib-2.0\schemas), else the build tree's. */
  if (g_settings_schema_source_get_default () != NULL)
    schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (),
                                              "org.canopy.Canopy", TRUE);
  if (schema == NULL)
    {
      build_source = g_settings_schema_source_new_from_directory (CANOPY_BUILD_SCHEMA_DIR, NULL, FALSE, &error);
      g_assert_no_error (error);
      schema = g_settings_schema_source_lookup (build_source, "org.canopy.Canopy", FALSE);
    }
  g_assert_nonnull (schema);
  backend = canopy_app_win32_settings_backend ();
  settings = g_settings_new_full (schema, backend, NULL);

  g_assert_true (g_settings_is_writable (settings, "window-width"));
  g_assert_true (g_settings_set_int (settings, "window-width", 1234));
  g_settings_sync ();

  g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_key_file_get_integer (key_file, "Canopy", "window-width", &error), ==, 1234);
  g_assert_no_error (error);

  g_clear_object (&settings);
  if (had_file)
    g_assert_true (g_file_set_contents (path, saved, saved_length, NULL));
  else
    g_assert_cmpint (g_remove (path), ==, 0);
}

/* Translations are looked up beside the program, wherever it was unzipped,
 * by a path libintl can open (its open() takes the ANSI code page). */
static void
test_locale_dir_beside_program (void)
{
  g_autofree char *dir = canopy_app_win32_get_locale_dir ();
  g_autofree char *program_dir = g_win32_get_package_installation_directory_of_module (NULL);
  g_autofree char *expected = g_build_filename (program_dir, "share", "locale", NULL);
  g_autofree char *expected_local = g_win32_locale_filename_from_utf8 (expected);

  g_assert_true (g_path_is_absolute (dir));
  g_assert_cmpstr (dir, ==, expected_local != NULL ? expected_local : expected);
}

/* Windows has no session bus. Without canopy_app_win32_init() GLib would
 * try to autolaunch one with gdbus.exe and, not finding it (the bundle does
 * not ship it), warn at every start: registering an application (warnings
 * are fatal in tests) stays quiet and works without a bus. */
static void
test_registers_without_session_bus (void)
{
  g_autoptr(GApplication) plain = g_application_new (APPLICATION_ID ".Win32Test",
                                                     G_APPLICATION_HANDLES_OPEN);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_application_register (plain, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (g_application_get_dbus_connection (plain));
  g_assert_false (g_application_get_is_remote (plain));
}

/* Every icon named in the application's .ui files, and its own icon, loads
 * as an image at the sizes GTK asks for at 100 % and 200 % scaling: not
 * GTK's "image missing" stand-in, and without GTK's "Failed to load icon"
 * warning (fatal here), which is what an SVG gives where gdk-pixbuf has no
 * SVG loader. */
static void
collect_icon_names (const char *path,
                    GHashTable *names)
{
  g_auto(GStrv) children = g_resources_enumerate_children (path, 0, NULL);
  g_autoptr(GRegex) icon_property = g_regex_new ("name=\"icon[-_]name\">([^<]+)<", 0, 0, NULL);

  for (guint i = 0; children != NULL && children[i] != NULL; i++)
    {
      g_autofree char *child = g_strconcat (path, children[i], NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GMatchInfo) match = NULL;
      g_autofree char *text = NULL;

      if (g_str_has_suffix (child, "/"))
        {
          collect_icon_names (child, names);
          continue;
        }
      if (!g_str_has_suffix (child, ".ui"))
        continue;
      bytes = g_resources_lookup_data (child, 0, NULL);
      g_assert_nonnull (bytes);
      text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      for (g_regex_match (icon_property, text, 0, &match);
           g_match_info_matches (match);
           g_match_info_next (match, NULL))
        g_hash_table_add (names, g_match_info_fetch (match, 1));
    }
}

static void
test_icons_load (void)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GtkIconTheme *theme;
  GHashTableIter iter;
  const char *name;

  if (!require (have_display, "no display for GTK"))
    return;

  collect_icon_names (RESOURCE_PREFIX "/", names);
  /* The window icon (gtk_window_set_default_icon_name) and the About logo. */
  g_hash_table_add (names, g_strdup (APPLICATION_ID));
  g_hash_table_add (names, g_strdup ("org.canopy.Canopy"));
  g_assert_true (g_hash_table_contains (names, "org.canopy.Canopy-statistics-symbolic"));

  /* GtkApplication's startup added RESOURCE_PREFIX/icons to this theme. */
  theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    for (int scale = 1; scale <= 2; scale++)
      {
        g_autoptr(GtkIconPaintable) icon = NULL;
        g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
        g_autoptr(GskRenderNode) node = NULL;

        g_test_message ("icon %s at 16 px, scale %d", name, scale);
        g_assert_true (gtk_icon_theme_has_icon (theme, name));
        icon = gtk_icon_theme_lookup_icon (theme, name, NULL, 16, scale, GTK_TEXT_DIR_LTR, 0);
        g_assert_cmpstr (gtk_icon_paintable_get_icon_name (icon), ==, name);
        /* Drawing loads the file. */
        gdk_paintable_snapshot (GDK_PAINTABLE (icon), GDK_SNAPSHOT (snapshot), 16, 16);
        node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
        g_assert_nonnull (node);
      }
}

/* With LANGUAGE=de (as the bundle tests run it) the German catalogue
 * reaches each place a string is translated: the application's own
 * gettext() calls, GLib's g_dgettext() through which GtkBuilder translates
 * the .ui templates (GLib's DLL must use the same real libintl), a real
 * window, and GTK's own strings. */
static gboolean
widget_shows_text (GtkWidget  *widget,
                   const char *text)
{
  const char *shown = NULL;

  if (GTK_IS_LABEL (widget))
    shown = gtk_label_get_label (GTK_LABEL (widget));
  else if (GTK_IS_BUTTON (widget))
    shown = gtk_button_get_label (GTK_BUTTON (widget));
  if (g_strcmp0 (shown, text) == 0 || g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (widget_shows_text (child, text))
      return TRUE;
  return FALSE;
}

static void
test_translated (void)
{
  const char *language = g_getenv ("LANGUAGE");
  /* In UTF-8 for GLib (canopy_app_win32_get_locale_dir() is for libintl). */
  g_autofree char *program_dir = g_win32_get_package_installation_directory_of_module (NULL);
  g_autofree char *catalogue = g_build_filename (program_dir, "share", "locale", "de", "LC_MESSAGES",
                                                 GETTEXT_PACKAGE ".mo", NULL);
  g_autofree char *gtk_catalogue = g_build_filename (program_dir, "share", "locale", "de", "LC_MESSAGES",
                                                     "gtk40.mo", NULL);
  g_autoptr(GtkBuilder) builder = NULL;
  CanopyWindow *window;

  if (!require (language != NULL && g_str_has_prefix (language, "de"), "LANGUAGE=de not set") ||
      !require (g_file_test (catalogue, G_FILE_TEST_EXISTS), "no German catalogue beside the program"))
    return;

  /* The application's C strings (its own libintl calls). */
  g_assert_cmpstr (_("Connect"), ==, "Verbinden");
  /* GLib's, which GtkBuilder uses for the templates. */
  g_assert_cmpstr (g_dgettext (GETTEXT_PACKAGE, "Connect"), ==, "Verbinden");
  g_assert_cmpstr (g_dgettext (NULL, "Pause"), ==, "Anhalten");

  if (!require (have_display, "no display for GTK"))
    return;

  /* A template like the window's (no domain: the default one, as in main()). */
  builder = gtk_builder_new_from_string ("<interface><object class='GtkLabel' id='label'>"
                                         "<property name='label' translatable='yes'>Per ID</property>"
                                         "</object></interface>", -1);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_builder_get_object (builder, "label"))), ==, "Je ID");

  /* The real window's header bar. */
  window = canopy_window_new (app);
  g_assert_true (widget_shows_text (GTK_WIDGET (window), "Verbinden"));
  g_assert_false (widget_shows_text (GTK_WIDGET (window), "Connect"));
  gtk_window_destroy (GTK_WINDOW (window));

  /* GTK's own strings (its dialogs, the text context menu). */
  if (require (g_file_test (gtk_catalogue, G_FILE_TEST_EXISTS), "no gtk40.mo beside the program"))
    g_assert_cmpstr (g_dgettext ("gtk40", "_Cancel"), ==, "_Abbrechen");
}

/* Cyclic sending started from the GUI: a 10 ms task on the application's own
 * connection, in the application's process with its main loop running (and
 * its window, given a display), keeps its period. Windows wakes threads on
 * its 15.6 ms tick unless a program asks for better (the engine's
 * high-resolution timer, canopy_app_win32_init()); on the tick, frames go
 * out up to 15.6 ms late, and a period counted from one frame to the next
 * would drift too. The frames are timed where they arrive, on a second
 * handle of the virtual channel, stamped as the task sends them.
 *
 * Measured as bench/bench-cyclic.c does: each frame belongs to the slot of
 * the schedule it was sent in (on a grid whose phase is the typical one of
 * the frames). The mean period, the least-squares slope of send time over
 * slot, is within 1 % (a schedule that drifts by a wake-up latency per
 * period, as relative sleeps do, is off by more); no drift: the frames on
 * time (the earliest tenth) of the last 100 are within 1 ms of where those
 * of the first 100 were on the grid; a busy machine adds lateness but
 * does not move the schedule (under load ~0.1 ms here; medians, which the
 * lateness moves, varied by up to 4 ms). On Windows itself the frames are
 * also on time: median lateness under 2 ms, where the 15.6 ms tick gives
 * ~5 ms. Not under wine, whose timers are the host's (no tick) and where
 * lateness measures how loaded the machine is (on 2 busy cores, with wine
 * rendering the live trace, up to ~5 ms); slots a busy machine makes the
 * task skip are reported, not held against it.
 *
 * An exception to "no timed assertions": timing is what is tested. */
#define CYCLIC_PERIOD_NS G_GINT64_CONSTANT (10000000)

typedef struct
{
  CanopyConnection *connection;
  gboolean          done;
} Opened;

static void
connection_opened (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Opened *opened = user_data;
  g_autoptr(GError) error = NULL;

  opened->connection = canopy_connection_open_finish (result, &error);
  g_assert_no_error (error);
  opened->done = TRUE;
}

static void
window_connected (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Opened *opened = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (canopy_window_connect_finish (CANOPY_WINDOW (source), result, &error));
  g_assert_no_error (error);
  opened->connection = g_object_ref (canopy_window_get_connection (CANOPY_WINDOW (source)));
  opened->done = TRUE;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* The @fraction quantile of the @len values at @values. */
static gint64
quantile (const gint64 *values,
          guint         len,
          double        fraction)
{
  g_autofree gint64 *sorted = g_memdup2 (values, len * sizeof (gint64));

  qsort (sorted, len, sizeof (gint64), compare_gint64);
  return sorted[(guint) (fraction * (len - 1))];
}

static gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static void
test_cyclic_period_in_app (void)
{
  static const char channel[] = "win32-cyclic-in-app";
  static const guint8 payload[] = { 0x10, 0x20, 0x30 };
  g_autoptr(CanopyBus) rx = CANOPY_BUS (canopy_virtual_bus_new (channel, FALSE, 0));
  g_autoptr(CanopyCyclicTask) task = NULL;
  g_autoptr(GArray) stamps = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree gint64 *phase = NULL;
  g_autofree gint64 *deviation = NULL;
  g_autofree gint64 *lateness = NULL;
  g_autoptr(GError) error = NULL;
  CanopyWindow *window = NULL;
  Opened opened = { NULL, FALSE };
  CanopyMessage msg, got;
  const gint64 *t;
  double sx = 0, sy = 0, sxx = 0, sxy = 0, mean;
  gint64 end, origin, earliest, late_median, drift;
  guint n, edge;

  /* The window's connect path when there is a display, else the same
   * connection object the window would open. */
  if (have_display)
    {
      window = canopy_window_new (app);
      gtk_window_present (GTK_WINDOW (window));
      canopy_window_connect_async (window, "virtual", channel, NULL, NULL, window_connected, &opened);
    }
  else
    {
      canopy_connection_open_async ("virtual", channel, NULL, NULL, connection_opened, &opened);
    }
  while (!opened.done)
    g_main_context_iteration (NULL, TRUE);

  canopy_message_init (&msg, 0x1a0, FALSE, payload, sizeof payload);
  task = canopy_bus_send_periodic (canopy_connection_get_bus (opened.connection), &msg,
                                   CYCLIC_PERIOD_NS / 1e9, 0, &error);
  g_assert_no_error (error);

  end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      while (canopy_bus_recv_into (rx, &got, 0, NULL))
        if (got.arbitration_id == 0x1a0)
          g_array_append_val (stamps, got.timestamp_ns);
      g_usleep (2000);
    }
  canopy_cyclic_task_stop (task);

  n = stamps->len;
  t = (const gint64 *) (gpointer) stamps->data;
  g_test_message ("%u frames in 3 s, %" G_GUINT64_FORMAT " slots skipped",
                  n, canopy_cyclic_task_get_missed (task));
  g_assert_cmpuint (n, >=, 100);

  /* The grid's phase: the median one of the frames, not the first's, which
   * may itself be late. */
  phase = g_new (gint64, n);
  for (guint i = 0; i < n; i++)
    phase[i] = (t[i] - t[0]) - llround ((double) (t[i] - t[0]) / CYCLIC_PERIOD_NS) * CYCLIC_PERIOD_NS;
  origin = quantile (phase, n, 0.5);

  /* Each frame in the last slot that began before it (the task never sends
   * early); its deviation from that slot's start. */
  deviation = g_new (gint64, n);
  for (guint i = 0; i < n; i++)
    {
      gint64 since = t[i] - t[0] - origin;
      gint64 slot = floor_div (since + CYCLIC_PERIOD_NS / 20, CYCLIC_PERIOD_NS);

      deviation[i] = since - slot * CYCLIC_PERIOD_NS;
      sx += slot;
      sy += t[i] - t[0];
      sxx += (double) slot * slot;
      sxy += (double) slot * (t[i] - t[0]);
    }
  mean = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  /* The frames on time mark where the schedule is; a busy machine only
   * adds lateness on top: compare the first tenth of each end's frames. */
  edge = MIN (100, n / 3);
  drift = quantile (deviation + n - edge, edge, 0.1) - quantile (deviation, edge, 0.1);

  /* Lateness: the earliest 1 % of the frames count as on time. */
  lateness = g_memdup2 (deviation, n * sizeof (gint64));
  qsort (lateness, n, sizeof (gint64), compare_gint64);
  earliest = lateness[n / 100];
  late_median = lateness[n / 2] - earliest;

  g_test_message ("mean period %.4f ms, drift %+.3f ms, median lateness %.3f ms",
                  mean / 1e6, drift / 1e6, late_median / 1e6);
  g_assert_cmpfloat (fabs (mean - CYCLIC_PERIOD_NS), <=, CYCLIC_PERIOD_NS * 0.01);
  g_assert_cmpint (llabs (drift), <, 1000000);
  if (!under_wine)
    g_assert_cmpint (late_median, <, 2000000);

  if (window != NULL)
    {
      canopy_window_disconnect (window);
      gtk_window_destroy (GTK_WINDOW (window));
    }
  else
    {
      canopy_connection_close (opened.connection);
    }
  g_clear_object (&opened.connection);
  canopy_bus_shutdown (rx);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *locale_dir = NULL;

  under_wine = running_under_wine ();
  g_log_set_writer_func (write_log, NULL, NULL);

  /* As main.c starts the application. */
  canopy_app_win32_init ();
  setlocale (LC_ALL, "");
  locale_dir = canopy_app_win32_get_locale_dir ();
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);

  /* Under wine without an X server (meson test) GTK would draw into wine's
   * null driver: the checks that need a display skip there, and run from
   * inside the bundle under Xvfb. */
  have_display = (!under_wine || g_getenv ("DISPLAY") != NULL) && gtk_init_check ();
  if (have_display)
    {
      app = canopy_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, NULL);
    }

  g_test_add_func ("/app/win32/settings-in-appdata", test_settings_in_appdata);
  g_test_add_func ("/app/win32/locale-dir-beside-program", test_locale_dir_beside_program);
  g_test_add_func ("/app/win32/registers-without-session-bus", test_registers_without_session_bus);
  g_test_add_func ("/app/win32/icons-load", test_icons_load);
  g_test_add_func ("/app/win32/translated", test_translated);
  g_test_add_func ("/app/win32/cyclic-period-in-app", test_cyclic_period_in_app);

  return g_test_run ();
}

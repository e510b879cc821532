/* test-app-window.c — the real main window under Xvfb (gui-session), without
 * the accessibility bus: a log opened read-only fills the trace, selected rows
 * copy in python-can's layout, and a live demo connection follows its frames.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gtk/gtk.h>

#include <canopy.h>

#include "canopy-application.h"
#include "canopy-trace-view.h"
#include "canopy-window.h"

static CanopyApplication *app;

static gboolean
spin_until (gboolean (*done) (gpointer data),
            gpointer   data,
            double     seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);

  return done (data);
}

/* The first widget of @type below @widget, depth first. */
static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static CanopyTraceView *
trace_view_of (CanopyWindow *window)
{
  GtkWidget *found = find_widget (GTK_WIDGET (window), CANOPY_TYPE_TRACE_VIEW);

  g_assert_nonnull (found);
  return CANOPY_TRACE_VIEW (found);
}

static gboolean
document_loaded (gpointer data)
{
  GListModel *frames = canopy_trace_view_get_frames (data);

  return CANOPY_IS_LOG_DOCUMENT (frames) && canopy_log_document_get_loaded (CANOPY_LOG_DOCUMENT (frames));
}

static void
test_open_log_and_copy (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("CANOPY_TESTDATA"), "python-can", "logfile.asc", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(CanopyLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;
  CanopyWindow *window = canopy_window_new (app);
  CanopyTraceView *view = trace_view_of (window);
  GtkSelectionModel *selection;
  CanopyMessage msg;
  char expected[CANOPY_MESSAGE_STRING_SIZE];
  guint n_items;
  guint n_read = 0;

  gtk_window_present (GTK_WINDOW (window));
  canopy_window_open_file (window, file);
  g_assert_true (spin_until (document_loaded, view, 20));

  /* Every frame of the file is a row: the streaming reader agrees. */
  reader = canopy_log_reader_new_for_file (path, &error);
  g_assert_no_error (error);
  while (canopy_log_reader_next (reader, &msg, &error))
    n_read++;
  g_assert_no_error (error);
  n_items = g_list_model_get_n_items (canopy_trace_view_get_frames (view));
  g_assert_cmpuint (n_items, ==, n_read);
  g_assert_cmpuint (n_items, >, 2);
  g_assert_null (canopy_window_get_connection (window));

  /* Select the first two rows: the clipboard text is python-can's layout. */
  selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (view), GTK_TYPE_COLUMN_VIEW)));
  gtk_selection_model_select_range (selection, 0, 2, TRUE);
  text = canopy_trace_view_dup_selected_text (view);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);      /* two lines and the final newline */
  {
    g_autoptr(CanopyFrameItem) first = g_list_model_get_item (canopy_trace_view_get_frames (view), 0);

    canopy_message_format (canopy_frame_item_get_message (first), expected, sizeof expected);
    g_assert_cmpstr (lines[0], ==, expected);
    g_assert_true (g_str_has_prefix (lines[0], "Timestamp:"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkColumnViewColumn *
column_titled (CanopyTraceView *view,
               const char      *title)
{
  GtkColumnView *column_view = GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (view), GTK_TYPE_COLUMN_VIEW));
  GListModel *columns = gtk_column_view_get_columns (column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;
    }
  g_assert_not_reached ();
}

/* Column choices and the time format live in GSettings: every window
 * follows them, and they outlive the window. */
static void
test_columns_remembered (void)
{
  GSettings *settings = canopy_application_get_settings (app);
  CanopyWindow *window = canopy_window_new (app);
  CanopyTraceView *view = trace_view_of (window);
  g_autofree char *format = NULL;

  g_assert_true (gtk_column_view_column_get_visible (column_titled (view, "ASCII")));
  g_settings_set_boolean (settings, "show-ascii-column", FALSE);
  g_assert_false (gtk_column_view_column_get_visible (column_titled (view, "ASCII")));
  gtk_window_destroy (GTK_WINDOW (window));

  window = canopy_window_new (app);
  view = trace_view_of (window);
  g_assert_false (gtk_column_view_column_get_visible (column_titled (view, "ASCII")));
  g_assert_true (gtk_column_view_column_get_visible (column_titled (view, "Data")));

  /* The menu's radio items are the setting's action. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "time-format", g_variant_new_string ("delta"));
  g_object_get (view, "time-format", &format, NULL);
  g_assert_cmpstr (format, ==, "delta");
  g_assert_cmpstr (g_settings_get_string (settings, "time-format"), ==, "delta");

  g_settings_reset (settings, "show-ascii-column");
  g_settings_reset (settings, "time-format");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_frames (gpointer data)
{
  CanopyWindow *window = data;
  CanopyConnection *connection = canopy_window_get_connection (window);

  return connection != NULL && g_list_model_get_n_items (canopy_connection_get_trace (connection)) >= 200;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static void
test_live_follows (void)
{
  CanopyWindow *window = canopy_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 500);
  gtk_window_present (GTK_WINDOW (window));
  canopy_window_connect (window, "virtual", "demo", NULL);
  g_assert_true (spin_until (has_frames, window, 20));

  /* A few more batches: the newest row is in view. */
  spin_until (never, NULL, 0.5);
  g_assert_true (canopy_window_is_following (window));

  canopy_window_disconnect (window);
  g_assert_null (canopy_window_get_connection (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  app = canopy_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);

  g_test_add_func ("/app/window/open-log-and-copy", test_open_log_and_copy);
  g_test_add_func ("/app/window/live-follows", test_live_follows);
  g_test_add_func ("/app/window/columns-remembered", test_columns_remembered);

  return g_test_run ();
}

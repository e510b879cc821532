/* test-app-window.c — the real main window under Xvfb (gui-session), without
 * the accessibility bus: a log opens in a page of its own beside the live
 * trace (which keeps its connection), selected rows copy in python-can's
 * layout, "Go to time" and "Find" select the right row, and a live demo
 * connection follows its frames.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <gtk/gtk.h>

#include <canopy.h>

#include "canopy-application.h"
#include "canopy-convert-dialog.h"
#include "canopy-log-tab.h"
#include "canopy-save-dialog.h"
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

static GtkNotebook *
notebook_of (CanopyWindow *window)
{
  GtkWidget *found = find_widget (GTK_WIDGET (window), GTK_TYPE_NOTEBOOK);

  g_assert_nonnull (found);
  return GTK_NOTEBOOK (found);
}

/* The log page in front. */
static CanopyLogTab *
front_tab (CanopyWindow *window)
{
  GtkNotebook *notebook = notebook_of (window);
  GtkWidget *page = gtk_notebook_get_nth_page (notebook, gtk_notebook_get_current_page (notebook));

  g_assert_true (CANOPY_IS_LOG_TAB (page));
  return CANOPY_LOG_TAB (page);
}

static GFile *
testdata_file (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("CANOPY_TESTDATA"), "python-can", name, NULL);

  return g_file_new_for_path (path);
}

static CanopyLogDocument *
window_document (CanopyWindow *window)
{
  g_autoptr(CanopyLogDocument) document = NULL;

  g_object_get (window, "document", &document, NULL);
  return document;   /* the window keeps a reference */
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
  CanopyTraceView *view;
  GtkSelectionModel *selection;
  CanopyMessage msg;
  char expected[CANOPY_MESSAGE_STRING_SIZE];
  guint n_items;
  guint n_read = 0;

  gtk_window_present (GTK_WINDOW (window));
  canopy_window_open_file (window, file);
  view = canopy_log_tab_get_trace_view (front_tab (window));
  g_assert_true (window_document (window) == canopy_log_tab_get_document (front_tab (window)));
  g_assert_true (spin_until (document_loaded, view, 20));
  /* The keys go to the new page's trace. */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (view)));

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

static gboolean
connection_has_frames (gpointer data)
{
  CanopyConnection *connection = canopy_window_get_connection (data);

  return connection != NULL && g_list_model_get_n_items (canopy_connection_get_trace (connection)) > 0;
}

typedef struct
{
  CanopyWindow *window;
  guint         target;
} Grows;

static gboolean
live_trace_grows (gpointer data)
{
  Grows *grows = data;
  CanopyConnection *connection = canopy_window_get_connection (grows->window);

  return connection != NULL && g_list_model_get_n_items (canopy_connection_get_trace (connection)) >= grows->target;
}

static GtkNotebook *pages_notebook;

static gboolean
has_pages (gpointer data)
{
  return gtk_notebook_get_n_pages (pages_notebook) == GPOINTER_TO_INT (data);
}

/* Opening a log adds a page and leaves the bus alone; the window's
 * document follows the page in front; the same file opens once; closing
 * the page drops the document. */
static void
test_log_pages (void)
{
  g_autoptr(GFile) asc = testdata_file ("logfile.asc");
  g_autoptr(GFile) blf = testdata_file ("test_CanMessage.blf");
  g_autoptr(GFile) asc_again = testdata_file ("logfile.asc");
  CanopyWindow *window = canopy_window_new (app);
  GtkNotebook *notebook = pages_notebook = notebook_of (window);
  CanopyLogTab *asc_tab;
  Grows grows = { window, 0 };

  gtk_window_present (GTK_WINDOW (window));
  canopy_window_connect (window, "virtual", "demo", NULL);
  g_assert_true (spin_until (connection_has_frames, window, 20));

  canopy_window_open_file (window, asc);
  asc_tab = front_tab (window);
  canopy_window_open_file (window, blf);
  g_assert_cmpint (gtk_notebook_get_n_pages (notebook), ==, 3);
  g_assert_true (window_document (window) == canopy_log_tab_get_document (front_tab (window)));
  g_assert_true (g_file_equal (canopy_log_document_get_file (window_document (window)), blf));

  /* The bus goes on under the logs. */
  g_assert_nonnull (canopy_window_get_connection (window));
  grows.target = g_list_model_get_n_items (canopy_connection_get_trace (canopy_window_get_connection (window))) + 20;
  g_assert_true (spin_until (live_trace_grows, &grows, 20));

  /* A file already open comes to the front instead of opening twice. */
  canopy_window_open_file (window, asc_again);
  g_assert_cmpint (gtk_notebook_get_n_pages (notebook), ==, 3);
  g_assert_true (front_tab (window) == asc_tab);
  g_assert_true (window_document (window) == canopy_log_tab_get_document (asc_tab));

  gtk_notebook_set_current_page (notebook, 0);
  g_assert_null (window_document (window));
  gtk_notebook_set_current_page (notebook, 1);
  g_assert_nonnull (window_document (window));

  /* The tab's close button: the page goes at once from sight, from the
   * notebook a moment later. */
  gtk_widget_activate_action (GTK_WIDGET (asc_tab), "log-tab.close", NULL);
  g_assert_true (g_file_equal (canopy_log_document_get_file (window_document (window)), blf));
  g_assert_true (spin_until (has_pages, GINT_TO_POINTER (2), 5));
  gtk_widget_activate_action (GTK_WIDGET (front_tab (window)), "log-tab.close", NULL);
  g_assert_null (window_document (window));
  g_assert_true (spin_until (has_pages, GINT_TO_POINTER (1), 5));
  g_assert_nonnull (canopy_window_get_connection (window));

  canopy_window_disconnect (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkEditable *
entry_named (GtkWidget  *widget,
             const char *placeholder_prefix)
{
  if (GTK_IS_ENTRY (widget) &&
      g_str_has_prefix (gtk_entry_get_placeholder_text (GTK_ENTRY (widget)) ?: "", placeholder_prefix))
    return GTK_EDITABLE (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkEditable *found = entry_named (child, placeholder_prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
search_done (gpointer data)
{
  return !has_label (data, "Searching…");
}

/* Types @text into the entry, runs the search and waits for its end. */
static guint
find_row (CanopyLogTab *tab,
          const char   *entry_prefix,
          const char   *action,
          const char   *text)
{
  gtk_editable_set_text (entry_named (GTK_WIDGET (tab), entry_prefix), text);
  gtk_widget_activate_action (GTK_WIDGET (tab), action, NULL);
  g_assert_true (has_label (GTK_WIDGET (tab), "Searching…"));
  g_assert_true (spin_until (search_done, tab, 20));
  return canopy_trace_view_get_first_selected (canopy_log_tab_get_trace_view (tab));
}

/* Go to time (seconds from the first frame) and Find (ids, data bytes with
 * wildcards, the next match after the selected row, then from the top). */
static void
test_go_to_time_and_find (void)
{
  g_autoptr(GFile) file = testdata_file ("logfile.asc");
  CanopyWindow *window = canopy_window_new (app);
  CanopyLogTab *tab;
  CanopyLogDocument *document;
  CanopyMessage first, msg;
  guint expected = G_MAXUINT;
  guint n;

  gtk_window_present (GTK_WINDOW (window));
  canopy_window_open_file (window, file);
  tab = front_tab (window);
  document = canopy_log_tab_get_document (tab);
  g_assert_true (spin_until (document_loaded, canopy_log_tab_get_trace_view (tab), 20));
  n = canopy_log_document_get_n_items (document);
  g_assert_true (canopy_log_document_get_message (document, 0, &first, NULL));

  /* The first frame at or after 15 s. */
  for (guint i = 0; i < n && expected == G_MAXUINT; i++)
    if (canopy_log_document_get_message (document, i, &msg, NULL) &&
        msg.timestamp_ns - first.timestamp_ns >= G_GINT64_CONSTANT (15000000000))
      expected = i;
  g_assert_cmpuint (expected, !=, G_MAXUINT);
  g_assert_cmpuint (find_row (tab, "seconds", "log-tab.go-to-time", "15"), ==, expected);
  g_assert_cmpuint (expected, ==, 10);

  /* logfile.asc: 18EBFF00x in rows 6–9 (channel 0) and 12–15 (channel 1);
   * 6F8 once, in row 11, with data FF 00 0C FE. The search starts after
   * the selected row (10, from the time) and wraps at the end. */
  g_assert_cmpuint (find_row (tab, "ID", "log-tab.find-next", "18EBFF00"), ==, 12);
  g_assert_cmpuint (find_row (tab, "ID", "log-tab.find-next", "18EBFF00"), ==, 13);
  g_assert_cmpuint (find_row (tab, "ID", "log-tab.find-next", "6f8"), ==, 11);
  g_assert_true (canopy_log_document_get_message (document, 11, &msg, NULL));
  g_assert_cmphex (msg.arbitration_id, ==, 0x6F8);
  g_assert_cmpuint (find_row (tab, "ID", "log-tab.find-next", "0C ?E"), ==, 11);
  g_assert_cmpuint (find_row (tab, "ID", "log-tab.find-next", "1F DE 80"), ==, 13);
  g_assert_cmpuint (find_row (tab, "ID", "log-tab.find-next", "1F DE 80"), ==, 7);
  /* No match leaves the selection where it was. */
  g_assert_cmpuint (find_row (tab, "ID", "log-tab.find-next", "7FF"), ==, 7);
  g_assert_true (has_label (GTK_WIDGET (tab), "No frame matches “7FF”"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The first label whose text starts with @prefix. */
static GtkLabel *
label_starting (GtkWidget  *widget,
                const char *prefix)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix))
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = label_starting (child, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  GtkWidget  *widget;
  const char *prefixes[3];
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  for (guint i = 0; i < G_N_ELEMENTS (wait->prefixes) && wait->prefixes[i] != NULL; i++)
    if (label_starting (wait->widget, wait->prefixes[i]) != NULL)
      return TRUE;
  return FALSE;
}

static const char *
wait_label (GtkWidget  *widget,
            const char *prefix,
            const char *or_prefix)
{
  LabelWait wait = { widget, { prefix, or_prefix, NULL } };
  GtkLabel *label;

  g_assert_true (spin_until (label_shown, &wait, 60));
  label = label_starting (widget, prefix);
  if (label == NULL && or_prefix != NULL)
    label = label_starting (widget, or_prefix);
  return gtk_label_get_text (label);
}

static GtkWidget *
toplevel_of_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

static guint
count_frames (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyLogReader) reader = canopy_log_reader_new_for_file (path, &error);
  CanopyMessage msg;
  guint n = 0;

  g_assert_no_error (error);
  while (canopy_log_reader_next (reader, &msg, &error))
    n++;
  g_assert_no_error (error);
  return n;
}

/* Dropped files open as pages, as from the menu. */
static void
test_drop_files (void)
{
  g_autoptr(GFile) asc = testdata_file ("logfile.asc");
  g_autoptr(GFile) blf = testdata_file ("test_CanMessage.blf");
  g_autoptr(GListModel) controllers = NULL;
  g_autoptr(GSList) files = NULL;
  GValue value = G_VALUE_INIT;
  CanopyWindow *window = canopy_window_new (app);
  GtkDropTarget *target = NULL;
  gboolean accepted = FALSE;

  controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);
  g_assert_true (gdk_content_formats_contain_gtype (gtk_drop_target_get_formats (target), GDK_TYPE_FILE_LIST));

  files = g_slist_append (g_slist_append (NULL, asc), blf);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_list (files));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
  g_value_unset (&value);

  g_assert_true (accepted);
  g_assert_cmpint (gtk_notebook_get_n_pages (notebook_of (window)), ==, 3);
  g_assert_true (g_file_equal (canopy_log_document_get_file (window_document (window)), blf));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
no_save_dialog (gpointer data)
{
  return toplevel_of_type (CANOPY_TYPE_SAVE_DIALOG) == NULL;
}

/* Save Trace As: the selected rows of a log, read back; an existing file
 * is replaced only at the second Save. */
static void
test_save_selected (void)
{
  g_autoptr(GFile) file = testdata_file ("logfile.asc");
  g_autofree char *dir = g_dir_make_tmp ("canopy-save-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "selected.csv", NULL);
  g_autoptr(CanopyLogReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  CanopyWindow *window = canopy_window_new (app);
  CanopyLogTab *tab;
  CanopyLogDocument *document;
  GtkSelectionModel *selection;
  GtkWidget *dialog;
  CanopyMessage saved, original;

  gtk_window_present (GTK_WINDOW (window));
  canopy_window_open_file (window, file);
  tab = front_tab (window);
  document = canopy_log_tab_get_document (tab);
  g_assert_true (spin_until (document_loaded, canopy_log_tab_get_trace_view (tab), 20));
  selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (find_widget (GTK_WIDGET (tab), GTK_TYPE_COLUMN_VIEW)));
  gtk_selection_model_select_range (selection, 6, 3, TRUE);

  for (guint round = 0; round < 2; round++)
    {
      gtk_widget_activate_action (GTK_WIDGET (window), "win.save-trace", NULL);
      dialog = toplevel_of_type (CANOPY_TYPE_SAVE_DIALOG);
      g_assert_nonnull (dialog);
      g_assert_nonnull (label_starting (dialog, "logfile.asc: 20 frames, 3 selected"));
      gtk_editable_set_text (entry_named (dialog, "/path/to"), path);
      for (GtkWidget *w = find_widget (dialog, GTK_TYPE_TOGGLE_BUTTON); w != NULL; w = gtk_widget_get_next_sibling (w))
        if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), "Selected rows") == 0)
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (w), TRUE);

      gtk_widget_activate_action (dialog, "save.save", NULL);
      if (round == 1)
        {
          /* The file from the first round is there: Save asks once more. */
          wait_label (dialog, path, NULL);
          g_assert_true (g_str_has_suffix (wait_label (dialog, path, NULL), "exists. Press Save again to replace it."));
          gtk_widget_activate_action (dialog, "save.save", NULL);
        }
      g_assert_cmpstr (wait_label (dialog, "Saved ", "Could not"), ==, g_strdup_printf ("Saved 3 frames to %s (csv).", path));
      gtk_widget_activate_action (dialog, "save.close", NULL);
      g_assert_false (gtk_widget_get_visible (dialog));
      g_assert_true (spin_until (no_save_dialog, NULL, 5));
    }

  reader = canopy_log_reader_new_for_file (path, &error);
  g_assert_no_error (error);
  for (guint i = 6; i < 9; i++)
    {
      g_assert_true (canopy_log_reader_next (reader, &saved, &error));
      g_assert_true (canopy_log_document_get_message (document, i, &original, NULL));
      g_assert_cmphex (saved.arbitration_id, ==, original.arbitration_id);
      g_assert_cmpmem (saved.data, saved.dlc, original.data, original.dlc);
    }
  g_assert_false (canopy_log_reader_next (reader, &saved, &error));
  g_assert_no_error (error);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

/* The progress bar counts frames once the converter has written some. */
static gboolean
frames_written (gpointer data)
{
  const char *text = gtk_progress_bar_get_text (data);

  return text != NULL && strstr (text, " written") != NULL && !g_str_has_suffix (text, " 0 written");
}

/* Cancels at the first count of written frames, while the converter runs
 * (it publishes its counts as it goes; the result comes after them). */
static void
cancel_when_writing (GtkProgressBar *bar,
                     GParamSpec     *pspec,
                     GtkWidget      *dialog)
{
  if (frames_written (bar) && g_object_get_data (G_OBJECT (dialog), "cancelled") == NULL)
    {
      g_object_set_data (G_OBJECT (dialog), "cancelled", GINT_TO_POINTER (TRUE));
      gtk_widget_activate_action (dialog, "convert.cancel", NULL);
    }
}

/* Convert, cancelled while it runs: the output holds the frames written
 * before, as a valid file. */
static void
test_convert_cancel (void)
{
  g_autofree char *dir = g_dir_make_tmp ("canopy-convert-XXXXXX", NULL);
  g_autofree char *source = g_build_filename (dir, "source.blf", NULL);
  /* SQLite: the slowest writer, so the conversion is still running when
   * its first counts arrive. */
  g_autofree char *destination = g_build_filename (dir, "out.db", NULL);
  g_autoptr(GFile) source_file = g_file_new_for_path (source);
  g_autoptr(GError) error = NULL;
  CanopyWindow *window = canopy_window_new (app);
  GtkWidget *dialog;
  const char *result;
  guint64 written;
  const guint n = 1000000;

  {
    g_autoptr(CanopyLogWriter) writer = canopy_log_writer_new_for_file (source, &error);
    static const guint8 data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    CanopyMessage msg;

    g_assert_no_error (error);
    for (guint i = 0; i < n; i++)
      {
        canopy_message_init (&msg, 0x100 + i % 16, FALSE, data, 8);
        msg.timestamp_ns = G_GINT64_CONSTANT (1700000000000000000) + (gint64) i * 1000000;
        g_assert_true (canopy_log_writer_write (writer, &msg, &error));
      }
    g_assert_true (canopy_log_writer_close (writer, &error));
  }

  dialog = GTK_WIDGET (canopy_convert_dialog_new (GTK_WINDOW (window), source_file));
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpstr (gtk_editable_get_text (entry_named (dialog, "/path/to/input")), ==, source);
  gtk_editable_set_text (entry_named (dialog, "/path/to/output"), destination);
  g_signal_connect (find_widget (dialog, GTK_TYPE_PROGRESS_BAR), "notify::text",
                    G_CALLBACK (cancel_when_writing), dialog);
  gtk_widget_activate_action (dialog, "convert.convert", NULL);

  result = wait_label (dialog, "Cancelled: ", "Converted");
  g_test_message ("%s", result);
  g_assert_true (g_str_has_prefix (result, "Cancelled: "));
  written = g_ascii_strtoull (strstr (result, "holds the ") + strlen ("holds the "), NULL, 10);
  g_assert_cmpuint (written, >, 0);
  g_assert_cmpuint (written, <, n);
  g_assert_cmpuint (count_frames (destination), ==, written);

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (source);
  g_unlink (destination);
  g_rmdir (dir);
}

/* Convert tells what it wrote and which lines it had to skip, and why. */
static void
test_convert_skipped (void)
{
  g_autofree char *dir = g_dir_make_tmp ("canopy-convert-XXXXXX", NULL);
  g_autofree char *source = g_build_filename (dir, "bad.log", NULL);
  g_autofree char *destination = g_build_filename (dir, "good.asc", NULL);
  g_autoptr(GFile) source_file = g_file_new_for_path (source);
  g_autoptr(GError) error = NULL;
  CanopyWindow *window = canopy_window_new (app);
  GtkWidget *dialog;
  const char *result;

  g_file_set_contents (source,
                       "(1700000000.000000) can0 100#11\n"
                       "(1700000000.001000) can0 200#22\n"
                       "(1700000000.002000) can0 12G#00\n"
                       "(1700000000.003000) can0 300#33\n"
                       "(1700000000.004000) can0 400#44\n", -1, &error);
  g_assert_no_error (error);

  dialog = GTK_WIDGET (canopy_convert_dialog_new (GTK_WINDOW (window), source_file));
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_editable_set_text (entry_named (dialog, "/path/to/output"), destination);
  /* IDs 200 and 300 only, from 2 ms on: 300 is left. */
  gtk_editable_set_text (entry_named (dialog, "all; or filters"), "200:7FF, 300:7FF");
  gtk_editable_set_text (entry_named (dialog, "start"), "0.002");
  gtk_widget_activate_action (dialog, "convert.convert", NULL);

  result = wait_label (dialog, "Converted ", "Could not");
  g_test_message ("%s", result);
  g_assert_true (g_str_has_prefix (result, "Converted candump to asc: 1 of 4 frames written to "));
  g_assert_nonnull (strstr (result, "\n1 line or object was skipped:\n• "));
  g_assert_nonnull (strstr (result, "line 3: invalid identifier"));
  g_assert_cmpuint (count_frames (destination), ==, 1);

  /* A filter that is not one: said, nothing written. */
  gtk_editable_set_text (entry_named (dialog, "all; or filters"), "300");
  gtk_widget_activate_action (dialog, "convert.convert", NULL);
  g_assert_true (g_str_has_prefix (wait_label (dialog, "IDs: ", NULL), "IDs: "));

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (source);
  g_unlink (destination);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("canopy-test-XXXXXX", NULL);

  /* Opened logs go to the recent files: a private list, not the user's. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  app = canopy_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);

  g_test_add_func ("/app/window/open-log-and-copy", test_open_log_and_copy);
  g_test_add_func ("/app/window/live-follows", test_live_follows);
  g_test_add_func ("/app/window/log-pages", test_log_pages);
  g_test_add_func ("/app/window/go-to-time-and-find", test_go_to_time_and_find);
  g_test_add_func ("/app/window/drop-files", test_drop_files);
  g_test_add_func ("/app/window/save-selected", test_save_selected);
  g_test_add_func ("/app/window/convert-cancel", test_convert_cancel);
  g_test_add_func ("/app/window/convert-skipped", test_convert_skipped);
  g_test_add_func ("/app/window/columns-remembered", test_columns_remembered);

  return g_test_run ();
}

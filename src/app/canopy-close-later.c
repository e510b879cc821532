/* canopy-close-later.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-close-later.h"

/* Closing what holds the button that was clicked (a dialog's Close, a
 * tab's close button): hidden at once, taken down a moment later. GTK
 * 4.8's accessibility bridge answers a screen reader's questions about the
 * clicked button after the click, and fails (a critical) on a button whose
 * window or page is already gone. */

#define CLOSE_DELAY_MS 500

static void
destroy_window (gpointer data)
{
  gtk_window_destroy (data);
  g_object_unref (data);
}

void
canopy_close_later_window (GtkWindow *window)
{
  g_return_if_fail (GTK_IS_WINDOW (window));

  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  g_timeout_add_once (CLOSE_DELAY_MS, destroy_window, g_object_ref (window));
}

static void
remove_page (gpointer data)
{
  GtkWidget *page = data;
  GtkWidget *notebook = gtk_widget_get_ancestor (page, GTK_TYPE_NOTEBOOK);

  if (notebook != NULL)
    gtk_notebook_remove_page (GTK_NOTEBOOK (notebook), gtk_notebook_page_num (GTK_NOTEBOOK (notebook), page));
  g_object_unref (page);
}

/* A hidden page's tab goes at once, and the notebook shows another page. */
void
canopy_close_later_page (GtkWidget *page)
{
  g_return_if_fail (GTK_IS_WIDGET (page));

  gtk_widget_set_visible (page, FALSE);
  g_timeout_add_once (CLOSE_DELAY_MS, remove_page, g_object_ref (page));
}

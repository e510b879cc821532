/* canopy-recent-logs.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "canopy-recent-logs.h"

/* "Open Recent": the logs Canopy opened last, from the desktop's recent
 * files (GtkRecentManager: the same list the file chooser and the file
 * manager show, kept in the user's recently-used.xbel, on Windows too).
 * Canopy marks its entries with a group of its own and lists only those,
 * newest first, as items of the window's `win.open-recent` action. */

#define RECENT_GROUP "canopy-log"
#define MAX_ITEMS    10

struct _CanopyRecentLogs
{
  GObject           parent_instance;

  GtkRecentManager *manager;
  GMenu            *menu;
};

G_DEFINE_FINAL_TYPE (CanopyRecentLogs, canopy_recent_logs, G_TYPE_OBJECT)

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  GtkRecentInfo *info_a = *(GtkRecentInfo **) a;
  GtkRecentInfo *info_b = *(GtkRecentInfo **) b;
  g_autoptr(GDateTime) modified_a = g_date_time_ref (gtk_recent_info_get_modified (info_a));
  g_autoptr(GDateTime) modified_b = g_date_time_ref (gtk_recent_info_get_modified (info_b));

  return g_date_time_compare (modified_b, modified_a);
}

/* Menu labels take "_" as a mnemonic: a file name shows its own. */
static char *
escape_mnemonics (const char *text)
{
  GString *escaped = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '_')
        g_string_append_c (escaped, '_');
      g_string_append_c (escaped, *p);
    }

  return g_string_free (escaped, FALSE);
}

static void
rebuild (CanopyRecentLogs *self)
{
  GList *items = gtk_recent_manager_get_items (self->manager);
  g_autoptr(GPtrArray) ours = g_ptr_array_new ();
  guint shown = 0;

  for (GList *l = items; l != NULL; l = l->next)
    if (gtk_recent_info_has_group (l->data, RECENT_GROUP))
      g_ptr_array_add (ours, l->data);
  g_ptr_array_sort (ours, newest_first);

  g_menu_remove_all (self->menu);
  for (guint i = 0; i < ours->len && shown < MAX_ITEMS; i++)
    {
      GtkRecentInfo *info = g_ptr_array_index (ours, i);
      g_autofree char *label = NULL;
      g_autoptr(GMenuItem) item = NULL;

      if (!gtk_recent_info_exists (info))
        continue;

      label = escape_mnemonics (gtk_recent_info_get_display_name (info));
      item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s", gtk_recent_info_get_uri (info));
      g_menu_append_item (self->menu, item);
      shown++;
    }

  if (shown == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No Recent Logs"), "win.no-recent-logs");

      g_menu_append_item (self->menu, item);
    }

  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
canopy_recent_logs_dispose (GObject *object)
{
  CanopyRecentLogs *self = CANOPY_RECENT_LOGS (object);

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_clear_object (&self->manager);
  g_clear_object (&self->menu);

  G_OBJECT_CLASS (canopy_recent_logs_parent_class)->dispose (object);
}

static void
canopy_recent_logs_class_init (CanopyRecentLogsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = canopy_recent_logs_dispose;
}

static void
canopy_recent_logs_init (CanopyRecentLogs *self)
{
  self->manager = g_object_ref (gtk_recent_manager_get_default ());
}

/**
 * canopy_recent_logs_new:
 * @menu: the menu section to fill; it follows the recent files
 */
CanopyRecentLogs *
canopy_recent_logs_new (GMenu *menu)
{
  CanopyRecentLogs *self;

  g_return_val_if_fail (G_IS_MENU (menu), NULL);

  self = g_object_new (CANOPY_TYPE_RECENT_LOGS, NULL);
  self->menu = g_object_ref (menu);
  g_signal_connect_swapped (self->manager, "changed", G_CALLBACK (rebuild), self);
  rebuild (self);

  return self;
}

/**
 * canopy_recent_logs_add:
 * @file: a log that was opened
 *
 * Puts @file first in the recent logs (of every window: the menus follow
 * the recent manager, which writes the list in an idle).
 */
void
canopy_recent_logs_add (CanopyRecentLogs *self,
                        GFile            *file)
{
  g_autofree char *uri = NULL;
  g_autofree char *exec = NULL;
  const char *groups[] = { RECENT_GROUP, NULL };
  GtkRecentData data = { 0 };

  g_return_if_fail (CANOPY_IS_RECENT_LOGS (self));
  g_return_if_fail (G_IS_FILE (file));

  uri = g_file_get_uri (file);
  exec = g_strdup_printf ("%s %%u", g_get_prgname ());
  data.app_name = (char *) g_get_application_name ();
  data.app_exec = exec;
  data.groups = (char **) groups;
  data.mime_type = (char *) "application/octet-stream";
  gtk_recent_manager_add_full (self->manager, uri, &data);
}

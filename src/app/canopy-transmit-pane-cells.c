/* canopy-transmit-pane-cells.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "canopy-trace-format.h"
#include "canopy-transmit-message.h"
#include "canopy-transmit-pane.h"
#include "canopy-transmit-pane-private.h"

/* The cells of the Transmit pane's column view: a label per figure, kept
 * current by the row's message (its notify), and the Send Periodically
 * toggle, which starts and stops the message and follows it. */

static char *
format_cell (CanopyTransmitMessage *message,
             CanopyTransmitColumn   column)
{
  gsize len;
  const guint8 *data = canopy_transmit_message_get_data (message, &len);

  switch (column)
    {
    case CANOPY_TRANSMIT_COLUMN_ID:
      return g_strdup_printf (canopy_transmit_message_get_extended (message) ? "%08X" : "%03X",
                              canopy_transmit_message_get_id (message));

    case CANOPY_TRANSMIT_COLUMN_FLAGS:
      {
        GString *flags = g_string_new (NULL);

        if (canopy_transmit_message_get_extended (message))
          g_string_append (flags, _("Ext"));
        if (canopy_transmit_message_get_fd (message))
          g_string_append_printf (flags, "%s%s", flags->len > 0 ? " " : "", _("FD"));
        if (canopy_transmit_message_get_brs (message))
          g_string_append_printf (flags, "%s%s", flags->len > 0 ? " " : "", _("BRS"));
        if (flags->len == 0)
          g_string_append (flags, _("Std"));
        return g_string_free (flags, FALSE);
      }

    case CANOPY_TRANSMIT_COLUMN_DLC:
      return g_strdup_printf ("%u", (guint) len);

    case CANOPY_TRANSMIT_COLUMN_DATA:
      return canopy_transmit_format_data (data, len);

    case CANOPY_TRANSMIT_COLUMN_PERIOD:
      return g_strdup_printf ("%g", canopy_transmit_message_get_period_ms (message));

    case CANOPY_TRANSMIT_COLUMN_LIMIT:
      if (canopy_transmit_message_get_count (message) > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u frame", "%u frames",
                                             canopy_transmit_message_get_count (message)),
                                canopy_transmit_message_get_count (message));
      if (canopy_transmit_message_get_duration (message) > 0)
        return g_strdup_printf (_("%g s"), canopy_transmit_message_get_duration (message));
      return g_strdup (_("No limit"));

    case CANOPY_TRANSMIT_COLUMN_COUNTER:
      if (canopy_transmit_message_get_counter_byte (message) < 0)
        return g_strdup (_("Off"));
      return g_strdup_printf (_("Byte %d"), canopy_transmit_message_get_counter_byte (message));

    case CANOPY_TRANSMIT_COLUMN_SENT:
      return canopy_format_count (canopy_transmit_message_get_sent (message));

    case CANOPY_TRANSMIT_COLUMN_ACHIEVED:
      if (canopy_transmit_message_get_achieved_period (message) <= 0)
        return g_strdup ("–");
      return g_strdup_printf ("%.2f", canopy_transmit_message_get_achieved_period (message) * 1000.0);

    case CANOPY_TRANSMIT_COLUMN_SEND:
    case CANOPY_TRANSMIT_N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
update_cell (GtkListItem *list_item)
{
  CanopyTransmitMessage *message = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);
  CanopyTransmitColumn column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (child), "column"));

  if (message == NULL)
    return;

  if (column == CANOPY_TRANSMIT_COLUMN_SEND)
    {
      gboolean running = canopy_transmit_message_get_running (message);

      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child), running);
      gtk_button_set_icon_name (GTK_BUTTON (child),
                                running ? "media-playback-stop-symbolic" : "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (child, running ? _("Stop sending this message")
                                                  : _("Send this message periodically"));
    }
  else
    {
      g_autofree char *text = format_cell (message, column);

      if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (child)), text) != 0)
        gtk_label_set_text (GTK_LABEL (child), text);
    }
}

/* The row's toggle: on starts the message, off stops it. It also follows
 * the message, which may stop by itself (a count, a duration, a bus gone):
 * then active and running agree already and nothing happens. */
static void
on_send_toggled (GtkToggleButton    *toggle,
                 CanopyTransmitPane *self)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (toggle), "list-item");
  CanopyTransmitMessage *message = list_item != NULL ? gtk_list_item_get_item (list_item) : NULL;
  gboolean active = gtk_toggle_button_get_active (toggle);

  if (message == NULL || active == canopy_transmit_message_get_running (message))
    return;

  if (active)
    {
      if (!_canopy_transmit_pane_start_message (self, message))
        gtk_toggle_button_set_active (toggle, FALSE);
    }
  else
    canopy_transmit_message_stop (message);
}

static gboolean
connection_to_sensitive (GBinding     *binding,
                         const GValue *from,
                         GValue       *to,
                         gpointer      user_data)
{
  g_value_set_boolean (to, g_value_get_object (from) != NULL);
  return TRUE;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            CanopyTransmitPane       *self)
{
  CanopyTransmitColumn column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *child;

  if (column == CANOPY_TRANSMIT_COLUMN_SEND)
    {
      child = gtk_toggle_button_new ();
      gtk_button_set_icon_name (GTK_BUTTON (child), "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (child, _("Send this message periodically"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Send Periodically"),
                                      -1);
      gtk_widget_add_css_class (child, "flat");
      gtk_widget_add_css_class (child, "send-toggle");
      gtk_widget_set_halign (child, GTK_ALIGN_CENTER);
      gtk_widget_set_valign (child, GTK_ALIGN_CENTER);
      /* The list item owns the toggle: no reference, no cycle. */
      g_object_set_data (G_OBJECT (child), "list-item", list_item);
      g_signal_connect_object (child, "toggled", G_CALLBACK (on_send_toggled), self, 0);
      g_object_bind_property_full (self, "connection", child, "sensitive", G_BINDING_SYNC_CREATE,
                                   connection_to_sensitive, NULL, NULL, NULL);
    }
  else
    {
      gboolean text = column == CANOPY_TRANSMIT_COLUMN_DATA || column == CANOPY_TRANSMIT_COLUMN_LIMIT;

      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), text ? 0 : 1);
      gtk_label_set_ellipsize (GTK_LABEL (child), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (child, "numeric");
      if (column == CANOPY_TRANSMIT_COLUMN_DATA || column == CANOPY_TRANSMIT_COLUMN_ID)
        gtk_widget_add_css_class (child, "monospace");
    }

  g_object_set_data (G_OBJECT (child), "column", GUINT_TO_POINTER (column));
  gtk_list_item_set_child (list_item, child);
}

static void
on_item_notify (GtkListItem *list_item)
{
  update_cell (list_item);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           CanopyTransmitPane       *self)
{
  CanopyTransmitMessage *message = gtk_list_item_get_item (list_item);
  gulong handler;

  handler = g_signal_connect_object (message, "notify", G_CALLBACK (on_item_notify),
                                     list_item, G_CONNECT_SWAPPED);
  g_object_set_data (G_OBJECT (list_item), "notify-handler", GSIZE_TO_POINTER (handler));
  update_cell (list_item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             CanopyTransmitPane       *self)
{
  CanopyTransmitMessage *message = gtk_list_item_get_item (list_item);
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (list_item), "notify-handler"));

  if (message != NULL && handler != 0)
    g_signal_handler_disconnect (message, handler);
  g_object_set_data (G_OBJECT (list_item), "notify-handler", NULL);
}

/* One factory per column; the column rides on the factory. */
GtkListItemFactory *
_canopy_transmit_cell_factory_new (CanopyTransmitPane   *self,
                                   CanopyTransmitColumn  column)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (column));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), self);

  return factory;
}

/* canopy-connect-dialog.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <canopy.h>

#include "canopy-connect-dialog.h"
#include "canopy-connection.h"

/* Interface, channel, bit rates and driver options. Connecting happens in the
 * window (off the main thread); a failure stays here, in words, and the
 * window keeps its previous connection. The last successful choice is
 * remembered in GSettings. */

struct _CanopyConnectDialog
{
  GtkWindow        parent_instance;

  GtkComboBoxText *interface_combo;
  GtkLabel        *description_label;
  GtkComboBoxText *channel_combo;
  GtkComboBoxText *bitrate_combo;
  GtkComboBoxText *data_bitrate_combo;
  GtkEntry        *options_entry;
  GtkLabel        *error_label;
  GtkSpinner      *spinner;

  CanopyWindow    *window;
  GSettings       *settings;
  GCancellable    *cancellable;
  GStrv            interface_names;
  gboolean         connecting;
};

G_DEFINE_FINAL_TYPE (CanopyConnectDialog, canopy_connect_dialog, GTK_TYPE_WINDOW)

static const char *
selected_interface (CanopyConnectDialog *self)
{
  return gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->interface_combo));
}

static GtkEntry *
combo_entry (GtkComboBoxText *combo)
{
  return GTK_ENTRY (gtk_combo_box_get_child (GTK_COMBO_BOX (combo)));
}

static const char *
combo_text (GtkComboBoxText *combo)
{
  return gtk_editable_get_text (GTK_EDITABLE (combo_entry (combo)));
}

/* The channels a user would pick from for an interface. */
static void
fill_channels (CanopyConnectDialog *self)
{
  const char *interface = selected_interface (self);
  g_autofree char *keep = g_strdup (combo_text (self->channel_combo));
  CanopyInterfaceInfo *info;

  gtk_combo_box_text_remove_all (self->channel_combo);

  if (g_strcmp0 (interface, "virtual") == 0)
    {
      gtk_combo_box_text_append_text (self->channel_combo, "demo");
      gtk_combo_box_text_append_text (self->channel_combo, "vcan0");
    }
  else if (g_strcmp0 (interface, "remote") == 0)
    gtk_combo_box_text_append_text (self->channel_combo, "localhost:54701");
#ifdef HAVE_SOCKETCAN
  else if (g_str_has_prefix (interface != NULL ? interface : "", "socketcan"))
    {
      g_auto(GStrv) names = canopy_socketcan_list_interfaces (NULL);

      for (guint i = 0; names != NULL && names[i] != NULL; i++)
        gtk_combo_box_text_append_text (self->channel_combo, names[i]);
    }
#endif

  gtk_editable_set_text (GTK_EDITABLE (combo_entry (self->channel_combo)), keep);

  /* What the interface is, and what it needs: a channel format, a library. */
  info = interface != NULL ? canopy_interface_info_lookup (interface) : NULL;
  if (info == NULL)
    gtk_label_set_text (self->description_label, "");
  else if (!canopy_interface_info_get_available (info))
    {
      g_autofree char *text = g_strdup_printf (_("%s: not available in this build of Canopy.\nNeeds %s."),
                                               canopy_interface_info_get_description (info),
                                               canopy_interface_info_get_requirement (info));
      gtk_label_set_text (self->description_label, text);
    }
  else if (canopy_interface_info_get_requirement (info) != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s.\nNeeds %s."), canopy_interface_info_get_description (info),
                                               canopy_interface_info_get_requirement (info));
      gtk_label_set_text (self->description_label, text);
    }
  else
    gtk_label_set_text (self->description_label, canopy_interface_info_get_description (info));
}

static void
on_interface_selected (CanopyConnectDialog *self)
{
  fill_channels (self);

  /* A channel that belongs to another interface makes no sense here. */
  if (gtk_tree_model_iter_n_children (gtk_combo_box_get_model (GTK_COMBO_BOX (self->channel_combo)), NULL) > 0 &&
      g_strcmp0 (selected_interface (self), g_settings_get_string (self->settings, "last-interface")) != 0)
    gtk_combo_box_set_active (GTK_COMBO_BOX (self->channel_combo), 0);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static void
set_busy (CanopyConnectDialog *self,
          gboolean             busy)
{
  self->connecting = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.connect", !busy);
}

static gboolean
parse_bitrate (const char  *text,
               const char  *what,
               guint       *bitrate,
               GError     **error)
{
  guint64 value = 0;
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  /* The combo shows "Driver default" / "No CAN FD" for 0. */
  if (*stripped == '\0' || !g_ascii_isdigit (*stripped))
    {
      *bitrate = 0;
      return TRUE;
    }

  if (!g_ascii_string_to_unsigned (stripped, 10, 1, 20000000, &value, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The %s “%s” is not a number of bits per second between 1 and 20000000."),
                   what, stripped);
      return FALSE;
    }

  *bitrate = (guint) value;
  return TRUE;
}

static void
show_error (CanopyConnectDialog *self,
            const char          *text)
{
  gtk_label_set_text (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static void
connect_ready (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CanopyConnectDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!canopy_window_connect_finish (CANOPY_WINDOW (source), result, &error))
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      text = canopy_connection_describe_error (selected_interface (self), combo_text (self->channel_combo), error);
      show_error (self, text);
      return;
    }

  set_busy (self, FALSE);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CanopyConnectDialog *self = CANOPY_CONNECT_DIALOG (widget);
  const char *interface = selected_interface (self);
  const char *channel = combo_text (self->channel_combo);
  const char *options_text = gtk_editable_get_text (GTK_EDITABLE (self->options_entry));
  g_autoptr(GHashTable) options = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) assignments = NULL;
  guint bitrate = 0;
  guint data_bitrate = 0;

  if (self->connecting || interface == NULL)
    return;

  if (!parse_bitrate (combo_text (self->bitrate_combo), _("bit rate"), &bitrate, &error) ||
      !parse_bitrate (combo_text (self->data_bitrate_combo), _("data bit rate"), &data_bitrate, &error))
    {
      show_error (self, error->message);
      return;
    }

  assignments = g_strsplit_set (g_strstrip (g_strdup (options_text)), " \t,", -1);
  {
    /* Splitting "a=1  b=2" leaves empty strings; drop them. */
    guint kept = 0;

    for (guint i = 0; assignments[i] != NULL; i++)
      {
        if (*assignments[i] == '\0')
          g_free (assignments[i]);
        else
          assignments[kept++] = assignments[i];
      }
    assignments[kept] = NULL;
  }

  options = canopy_connection_parse_options ((const char * const *) assignments, &error);
  if (options == NULL)
    {
      show_error (self, error->message);
      return;
    }
  if (bitrate > 0)
    g_hash_table_replace (options, g_strdup ("bitrate"), g_strdup_printf ("%u", bitrate));
  if (data_bitrate > 0)
    {
      g_hash_table_replace (options, g_strdup ("fd"), g_strdup ("True"));
      g_hash_table_replace (options, g_strdup ("data_bitrate"), g_strdup_printf ("%u", data_bitrate));
    }

  g_settings_set_string (self->settings, "last-interface", interface);
  g_settings_set_string (self->settings, "last-channel", channel);
  g_settings_set_uint (self->settings, "last-bitrate", bitrate);
  g_settings_set_uint (self->settings, "last-data-bitrate", data_bitrate);
  g_settings_set_string (self->settings, "last-options", options_text);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_busy (self, TRUE);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  canopy_window_connect_async (self->window, interface, *channel != '\0' ? channel : NULL, options,
                               self->cancellable, connect_ready, g_object_ref (self));
}

static void
set_combo_value (GtkComboBoxText *combo,
                 guint            value)
{
  g_autofree char *id = g_strdup_printf ("%u", value);

  if (!gtk_combo_box_set_active_id (GTK_COMBO_BOX (combo), id))
    gtk_editable_set_text (GTK_EDITABLE (combo_entry (combo)), id);
}

static void
canopy_connect_dialog_dispose (GObject *object)
{
  CanopyConnectDialog *self = CANOPY_CONNECT_DIALOG (object);

  /* Closing the dialog while connecting gives up on that connection. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_CONNECT_DIALOG);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->interface_names, g_strfreev);

  G_OBJECT_CLASS (canopy_connect_dialog_parent_class)->dispose (object);
}

static void
canopy_connect_dialog_class_init (CanopyConnectDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_connect_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-connect-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyConnectDialog, interface_combo);
  gtk_widget_class_bind_template_child (widget_class, CanopyConnectDialog, description_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyConnectDialog, channel_combo);
  gtk_widget_class_bind_template_child (widget_class, CanopyConnectDialog, bitrate_combo);
  gtk_widget_class_bind_template_child (widget_class, CanopyConnectDialog, data_bitrate_combo);
  gtk_widget_class_bind_template_child (widget_class, CanopyConnectDialog, options_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyConnectDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, CanopyConnectDialog, spinner);

  gtk_widget_class_install_action (widget_class, "dialog.connect", NULL, connect_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
canopy_connect_dialog_init (CanopyConnectDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static GStrv
list_interface_names (void)
{
  g_autoptr(GListModel) infos = canopy_interface_info_list ();
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = g_list_model_get_n_items (infos);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CanopyInterfaceInfo) info = g_list_model_get_item (infos, i);

      g_strv_builder_add (builder, canopy_interface_info_get_name (info));
    }

  return g_strv_builder_end (builder);
}

CanopyConnectDialog *
canopy_connect_dialog_new (CanopyWindow *window,
                           GSettings    *settings)
{
  CanopyConnectDialog *self;
  g_autofree char *last_interface = NULL;
  g_autofree char *last_channel = NULL;
  g_autofree char *last_options = NULL;

  g_return_val_if_fail (CANOPY_IS_WINDOW (window), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CANOPY_TYPE_CONNECT_DIALOG, "transient-for", window, NULL);
  self->window = window;
  self->settings = g_object_ref (settings);

  /* Every registered interface; the last choice selected, else virtual. */
  self->interface_names = list_interface_names ();
  for (guint i = 0; self->interface_names[i] != NULL; i++)
    gtk_combo_box_text_append (self->interface_combo, self->interface_names[i], self->interface_names[i]);
  last_interface = g_settings_get_string (settings, "last-interface");
  if (!gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->interface_combo), last_interface))
    gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->interface_combo), "virtual");

  last_channel = g_settings_get_string (settings, "last-channel");
  gtk_editable_set_text (GTK_EDITABLE (combo_entry (self->channel_combo)),
                         *last_channel != '\0' ? last_channel : "demo");
  fill_channels (self);
  set_combo_value (self->bitrate_combo, g_settings_get_uint (settings, "last-bitrate"));
  set_combo_value (self->data_bitrate_combo, g_settings_get_uint (settings, "last-data-bitrate"));
  last_options = g_settings_get_string (settings, "last-options");
  gtk_editable_set_text (GTK_EDITABLE (self->options_entry), last_options);

  g_signal_connect_object (self->interface_combo, "changed",
                           G_CALLBACK (on_interface_selected), self, G_CONNECT_SWAPPED);

  return self;
}

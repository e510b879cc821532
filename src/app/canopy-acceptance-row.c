/* canopy-acceptance-row.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "canopy-acceptance-row.h"

/* One acceptance filter in the filter pane, edited in place: identifier,
 * mask, identifier width and inversion. Its remove button asks the pane
 * (filters.remove-row) to take it away. */

enum {
  WIDTH_ANY,
  WIDTH_STANDARD,
  WIDTH_EXTENDED,
};

struct _CanopyAcceptanceRow
{
  GtkListBoxRow   parent_instance;

  GtkEntry       *id_entry;
  GtkEntry       *mask_entry;
  GtkDropDown    *width_dropdown;
  GtkCheckButton *inverted_check;
};

enum {
  CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (CanopyAcceptanceRow, canopy_acceptance_row, GTK_TYPE_LIST_BOX_ROW)

static guint signals[N_SIGNALS];

static gboolean
parse_hex (GtkEntry   *entry,
           guint32    *value,
           gboolean    allow_empty)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  const char *digits = text;
  guint64 v;

  if (g_str_has_prefix (digits, "0x") || g_str_has_prefix (digits, "0X"))
    digits += 2;
  if (*digits == '\0' && allow_empty)
    return FALSE;
  if (!g_ascii_string_to_unsigned (digits, 16, 0, 0x1FFFFFFF, &v, NULL))
    return FALSE;
  *value = (guint32) v;
  return TRUE;
}

static void
on_changed (CanopyAcceptanceRow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->id_entry), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->mask_entry), "error");
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CanopyAcceptanceRow *self = CANOPY_ACCEPTANCE_ROW (widget);

  gtk_widget_activate_action (widget, "filters.remove-row", "i",
                              gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self)));
}

static void
canopy_acceptance_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CANOPY_TYPE_ACCEPTANCE_ROW);

  G_OBJECT_CLASS (canopy_acceptance_row_parent_class)->dispose (object);
}

static void
canopy_acceptance_row_class_init (CanopyAcceptanceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_acceptance_row_dispose;

  /**
   * CanopyAcceptanceRow::changed:
   *
   * The user edited the filter.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-acceptance-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyAcceptanceRow, id_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyAcceptanceRow, mask_entry);
  gtk_widget_class_bind_template_child (widget_class, CanopyAcceptanceRow, width_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CanopyAcceptanceRow, inverted_check);

  gtk_widget_class_install_action (widget_class, "row.remove", NULL, remove_action);
}

static void
canopy_acceptance_row_init (CanopyAcceptanceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->id_entry, "changed", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (self->mask_entry, "changed", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (self->width_dropdown, "notify::selected", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (self->inverted_check, "toggled", G_CALLBACK (on_changed), self);
}

/**
 * canopy_acceptance_row_new:
 * @filter: the filter it starts with
 *
 * Returns: (transfer floating): a new row
 */
GtkWidget *
canopy_acceptance_row_new (const CanopyFilter *filter)
{
  CanopyAcceptanceRow *self;
  g_autofree char *id = NULL;
  g_autofree char *mask = NULL;

  g_return_val_if_fail (filter != NULL, NULL);

  self = g_object_new (CANOPY_TYPE_ACCEPTANCE_ROW, NULL);
  id = g_strdup_printf ("%X", filter->can_id);
  mask = g_strdup_printf ("%X", filter->can_mask);
  gtk_editable_set_text (GTK_EDITABLE (self->id_entry), id);
  gtk_editable_set_text (GTK_EDITABLE (self->mask_entry), mask);
  gtk_drop_down_set_selected (self->width_dropdown,
                              !filter->match_id_type ? WIDTH_ANY :
                              filter->extended ? WIDTH_EXTENDED : WIDTH_STANDARD);
  gtk_check_button_set_active (self->inverted_check, filter->inverted);

  return GTK_WIDGET (self);
}

/**
 * canopy_acceptance_row_get_filter:
 * @filter: (out caller-allocates): the filter as edited
 *
 * An empty mask means every identifier bit counts. An entry that does not
 * hold a hexadecimal number is marked and named in @error.
 *
 * Returns: whether the row holds a valid filter
 */
gboolean
canopy_acceptance_row_get_filter (CanopyAcceptanceRow  *self,
                                  CanopyFilter         *filter,
                                  GError              **error)
{
  guint32 can_id, can_mask;
  guint width;

  g_return_val_if_fail (CANOPY_IS_ACCEPTANCE_ROW (self), FALSE);
  g_return_val_if_fail (filter != NULL, FALSE);

  width = gtk_drop_down_get_selected (self->width_dropdown);

  if (!parse_hex (self->id_entry, &can_id, FALSE))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->id_entry), "error");
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("Filter ID “%s” is not a hexadecimal identifier"),
                   gtk_editable_get_text (GTK_EDITABLE (self->id_entry)));
      return FALSE;
    }
  if (!parse_hex (self->mask_entry, &can_mask, TRUE))
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->mask_entry));

      if (*text != '\0')
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->mask_entry), "error");
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       _("Filter mask “%s” is not a hexadecimal mask"), text);
          return FALSE;
        }
      can_mask = can_id > 0x7FF || width == WIDTH_EXTENDED ? 0x1FFFFFFF : 0x7FF;
    }

  filter->can_id = can_id;
  filter->can_mask = can_mask;
  filter->match_id_type = width != WIDTH_ANY;
  filter->extended = width == WIDTH_EXTENDED;
  filter->inverted = gtk_check_button_get_active (self->inverted_check);
  return TRUE;
}

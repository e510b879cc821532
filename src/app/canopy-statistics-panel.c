/* canopy-statistics-panel.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include <canopy.h>

#include "canopy-rate-plot.h"
#include "canopy-statistics-panel.h"
#include "canopy-trace-format.h"

/* The side panel: frames/s and bus load over the last minute, and the ids
 * that send most often. It takes one sample a second from the window. */

struct _CanopyStatisticsPanel
{
  GtkWidget       parent_instance;

  GtkWidget      *scroller;
  CanopyRatePlot *rate_plot;
  CanopyRatePlot *load_plot;
  GtkLabel       *rate_value;
  GtkLabel       *rate_scale;
  GtkLabel       *load_value;
  GtkGrid        *top_grid;
  GtkLabel       *top_ids[CANOPY_STATISTICS_TOP_IDS];
  GtkLabel       *top_rates[CANOPY_STATISTICS_TOP_IDS];
  GtkLabel       *top_empty;

  GListModel     *id_rows;
};

G_DEFINE_FINAL_TYPE (CanopyStatisticsPanel, canopy_statistics_panel, GTK_TYPE_WIDGET)

typedef struct
{
  CanopyMessage message;
  double        rate;
} IdRate;

static void
update_top_ids (CanopyStatisticsPanel *self)
{
  IdRate top[CANOPY_STATISTICS_TOP_IDS];
  guint n_top = 0;
  guint n_rows = self->id_rows != NULL ? g_list_model_get_n_items (self->id_rows) : 0;

  /* A few hundred ids at most on a real bus: a linear pass a second. */
  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr(CanopyIdRow) row = g_list_model_get_item (self->id_rows, i);
      gint64 period = canopy_id_row_get_period_mean_ns (row);
      double rate;
      guint slot;

      if (period <= 0)
        continue;
      rate = 1e9 / period;
      if (n_top == CANOPY_STATISTICS_TOP_IDS && rate <= top[n_top - 1].rate)
        continue;

      slot = MIN (n_top, CANOPY_STATISTICS_TOP_IDS - 1);
      while (slot > 0 && top[slot - 1].rate < rate)
        {
          top[slot] = top[slot - 1];
          slot--;
        }
      top[slot].message = *canopy_id_row_get_message (row);
      top[slot].rate = rate;
      n_top = MIN (n_top + 1, CANOPY_STATISTICS_TOP_IDS);
    }

  for (guint i = 0; i < CANOPY_STATISTICS_TOP_IDS; i++)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->top_ids[i]), i < n_top);
      gtk_widget_set_visible (GTK_WIDGET (self->top_rates[i]), i < n_top);
      if (i < n_top)
        {
          char id[32];
          g_autofree char *rate = g_strdup_printf (_("%.1f /s"), top[i].rate);

          canopy_trace_format_id (id, sizeof id, &top[i].message);
          gtk_label_set_text (self->top_ids[i], id);
          gtk_label_set_text (self->top_rates[i], rate);
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->top_empty), n_top == 0);
}

static void
canopy_statistics_panel_dispose (GObject *object)
{
  CanopyStatisticsPanel *self = CANOPY_STATISTICS_PANEL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CANOPY_TYPE_STATISTICS_PANEL);
  g_clear_object (&self->id_rows);

  G_OBJECT_CLASS (canopy_statistics_panel_parent_class)->dispose (object);
}

static void
canopy_statistics_panel_class_init (CanopyStatisticsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = canopy_statistics_panel_dispose;

  g_type_ensure (CANOPY_TYPE_RATE_PLOT);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/canopy-statistics-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, CanopyStatisticsPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, CanopyStatisticsPanel, rate_plot);
  gtk_widget_class_bind_template_child (widget_class, CanopyStatisticsPanel, load_plot);
  gtk_widget_class_bind_template_child (widget_class, CanopyStatisticsPanel, rate_value);
  gtk_widget_class_bind_template_child (widget_class, CanopyStatisticsPanel, rate_scale);
  gtk_widget_class_bind_template_child (widget_class, CanopyStatisticsPanel, load_value);
  gtk_widget_class_bind_template_child (widget_class, CanopyStatisticsPanel, top_grid);
  gtk_widget_class_bind_template_child (widget_class, CanopyStatisticsPanel, top_empty);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "statisticspanel");
}

static void
canopy_statistics_panel_init (CanopyStatisticsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < CANOPY_STATISTICS_TOP_IDS; i++)
    {
      self->top_ids[i] = GTK_LABEL (gtk_label_new (NULL));
      self->top_rates[i] = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (self->top_ids[i], 0.0);
      gtk_label_set_xalign (self->top_rates[i], 1.0);
      gtk_widget_set_hexpand (GTK_WIDGET (self->top_ids[i]), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->top_ids[i]), "monospace");
      gtk_widget_add_css_class (GTK_WIDGET (self->top_rates[i]), "numeric");
      gtk_grid_attach (self->top_grid, GTK_WIDGET (self->top_ids[i]), 0, i, 1, 1);
      gtk_grid_attach (self->top_grid, GTK_WIDGET (self->top_rates[i]), 1, i, 1, 1);
    }

  canopy_statistics_panel_clear (self);
}

/**
 * canopy_statistics_panel_set_id_rows:
 * @id_rows: (nullable): a model of #CanopyIdRow
 */
void
canopy_statistics_panel_set_id_rows (CanopyStatisticsPanel *self,
                                     GListModel            *id_rows)
{
  g_return_if_fail (CANOPY_IS_STATISTICS_PANEL (self));

  g_set_object (&self->id_rows, id_rows);
  update_top_ids (self);
}

/**
 * canopy_statistics_panel_add_sample:
 * @bus_load: in percent, or negative where the bit rate is unknown
 */
void
canopy_statistics_panel_add_sample (CanopyStatisticsPanel *self,
                                    double                 frame_rate,
                                    double                 bus_load)
{
  g_autofree char *rate = NULL;
  g_autofree char *scale = NULL;
  g_autofree char *load = NULL;

  g_return_if_fail (CANOPY_IS_STATISTICS_PANEL (self));

  canopy_rate_plot_add_sample (self->rate_plot, frame_rate);
  canopy_rate_plot_add_sample (self->load_plot, MAX (bus_load, 0.0));

  rate = g_strdup_printf ("%'.0f", frame_rate);
  scale = g_strdup_printf (_("scale %'.0f"), canopy_rate_plot_get_scale (self->rate_plot));
  load = bus_load >= 0 ? g_strdup_printf ("%.1f %%", bus_load) : g_strdup (_("unknown bit rate"));
  gtk_label_set_text (self->rate_value, rate);
  gtk_label_set_text (self->rate_scale, scale);
  gtk_label_set_text (self->load_value, load);

  update_top_ids (self);
}

void
canopy_statistics_panel_clear (CanopyStatisticsPanel *self)
{
  g_return_if_fail (CANOPY_IS_STATISTICS_PANEL (self));

  canopy_rate_plot_clear (self->rate_plot);
  canopy_rate_plot_clear (self->load_plot);
  gtk_label_set_text (self->rate_value, "–");
  gtk_label_set_text (self->rate_scale, "");
  gtk_label_set_text (self->load_value, "–");
  update_top_ids (self);
}

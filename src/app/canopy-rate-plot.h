/* canopy-rate-plot.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CANOPY_TYPE_RATE_PLOT (canopy_rate_plot_get_type ())

G_DECLARE_FINAL_TYPE (CanopyRatePlot, canopy_rate_plot, CANOPY, RATE_PLOT, GtkWidget)

#define CANOPY_RATE_PLOT_SAMPLES 60

void    canopy_rate_plot_add_sample  (CanopyRatePlot *self,
                                      double          value);
void    canopy_rate_plot_clear       (CanopyRatePlot *self);
guint   canopy_rate_plot_get_n_samples (CanopyRatePlot *self);
double  canopy_rate_plot_get_scale   (CanopyRatePlot *self);

G_END_DECLS

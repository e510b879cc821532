/* canopy-rate-plot.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include "canopy-rate-plot.h"

/* A bar chart of the last 60 one-second samples (frames/s, bus load), drawn
 * with GtkSnapshot rectangles: no plotting library, nothing to lay out. The
 * scale is `maximum` when set (bus load: 0–1), otherwise the next round
 * number above the largest sample shown. */

struct _CanopyRatePlot
{
  GtkWidget parent_instance;

  double    samples[CANOPY_RATE_PLOT_SAMPLES];
  guint     first;
  guint     n_samples;
  double    maximum;
};

enum {
  PROP_0,
  PROP_MAXIMUM,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyRatePlot, canopy_rate_plot, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* 1, 2 or 5 times a power of ten, at least @value. */
static double
round_scale (double value)
{
  double magnitude;

  if (value <= 0)
    return 1.0;

  magnitude = pow (10.0, floor (log10 (value)));
  if (value <= magnitude)
    return magnitude;
  if (value <= 2 * magnitude)
    return 2 * magnitude;
  if (value <= 5 * magnitude)
    return 5 * magnitude;
  return 10 * magnitude;
}

static void
canopy_rate_plot_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  CanopyRatePlot *self = CANOPY_RATE_PLOT (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double scale = canopy_rate_plot_get_scale (self);
  double slot = (double) width / CANOPY_RATE_PLOT_SAMPLES;
  GdkRGBA bar = { 0.208, 0.518, 0.894, 0.85 };     /* GNOME blue 3 */
  GdkRGBA grid = { 0.5, 0.5, 0.5, 0.25 };
  GdkRGBA background = { 0.5, 0.5, 0.5, 0.06 };

  if (width <= 0 || height <= 0)
    return;

  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Quarter lines, and the baseline. */
  for (guint i = 0; i <= 4; i++)
    {
      float y = MIN (height - 1, roundf (height * i / 4.0f));

      gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (0, y, width, 1));
    }

  /* Newest sample at the right edge, older ones to its left. */
  for (guint i = 0; i < self->n_samples; i++)
    {
      guint index = (self->first + i) % CANOPY_RATE_PLOT_SAMPLES;
      double value = CLAMP (self->samples[index] / scale, 0.0, 1.0);
      float bar_height = (float) (value * (height - 1));
      float x = (float) ((CANOPY_RATE_PLOT_SAMPLES - self->n_samples + i) * slot);

      if (bar_height < 0.5f)
        continue;
      gtk_snapshot_append_color (snapshot, &bar,
                                 &GRAPHENE_RECT_INIT (x + 0.5f, height - bar_height,
                                                      MAX (1.0f, (float) slot - 1.0f), bar_height));
    }
}

static void
canopy_rate_plot_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = CANOPY_RATE_PLOT_SAMPLES * 2;
      *natural = CANOPY_RATE_PLOT_SAMPLES * 4;
    }
  else
    {
      *minimum = 48;
      *natural = 96;
    }
}

static void
canopy_rate_plot_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CanopyRatePlot *self = CANOPY_RATE_PLOT (object);

  switch (prop_id)
    {
    case PROP_MAXIMUM:
      g_value_set_double (value, self->maximum);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_rate_plot_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CanopyRatePlot *self = CANOPY_RATE_PLOT (object);

  switch (prop_id)
    {
    case PROP_MAXIMUM:
      if (self->maximum != g_value_get_double (value))
        {
          self->maximum = g_value_get_double (value);
          gtk_widget_queue_draw (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_rate_plot_class_init (CanopyRatePlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = canopy_rate_plot_get_property;
  object_class->set_property = canopy_rate_plot_set_property;
  widget_class->snapshot = canopy_rate_plot_snapshot;
  widget_class->measure = canopy_rate_plot_measure;

  properties[PROP_MAXIMUM] =
    g_param_spec_double ("maximum", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "rateplot");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
canopy_rate_plot_init (CanopyRatePlot *self)
{
}

/**
 * canopy_rate_plot_add_sample:
 *
 * Appends one sample; the oldest leaves once 60 are shown.
 */
void
canopy_rate_plot_add_sample (CanopyRatePlot *self,
                             double          value)
{
  g_return_if_fail (CANOPY_IS_RATE_PLOT (self));

  if (!isfinite (value) || value < 0)
    value = 0;

  if (self->n_samples < CANOPY_RATE_PLOT_SAMPLES)
    self->samples[(self->first + self->n_samples++) % CANOPY_RATE_PLOT_SAMPLES] = value;
  else
    {
      self->samples[self->first] = value;
      self->first = (self->first + 1) % CANOPY_RATE_PLOT_SAMPLES;
    }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
canopy_rate_plot_clear (CanopyRatePlot *self)
{
  g_return_if_fail (CANOPY_IS_RATE_PLOT (self));

  self->first = 0;
  self->n_samples = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
canopy_rate_plot_get_n_samples (CanopyRatePlot *self)
{
  g_return_val_if_fail (CANOPY_IS_RATE_PLOT (self), 0);

  return self->n_samples;
}

/**
 * canopy_rate_plot_get_scale:
 *
 * Returns: the value drawn at the top of the plot
 */
double
canopy_rate_plot_get_scale (CanopyRatePlot *self)
{
  double largest = 0;

  g_return_val_if_fail (CANOPY_IS_RATE_PLOT (self), 1.0);

  if (self->maximum > 0)
    return self->maximum;

  for (guint i = 0; i < self->n_samples; i++)
    largest = MAX (largest, self->samples[i]);

  return round_scale (largest);
}

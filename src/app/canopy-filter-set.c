/* canopy-filter-set.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "canopy-filter-set.h"

/* A filter set: the acceptance filters for the bus and the display filter
 * for the views, as one value the filter pane saves to a file, loads from
 * one and keeps in GSettings, all in the same text (a GKeyFile, `.canfilter`):
 *
 *   [Acceptance]
 *   filters=123:7FF;7DF~7FF;18FEF100:1FFFFFFF extended;
 *
 *   [Display]
 *   ids=100-1FF, !7DF
 *   data=?? 01 FF
 *   direction=both
 *   error-frames=show
 *   channel=
 *
 * An acceptance filter is canlogger's `id:mask` (`id~mask` inverted),
 * followed by `extended` or `standard` when it only takes frames of that
 * identifier width. */

#define ACCEPTANCE_GROUP "Acceptance"
#define DISPLAY_GROUP "Display"

struct _CanopyFilterSet
{
  GObject              parent_instance;

  GArray              *acceptance;  /* CanopyFilter */
  CanopyDisplayFilter *display;
};

G_DEFINE_FINAL_TYPE (CanopyFilterSet, canopy_filter_set, G_TYPE_OBJECT)

static void
canopy_filter_set_dispose (GObject *object)
{
  CanopyFilterSet *self = CANOPY_FILTER_SET (object);

  g_clear_object (&self->display);

  G_OBJECT_CLASS (canopy_filter_set_parent_class)->dispose (object);
}

static void
canopy_filter_set_finalize (GObject *object)
{
  CanopyFilterSet *self = CANOPY_FILTER_SET (object);

  g_clear_pointer (&self->acceptance, g_array_unref);

  G_OBJECT_CLASS (canopy_filter_set_parent_class)->finalize (object);
}

static void
canopy_filter_set_class_init (CanopyFilterSetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = canopy_filter_set_dispose;
  object_class->finalize = canopy_filter_set_finalize;
}

static void
canopy_filter_set_init (CanopyFilterSet *self)
{
  self->acceptance = g_array_new (FALSE, TRUE, sizeof (CanopyFilter));
}

/**
 * canopy_acceptance_filter_parse:
 * @text: `id:mask` or `id~mask` in hexadecimal, optionally followed by
 *   `extended` or `standard`
 * @filter: (out caller-allocates): the filter
 *
 * Returns: %TRUE if @text is a filter; otherwise @error says why
 */
gboolean
canopy_acceptance_filter_parse (const char    *text,
                                CanopyFilter  *filter,
                                GError       **error)
{
  g_autofree char *stripped = NULL;
  g_auto(GStrv) words = NULL;
  g_autoptr(CanopyFilter) parsed = NULL;
  guint n_words;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (filter != NULL, FALSE);

  stripped = g_strstrip (g_strdup (text));
  words = g_strsplit_set (stripped, " \t", -1);
  {
    /* Tolerate runs of blanks: keep the non-empty words. */
    guint j = 0;

    for (guint i = 0; words[i] != NULL; i++)
      {
        if (*words[i] == '\0')
          g_free (words[i]);
        else
          words[j++] = words[i];
      }
    words[j] = NULL;
    n_words = j;
  }

  if (n_words == 0 || n_words > 2)
    goto bad;

  parsed = canopy_filter_parse (words[0], NULL);
  if (parsed == NULL)
    goto bad;

  if (n_words == 2)
    {
      if (g_ascii_strcasecmp (words[1], "extended") == 0)
        {
          parsed->match_id_type = TRUE;
          parsed->extended = TRUE;
        }
      else if (g_ascii_strcasecmp (words[1], "standard") == 0)
        {
          parsed->match_id_type = TRUE;
          parsed->extended = FALSE;
        }
      else
        goto bad;
    }

  *filter = *parsed;
  return TRUE;

bad:
  g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a filter such as 123:7FF, 123~7FF or 18FEF100:1FFFFFFF extended"),
               text);
  return FALSE;
}

/**
 * canopy_acceptance_filter_to_string:
 *
 * Returns: (transfer full): @filter as canopy_acceptance_filter_parse() reads it
 */
char *
canopy_acceptance_filter_to_string (const CanopyFilter *filter)
{
  g_return_val_if_fail (filter != NULL, NULL);

  return g_strdup_printf ("%X%c%X%s", filter->can_id, filter->inverted ? '~' : ':', filter->can_mask,
                          !filter->match_id_type ? "" : filter->extended ? " extended" : " standard");
}

/**
 * canopy_filter_set_new:
 * @acceptance: (array length=n_acceptance) (nullable): acceptance filters
 * @display: (nullable): a display filter; %NULL for one that shows everything
 *
 * Returns: (transfer full): a new filter set
 */
CanopyFilterSet *
canopy_filter_set_new (const CanopyFilter  *acceptance,
                       guint                n_acceptance,
                       CanopyDisplayFilter *display)
{
  CanopyFilterSet *self;

  g_return_val_if_fail (acceptance != NULL || n_acceptance == 0, NULL);
  g_return_val_if_fail (display == NULL || CANOPY_IS_DISPLAY_FILTER (display), NULL);

  self = g_object_new (CANOPY_TYPE_FILTER_SET, NULL);
  if (n_acceptance > 0)
    g_array_append_vals (self->acceptance, acceptance, n_acceptance);
  if (display != NULL)
    self->display = g_object_ref (display);
  else
    self->display = canopy_display_filter_new (NULL, NULL, CANOPY_DIRECTION_FILTER_BOTH,
                                               CANOPY_ERROR_FRAMES_SHOW, NULL, NULL);

  return self;
}

/**
 * canopy_filter_set_new_from_data:
 * @data: the text of a `.canfilter` file
 *
 * Returns: (transfer full) (nullable): the set, or %NULL with @error set
 */
CanopyFilterSet *
canopy_filter_set_new_from_data (const char  *data,
                                 GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GArray) acceptance = g_array_new (FALSE, TRUE, sizeof (CanopyFilter));
  g_autoptr(CanopyDisplayFilter) display = NULL;
  g_auto(GStrv) filters = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  if (!g_key_file_load_from_data (key_file, data, -1, G_KEY_FILE_NONE, error))
    return NULL;

  if (!g_key_file_has_group (key_file, ACCEPTANCE_GROUP) && !g_key_file_has_group (key_file, DISPLAY_GROUP))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   _("This is not a filter set: it has neither an [%s] nor a [%s] group"),
                   ACCEPTANCE_GROUP, DISPLAY_GROUP);
      return NULL;
    }

  filters = g_key_file_get_string_list (key_file, ACCEPTANCE_GROUP, "filters", NULL, NULL);
  for (guint i = 0; filters != NULL && filters[i] != NULL; i++)
    {
      CanopyFilter filter;

      if (*g_strstrip (filters[i]) == '\0')
        continue;
      if (!canopy_acceptance_filter_parse (filters[i], &filter, error))
        return NULL;
      g_array_append_val (acceptance, filter);
    }

  display = canopy_display_filter_new_from_key_file (key_file, DISPLAY_GROUP, error);
  if (display == NULL)
    return NULL;

  return canopy_filter_set_new ((const CanopyFilter *) (gpointer) acceptance->data, acceptance->len, display);
}

/**
 * canopy_filter_set_to_data:
 *
 * Returns: (transfer full): the set as the text of a `.canfilter` file
 */
char *
canopy_filter_set_to_data (CanopyFilterSet *self)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_auto(GStrv) filters = NULL;

  g_return_val_if_fail (CANOPY_IS_FILTER_SET (self), NULL);

  filters = g_new0 (char *, self->acceptance->len + 1);
  for (guint i = 0; i < self->acceptance->len; i++)
    filters[i] = canopy_acceptance_filter_to_string (&g_array_index (self->acceptance, CanopyFilter, i));

  g_key_file_set_comment (key_file, NULL, NULL, " Canopy filter set", NULL);
  g_key_file_set_string_list (key_file, ACCEPTANCE_GROUP, "filters",
                              (const char * const *) filters, self->acceptance->len);
  canopy_display_filter_to_key_file (self->display, key_file, DISPLAY_GROUP);

  return g_key_file_to_data (key_file, NULL, NULL);
}

/**
 * canopy_filter_set_get_acceptance:
 * @n_acceptance: (out): the number of filters
 *
 * Returns: (array length=n_acceptance) (transfer none) (nullable): the
 *   acceptance filters, for canopy_bus_set_filter_array()
 */
const CanopyFilter *
canopy_filter_set_get_acceptance (CanopyFilterSet *self,
                                  guint           *n_acceptance)
{
  g_return_val_if_fail (CANOPY_IS_FILTER_SET (self), NULL);
  g_return_val_if_fail (n_acceptance != NULL, NULL);

  *n_acceptance = self->acceptance->len;
  return self->acceptance->len > 0 ? (const CanopyFilter *) (gpointer) self->acceptance->data : NULL;
}

/**
 * canopy_filter_set_get_display:
 *
 * Returns: (transfer none): the display filter (never %NULL; an empty one
 *   shows everything)
 */
CanopyDisplayFilter *
canopy_filter_set_get_display (CanopyFilterSet *self)
{
  g_return_val_if_fail (CANOPY_IS_FILTER_SET (self), NULL);

  return self->display;
}

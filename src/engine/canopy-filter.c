/* canopy-filter.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "canopy-error.h"
#include "canopy-filter.h"

G_DEFINE_BOXED_TYPE (CanopyFilter, canopy_filter, canopy_filter_copy, canopy_filter_free)

/**
 * canopy_filter_new: (constructor)
 * @can_id: the identifier
 * @can_mask: the mask
 * @extended: %TRUE to match only extended frames, %FALSE only standard ones
 *
 * Creates a filter that honours the identifier width, like a python-can
 * filter dictionary with an `"extended"` key.
 *
 * Returns: (transfer full): a new filter
 */
CanopyFilter *
canopy_filter_new (guint32  can_id,
                   guint32  can_mask,
                   gboolean extended)
{
  CanopyFilter *filter = g_new0 (CanopyFilter, 1);

  filter->can_id = can_id;
  filter->can_mask = can_mask;
  filter->extended = !!extended;
  filter->match_id_type = TRUE;
  return filter;
}

/**
 * canopy_filter_new_any_id_type: (constructor)
 * @can_id: the identifier
 * @can_mask: the mask
 *
 * Creates a filter that matches standard and extended frames alike, like a
 * python-can filter dictionary without an `"extended"` key.
 *
 * Returns: (transfer full): a new filter
 */
CanopyFilter *
canopy_filter_new_any_id_type (guint32 can_id,
                               guint32 can_mask)
{
  CanopyFilter *filter = canopy_filter_new (can_id, can_mask, FALSE);

  filter->match_id_type = FALSE;
  return filter;
}

static gboolean
parse_hex (const char  *text,
           const char  *end,
           guint32     *value)
{
  g_autofree char *part = g_strndup (text, end - text);
  guint64 v;

  if (!g_ascii_string_to_unsigned (g_strstrip (part), 16, 0, G_MAXUINT32, &v, NULL))
    return FALSE;
  *value = v;
  return TRUE;
}

/**
 * canopy_filter_parse: (constructor)
 * @text: `can_id:can_mask` or `can_id~can_mask`, in hexadecimal
 * @error: return location for a #GError
 *
 * Parses a filter the way canlogger's `--filter` does: `id:mask` matches when
 * `received & mask == id & mask`, `id~mask` when it does not. Like
 * canlogger's, the filter matches frames of either identifier width.
 *
 * Returns: (transfer full) (nullable): the filter, or %NULL with @error set
 */
CanopyFilter *
canopy_filter_parse (const char  *text,
                     GError     **error)
{
  const char *sep;
  guint32 can_id, can_mask;
  gboolean inverted;
  CanopyFilter *filter;

  g_return_val_if_fail (text != NULL, NULL);

  sep = strpbrk (text, ":~");
  if (sep == NULL ||
      !parse_hex (text, sep, &can_id) ||
      !parse_hex (sep + 1, sep + strlen (sep), &can_mask))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Filter “%s” is not of the form can_id:can_mask or can_id~can_mask (hexadecimal)",
                   text);
      return NULL;
    }
  inverted = *sep == '~';

  filter = canopy_filter_new_any_id_type (can_id, can_mask);
  filter->inverted = inverted;
  return filter;
}

/**
 * canopy_filter_copy:
 * @filter: a filter
 *
 * Returns: (transfer full): a copy of @filter
 */
CanopyFilter *
canopy_filter_copy (const CanopyFilter *filter)
{
  g_return_val_if_fail (filter != NULL, NULL);
  return g_memdup2 (filter, sizeof *filter);
}

/**
 * canopy_filter_free:
 * @filter: (nullable): a filter
 *
 * Frees @filter.
 */
void
canopy_filter_free (CanopyFilter *filter)
{
  g_free (filter);
}

/**
 * canopy_filter_matches:
 * @filter: a filter
 * @msg: a message
 *
 * Returns: %TRUE if @msg passes @filter
 */
gboolean
canopy_filter_matches (const CanopyFilter  *filter,
                       const CanopyMessage *msg)
{
  gboolean match;

  match = ((msg->arbitration_id ^ filter->can_id) & filter->can_mask) == 0;
  if (match && filter->match_id_type)
    match = !!(msg->flags & CANOPY_MESSAGE_EXTENDED) == !!filter->extended;
  return match != !!filter->inverted;
}

/**
 * canopy_filters_match:
 * @filters: (array length=n_filters) (nullable): filters
 * @n_filters: the number of filters
 * @msg: a message
 *
 * The software filter every driver without hardware filtering uses: a frame
 * passes when no filters are set or any one of them matches.
 *
 * Returns: %TRUE if @msg passes
 */
gboolean
canopy_filters_match (const CanopyFilter  *filters,
                      guint                n_filters,
                      const CanopyMessage *msg)
{
  if (n_filters == 0)
    return TRUE;

  for (guint i = 0; i < n_filters; i++)
    if (canopy_filter_matches (&filters[i], msg))
      return TRUE;

  return FALSE;
}

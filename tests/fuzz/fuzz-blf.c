/* fuzz-blf.c — libFuzzer target: the BLF reader on arbitrary bytes, with
 * local and UTC start times, frames only and with events (texts and
 * markers, whose strings are always UTF-8)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  const char *path = fuzz_write_input (data, size, ".blf");
  g_autoptr(CanopyBlfReader) reader = canopy_blf_reader_new (path, NULL);

  fuzz_drain_reader (CANOPY_LOG_READER (reader));

  /* Again with events. */
  g_clear_object (&reader);
  if ((reader = canopy_blf_reader_new (path, NULL)) != NULL)
    {
      g_autoptr(GError) error = NULL;
      CanopyLogEvent *event = NULL;
      CanopyMessage msg;
      g_autofree guint *types = NULL;
      guint n_types = 0;

      while (canopy_log_reader_next_with_events (CANOPY_LOG_READER (reader), &msg, &event, &error))
        if (event != NULL)
          {
            const char *texts[] = {
              canopy_log_event_get_text (event), canopy_log_event_get_group (event),
              canopy_log_event_get_marker (event), canopy_log_event_get_description (event),
            };

            for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
              g_assert (texts[i] == NULL || g_utf8_validate (texts[i], -1, NULL));
            g_clear_pointer (&event, canopy_log_event_unref);
          }
      types = canopy_blf_reader_dup_object_types (reader, &n_types);
      for (guint i = 0; i < n_types; i++)
        g_assert (canopy_blf_reader_get_n_objects_of_type (reader, types[i]) > 0);
    }
  return 0;
}

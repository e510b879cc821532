/* fuzz-dbc.c — libFuzzer target: the DBC parser on arbitrary text; after a
 * successful parse, the first messages decode payloads cut from the input
 * and encode the decoded values again, so decoding, encoding (multiplexed,
 * signed, float, big-endian signals…) run on whatever the parser let in.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "fuzz-common.h"

/* Bounds the work per input: parsing is the target, the codecs ride along. */
#define MAX_MESSAGES 16
#define MAX_SIGNALS  64

static void
exercise_message (CanopyDatabase   *db,
                  CanopyMessageDef *def,
                  const guint8     *data,
                  gsize             size)
{
  CanopySignalValue values[MAX_SIGNALS];
  const char *names[MAX_SIGNALS];
  double physical[MAX_SIGNALS];
  g_autoptr(GPtrArray) decoded = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage frame, encoded;
  guint n;

  canopy_message_def_init_frame (def, &frame);
  g_assert (canopy_message_validate (&frame, NULL));
  /* A payload from the input's last bytes (the DBC text's tail). */
  for (guint i = 0; i < frame.dlc && i < size; i++)
    frame.data[i] = data[size - 1 - i];

  n = canopy_message_def_decode_values (def, &frame, values, G_N_ELEMENTS (values));
  g_assert_cmpuint (n, <=, G_N_ELEMENTS (values));
  g_assert_cmpuint (n, <=, canopy_message_def_get_n_signals (def));

  if ((decoded = canopy_database_decode (db, &frame, &error)) == NULL)
    g_assert (error != NULL);
  g_clear_error (&error);

  for (guint i = 0; i < n; i++)
    {
      names[i] = canopy_signal_value_get_name (&values[i]);
      physical[i] = canopy_signal_value_get_value (&values[i]);
      g_assert (names[i] != NULL);
    }
  /* Decoded values are in range by construction, but a database may still
   * refuse them (limits, multiplexing): an error is fine, a crash is not. */
  memset (&encoded, 0, sizeof encoded);
  if (canopy_message_def_encode (def, names, physical, n, &encoded, &error))
    g_assert (canopy_message_validate (&encoded, NULL));
  else
    g_assert (error != NULL);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyDatabase) db = canopy_database_new_from_data (data, size, &error);
  guint n_messages;

  if (db == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }
  g_assert (error == NULL);

  n_messages = canopy_database_get_n_messages (db);
  for (guint i = 0; i < n_messages && i < MAX_MESSAGES; i++)
    {
      CanopyMessageDef *def = canopy_database_get_message (db, i);

      g_assert (def != NULL);
      g_assert (canopy_message_def_get_name (def) != NULL);
      exercise_message (db, def, data, size);
    }

  return 0;
}

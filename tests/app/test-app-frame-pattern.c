/* test-app-frame-pattern.c — what the log tab's "Find" accepts and matches.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <canopy.h>

#include "canopy-frame-pattern.h"

static CanopyMessage
frame (guint32       id,
       gboolean      extended,
       const guint8 *data,
       guint         len)
{
  CanopyMessage msg;

  canopy_message_init (&msg, id, extended, data, len);
  return msg;
}

static gboolean
matches (const char          *text,
         const CanopyMessage *msg)
{
  CanopyFramePattern pattern;
  g_autoptr(GError) error = NULL;

  g_assert_true (canopy_frame_pattern_parse (&pattern, text, &error));
  g_assert_no_error (error);
  return canopy_frame_pattern_match (&pattern, msg);
}

/* One token is an identifier; its width follows the trace's notation. */
static void
test_ids (void)
{
  static const guint8 data[] = { 0x11, 0x22 };
  CanopyMessage standard = frame (0x123, FALSE, data, 2);
  CanopyMessage extended = frame (0x18FEF100, TRUE, data, 2);
  CanopyMessage low_extended = frame (0x123, TRUE, data, 2);

  g_assert_true (matches ("123", &standard));
  g_assert_true (matches ("0x123", &standard));
  g_assert_true (matches (" id:123 ", &standard));
  g_assert_false (matches ("123", &low_extended));
  g_assert_true (matches ("00000123", &low_extended));
  g_assert_true (matches ("123x", &low_extended));
  g_assert_false (matches ("00000123", &standard));
  g_assert_true (matches ("18FEF100", &extended));
  g_assert_true (matches ("18fef100x", &extended));
  g_assert_false (matches ("18FEF101", &extended));
  /* Beyond 11 bits an id can only be extended. */
  g_assert_true (matches ("1FFFF", &(CanopyMessage) { .arbitration_id = 0x1FFFF, .flags = CANOPY_MESSAGE_EXTENDED }));
}

/* Several tokens are data bytes, anywhere in the payload, "?" any digit. */
static void
test_data (void)
{
  static const guint8 data[] = { 0x01, 0x11, 0x22, 0x33, 0x44 };
  CanopyMessage msg = frame (0x100, FALSE, data, 5);
  CanopyMessage short_msg = frame (0x100, FALSE, data, 3);
  CanopyMessage remote = frame (0x100, FALSE, data, 5);

  remote.flags |= CANOPY_MESSAGE_REMOTE;

  g_assert_true (matches ("11 22", &msg));
  g_assert_true (matches ("11 ?? 33", &msg));
  g_assert_true (matches ("1? 2?", &msg));
  g_assert_true (matches ("33 44", &msg));
  g_assert_true (matches ("data:44", &msg));
  g_assert_true (matches ("11,22,33", &msg));
  g_assert_false (matches ("22 11", &msg));
  g_assert_false (matches ("44 ??", &msg));     /* past the payload */
  g_assert_false (matches ("33 44", &short_msg));
  g_assert_false (matches ("11 22", &remote));
}

static void
test_rejected (void)
{
  static const char *bad[] = { "", "   ", "XYZ", "123456789", "20000000", "id:1 2", "11 2", "11 GG", "data:" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      CanopyFramePattern pattern;
      g_autoptr(GError) error = NULL;

      g_assert_false (canopy_frame_pattern_parse (&pattern, bad[i], &error));
      g_assert_nonnull (error);
      g_assert_cmpstr (error->message, !=, "");
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/frame-pattern/ids", test_ids);
  g_test_add_func ("/app/frame-pattern/data", test_data);
  g_test_add_func ("/app/frame-pattern/rejected", test_rejected);

  return g_test_run ();
}

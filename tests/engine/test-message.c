/* test-message.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <canopy.h>

/* The two examples of the reference's Message section, python-can 2.0's
 * exact str(msg) output. */
static void
test_message_string_reference (void)
{
  g_autoptr(CanopyMessage) extended = NULL;
  g_autoptr(CanopyMessage) standard = NULL;
  g_autofree char *text1 = NULL;
  g_autofree char *text2 = NULL;
  const guint8 data[] = { 1, 2, 3, 4, 5 };

  extended = canopy_message_new (0, TRUE, data, sizeof data);
  text1 = canopy_message_to_string (extended);
  g_assert_cmpstr (text1, ==,
                   "Timestamp:        0.000000    ID: 00000000    010    DLC: 5    01 02 03 04 05");

  standard = canopy_message_new (100, FALSE, NULL, 0);
  text2 = canopy_message_to_string (standard);
  g_assert_cmpstr (text2, ==, "Timestamp:        0.000000        ID: 0064    000    DLC: 0");
}

static void
test_message_string_flags (void)
{
  CanopyMessage msg;
  char buf[CANOPY_MESSAGE_STRING_SIZE];
  const guint8 word[] = "deadbeef";

  canopy_message_init (&msg, 0x123, FALSE, NULL, 0);
  msg.flags |= CANOPY_MESSAGE_REMOTE;
  msg.dlc = 4;
  canopy_message_set_timestamp (&msg, 1483389946.197);
  canopy_message_format (&msg, buf, sizeof buf);
  /* Remote frames carry no data, whatever their DLC. */
  g_assert_cmpstr (buf, ==, "Timestamp: 1483389946.197000        ID: 0123    100    DLC: 4");

  canopy_message_init (&msg, 0x1, TRUE, NULL, 0);
  msg.flags |= CANOPY_MESSAGE_ERROR;
  canopy_message_format (&msg, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "Timestamp:        0.000000    ID: 00000001    011    DLC: 0");

  /* python-can 2.0 appends the text of an alphanumeric payload. */
  canopy_message_init (&msg, 0x7ff, FALSE, word, 8);
  canopy_message_format (&msg, buf, sizeof buf);
  g_assert_cmpstr (buf, ==,
                   "Timestamp:        0.000000        ID: 07ff    000    DLC: 8    "
                   "64 65 61 64 62 65 65 66     'deadbeef'");
}

static void
test_message_fd (void)
{
  guint8 data[64];
  g_autoptr(CanopyMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *out;
  gsize len;

  for (guint i = 0; i < sizeof data; i++)
    data[i] = i;

  msg = canopy_message_new (0x18DAF110, TRUE, data, 64);
  g_assert_true (canopy_message_is_fd (msg));
  g_assert_cmpuint (canopy_message_get_dlc (msg), ==, 64);
  out = canopy_message_get_data (msg, &len);
  g_assert_cmpmem (out, len, data, 64);
  g_assert_true (canopy_message_validate (msg, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (canopy_dlc_to_length (9), ==, 12);
  g_assert_cmpuint (canopy_dlc_to_length (15), ==, 64);
  g_assert_cmpuint (canopy_length_to_dlc (12), ==, 9);
  g_assert_cmpuint (canopy_length_to_dlc (13), ==, 10);
  g_assert_true (canopy_length_is_valid (48));
  g_assert_false (canopy_length_is_valid (9));
  g_assert_false (canopy_length_is_valid (65));
}

static void
test_message_invalid_length_subprocess (void)
{
  guint8 data[9] = { 0 };

  /* A programming error: a critical, and no message. */
  g_assert_null (canopy_message_new (1, FALSE, data, 9));
}

static void
test_message_invalid_length (void)
{
  g_test_trap_subprocess ("/message/invalid-length/subprocess", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*canopy_length_is_valid*");
}

static void
test_message_validate (void)
{
  CanopyMessage msg;
  g_autoptr(GError) error = NULL;

  canopy_message_init (&msg, 0x800, FALSE, NULL, 0);
  g_assert_false (canopy_message_validate (&msg, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "0x800"));
  g_clear_error (&error);

  canopy_message_init (&msg, 0x7FF, FALSE, NULL, 0);
  g_assert_true (canopy_message_validate (&msg, NULL));

  canopy_message_init (&msg, 0x20000000, TRUE, NULL, 0);
  g_assert_false (canopy_message_validate (&msg, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  canopy_message_init (&msg, 0x1FFFFFFF, TRUE, NULL, 0);
  g_assert_true (canopy_message_validate (&msg, NULL));

  /* DLC above 8 without FD */
  canopy_message_init (&msg, 1, FALSE, NULL, 0);
  msg.dlc = 9;
  g_assert_false (canopy_message_validate (&msg, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* An FD frame of a length no DLC code has */
  msg.flags |= CANOPY_MESSAGE_FD;
  msg.dlc = 13;
  g_assert_false (canopy_message_validate (&msg, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* BRS only exists on FD frames */
  canopy_message_init (&msg, 1, FALSE, NULL, 0);
  msg.flags |= CANOPY_MESSAGE_BRS;
  g_assert_false (canopy_message_validate (&msg, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
}

static void
test_message_equality (void)
{
  const guint8 data[] = { 1, 2, 3 };
  const guint8 other[] = { 1, 2, 4 };
  CanopyMessage a, b;

  canopy_message_init (&a, 0xabcde, TRUE, data, sizeof data);
  b = a;
  canopy_message_set_timestamp (&b, 12.5);
  b.channel = 2;
  b.flags |= CANOPY_MESSAGE_TX;
  /* python-can's == ignores timestamp, channel and direction */
  g_assert_true (canopy_message_equal (&a, &b));
  g_assert_false (canopy_message_equal_within (&a, &b, 1e-6, FALSE));
  g_assert_false (canopy_message_equal_within (&a, &b, -1, TRUE));

  canopy_message_set_timestamp (&a, 12.5000004);
  g_assert_true (canopy_message_equal_within (&a, &b, 1e-6, FALSE));

  canopy_message_set_data (&b, other, sizeof other);
  g_assert_false (canopy_message_equal (&a, &b));

  b = a;
  canopy_message_set_extended (&b, FALSE);
  g_assert_false (canopy_message_equal (&a, &b));

  b = a;
  canopy_message_set_remote (&b, TRUE);
  g_assert_false (canopy_message_equal (&a, &b));

  b = a;
  canopy_message_set_dlc (&b, 2);
  g_assert_false (canopy_message_equal (&a, &b));
}

static void
test_message_accessors (void)
{
  g_autoptr(CanopyMessage) msg = canopy_message_new (0x123, FALSE, NULL, 0);
  g_autoptr(CanopyMessage) copy = NULL;

  g_assert_cmpint (canopy_message_get_channel (msg), ==, CANOPY_CHANNEL_NONE);
  g_assert_true (canopy_message_is_rx (msg));
  canopy_message_set_timestamp_ns (msg, G_GINT64_CONSTANT (1700000000123456789));
  g_assert_cmpint (canopy_message_get_timestamp_ns (msg), ==, G_GINT64_CONSTANT (1700000000123456789));
  g_assert_cmpfloat_with_epsilon (canopy_message_get_timestamp (msg), 1700000000.123456789, 1e-6);
  canopy_message_set_fd (msg, TRUE);
  canopy_message_set_bitrate_switch (msg, TRUE);
  canopy_message_set_error_state_indicator (msg, TRUE);
  canopy_message_set_rx (msg, FALSE);
  canopy_message_set_channel (msg, 3);
  g_assert_cmpuint (canopy_message_get_flags (msg), ==,
                    CANOPY_MESSAGE_FD | CANOPY_MESSAGE_BRS | CANOPY_MESSAGE_ESI | CANOPY_MESSAGE_TX);

  copy = canopy_message_copy (msg);
  g_assert_true (canopy_message_equal_within (msg, copy, 0, TRUE));
  g_assert_cmpint (canopy_message_get_channel (copy), ==, 3);
}

static void
test_filter_parse (void)
{
  g_autoptr(CanopyFilter) filter = NULL;
  g_autoptr(CanopyFilter) inverted = NULL;
  g_autoptr(GError) error = NULL;
  CanopyMessage msg;

  filter = canopy_filter_parse ("100:7F0", &error);
  g_assert_no_error (error);
  canopy_message_init (&msg, 0x10F, FALSE, NULL, 0);
  g_assert_true (canopy_filter_matches (filter, &msg));
  canopy_message_init (&msg, 0x10F, TRUE, NULL, 0);
  g_assert_true (canopy_filter_matches (filter, &msg));
  canopy_message_init (&msg, 0x110, FALSE, NULL, 0);
  g_assert_false (canopy_filter_matches (filter, &msg));

  inverted = canopy_filter_parse ("100~7F0", &error);
  g_assert_no_error (error);
  g_assert_true (canopy_filter_matches (inverted, &msg));

  g_assert_null (canopy_filter_parse ("12x:7FF", &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (canopy_filter_parse ("123", &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
}

static void
test_filter_extended (void)
{
  g_autoptr(CanopyFilter) standard = canopy_filter_new (0x100, 0x700, FALSE);
  g_autoptr(CanopyFilter) extended = canopy_filter_new (0x100, 0x700, TRUE);
  CanopyFilter both[2];
  CanopyMessage msg;

  canopy_message_init (&msg, 0x123, FALSE, NULL, 0);
  g_assert_true (canopy_filter_matches (standard, &msg));
  g_assert_false (canopy_filter_matches (extended, &msg));

  canopy_message_init (&msg, 0x123, TRUE, NULL, 0);
  g_assert_false (canopy_filter_matches (standard, &msg));
  g_assert_true (canopy_filter_matches (extended, &msg));

  both[0] = *standard;
  both[1] = *extended;
  g_assert_true (canopy_filters_match (both, 2, &msg));
  g_assert_true (canopy_filters_match (NULL, 0, &msg));
  canopy_message_init (&msg, 0x223, TRUE, NULL, 0);
  g_assert_false (canopy_filters_match (both, 2, &msg));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/message/string/reference", test_message_string_reference);
  g_test_add_func ("/message/string/flags", test_message_string_flags);
  g_test_add_func ("/message/fd", test_message_fd);
  g_test_add_func ("/message/invalid-length", test_message_invalid_length);
  g_test_add_func ("/message/invalid-length/subprocess", test_message_invalid_length_subprocess);
  g_test_add_func ("/message/validate", test_message_validate);
  g_test_add_func ("/message/equality", test_message_equality);
  g_test_add_func ("/message/accessors", test_message_accessors);
  g_test_add_func ("/filter/parse", test_filter_parse);
  g_test_add_func ("/filter/extended", test_filter_extended);

  return g_test_run ();
}

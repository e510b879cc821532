/* test-shared-library.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A program built the way users build theirs: against the installed-style
 * shared library (libcanopy-1-0.dll on Windows, through dllimport), with
 * public headers only. It links only if the export macros export what it
 * calls, and a frame going through two virtual buses proves that the types
 * and the driver registry work across the library boundary.
 */

#include "config.h"

#include <canopy.h>

static void
test_shared_virtual_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyBus) a = canopy_bus_new ("virtual", "shared-library-test", NULL, &error);
  g_autoptr(CanopyBus) b = NULL;
  g_autoptr(CanopyMessage) sent = NULL;
  g_autoptr(CanopyMessage) received = NULL;
  g_autofree char *text = NULL;
  const guint8 data[] = { 0xde, 0xad, 0xbe, 0xef };

  g_assert_no_error (error);
  b = canopy_bus_new ("virtual", "shared-library-test", NULL, &error);
  g_assert_no_error (error);

  sent = canopy_message_new (0x18daf110, TRUE, data, sizeof data);
  g_assert_true (canopy_bus_send (a, sent, 1.0, &error));
  g_assert_no_error (error);

  received = canopy_bus_recv (b, 5.0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (received);
  g_assert_cmpuint (received->arbitration_id, ==, 0x18daf110);
  g_assert_cmpuint (received->dlc, ==, 4);
  g_assert_cmpmem (received->data, 4, data, 4);
  g_assert_true (received->flags & CANOPY_MESSAGE_EXTENDED);

  text = canopy_message_to_string (received);
  g_assert_nonnull (strstr (text, "18daf110"));

  canopy_bus_shutdown (a);
  canopy_bus_shutdown (b);
}

/* Boxed and enum types registered inside the library are usable outside. */
static void
test_shared_types (void)
{
  g_assert_true (G_TYPE_IS_BOXED (CANOPY_TYPE_MESSAGE));
  g_assert_true (G_TYPE_IS_ABSTRACT (CANOPY_TYPE_BUS));
  g_assert_true (g_type_is_a (CANOPY_TYPE_VIRTUAL_BUS, CANOPY_TYPE_BUS));
  g_assert_true (G_TYPE_IS_ENUM (CANOPY_TYPE_ERROR));
  g_assert_cmpuint (canopy_error_quark (), ==, CANOPY_ERROR);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/shared-library/virtual-round-trip", test_shared_virtual_round_trip);
  g_test_add_func ("/shared-library/types", test_shared_types);

  return g_test_run ();
}

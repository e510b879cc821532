/* test-signal-task.c — checksums, and signal-level cyclic sending with a
 * rolling counter and a checksum computed for every frame
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <canopy.h>

#include "canopy-test-bus.h"

static void
test_check_values (void)
{
  static const struct {
    CanopyChecksumKind kind;
    guint              check;
  } cases[] = {
    /* Published check values over the ASCII string "123456789". */
    { CANOPY_CHECKSUM_CRC8_SAE_J1850, 0x4B },
    { CANOPY_CHECKSUM_CRC8_H2F, 0xDF },
    { CANOPY_CHECKSUM_CRC16_CCITT, 0x29B1 },
    /* 0x31 ^ … ^ 0x39, and 0x31 + … + 0x39 = 0x1DD. */
    { CANOPY_CHECKSUM_XOR, 0x31 },
    { CANOPY_CHECKSUM_SUM, 0xDD },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmphex (canopy_checksum_compute (cases[i].kind, (const guint8 *) "123456789", 9), ==, cases[i].check);

  /* AUTOSAR's other test vectors for CRC-8H2F and SAE J1850. */
  g_assert_cmphex (canopy_checksum_compute (CANOPY_CHECKSUM_CRC8_H2F, (const guint8 *) "\x00\x00\x00\x00", 4), ==, 0x12);
  g_assert_cmphex (canopy_checksum_compute (CANOPY_CHECKSUM_CRC8_SAE_J1850, (const guint8 *) "\x00\x00\x00\x00", 4), ==, 0x59);
  g_assert_cmphex (canopy_checksum_compute (CANOPY_CHECKSUM_CRC8_H2F, (const guint8 *) "\xF2\x01\x83", 3), ==, 0xC2);
  g_assert_cmphex (canopy_checksum_compute (CANOPY_CHECKSUM_CRC8_SAE_J1850, (const guint8 *) "\xF2\x01\x83", 3), ==, 0x37);
}

static const char e2e_dbc[] =
  "VERSION \"\"\n"
  "BU_: A B\n"
  "BO_ 800 E2E: 8 A\n"
  " SG_ CRC : 0|8@1+ (1,0) [0|255] \"\" B\n"
  " SG_ Counter : 8|4@1+ (1,0) [0|15] \"\" B\n"
  " SG_ Speed : 16|16@1+ (0.01,0) [0|655.35] \"km/h\" B\n"
  " SG_ Mode : 32|3@1+ (1,0) [0|7] \"\" B\n"
  "BO_ 801 Plain: 4 A\n"
  " SG_ Sum : 24|8@1+ (1,0) [0|255] \"\" B\n"
  " SG_ Alive : 0|2@1+ (1,0) [0|2] \"\" B\n"
  " SG_ Level : 8|8@1+ (1,0) [0|255] \"\" B\n"
  "BA_DEF_ BO_ \"GenMsgCycleTime\" INT 0 10000;\n"
  "BA_DEF_ SG_ \"GenSigStartValue\" INT 0 100000;\n"
  "BA_DEF_DEF_ \"GenMsgCycleTime\" 0;\n"
  "BA_DEF_DEF_ \"GenSigStartValue\" 0;\n"
  "BA_ \"GenMsgCycleTime\" BO_ 800 5;\n"
  "BA_ \"GenSigStartValue\" SG_ 800 Mode 3;\n";

static const guint8 data_ids[16] = {
  0x0A, 0x1B, 0x2C, 0x3D, 0x4E, 0x5F, 0x60, 0x71, 0x82, 0x93, 0xA4, 0xB5, 0xC6, 0xD7, 0xE8, 0xF9,
};

static void
receive (CanopyBus     *bus,
         CanopyMessage *frame)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (canopy_bus_recv_into (bus, frame, 5.0, &error));
  g_assert_no_error (error);
}

static void
test_counter_and_crc (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyDatabase) db = canopy_database_new_from_data ((const guint8 *) e2e_dbc, strlen (e2e_dbc), &error);
  g_autoptr(CanopyBus) tx = canopy_test_open_bus ("virtual", "signal-task", NULL, NULL);
  g_autoptr(CanopyBus) rx = canopy_test_open_bus ("virtual", "signal-task", NULL, NULL);
  g_autoptr(CanopySignalTask) task = NULL;
  CanopyMessageDef *def = canopy_database_lookup_message_by_name (db, "E2E");
  gboolean changed = FALSE;
  guint first_counter = 0;

  g_assert_no_error (error);
  task = canopy_signal_task_new (tx, def, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (canopy_signal_task_get_period (task), ==, 0.005);

  g_assert_true (canopy_signal_task_set_counter (task, "Counter", &error));
  g_assert_true (canopy_signal_task_set_checksum (task, "CRC", CANOPY_CHECKSUM_CRC8_H2F,
                                                  data_ids, G_N_ELEMENTS (data_ids), &error));
  g_assert_true (canopy_signal_task_set_value (task, "Speed", 50.25, &error));
  g_assert_no_error (error);
  g_assert_true (canopy_signal_task_start (task, &error));
  g_assert_no_error (error);

  /* Configured once, before the first start. */
  g_assert_false (canopy_signal_task_set_counter (task, "Mode", &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(GPtrArray) values = NULL;
      guint8 covered[8];
      CanopyMessage frame;
      guint counter;

      receive (rx, &frame);
      g_assert_cmpuint (frame.arbitration_id, ==, 800);
      g_assert_cmpuint (frame.dlc, ==, 8);

      counter = frame.data[1] & 0x0F;
      if (i == 0)
        first_counter = counter;
      /* No frame lost or repeated: the counter steps by one, mod 16. */
      g_assert_cmpuint (counter, ==, (first_counter + i) % 16);

      /* E2E profile 2: CRC-8H2F over bytes 1–7, then the data id the
       * counter selects. */
      memcpy (covered, frame.data + 1, 7);
      covered[7] = data_ids[counter];
      g_assert_cmphex (frame.data[0], ==, canopy_checksum_compute (CANOPY_CHECKSUM_CRC8_H2F, covered, 8));

      values = canopy_database_decode (db, &frame, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < values->len; k++)
        {
          const CanopySignalValue *v = g_ptr_array_index (values, k);
          const char *name = canopy_signal_value_get_name (v);

          if (g_str_equal (name, "Mode"))
            g_assert_cmpfloat (canopy_signal_value_get_value (v), ==, 3);   /* GenSigStartValue */
          if (g_str_equal (name, "Speed"))
            {
              double speed = canopy_signal_value_get_value (v);

              /* Before the change every frame has the old value, after it
               * every frame the new one: never a mix. */
              if (changed)
                g_assert_cmpfloat_with_epsilon (speed, 123.45, 0.005);
              else if (speed > 100)
                changed = TRUE;
              else
                g_assert_cmpfloat_with_epsilon (speed, 50.25, 0.005);
            }
        }

      if (i == 20)
        {
          g_assert_true (canopy_signal_task_set_value (task, "Speed", 123.45, &error));
          g_assert_no_error (error);
          g_assert_cmpfloat_with_epsilon (canopy_signal_task_get_value (task, "Speed"), 123.45, 0.005);
        }
    }

  g_assert_true (changed);
  canopy_signal_task_stop (task);
  g_assert_cmpuint (canopy_cyclic_task_get_sent (canopy_signal_task_get_cyclic_task (task)), >=, 40);
}

static void
test_counter_range_and_sum (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CanopyDatabase) db = canopy_database_new_from_data ((const guint8 *) e2e_dbc, strlen (e2e_dbc), &error);
  g_autoptr(CanopyBus) tx = canopy_test_open_bus ("virtual", "signal-task-2", NULL, NULL);
  g_autoptr(CanopyBus) rx = canopy_test_open_bus ("virtual", "signal-task-2", NULL, NULL);
  g_autoptr(CanopySignalTask) task = NULL;
  CanopyMessageDef *def = canopy_database_lookup_message_by_name (db, "Plain");
  guint last = 0;

  /* No GenMsgCycleTime: a period must be given. */
  g_assert_null (canopy_signal_task_new (tx, def, 0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  task = canopy_signal_task_new (tx, def, 0.002, &error);
  g_assert_no_error (error);
  /* The checksum needs 8 bits on a byte boundary. */
  g_assert_false (canopy_signal_task_set_checksum (task, "Alive", CANOPY_CHECKSUM_SUM, NULL, 0, &error));
  g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (canopy_signal_task_set_value (task, "Level", 300, &error));
  g_assert_nonnull (strstr (error->message, "Level"));
  g_clear_error (&error);

  g_assert_true (canopy_signal_task_set_counter (task, "Alive", &error));
  g_assert_true (canopy_signal_task_set_checksum (task, "Sum", CANOPY_CHECKSUM_SUM, NULL, 0, &error));
  g_assert_true (canopy_signal_task_set_value (task, "Level", 200, &error));
  g_assert_true (canopy_signal_task_start (task, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 12; i++)
    {
      CanopyMessage frame;
      guint alive;

      receive (rx, &frame);
      alive = frame.data[0] & 0x03;
      /* [0|2]: the counter wraps after 2, not after 3. */
      if (i > 0)
        g_assert_cmpuint (alive, ==, (last + 1) % 3);
      last = alive;
      g_assert_cmpuint (frame.data[1], ==, 200);
      g_assert_cmphex (frame.data[3], ==, (frame.data[0] + frame.data[1] + frame.data[2]) & 0xFF);
    }

  canopy_signal_task_stop (task);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dbc/checksum/check-values", test_check_values);
  g_test_add_func ("/dbc/signal-task/counter-and-crc", test_counter_and_crc);
  g_test_add_func ("/dbc/signal-task/counter-range-and-sum", test_counter_range_and_sum);

  return g_test_run ();
}

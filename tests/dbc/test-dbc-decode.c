/* test-dbc-decode.c — decoding and encoding signals, with expected values
 * worked out by hand from the bytes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <canopy.h>

#include "canopy-dbc-private.h"

static const char layout_dbc[] =
  "VERSION \"layouts\"\n"
  "BU_: ECU\n"
  "BO_ 256 Layout: 8 ECU\n"
  " SG_ A : 0|8@1+ (1,0) [0|0] \"\" ECU\n"
  " SG_ B : 4|12@1+ (1,0) [0|0] \"\" ECU\n"
  " SG_ C : 7|16@0+ (1,0) [0|0] \"\" ECU\n"
  " SG_ D : 11|12@0+ (1,0) [0|0] \"\" ECU\n"
  " SG_ E : 3|20@0+ (1,0) [0|0] \"\" ECU\n"
  " SG_ F : 8|8@1- (1,0) [0|0] \"\" ECU\n"
  " SG_ G : 56|8@1- (1,0) [0|0] \"\" ECU\n"
  " SG_ H : 39|10@0- (1,0) [0|0] \"\" ECU\n"
  " SG_ I : 0|64@1+ (1,0) [0|0] \"\" ECU\n"
  " SG_ J : 7|64@0+ (1,0) [0|0] \"\" ECU\n"
  " SG_ K : 16|16@1+ (0.1,-40) [-40|6513.5] \"degC\" ECU\n"
  "BO_ 257 Floats: 8 ECU\n"
  " SG_ L : 0|32@1- (1,0) [0|0] \"\" ECU\n"
  " SG_ M : 32|32@1- (2,0) [0|0] \"\" ECU\n"
  "BO_ 2147488308 Wide: 24 ECU\n"
  " SG_ N : 4|64@1+ (1,0) [0|0] \"\" ECU\n"
  " SG_ O : 128|64@1- (1,0) [0|0] \"\" ECU\n"
  "BO_ 258 Long: 64 ECU\n"
  " SG_ P : 3|64@0+ (1,0) [0|0] \"\" ECU\n"
  " SG_ Q : 504|8@1+ (1,0) [0|0] \"\" ECU\n"
  "VAL_ 256 A 18 \"eighteen\" 0 \"zero\" ;\n"
  "SIG_VALTYPE_ 257 L : 1;\n"
  "SIG_VALTYPE_ 257 M : 1;\n"
  "SIG_VALTYPE_ 2147488308 O : 2;\n";

typedef struct
{
  guint32     id;
  const char *signal;
  guint64     raw_bits;   /* the raw value's bits */
  double      value;
} Expected;

/* Layout: 12 34 56 78 9A BC DE F0. */
static const Expected layout_expected[] = {
  { 256, "A", 0x12, 18 },                                 /* d0 */
  { 256, "B", 0x341, 0x341 },                             /* (d1 d0 >> 4) & 0xFFF */
  { 256, "C", 0x1234, 0x1234 },                           /* d0 d1 */
  { 256, "D", 0x456, 0x456 },                             /* d1 & 0xF, d2 */
  { 256, "E", 0x23456, 0x23456 },                         /* d0 & 0xF, d1, d2: crosses 3 bytes */
  { 256, "F", 0x34, 52 },
  { 256, "G", G_GUINT64_CONSTANT (0xFFFFFFFFFFFFFFF0), -16 },   /* d7 = 0xF0, signed */
  { 256, "H", G_GUINT64_CONSTANT (0xFFFFFFFFFFFFFE6A), -406 },  /* (d4 d5 >> 6) = 0x26A, 10-bit signed */
  { 256, "I", G_GUINT64_CONSTANT (0xF0DEBC9A78563412), 17356517385562371090.0 },
  { 256, "J", G_GUINT64_CONSTANT (0x123456789ABCDEF0), 1311768467463790320.0 },
  { 256, "K", 0x7856, 30806 * 0.1 - 40 },                 /* d3 d2, scaled */
};

static CanopyDatabase *
load (const char *text)
{
  g_autoptr(GError) error = NULL;
  CanopyDatabase *db = canopy_database_new_from_data ((const guint8 *) text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

static const CanopySignalValue *
find_value (GPtrArray  *values,
            const char *name)
{
  for (guint i = 0; i < values->len; i++)
    {
      const CanopySignalValue *v = g_ptr_array_index (values, i);

      if (g_str_equal (canopy_signal_value_get_name (v), name))
        return v;
    }
  return NULL;
}

static GPtrArray *
decode (CanopyDatabase *db,
        guint32         id,
        gboolean        extended,
        const guint8   *data,
        gsize           len)
{
  g_autoptr(GError) error = NULL;
  CanopyMessage frame;
  GPtrArray *values;

  canopy_message_init (&frame, id, extended, data, len);
  values = canopy_database_decode (db, &frame, &error);
  g_assert_no_error (error);
  return values;
}

static void
test_layouts (void)
{
  static const guint8 data[] = { 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0 };
  g_autoptr(CanopyDatabase) db = load (layout_dbc);
  g_autoptr(GPtrArray) values = decode (db, 256, FALSE, data, sizeof data);

  g_assert_cmpuint (canopy_database_get_n_skipped (db), ==, 0);
  g_assert_cmpstr (canopy_database_get_version (db), ==, "layouts");
  g_assert_cmpuint (values->len, ==, G_N_ELEMENTS (layout_expected));

  for (guint i = 0; i < G_N_ELEMENTS (layout_expected); i++)
    {
      const Expected *e = &layout_expected[i];
      const CanopySignalValue *v = find_value (values, e->signal);

      g_test_message ("signal %s", e->signal);
      g_assert_nonnull (v);
      g_assert_cmphex ((guint64) canopy_signal_value_get_raw (v), ==, e->raw_bits);
      g_assert_cmpfloat_with_epsilon (canopy_signal_value_get_value (v), e->value, fabs (e->value) * 1e-12 + 1e-9);
    }

  g_assert_cmpstr (canopy_signal_value_get_text (find_value (values, "A")), ==, "eighteen");
  g_assert_null (canopy_signal_value_get_text (find_value (values, "B")));
  g_assert_cmpstr (canopy_signal_value_get_unit (find_value (values, "K")), ==, "degC");

  /* Text to the signal's resolution: 0.1 × 30806 − 40 is 3040.6, not
   * 3040.6000000000004. */
  {
    static const struct { const char *name; const char *text; } texts[] = {
      { "K", "3040.6" }, { "G", "-16" }, { "H", "-406" }, { "C", "4660" },
      { "J", "1311768467463790320" },
    };
    char buf[32];

    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
      {
        gsize len = canopy_signal_value_format (find_value (values, texts[i].name), buf, sizeof buf);

        g_assert_cmpstr (buf, ==, texts[i].text);
        g_assert_cmpuint (len, ==, strlen (texts[i].text));
      }
  }
}

static void
test_floats_and_fd (void)
{
  /* 1.5f = 0x3FC00000 and -0.25f = 0xBE800000, little-endian. */
  static const guint8 floats[] = { 0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x80, 0xBE };
  /* Wide: 00 11 22 … FF, then the double -2.5 (0xC004000000000000). */
  static const guint8 wide[24] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                   0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF,
                                   0, 0, 0, 0, 0, 0, 0x04, 0xC0 };
  g_autoptr(CanopyDatabase) db = load (layout_dbc);
  g_autoptr(GPtrArray) f = decode (db, 257, FALSE, floats, sizeof floats);
  g_autoptr(GPtrArray) w = decode (db, 4660, TRUE, wide, sizeof wide);
  g_autoptr(GPtrArray) l = NULL;
  guint8 longer[64];
  CanopyMessageDef *def;

  g_assert_cmpfloat (canopy_signal_value_get_value (find_value (f, "L")), ==, 1.5);
  g_assert_cmpfloat (canopy_signal_value_get_value (find_value (f, "M")), ==, -0.5);

  /* And back: the same bytes. */
  {
    g_autoptr(GError) error = NULL;
    const char *names[] = { "L", "M" };
    double values[] = { 1.5, -0.5 };
    CanopyMessage frame;

    g_assert_true (canopy_message_def_encode (canopy_database_lookup_message (db, 257, FALSE),
                                              names, values, 2, &frame, &error));
    g_assert_no_error (error);
    g_assert_cmpmem (frame.data, 8, floats, 8);
  }
  {
    g_autoptr(GError) error = NULL;
    const char *names[] = { "O", "N" };
    double values[] = { -2.5, 0 };
    CanopyMessage frame;

    g_assert_true (canopy_message_def_encode (canopy_database_lookup_message (db, 4660, TRUE),
                                              names, values, 2, &frame, &error));
    g_assert_no_error (error);
    g_assert_cmpmem (frame.data + 16, 8, wide + 16, 8);
    g_assert_cmpuint (frame.dlc, ==, 24);
  }

  def = canopy_database_lookup_message (db, 4660, TRUE);
  g_assert_nonnull (def);
  g_assert_true (canopy_message_def_is_fd (def));
  g_assert_true (canopy_message_def_is_extended (def));
  g_assert_null (canopy_database_lookup_message (db, 4660, FALSE));
  /* 64 bits over 9 bytes: (bytes 0–8 little-endian) >> 4. */
  g_assert_cmphex ((guint64) canopy_signal_value_get_raw (find_value (w, "N")), ==,
                   G_GUINT64_CONSTANT (0x8776655443322110));
  g_assert_cmpfloat (canopy_signal_value_get_value (find_value (w, "O")), ==, -2.5);

  for (guint i = 0; i < 64; i++)
    longer[i] = (guint8) (i * 7 + 1);
  l = decode (db, 258, FALSE, longer, sizeof longer);
  /* Motorola over 9 bytes: low nibble of byte 0, bytes 1–7, high nibble of byte 8. */
  g_assert_cmphex ((guint64) canopy_signal_value_get_raw (find_value (l, "P")), ==,
                   G_GUINT64_CONSTANT (0x1080F161D242B323));
  g_assert_cmpint (canopy_signal_value_get_raw (find_value (l, "Q")), ==, (63 * 7 + 1) & 0xFF);

  /* A short frame: signals beyond its end are left out, not invented. */
  {
    g_autoptr(GPtrArray) s = decode (db, 258, FALSE, longer, 8);

    g_assert_null (find_value (s, "Q"));
    g_assert_null (find_value (s, "P"));
  }
}

static const char mux_dbc[] =
  "VERSION \"\"\n"
  "BO_ 512 Mux: 8 ECU\n"
  " SG_ Sel M : 0|8@1+ (1,0) [0|255] \"\" X\n"
  " SG_ Always : 8|8@1+ (1,0) [0|0] \"\" X\n"
  " SG_ A1 m1 : 16|16@1+ (1,0) [0|0] \"\" X\n"
  " SG_ A2 m2 : 16|16@1+ (0.5,0) [0|0] \"V\" X\n"
  " SG_ Sub m3M : 16|8@1+ (1,0) [0|0] \"\" X\n"
  " SG_ S10 m10 : 24|8@1+ (1,0) [0|0] \"\" X\n"
  " SG_ S11 m11 : 24|16@1+ (1,0) [0|0] \"\" X\n"
  "SG_MUL_VAL_ 512 Sub Sel 3-3;\n"
  "SG_MUL_VAL_ 512 S10 Sub 10-10, 20-25;\n"
  "SG_MUL_VAL_ 512 S11 Sub 11-11;\n";

static char *
names_of (GPtrArray *values)
{
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < values->len; i++)
    {
      const CanopySignalValue *v = g_ptr_array_index (values, i);

      g_string_append_printf (s, "%s%s=%g", i ? " " : "", canopy_signal_value_get_name (v),
                              canopy_signal_value_get_value (v));
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_multiplexing (void)
{
  static const struct {
    guint8      data[8];
    const char *expected;
  } cases[] = {
    { { 1, 7, 0x34, 0x12 }, "Sel=1 Always=7 A1=4660" },
    { { 2, 0, 0x10, 0 }, "Sel=2 Always=0 A2=8" },
    { { 3, 7, 22, 5 }, "Sel=3 Sub=22 Always=7 S10=5" },
    { { 3, 7, 10, 5 }, "Sel=3 Sub=10 Always=7 S10=5" },
    { { 3, 7, 11, 5, 6 }, "Sel=3 Sub=11 Always=7 S11=1541" },
    { { 3, 7, 12, 5, 6 }, "Sel=3 Sub=12 Always=7" },
    { { 9, 1, 11, 5, 6 }, "Sel=9 Always=1" },
  };
  g_autoptr(CanopyDatabase) db = load (mux_dbc);

  g_assert_cmpuint (canopy_database_get_n_skipped (db), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) values = decode (db, 512, FALSE, cases[i].data, 8);
      g_autofree char *got = names_of (values);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

static void
test_j1939 (void)
{
  static const char text[] =
    "VERSION \"\"\n"
    "BA_DEF_ \"ProtocolType\" STRING ;\n"
    "BA_DEF_DEF_ \"ProtocolType\" \"\";\n"
    "BA_ \"ProtocolType\" \"J1939\";\n"
    "BO_ 2364540158 EEC1: 8 Engine\n"
    " SG_ EngineSpeed : 24|16@1+ (0.125,0) [0|8031.875] \"rpm\" Vector__XXX\n";
  static const guint8 data[] = { 0, 0, 0, 0x40, 0x1F, 0, 0, 0 };
  g_autoptr(CanopyDatabase) db = load (text);
  g_autoptr(GPtrArray) values = NULL;
  CanopyMessageDef *def;
  CanopyMessage frame;

  /* The same PGN 0xF004 from source address 0x00 instead of 0xFE. */
  canopy_message_init (&frame, 0x0CF00400, TRUE, data, sizeof data);
  def = canopy_database_lookup_frame (db, &frame);
  g_assert_nonnull (def);
  g_assert_cmpstr (canopy_message_def_get_name (def), ==, "EEC1");
  g_assert_true (canopy_message_def_is_j1939 (def));
  g_assert_cmpuint (canopy_message_def_get_pgn (def), ==, 0xF004);

  values = decode (db, 0x0CF00400, TRUE, data, sizeof data);
  g_assert_cmpfloat (canopy_signal_value_get_value (find_value (values, "EngineSpeed")), ==, 0x1F40 * 0.125);
}

static void
test_encode_errors (void)
{
  g_autoptr(CanopyDatabase) db = load (mux_dbc);
  g_autoptr(CanopyDatabase) layouts = load (layout_dbc);
  CanopyMessageDef *mux = canopy_database_lookup_message_by_name (db, "Mux");
  CanopyMessageDef *layout = canopy_database_lookup_message_by_name (layouts, "Layout");
  CanopyMessage frame;
  struct {
    CanopyMessageDef *def;
    const char       *name;
    double            value;
    const char       *message;
  } cases[] = {
    { mux, "Nope", 1, "no signal Nope" },
    { mux, "Sel", 256, "Sel is outside its range" },
    { mux, "Always", 256, "Always does not fit in its 8 unsigned bits" },
    { mux, "A1", 1, "A1 of message Mux is not selected" },
    { layout, "F", -129, "F does not fit" },
    { layout, "K", -41, "K is outside its range" },
    { layout, "A", NAN, "A cannot carry" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      const char *names[] = { cases[i].name };

      g_assert_false (canopy_message_def_encode (cases[i].def, names, &cases[i].value, 1, &frame, &error));
      g_assert_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }

  /* Given its multiplexor, a multiplexed signal is written. */
  {
    g_autoptr(GError) error = NULL;
    const char *names[] = { "Sel", "Sub", "S10" };
    double values[] = { 3, 21, 99 };

    g_assert_true (canopy_message_def_encode (mux, names, values, 3, &frame, &error));
    g_assert_no_error (error);
    g_assert_cmpmem (frame.data, 4, ((guint8[]) { 3, 0, 21, 99 }), 4);
    g_assert_cmpuint (frame.dlc, ==, 8);
  }
}

/* Picks multiplexor values that select @signal, all the way up. */
static gboolean
select_signal (CanopyMessageDef *def,
               CanopySignalDef  *signal,
               GPtrArray        *names,
               GArray           *values)
{
  while (signal->mux_switch >= 0)
    {
      CanopySignalDef *sw = NULL;
      double value;

      for (guint i = 0; i < def->signals->len; i++)
        if (((CanopySignalDef *) g_ptr_array_index (def->signals, i))->mux_slot == signal->mux_switch)
          sw = g_ptr_array_index (def->signals, i);
      g_assert_nonnull (sw);
      value = signal->mux_ranges[0].low * sw->factor + sw->offset;
      if (sw->minimum < sw->maximum && (value < sw->minimum || value > sw->maximum))
        return FALSE;
      g_ptr_array_add (names, sw->name);
      g_array_append_val (values, value);
      signal = sw;
    }
  return TRUE;
}

static void
test_round_trip_real_files (void)
{
  g_autoptr(GDir) dir = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("CANOPY_TESTDATA"), "dbc", NULL);
  GRand *rand = g_rand_new_with_seed (1206);
  const char *name;
  guint checked = 0, files = 0;

  dir = g_dir_open (path, 0, NULL);
  g_assert_nonnull (dir);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = NULL;
      g_autoptr(CanopyDatabase) db = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_str_has_suffix (name, ".dbc"))
        continue;
      file = g_build_filename (path, name, NULL);
      db = canopy_database_new_from_file (file, &error);
      g_assert_no_error (error);
      files++;

      for (guint m = 0; m < canopy_database_get_n_messages (db); m++)
        {
          CanopyMessageDef *def = canopy_database_get_message (db, m);

          for (guint s = 0; s < canopy_message_def_get_n_signals (def); s++)
            {
              CanopySignalDef *signal = canopy_message_def_get_signal (def, s);
              guint64 mask = signal->length == 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << signal->length) - 1;
              guint64 candidates[] = { 0, mask, mask >> 1, ((guint64) g_rand_int (rand) << 32 | g_rand_int (rand)) & mask };

              if (signal->value_type != CANOPY_SIGNAL_VALUE_TYPE_INTEGER)
                continue;

              for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
                {
                  g_autoptr(GPtrArray) names = g_ptr_array_new ();
                  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
                  g_autoptr(GPtrArray) decoded = NULL;
                  g_autoptr(GError) local_error = NULL;
                  double value = _canopy_signal_def_physical (signal, candidates[c]);
                  const CanopySignalValue *got;
                  CanopyMessage frame;

                  if (signal->minimum < signal->maximum && (value < signal->minimum || value > signal->maximum))
                    continue;
                  if (!select_signal (def, signal, names, values))
                    continue;
                  g_ptr_array_add (names, signal->name);
                  g_array_append_val (values, value);

                  if (!canopy_message_def_encode (def, (const char * const *) names->pdata,
                                                  (double *) values->data, names->len, &frame, &local_error))
                    g_error ("%s %s %s = %g: %s", name, def->name, signal->name, value, local_error->message);

                  decoded = canopy_message_def_decode (def, &frame);
                  got = find_value (decoded, signal->name);
                  g_assert_nonnull (got);
                  g_assert_cmpfloat_with_epsilon (got->value, value, fabs (signal->factor) / 2 + fabs (value) * 1e-12);
                  checked++;
                }
            }
        }
    }

  g_rand_free (rand);
  g_test_message ("%u values round-tripped in %u files", checked, files);
  g_assert_cmpuint (files, ==, 5);
  g_assert_cmpuint (checked, >, 10000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dbc/decode/layouts", test_layouts);
  g_test_add_func ("/dbc/decode/floats-and-fd", test_floats_and_fd);
  g_test_add_func ("/dbc/decode/multiplexing", test_multiplexing);
  g_test_add_func ("/dbc/decode/j1939", test_j1939);
  g_test_add_func ("/dbc/encode/errors", test_encode_errors);
  g_test_add_func ("/dbc/encode/round-trip-real-files", test_round_trip_real_files);

  return g_test_run ();
}

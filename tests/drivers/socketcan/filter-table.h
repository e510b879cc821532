/* filter-table.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One table of acceptance-filter cases, run against the software filter
 * (canopy_filters_match()) and against the kernel's CAN_RAW filters through
 * a SocketCAN bus: both must accept exactly the frames the table expects.
 */

#pragma once

#include <canopy.h>

typedef struct
{
  guint32  id;
  gboolean extended;
  gboolean remote;
} FilterTestFrame;

static const FilterTestFrame filter_test_frames[] = {
  /*  0 */ { 0x123,      FALSE, FALSE },
  /*  1 */ { 0x7FF,      FALSE, FALSE },
  /*  2 */ { 0x000,      FALSE, FALSE },
  /*  3 */ { 0x1A5,      FALSE, FALSE },
  /*  4 */ { 0x123,      FALSE, TRUE  },
  /*  5 */ { 0x123,      TRUE,  FALSE },
  /*  6 */ { 0x1ABCDEF0, TRUE,  FALSE },
  /*  7 */ { 0x1ABCD123, TRUE,  FALSE },
  /*  8 */ { 0x00000000, TRUE,  FALSE },
  /*  9 */ { 0x1ABCDEF0, TRUE,  TRUE  },
};

#define F(n) (1u << (n))
#define ALL_FRAMES ((1u << G_N_ELEMENTS (filter_test_frames)) - 1)

/* Filter fields: can_id, can_mask, extended, match_id_type, inverted. */
#define STD(id, mask)     { id, mask, FALSE, TRUE,  FALSE }
#define EXT(id, mask)     { id, mask, TRUE,  TRUE,  FALSE }
#define ANY(id, mask)     { id, mask, FALSE, FALSE, FALSE }
#define NOT_STD(id, mask) { id, mask, FALSE, TRUE,  TRUE  }
#define NOT_EXT(id, mask) { id, mask, TRUE,  TRUE,  TRUE  }
#define NOT_ANY(id, mask) { id, mask, FALSE, FALSE, TRUE  }

typedef struct
{
  const char   *name;
  guint         n_filters;
  CanopyFilter  filters[2];
  const char   *parse;      /* instead of filters: canopy_filter_parse() text */
  guint         repeat;     /* the first filter this many times (> 512: beyond the kernel's limit) */
  guint32       expected;   /* bit i: frame i passes */
} FilterTestCase;

static const FilterTestCase filter_test_cases[] = {
  { "no filters",                     0, { { 0 } },                                       NULL, 0, ALL_FRAMES },
  { "standard 0x123 exact",           1, { STD (0x123, 0x7FF) },                          NULL, 0, F (0) | F (4) },
  { "extended 0x123 exact",           1, { EXT (0x123, 0x1FFFFFFF) },                     NULL, 0, F (5) },
  { "either width 0x123/0x7FF",       1, { ANY (0x123, 0x7FF) },                          NULL, 0, F (0) | F (4) | F (5) | F (7) },
  { "standard range 0x100-0x1FF",     1, { STD (0x100, 0x700) },                          NULL, 0, F (0) | F (3) | F (4) },
  { "inverted either width",          1, { NOT_ANY (0x123, 0x7FF) },                      NULL, 0, F (1) | F (2) | F (3) | F (6) | F (8) | F (9) },
  { "inverted standard only",         1, { NOT_STD (0x123, 0x7FF) },                      NULL, 0, ALL_FRAMES & ~(F (0) | F (4)) },
  { "inverted extended exact",        1, { NOT_EXT (0x1ABCDEF0, 0x1FFFFFFF) },            NULL, 0, ALL_FRAMES & ~(F (6) | F (9)) },
  { "two filters, either passes",     2, { STD (0x7FF, 0x7FF), EXT (0x1ABCDEF0, 0x1FFFFFFF) }, NULL, 0, F (1) | F (6) | F (9) },
  { "either width, mask 0",           1, { ANY (0, 0) },                                  NULL, 0, ALL_FRAMES },
  { "standard only, mask 0",          1, { STD (0, 0) },                                  NULL, 0, F (0) | F (1) | F (2) | F (3) | F (4) },
  { "extended only, mask 0",          1, { EXT (0, 0) },                                  NULL, 0, F (5) | F (6) | F (7) | F (8) | F (9) },
  { "extended, low 11 bits 0x123",    1, { EXT (0x123, 0x7FF) },                          NULL, 0, F (5) | F (7) },
  { "standard id above 11 bits",      1, { STD (0x800, 0xFFF) },                          NULL, 0, 0 },
  { "inverted id above 11 bits",      1, { NOT_STD (0x800, 0xFFF) },                      NULL, 0, ALL_FRAMES },
  { "id above 29 bits",               1, { ANY (0x20000000, 0xFFFFFFFF) },                NULL, 0, 0 },
  { "inverted mask 0",                1, { NOT_ANY (0, 0) },                              NULL, 0, 0 },
  { "parsed 123~7FF",                 0, { { 0 } },                                       "123~7FF", 0, F (1) | F (2) | F (3) | F (6) | F (8) | F (9) },
  { "parsed 1ABCDEF0:1FFFFFFF",       0, { { 0 } },                                       "1ABCDEF0:1FFFFFFF", 0, F (6) | F (9) },
  { "600 filters (software)",         1, { STD (0x123, 0x7FF) },                          NULL, 600, F (0) | F (4) },
};

#undef STD
#undef EXT
#undef ANY
#undef NOT_STD
#undef NOT_EXT
#undef NOT_ANY

static inline void
filter_test_frame_to_message (const FilterTestFrame *frame,
                              guint                  index,
                              CanopyMessage         *msg)
{
  const guint8 data[2] = { (guint8) index, 0xA5 };

  canopy_message_init (msg, frame->id, frame->extended, frame->remote ? NULL : data,
                       frame->remote ? 0 : sizeof data);
  if (frame->remote)
    {
      canopy_message_set_remote (msg, TRUE);
      canopy_message_set_dlc (msg, 2);
    }
}

/* The filters of @test_case as an array (free it with g_free()). */
static inline CanopyFilter *
filter_test_case_build (const FilterTestCase *test_case,
                        guint                *n_filters)
{
  CanopyFilter *filters;

  if (test_case->parse != NULL)
    {
      g_autoptr(GError) error = NULL;

      filters = canopy_filter_parse (test_case->parse, &error);
      g_assert_no_error (error);
      *n_filters = 1;
      return filters;
    }

  if (test_case->repeat > 0)
    {
      filters = g_new (CanopyFilter, test_case->repeat);
      for (guint i = 0; i < test_case->repeat; i++)
        filters[i] = test_case->filters[0];
      *n_filters = test_case->repeat;
      return filters;
    }

  *n_filters = test_case->n_filters;
  return g_memdup2 (test_case->filters, sizeof (CanopyFilter) * MAX (test_case->n_filters, 1));
}

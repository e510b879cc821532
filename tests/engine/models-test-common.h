/* models-test-common.h — running the main context for the model tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The models publish on the thread-default main context; these helpers run
 * it as an application's main loop would, without blocking forever when a
 * publication never comes (the test then fails at its deadline).
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs the main context until @model has @n_items, failing after 20 s. */
static inline void
models_test_wait_for_n_items (GListModel *model,
                              guint       n_items)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (g_list_model_get_n_items (model) != n_items)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* Runs the main context for 60 ms: every pending publication runs. */
static inline void
models_test_settle (void)
{
  gint64 until = g_get_monotonic_time () + 60 * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* An ::items-changed handler counting emissions in @n_emissions. */
static inline void
models_test_count_items_changed (GListModel *model,
                                 guint       position,
                                 guint       removed,
                                 guint       added,
                                 guint      *n_emissions)
{
  (*n_emissions)++;
}

G_END_DECLS

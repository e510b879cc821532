/* bench-common.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "bench-common.h"

#ifdef G_OS_UNIX
# include <sys/resource.h>
#endif

int
bench_compare_gint64 (gconstpointer a,
                      gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

double
bench_percentile_us (GArray *sorted,
                     double  p)
{
  double rank;

  if (sorted->len == 0)
    return NAN;
  rank = CLAMP (ceil (p * sorted->len) - 1, 0, sorted->len - 1);
  return g_array_index (sorted, gint64, (guint) rank) / 1000.0;
}

gint64
bench_median_of (const gint64 *values,
                 guint         n)
{
  g_autoptr(GArray) copy = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);

  g_array_append_vals (copy, values, n);
  g_array_sort (copy, bench_compare_gint64);
  return g_array_index (copy, gint64, n / 2);
}

void
bench_sort_summary (gint64 *values,
                    guint   n,
                    gint64 *p50,
                    gint64 *p99,
                    gint64 *max)
{
  qsort (values, n, sizeof *values, bench_compare_gint64);
  *p50 = values[n / 2];
  *p99 = values[(guint) (n * 0.99)];
  *max = values[n - 1];
}

double
bench_cpu_seconds (void)
{
#ifdef G_OS_UNIX
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
#else
  return 0;
#endif
}

void
bench_print_load_average (void)
{
  g_autofree char *loadavg = NULL;

  if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
    g_print (", load average %s", g_strchomp (loadavg));
}

char *
bench_run_python (const char        *script,
                  const char *const *args)
{
  g_autofree char *path = g_build_filename (BENCH_SOURCE_DIR, script, NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer) "/usr/bin/python3");
  g_ptr_array_add (argv, path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("python3-can run failed: %s\n", error->message);
      return NULL;
    }

  return g_steal_pointer (&out);
}

static void counter_iface_init (CanopyListenerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BenchCounter, bench_counter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CANOPY_TYPE_LISTENER, counter_iface_init))

static void
counter_on_message_received (CanopyListener      *listener,
                             const CanopyMessage *msg)
{
  BenchCounter *self = BENCH_COUNTER (listener);

  self->func (self, msg);
}

static void
counter_iface_init (CanopyListenerInterface *iface)
{
  iface->on_message_received = counter_on_message_received;
}

static void
bench_counter_finalize (GObject *object)
{
  BenchCounter *self = BENCH_COUNTER (object);

  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (bench_counter_parent_class)->finalize (object);
}

static void
bench_counter_class_init (BenchCounterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_counter_finalize;
}

static void
bench_counter_init (BenchCounter *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
}

BenchCounter *
bench_counter_new (BenchCounterFunc func)
{
  BenchCounter *self = g_object_new (BENCH_TYPE_COUNTER, NULL);

  self->func = func;
  return self;
}

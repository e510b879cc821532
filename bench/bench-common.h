/* bench-common.h — what the benchmarks share: order statistics, running
 * the python3-can counterpart, and a counting listener.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>

G_BEGIN_DECLS

/* A GCompareFunc (and qsort() comparator) for gint64 values. */
int      bench_compare_gint64   (gconstpointer   a,
                                 gconstpointer   b);
/* The value of rank ceil(p × n) of a sorted GArray of nanoseconds, in µs;
 * NAN when empty. */
double   bench_percentile_us    (GArray         *sorted,
                                 double          p);
/* The median of @n values (not modified). */
gint64   bench_median_of        (const gint64   *values,
                                 guint           n);
/* Sorts @values and picks the median, the value at 99 % and the largest. */
void     bench_sort_summary     (gint64         *values,
                                 guint           n,
                                 gint64         *p50,
                                 gint64         *p99,
                                 gint64         *max);
/* CPU seconds of the whole process (all threads): on a shared machine the
 * wall clock depends on the neighbours, this does not. 0 where unknown. */
double   bench_cpu_seconds      (void);
/* Prints ", load average …" when the system tells it. */
void     bench_print_load_average (void);
/* Runs /usr/bin/python3 on @script (in the bench source directory) with
 * @args; its standard output, or NULL after printing why it failed. */
char    *bench_run_python       (const char     *script,
                                 const char     *const *args);

/* A listener that hands each frame to @func on the notifier's thread; the
 * fields are for @func and the benchmark to share. */
#define BENCH_TYPE_COUNTER (bench_counter_get_type ())
G_DECLARE_FINAL_TYPE (BenchCounter, bench_counter, BENCH, COUNTER, GObject)

typedef void (*BenchCounterFunc) (BenchCounter        *self,
                                  const CanopyMessage *msg);

struct _BenchCounter
{
  GObject           parent_instance;
  BenchCounterFunc  func;
  GMutex            mutex;
  GCond             cond;
  guint64           received;
  /* Sequence check */
  guint64           out_of_order;
  guint32           next;
  /* Throughput and latency */
  guint64           target;
  gint64            last_ns;
  gint64           *latencies;
  guint             n_latencies;
  guint             max_latencies;
};

BenchCounter *bench_counter_new (BenchCounterFunc func);

G_END_DECLS

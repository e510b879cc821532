/* canopy-trace-format.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>

G_BEGIN_DECLS

/* How the trace shows time; the nicks are the GSettings `time-format` values. */
typedef enum
{
  CANOPY_TIME_ABSOLUTE,
  CANOPY_TIME_RELATIVE,
  CANOPY_TIME_DELTA,
} CanopyTimeFormat;

/* Big enough for any cell: 64 data bytes with highlight markup around each. */
#define CANOPY_TRACE_CELL_SIZE 4096

CanopyTimeFormat canopy_time_format_from_string   (const char          *nick);
void             canopy_trace_format_time         (char                *buf,
                                                   gsize                size,
                                                   CanopyTimeFormat     format,
                                                   gint64               timestamp_ns,
                                                   gint64               reference_ns);
void             canopy_trace_format_id           (char                *buf,
                                                   gsize                size,
                                                   const CanopyMessage *msg);
void             canopy_trace_format_flags        (char                *buf,
                                                   gsize                size,
                                                   const CanopyMessage *msg);
const char      *canopy_trace_format_direction    (const CanopyMessage *msg);
void             canopy_trace_format_data         (char                *buf,
                                                   gsize                size,
                                                   const CanopyMessage *msg,
                                                   guint64              changed_mask);
void             canopy_trace_format_ascii        (char                *buf,
                                                   gsize                size,
                                                   const CanopyMessage *msg);
void             canopy_trace_format_period       (char                *buf,
                                                   gsize                size,
                                                   gint64               period_ns);
char            *canopy_format_count              (guint64              n);
void             canopy_format_skipped            (GString             *text,
                                                   guint64              n_skipped,
                                                   const char * const  *reasons);

G_END_DECLS

/* canopy-tool-common.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <canopy.h>

G_BEGIN_DECLS

/* What every tool takes, as python-can's scripts: -i, -c, -v, -o KEY=VALUE. */
typedef struct
{
  char  *interface;
  char  *channel;
  char **options;
  int    verbosity;
  char  *interface_help;  /* GOption keeps a pointer to it */
} CanopyToolBusOptions;

void            canopy_tool_add_bus_options      (GOptionContext        *context,
                                                  CanopyToolBusOptions  *bus_options);
/* A context with @summary, the bus options when @bus_options is not NULL,
 * and @entries. */
GOptionContext *canopy_tool_option_context_new   (const char            *summary,
                                                  CanopyToolBusOptions  *bus_options,
                                                  const GOptionEntry    *entries);
/* Adds each "KEY=VALUE" of @args to @options (newly allocated strings). */
gboolean        canopy_tool_parse_driver_options (char                 **args,
                                                  GHashTable            *options,
                                                  GError               **error);
CanopyBus      *canopy_tool_open_bus             (CanopyToolBusOptions  *bus_options,
                                                  GHashTable            *extra_options,
                                                  GError               **error);
/* With -v, says on stderr which bus was opened. */
void            canopy_tool_report_connected     (CanopyToolBusOptions  *bus_options,
                                                  CanopyBus             *bus);
/* Prints "@tool: <message of @error>" on stderr and returns @status, the
 * exit status for main() to return. */
int             canopy_tool_fail                 (const char            *tool,
                                                  const GError          *error,
                                                  int                    status);
void            canopy_tool_bus_options_clear    (CanopyToolBusOptions  *bus_options);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CanopyToolBusOptions, canopy_tool_bus_options_clear)
GArray         *canopy_tool_parse_filters        (char                 **filter_args,
                                                  GError               **error);
/* Says on stderr how many lines or objects @reader skipped, and why. */
void            canopy_tool_report_skipped       (const char            *tool,
                                                  CanopyLogReader       *reader);
void            canopy_tool_report_converter_skipped (const char         *tool,
                                                       CanopyLogConverter *converter);
void            canopy_tool_catch_interrupt      (void);
gboolean        canopy_tool_interrupted          (void);
/* Cancelled on the first interrupt (after canopy_tool_catch_interrupt()):
 * hand it to library calls that may take long. A tool that has not
 * stopped 3 s after the interrupt is ended. */
GCancellable   *canopy_tool_get_cancellable      (void);

G_END_DECLS

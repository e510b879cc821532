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

void         canopy_tool_add_bus_options   (GOptionContext        *context,
                                            CanopyToolBusOptions  *bus_options);
CanopyBus   *canopy_tool_open_bus          (CanopyToolBusOptions  *bus_options,
                                            GHashTable            *extra_options,
                                            GError               **error);
void         canopy_tool_bus_options_clear (CanopyToolBusOptions  *bus_options);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CanopyToolBusOptions, canopy_tool_bus_options_clear)
GArray      *canopy_tool_parse_filters     (char                 **filter_args,
                                            GError               **error);
void         canopy_tool_catch_interrupt   (void);
gboolean     canopy_tool_interrupted       (void);

G_END_DECLS

/* canopy-vendor-library-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gmodule.h>

G_BEGIN_DECLS

/* Loading a vendor's C library at run time, so that Canopy builds and runs
 * without any SDK installed. A driver lists the file names the vendor
 * ships for each system and the entry points it calls; the option
 * `library` or an environment variable (CANOPY_PCAN_LIBRARY, …) names
 * another file, such as the simulated libraries of the tests. */

typedef struct
{
  const char *name;
  gpointer   *address;
  gboolean    optional;
} CanopyVendorSymbol;

GModule *_canopy_vendor_library_open (const char                *interface,
                                      const char                *explicit_path,
                                      const char                *env_variable,
                                      const char * const        *file_names,
                                      const CanopyVendorSymbol  *symbols,
                                      guint                      n_symbols,
                                      GError                   **error);

G_END_DECLS

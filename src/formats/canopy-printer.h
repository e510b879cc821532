/* canopy-printer.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include "canopy-log-writer.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_PRINTER (canopy_printer_get_type ())

CANOPY_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (CanopyPrinter, canopy_printer, CANOPY, PRINTER, CanopyLogWriter)

CANOPY_AVAILABLE_IN_ALL
CanopyPrinter *canopy_printer_new            (const char     *path,
                                              GError        **error);
CANOPY_AVAILABLE_IN_ALL
const char    *canopy_printer_get_path       (CanopyPrinter  *self);
CANOPY_AVAILABLE_IN_ALL
guint64        canopy_printer_get_written    (CanopyPrinter  *self);
CANOPY_AVAILABLE_IN_ALL
GError        *canopy_printer_dup_error      (CanopyPrinter  *self);

G_END_DECLS
